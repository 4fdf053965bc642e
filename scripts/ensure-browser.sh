#!/usr/bin/env bash
# Install what the browser tests need when it is missing: Debian's Chromium
# and ChromeDriver (no downloaded browsers), and axe-core from the npm
# registry at the exact version in package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromedriver >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ]; then
  echo "Chromium or ChromeDriver not found; installing Debian's chromium and chromium-driver…" >&2
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  npm ci --no-audit --no-fund --silent
fi
