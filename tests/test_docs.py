"""Documentation that must stay true: every setting is documented; every route is in COMPATIBILITY."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.routing import Route

from headwater.app import create_app
from headwater.config import Settings, setting_names
from headwater.platform import routing

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "CONFIGURATION.md").read_text()
    missing = [name for name in setting_names() if f"`{name}`" not in text]
    assert not missing, f"undocumented settings: {missing}"


def _normalise(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_every_served_route_is_listed_as_done() -> None:
    text = (DOCS / "COMPATIBILITY.md").read_text()
    done: set[tuple[str, str]] = set()
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 3 and cells[2].strip("`*") in {"done", "partial"}:
            path = cells[1].strip("`")
            if path.startswith("/") and not path.startswith("/v2") and "/projects/" in path[:12]:
                path = "/v2" + path
            for method in cells[0].replace("`", "").split("/"):
                done.add((method.strip().upper(), _normalise(path)))
    app = create_app(Settings())
    missing = []
    for route in routing.flatten(app.routes):
        if not isinstance(route, Route) or route.path in {"/healthz", "/readyz"}:
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            path = _normalise(route.path)
            candidates = {path, path.removeprefix("/v2")}
            if not any((method, c) in done for c in candidates):
                missing.append(f"{method} {route.path}")
    assert not missing, f"routes served but not marked done/partial in COMPATIBILITY.md: {missing}"
