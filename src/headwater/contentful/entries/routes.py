"""The entries URL table (joined into `contentful/routes.py`)."""

from __future__ import annotations

from starlette.routing import BaseRoute

routes: list[BaseRoute] = []
