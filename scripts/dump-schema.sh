#!/usr/bin/env bash
# Rewrites src/Likeperson/Database/schema.sql: the schema-only dump of a freshly migrated throwaway
# database, normalised exactly as SchemaFileTests compares it. Run it after adding a migration.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/ensure-postgres.sh
dotnet build tests/Likeperson.Tests -c Release -nologo -clp:ErrorsOnly
LIKEPERSON_WRITE_SCHEMA=1 dotnet test tests/Likeperson.Tests -c Release --no-build \
  --filter "FullyQualifiedName~SchemaFileTests" --logger "console;verbosity=minimal"
git --no-pager diff --stat -- src/Likeperson/Database/schema.sql
