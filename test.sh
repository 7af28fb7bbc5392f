#!/usr/bin/env bash
# Runs every test: SQL rules, API end to end, stream, notifications, jobs (real PostgreSQL, a
# throwaway cluster per run). Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")"
scripts/ensure-postgres.sh
scripts/ensure-node.sh      # the web UI's assets (htmx), axe-core for the accessibility audit, the test OpenID provider
scripts/ensure-chromium.sh  # the browser tests drive Debian's Chromium
echo "==> Building"
dotnet build Likeperson.slnx -c Release -nologo -clp:ErrorsOnly
echo "==> Running the tests"
mkdir -p TestResults
set +e
dotnet test Likeperson.slnx -c Release --no-build --logger "console;verbosity=normal" --logger "trx;LogFilePrefix=results" \
  --results-directory TestResults 2>&1 | tee TestResults/test-output.log
status=${PIPESTATUS[0]}
set -e
sum() { grep -hoE "$1: +[0-9]+" TestResults/test-output.log | awk '{s += $2} END {print s + 0}'; }
echo "$(sum Passed) passed, $(sum Failed) failed"
exit "$status"
