"""The README's commands as a newcomer types them: `./scripts/headwater …` works from any directory,
shares `./.venv` with serve.sh and test.sh (no reinstall when the stamp is current), and reaches the
same data directory the server uses unless told otherwise."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support import clean_environ

ROOT = Path(__file__).resolve().parent.parent
WRAPPER = ROOT / "scripts" / "headwater"


def run_wrapper(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(WRAPPER), *args], cwd=cwd, env=clean_environ(**env), capture_output=True, text=True, timeout=120
    )


def test_wrapper_runs_headwater_from_any_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    created = run_wrapper("project", "create", "--name", "S", "--json", cwd=tmp_path, HEADWATER_DATA_DIR=f"{data}")
    assert created.returncode == 0, created.stderr
    project = json.loads(created.stdout)
    assert {"project_id", "environment_id", "management_api_key", "key_id"} <= set(project)
    listed = run_wrapper("project", "list", "--json", cwd=ROOT, HEADWATER_DATA_DIR=str(data))
    assert listed.returncode == 0, listed.stderr
    assert [p["project_id"] for p in json.loads(listed.stdout)["projects"]] == [project["project_id"]]
    assert (data / "headwater.db").is_file()


def test_wrapper_defaults_to_the_servers_data_directory(tmp_path: Path) -> None:
    """Without --data-dir or HEADWATER_DATA_DIR it uses <repo>/headwater-data, the directory
    ./scripts/serve.sh serves, wherever it is called from; an explicit flag still wins. Run from a
    copy of the repository's scripts (sharing its .venv) so the real ./headwater-data is untouched."""
    root = tmp_path / "checkout"
    (root / "scripts").mkdir(parents=True)
    for name in ("headwater", "venv.sh"):
        shutil.copy2(ROOT / "scripts" / name, root / "scripts" / name)
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    (root / ".venv").symlink_to(ROOT / ".venv")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    result = subprocess.run(
        [str(root / "scripts" / "headwater"), "space", "create", "--name", "Default dir", "--json"],
        cwd=elsewhere,
        env=clean_environ(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (root / "headwater-data" / "headwater.db").is_file()
    assert not (elsewhere / "headwater-data").exists()
    flagged = tmp_path / "flagged"
    created = run_wrapper("space", "create", "--name", "Flagged", "--json", "--data-dir", str(flagged), cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    assert (flagged / "headwater.db").is_file()


def test_scripts_share_one_install_stamp() -> None:
    """serve.sh and the wrapper accept a test install (test.sh's) as covering theirs."""
    stamp = ROOT / ".venv" / ".installed"
    if not stamp.is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("scripts/test.sh must write .venv/.installed")
        pytest.skip("the venv was not installed by scripts/ (run ./scripts/test.sh once)")
    digest, extra = stamp.read_text().split()
    assert extra == "test"
    check = subprocess.run(
        ["bash", "-c", "source scripts/venv.sh && hw_ensure_venv base && hw_ensure_venv test && echo ok"],
        cwd=ROOT,
        env={**clean_environ(), "PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert check.returncode == 0 and check.stdout.strip() == "ok", check.stderr
    assert "Installing" not in check.stderr
    assert stamp.read_text().split() == [digest, extra]
