#!/usr/bin/env bash
# Install everything the tests need (Python venv, the official JS SDKs) and run the whole suite:
# lint, type check, unit + HTTP tests on SQLite and PostgreSQL, end-to-end tests with the SDKs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
hw_ensure_venv test
if [ -f tests/e2e/node/package.json ]; then
  if command -v npm >/dev/null 2>&1; then
    (cd tests/e2e/node && npm ci --no-audit --no-fund --loglevel=error)
  else
    echo "npm not found: the JS SDK end-to-end tests will be skipped (they need Node.js 20 or newer)" >&2
  fi
fi
echo "== ruff"; .venv/bin/ruff check src tests bench
echo "== mypy"; .venv/bin/mypy
echo "== pytest"; .venv/bin/python -m pytest "$@"
