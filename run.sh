#!/usr/bin/env bash
# Runs Likeperson on http://127.0.0.1:5080 with its embedded PostgreSQL (in .data/postgres) and
# the demo organisation, then prints how to sign in as each demo person. Ctrl+C stops both.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-postgres.sh
scripts/ensure-node.sh
echo "==> Building and starting Likeperson (first start initialises the database: ~10 s)"
exec dotnet run --project src/Likeperson -c Release -- \
  --urls http://127.0.0.1:5080 --environment Development --Demo:Seed=true \
  --Database:DataDirectory="$PWD/.data/postgres"
