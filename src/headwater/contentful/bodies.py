"""Body checks shared by spaces, environments and locales, whose hosted validation errors use
plain-string paths (`"name"`, `"code"`, `"sys.id"`) and snake-cased unknown keys."""

from __future__ import annotations

import re
from typing import Any

from headwater.contentful import errors

MAX_NAME_LENGTH = 255
# BCP 47-shaped codes (`en`, `en-US`, `zh-Hant-TW`, `tlg`); the hosted API's fixed code list is not public.
LOCALE_CODE_RE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
MAX_LOCALE_CODE_LENGTH = 35

IGNORED_KEYS = frozenset({"sys"})


def underscore(key: str) -> str:
    """The hosted API reports unknown keys in snake case (`unknownKey` comes back as `unknown_key`)."""
    key = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", key)
    key = re.sub(r"([a-z\d])([A-Z])", r"\1_\2", key)
    return key.replace("-", "_").lower()


def reject_unknown_keys(body: dict[str, Any], allowed: set[str]) -> None:
    """400 `UnknownKey` for keys the resource does not have; `sys` is read-only and ignored."""
    unknown = [underscore(k) for k in body if k not in allowed and k not in IGNORED_KEYS]
    if unknown:
        raise errors.unknown_keys(unknown)


def type_error(path: str, value: Any, expected: str) -> dict[str, Any]:
    return {
        "name": "type",
        "path": path,
        "value": value,
        "type": expected,
        "details": f'The type of "{path}" is incorrect, expected type: {expected}',
    }


def invalid(path: str, value: Any, details: str) -> dict[str, Any]:
    return {"name": "invalid", "path": path, "value": value, "details": details}


def required(path: str) -> dict[str, Any]:
    return {"name": "required", "path": path, "details": f'The property "{path}" is required here'}


def size_error(path: str, value: str, max_length: int) -> dict[str, Any]:
    return {
        "name": "size",
        "path": path,
        "value": value,
        "min": 1,
        "max": max_length,
        "details": f'The length of "{path}" must be between 1 and {max_length} characters',
    }


def check_name(body: dict[str, Any], problems: list[dict[str, Any]], *, default: str | None = None) -> str | None:
    """A required (unless `default` is given) non-empty `name` of at most 255 characters."""
    value = body.get("name")
    if value is None:
        if default is not None:
            return default
        problems.append(required("name"))
        return None
    if not isinstance(value, str):
        problems.append(type_error("name", value, "Symbol"))
        return None
    if not value.strip() or len(value) > MAX_NAME_LENGTH:
        problems.append(size_error("name", value, MAX_NAME_LENGTH))
        return None
    return value


def is_locale_code(value: str) -> bool:
    return len(value) <= MAX_LOCALE_CODE_LENGTH and bool(LOCALE_CODE_RE.match(value))
