#!/usr/bin/env bash
# Regenerate the sqlx offline query data (.sqlx/) against a throwaway Postgres
# with the migrations applied. With an argument, write it there instead (CI
# uses that to check that the committed .sqlx/ is current).
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-.sqlx}")

bindir=$(dirname "$(command -v initdb 2>/dev/null || ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n1)")
tmp=$(mktemp -d /tmp/inflow-sqlx-XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres "$tmp"
cleanup() { as_pg "$bindir/pg_ctl" -D "$tmp/data" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT

as_pg "$bindir/initdb" -D "$tmp/data" -U inflow --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$bindir/pg_ctl" -D "$tmp/data" -l "$tmp/data/log" -w \
  -o "-c listen_addresses='' -c unix_socket_directories='$tmp'" start >/dev/null
url="postgresql://inflow@localhost/postgres?host=$tmp"
for f in migrations/*.sql; do
  psql -q -v ON_ERROR_STOP=1 "$url" -f "$f" >/dev/null
done

rm -rf "$out" && mkdir -p "$out"
touch src/lib.rs
SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$out" DATABASE_URL="$url" cargo check --lib --quiet
echo "wrote $(ls "$out" | wc -l) query files to $out"
