#!/usr/bin/env bash
# Install the PostgreSQL server programs (initdb, pg_ctl, psql) when they are
# missing. Inflow runs its own private cluster from them; nothing is configured
# system-wide beyond what the Debian/Ubuntu package does.
set -euo pipefail
if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  exit 0
fi
echo "PostgreSQL server programs not found; installing the postgresql package…" >&2
sudo=""
[ "$(id -u)" = 0 ] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgresql-contrib >/dev/null
