"""Identifier generation for both dialects.

Kontent.ai uses GUIDs; an object created with an external id gets a name-based (v5) GUID so that a
reference made by that external id before the object existed resolves to the same id afterwards.
Contentful uses short random base62 ids (22 characters for most resources, 12 lowercase for spaces).
"""

from __future__ import annotations

import re
import secrets
import uuid

ZERO_GUID = "00000000-0000-0000-0000-000000000000"

_NAMESPACE = uuid.UUID("6f1c2c55-4d8e-4f0c-9a55-2b8f3e7d9a10")
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_SPACE_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
CONTENTFUL_ID_RE = re.compile(r"^[a-zA-Z0-9\-_.]{1,64}$")


def new_guid() -> str:
    return str(uuid.uuid4())


def guid_for_external_id(kind: str, external_id: str) -> str:
    """Deterministic id of the `kind` object that carries `external_id`."""
    return str(uuid.uuid5(_NAMESPACE, f"{kind}\x1f{external_id}"))


def is_guid(value: str) -> bool:
    return bool(_GUID_RE.match(value))


def normalize_guid(value: str) -> str:
    return value.lower()


def contentful_id(length: int = 22) -> str:
    return "".join(secrets.choice(_BASE62) for _ in range(length))


def contentful_space_id() -> str:
    return "".join(secrets.choice(_SPACE_ALPHABET) for _ in range(12))


def is_contentful_id(value: str) -> bool:
    """The hosted id rule `^[a-zA-Z0-9-_.]{1,64}$`, less ids made only of dots: `.` and `..` are
    path segments that clients and proxies normalise away, so such an object could never be
    addressed again."""
    return bool(CONTENTFUL_ID_RE.fullmatch(value)) and value.strip(".") != ""
