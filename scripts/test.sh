#!/usr/bin/env bash
# Run the whole test suite (installs the PostgreSQL server package when
# missing). The tests start their own private Postgres; set DATABASE_URL to
# use an existing server instead.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-postgres.sh
exec cargo test "$@"
