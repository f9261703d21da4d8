#!/usr/bin/env bash
# Start Headwater on the embedded default (SQLite + local files in ./headwater-data).
# Creates ./.venv on first use (shared with test.sh); extra arguments go to `headwater serve` (try --help).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/venv.sh
hw_ensure_venv base
exec .venv/bin/headwater serve "$@"
