#!/usr/bin/env bash
# Quick start: run Inflow with the demo organisation on a private Postgres
# under ./inflow-data (installs the PostgreSQL server package when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/ensure-postgres.sh
exec cargo run --release -- serve --demo "$@"
