"""Kontent.ai error bodies: `{request_id, error_code, message, validation_errors?}`.

Domain modules raise `KontentError` with the upstream API's own error codes; the pipeline renders it.
"""

from __future__ import annotations

from typing import Any

import msgspec
from starlette.responses import Response

INVALID_BODY = (
    "The provided request body is invalid. See the 'validation_errors' attribute for more information "
    "and specify a valid JSON object."
)
MEDIA_TYPE = "application/json; charset=utf-8"


class KontentError(Exception):
    def __init__(
        self,
        status: int,
        error_code: int,
        message: str,
        validation_errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code
        self.message = message
        self.validation_errors = validation_errors
        self.headers = headers or {}

    def body(self, request_id: str) -> dict[str, Any]:
        out: dict[str, Any] = {"request_id": request_id, "error_code": self.error_code, "message": self.message}
        if self.validation_errors is not None:
            out["validation_errors"] = self.validation_errors
        return out

    def response(self, request_id: str) -> Response:
        headers = {"X-Request-Id": request_id, **self.headers}
        return Response(msgspec.json.encode(self.body(request_id)), self.status, headers, MEDIA_TYPE)


def invalid(*messages: str, path: str | None = None) -> KontentError:
    """400 / error_code 5 with one validation error per message."""
    errors: list[dict[str, Any]] = []
    for message in messages:
        item: dict[str, Any] = {"message": message}
        if path is not None:
            item["path"] = path
        errors.append(item)
    return KontentError(400, 5, INVALID_BODY, errors)


def invalid_operation(index: int, message: str) -> KontentError:
    return invalid(f"Invalid operation with index '{index}': {message}")


def not_found(error_code: int, message: str) -> KontentError:
    return KontentError(404, error_code, message)


def unauthorized(message: str) -> KontentError:
    return KontentError(401, 0, message, headers={"WWW-Authenticate": "Bearer"})


def forbidden(error_code: int, message: str) -> KontentError:
    return KontentError(403, error_code, message)


def too_many_requests(retry_after: int) -> KontentError:
    return KontentError(
        429,
        10000,
        "API rate limit exceeded. Please retry your request later.",
        headers={"Retry-After": str(retry_after)},
    )


def route_not_found(path: str) -> KontentError:
    return KontentError(404, 0, f"The requested resource '{path}' was not found. Check the path for typos.")


def method_not_allowed(method: str, allowed: str) -> KontentError:
    return KontentError(
        405,
        0,
        f"The requested HTTP method '{method}' is not supported for the specified resource.",
        headers={"Allow": allowed},
    )


def payload_too_large(limit: int) -> KontentError:
    return KontentError(413, 0, f"The request body is too large. The maximum size is {limit} bytes.")


def unsupported_media_type(message: str) -> KontentError:
    return KontentError(415, 0, message)


def internal_error() -> KontentError:
    return KontentError(500, 0, "Something went wrong on our side. Try your request again after a few seconds.")
