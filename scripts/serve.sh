#!/usr/bin/env bash
# Start Headwater on the embedded default (SQLite + local files in ./headwater-data).
# Creates ./.venv on first use; extra arguments go to `headwater serve` (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/headwater ] || [ pyproject.toml -nt .venv/.installed ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e .
  touch .venv/.installed
fi
exec .venv/bin/headwater serve "$@"
