"""What every new Contentful space starts with: a `master` environment holding the default locale.

Stored locale documents keep the wire fields (everything but `sys`) under `fields`, plus the ids of
the users who created and last updated them; `sys` is composed at read time because it links the
space and environment, which differ between an environment and its clones.
"""

from __future__ import annotations

import msgspec

from headwater.platform import ids
from headwater.storage import objects
from headwater.storage.database import Connection

LOCALE = "locale"


def locale_document(
    name: str,
    code: str,
    fallback_code: str | None,
    *,
    default: bool,
    user_id: str,
    content_management_api: bool = True,
    content_delivery_api: bool = True,
    optional: bool = False,
) -> dict[str, object]:
    return {
        "fields": {
            "name": name,
            "internal_code": code,
            "code": code,
            "fallbackCode": fallback_code,
            "default": default,
            "contentManagementApi": content_management_api,
            "contentDeliveryApi": content_delivery_api,
            "optional": optional,
        },
        "createdBy": user_id,
        "updatedBy": user_id,
    }


async def seed_environment(conn: Connection, env_pk: str, default_locale: str, user_id: str, now: str) -> str:
    locale_id = ids.contentful_id()
    doc = locale_document(locale_name(default_locale), default_locale, None, default=True, user_id=user_id)
    await objects.insert(
        conn, env_pk, LOCALE, locale_id, msgspec.json.encode(doc).decode(), codename=default_locale, created_at=now
    )
    return locale_id


def locale_name(code: str) -> str:
    """The display name of a locale created without one: the English name when known, else the code."""
    return {"en-US": "English (United States)"}.get(code, code)
