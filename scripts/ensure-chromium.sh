#!/usr/bin/env bash
# Installs Debian's Chromium (the browser tests drive /usr/bin/chromium through Playwright's
# ExecutablePath: Playwright's own browser download cannot work here) when it is missing.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
echo "==> Chromium not found: installing Debian's chromium package (needs apt)"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
echo "==> Chromium installed: $(/usr/bin/chromium --version 2>/dev/null || echo /usr/bin/chromium)"
