#!/usr/bin/env bash
# Install everything the tests need (Python venv, the official JS SDKs) and run the whole suite:
# lint, type check, unit + HTTP tests on SQLite and PostgreSQL, end-to-end tests with the SDKs.
# Extra arguments go to pytest: `scripts/test.sh -q -k languages`, `scripts/test.sh tests/test_cli.py -n0`.
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
# In parallel (pytest-xdist): each worker is a session of its own, with its own servers, databases,
# ports and temp dirs. Measured on the 2-core machines (docs/ARCHITECTURE.md, Tests): 4 workers, as
# the suite also waits on subprocesses, sockets and PostgreSQL; HEADWATER_TEST_WORKERS sets another
# count. An -n of yours wins; -n0, -p no:xdist and --pdb run serially (for debugging).
workers=(-n "${HEADWATER_TEST_WORKERS:-4}")
dist=(--dist load)
for arg in "$@"; do
  case "$arg" in
    -n* | --numprocesses*) workers=() ;;
    --pdb | --trace) [ ${#workers[@]} -eq 0 ] || workers=(-n0) ;;
  esac
done
for arg in "$@"; do
  case "$arg" in *no:xdist) workers=() dist=() ;; esac
done
echo "== pytest"; .venv/bin/python -m pytest ${workers[@]+"${workers[@]}"} ${dist[@]+"${dist[@]}"} "$@"
