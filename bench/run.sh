#!/usr/bin/env bash
# One command for the load figures in BENCHMARKS.md: installs wrk and the
# PostgreSQL server when missing, builds the production binary (release with
# LTO, `--profile production`), then runs bench/bench.py (seed once, serve,
# wrk per page, pgbench floor, report).
# Extra arguments go to bench.py, e.g. `bench/run.sh --learners 10000 --compare 0`.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/ensure-postgres.sh
if ! command -v wrk >/dev/null || ! command -v pgbench >/dev/null; then
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -q wrk postgresql-client >/dev/null
fi
SQLX_OFFLINE=true cargo build --profile production --locked --quiet
exec python3 bench/bench.py "$@"
