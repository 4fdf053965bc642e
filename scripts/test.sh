#!/usr/bin/env bash
# Run the whole test suite, installing what it needs when missing: the
# PostgreSQL server package, Debian's Chromium and ChromeDriver, and
# axe-core (npm). The tests start their own private Postgres (set
# DATABASE_URL to use an existing server) and their own chromedriver.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-postgres.sh
./scripts/ensure-browser.sh
exec cargo test "$@"
