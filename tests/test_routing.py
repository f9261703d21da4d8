"""The joined-regex route index decides exactly as Starlette's linear scan over the same routes (the
router's loop, run once over the indexed table and once over the flat one)."""

from __future__ import annotations

import re

from starlette.routing import BaseRoute, Match, Route

from headwater.app import create_app
from headwater.config import Settings
from headwater.platform import routing

GUID = "1b5ab2c2-43f3-4ba4-a6a3-bfcd1a4f4a39"
SAMPLES = [GUID, "codename/hello_world", "external-id/ext-1", "abc123", "master"]
METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _resolve(routes: list[BaseRoute], scope: dict[str, object]) -> tuple[Match, object, dict[str, object]]:
    partial: tuple[Match, object, dict[str, object]] | None = None
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return match, child["endpoint"], child["path_params"]
        if match is Match.PARTIAL and partial is None:
            partial = (match, child["endpoint"], child["path_params"])
    return partial or (Match.NONE, None, {})


def _paths() -> list[str]:
    app = create_app(Settings())
    templates = {route.path for route in routing.flatten(app.routes) if isinstance(route, Route)}
    paths = {"/", "/nowhere", "/v2/projects", "/spaces/", "/spaces/x/environments/master/entries/"}
    for template in templates:
        for sample in SAMPLES:
            paths.add(re.sub(r"\{[^}]+\}", sample, template))
    return sorted(paths)


def test_every_path_and_method_resolves_as_the_linear_scan_does() -> None:
    app = create_app(Settings())
    flat = routing.flatten(app.routes)
    assert len(app.routes) < len(flat)  # the index is in place
    checked = 0
    for path in _paths():
        for method in METHODS:
            scope = {"type": "http", "path": path, "root_path": "", "method": method}
            assert _resolve(app.routes, scope) == _resolve(flat, scope), (method, path)
            checked += 1
    assert checked > 1000


def test_runs_around_other_route_kinds_keep_their_order() -> None:
    async def endpoint(_: object) -> None:  # pragma: no cover - never called
        return None

    class Other(BaseRoute):
        pass

    first, second = Route("/a", endpoint), Route("/b", endpoint)
    other = Other()
    joined = routing.indexed([first, other, second])
    assert [type(r) for r in joined] == [routing.IndexedRoutes, Other, routing.IndexedRoutes]
    assert routing.flatten(joined) == [first, other, second]
