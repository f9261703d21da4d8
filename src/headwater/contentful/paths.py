"""Path prefixes of the CMA URL table: every environment-scoped route is also served under the
environment-less short form (`/spaces/{s}/…`), which the hosted API routes to `master`."""

from __future__ import annotations

SPACE = "/spaces/{space_id}"
ENVIRONMENT = SPACE + "/environments/{environment_id}"
BASES = (ENVIRONMENT, SPACE)
MASTER = "master"
