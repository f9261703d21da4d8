"""Contentful error bodies: `{sys: {type: "Error", id}, message, details?, requestId}`.

The SDKs name their exceptions after `sys.id` and downstream tools switch on it, so ids are exact.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

MEDIA_TYPE = "application/vnd.contentful.management.v1+json"


class ContentfulError(Exception):
    def __init__(
        self,
        status: int,
        error_id: str,
        message: str | None = None,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message or error_id)
        self.status = status
        self.error_id = error_id
        self.message = message
        self.details = details
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {"sys": {"type": "Error", "id": self.error_id}}
        if self.message is not None:
            out["message"] = self.message
        if self.details is not None:
            out["details"] = self.details
        out["requestId"] = request_id
        return out

    def response(self, request_id: str, extra_headers: dict[str, str] | None = None) -> Response:
        headers = {"X-Contentful-Request-Id": request_id, **self.headers, **(extra_headers or {})}
        return Response(msgspec.json.encode(self.body(request_id)), self.status, headers, MEDIA_TYPE)


def bad_request(message: str, details: Any = None) -> ContentfulError:
    return ContentfulError(400, "BadRequest", message, details)


def invalid_json(detail: str) -> ContentfulError:
    return bad_request(f"Invalid JSON in request body: {detail}")


def access_token_invalid() -> ContentfulError:
    return ContentfulError(401, "AccessTokenInvalid", "The access token you sent could not be found or is invalid.")


def access_denied(reasons: list[str] | None = None) -> ContentfulError:
    return ContentfulError(403, "AccessDenied", "You don't have access to this resource.", {"reasons": reasons or []})


def not_found(kind: str, object_id: str, space: str | None = None, environment: str | None = None) -> ContentfulError:
    details: dict[str, Any] = {"type": kind, "id": object_id}
    if space is not None:
        details["space"] = space
    if environment is not None:
        details["environment"] = environment
    return ContentfulError(404, "NotFound", "The resource could not be found.", details)


def unknown_route() -> ContentfulError:
    return ContentfulError(
        404, "UnknownRoute", "The path you tried to reach is unknown or doesn't support this HTTP method."
    )


def version_mismatch() -> ContentfulError:
    return ContentfulError(409, "VersionMismatch")


def validation_failed(errors: list[dict[str, Any]]) -> ContentfulError:
    return ContentfulError(422, "ValidationFailed", "Validation error", {"errors": errors})


def unknown_keys(keys: list[str]) -> ContentfulError:
    return ContentfulError(400, "UnknownKey", "The body you sent contains an unknown key.", {"keys": keys})


def payload_too_large(limit: int) -> ContentfulError:
    return ContentfulError(
        413, "RequestEntityTooLarge", f"The request body is too large. The maximum size is {limit} bytes."
    )


def unsupported_media_type(message: str) -> ContentfulError:
    # The hosted 415's `sys.id` is not recorded anywhere available; this is its HTTP reason phrase.
    return ContentfulError(415, "UnsupportedMediaType", message)


def rate_limited() -> ContentfulError:
    return ContentfulError(
        429,
        "RateLimitExceeded",
        "You have exceeded the rate limit of the Organization this Space belongs to by making too many API "
        "requests within a short timespan. Please wait a moment before trying the request again.",
    )


def server_error() -> ContentfulError:
    return ContentfulError(500, "ServerError", "Internal server error.")
