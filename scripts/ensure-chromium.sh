#!/usr/bin/env bash
# Makes sure Debian's Chromium is installed for the Playwright browser tests.
# In CI (CI=true) a missing browser is a failure; elsewhere, when it cannot be installed,
# the browser tests are skipped with a loud warning (they check FRONTDOOR_CHROMIUM).
set -u
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1
fi
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "${CI:-}" = "true" ]; then
  echo "ERROR: Debian's chromium is not installed and could not be installed; CI needs it." >&2
  exit 1
fi
cat >&2 <<'MSG'
**********************************************************************
WARNING: Debian's chromium is not installed and could not be installed
(run as root, or `sudo apt-get install chromium`). The browser and
accessibility tests WILL BE SKIPPED.
**********************************************************************
MSG
exit 0
