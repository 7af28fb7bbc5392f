#!/usr/bin/env bash
# Installs the PostgreSQL server binaries (initdb, pg_ctl, postgres) when the machine has none.
# The embedded database runs its own private cluster with them; nothing is configured system-wide.
set -euo pipefail
if compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null || command -v pg_ctl >/dev/null; then
  exit 0
fi
echo "==> PostgreSQL server binaries not found: installing Debian's postgresql package (needs apt)"
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
echo "==> PostgreSQL installed: $(ls -d /usr/lib/postgresql/*/bin | tail -n1)"
