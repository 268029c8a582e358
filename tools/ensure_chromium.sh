#!/usr/bin/env bash
# Make sure a headless Chromium is there for the browser tests.
# Playwright drives Debian's Chromium (/usr/bin/chromium): `playwright install`
# downloads its own browser build, which many networks (and CI here) forbid.
set -euo pipefail
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo present)"
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "chromium: installing Debian's package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  "$CHROMIUM" --version
elif command -v sudo >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "************************************************************************"
  echo "* chromium: NOT FOUND and cannot be installed here (not root, no apt).  *"
  echo "* Browser tests will be SKIPPED. Install Chromium and set CHROMIUM=path *"
  echo "* to run them. Under CI=true they fail instead of skipping.             *"
  echo "************************************************************************"
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
