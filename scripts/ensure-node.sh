#!/usr/bin/env bash
# Installs Node.js and npm when missing, then the web UI's npm packages (package-lock.json) and
# copies htmx into src/Likeperson/Web/wwwroot/lib, which the build embeds in the assembly; and the tests' OpenID
# Connect provider (tests/oidc).
# No CDN at run time: the server serves this copy. (axe-core stays in node_modules: only the
# browser tests inject it.)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npm >/dev/null; then
  echo "==> npm not found: installing Debian's nodejs and npm packages (needs apt)"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
web=src/Likeperson/Web
lib=$web/wwwroot/lib
if [ ! -d "$web/node_modules" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
  echo "==> Installing the web UI's npm packages"
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
# The tests' OpenID Connect provider (oidc-provider, started by tests/Likeperson.Tests/Infrastructure/TestProvider.cs).
oidc=tests/oidc
if [ ! -d "$oidc/node_modules" ] || [ "$oidc/package-lock.json" -nt "$oidc/node_modules/.package-lock.json" ]; then
  echo "==> Installing the test OpenID provider's npm packages"
  (cd "$oidc" && npm ci --no-audit --no-fund --loglevel=error)
fi
mkdir -p "$lib"
cp "$web/node_modules/htmx.org/dist/htmx.min.js" "$lib/htmx.min.js"
