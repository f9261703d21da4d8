"""A small Kontent.ai Management API client for HTTP tests of content: types, items, variants."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support import kontent_headers

INVALID_BODY = (
    "The provided request body is invalid. See the 'validation_errors' attribute for more information and "
    "specify a valid JSON object."
)
ZERO = "00000000-0000-0000-0000-000000000000"


class Kontent:
    def __init__(self, http: httpx.Client, project: dict[str, Any]) -> None:
        self.http = http
        self.headers = kontent_headers(project["management_api_key"])
        self.base = f"/v2/projects/{project['environment_id']}"

    def request(self, method: str, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        if body is not None:
            kwargs["json"] = body
        return self.http.request(
            method, f"{self.base}{path}", headers={**self.headers, **kwargs.pop("headers", {})}, **kwargs
        )

    def ok(self, method: str, path: str, body: Any = None, status: int = 200) -> Any:
        r = self.request(method, path, body)
        assert r.status_code == status, r.text
        return r.json() if r.content else None

    def error(self, method: str, path: str, body: Any = None, status: int = 400) -> dict[str, Any]:
        r = self.request(method, path, body)
        assert r.status_code == status, r.text
        doc: dict[str, Any] = r.json()
        assert set(doc) >= {"request_id", "error_code", "message"}
        return doc

    # -- content model ---------------------------------------------------------------------------

    def add_type(self, codename: str, elements: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        doc: dict[str, Any] = self.ok(
            "POST", "/types", {"name": codename.title(), "codename": codename, "elements": elements, **extra}, 201
        )
        return doc

    def add_snippet(self, codename: str, elements: list[dict[str, Any]]) -> dict[str, Any]:
        doc: dict[str, Any] = self.ok(
            "POST", "/snippets", {"name": codename.title(), "codename": codename, "elements": elements}, 201
        )
        return doc

    def add_language(self, codename: str, **extra: Any) -> dict[str, Any]:
        body = {"name": codename, "codename": codename, "is_active": True, **extra}
        doc: dict[str, Any] = self.ok("POST", "/languages", body, 201)
        return doc

    # -- items and variants ----------------------------------------------------------------------

    def add_item(self, name: str, type_codename: str, **extra: Any) -> dict[str, Any]:
        doc: dict[str, Any] = self.ok(
            "POST", "/items", {"name": name, "type": {"codename": type_codename}, **extra}, 201
        )
        return doc

    def upsert(self, item: str, language: str, elements: list[dict[str, Any]], **extra: Any) -> httpx.Response:
        return self.request("PUT", f"/items/{item}/variants/{language}", {"elements": elements, **extra})

    def variant(self, item: str, language: str = f"{ZERO}") -> dict[str, Any]:
        doc: dict[str, Any] = self.ok("GET", f"/items/{item}/variants/{language}")
        return doc


def value_of(variant: dict[str, Any], element_id: str) -> dict[str, Any]:
    """The value object of one element in a variant response."""
    found: list[dict[str, Any]] = [v for v in variant["elements"] if v["element"]["id"] == element_id]
    assert len(found) == 1, variant["elements"]
    return found[0]


def element_id(type_doc: dict[str, Any], codename: str) -> str:
    for element in type_doc["elements"]:
        if element.get("codename") == codename:
            return str(element["id"])
    raise AssertionError(f"no element {codename}")
