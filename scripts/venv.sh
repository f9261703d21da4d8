# shellcheck shell=bash
# Sourced by serve.sh, test.sh and headwater: one virtual environment in ./.venv, installed once.
#
# `.venv/.installed` records what was installed ("<pyproject digest> base|test"). A test install
# covers a base one, so `./scripts/serve.sh` right after `./scripts/test.sh` starts at once; a changed
# pyproject.toml (new pins) reinstalls.

hw_ensure_venv() {
  local want="$1" python="${PYTHON:-python3}" digest have_digest="" have_extra=""
  if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "Headwater needs Python 3.11 or newer; '$python' is $("$python" --version 2>&1). Set PYTHON=…" >&2
    exit 1
  fi
  digest="$(sha256sum pyproject.toml | cut -c1-16)"
  if [ -x .venv/bin/python ] && [ -f .venv/.installed ]; then
    read -r have_digest have_extra < .venv/.installed || true
    if [ "$have_digest" = "$digest" ] && { [ "$want" = base ] || [ "$have_extra" = test ]; }; then
      return 0
    fi
  fi
  # A venv that held the test extras keeps them when pyproject.toml changes under it.
  [ "$have_extra" = test ] && want=test
  [ -x .venv/bin/python ] || "$python" -m venv .venv
  echo "Installing Headwater into .venv (once) …" >&2
  .venv/bin/pip install --quiet --upgrade pip
  if [ "$want" = test ]; then
    .venv/bin/pip install --quiet -e ".[test]"
  else
    .venv/bin/pip install --quiet -e .
  fi
  echo "$digest $want" > .venv/.installed
}
