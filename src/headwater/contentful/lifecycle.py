"""The publish/archive state machine shared by entries, assets and content types, and their `sys`.

Every state change costs one version (the Python SDK's `is_updated` and the CLIs rely on it):
create → 1; update +1; publish: `publishedVersion` = the version published, then +1; unpublish +1
(`publishedVersion`/`publishedAt` removed, `firstPublishedAt` and `publishedCounter` kept); archive:
`archivedVersion` = the version archived, then +1; unarchive +1. A published entity cannot be archived
or deleted; an archived one cannot be published or updated.
"""

from __future__ import annotations

from typing import Any

from headwater.contentful import errors, sys
from headwater.contentful.errors import ContentfulError
from headwater.storage.cfentities import StoredEntity
from headwater.storage.tenancy import Environment

Doc = dict[str, Any]


def bad_request(message: str) -> ContentfulError:
    return errors.bad_request(message)


def check_version(entity: StoredEntity, sent: int | None) -> None:
    """`X-Contentful-Version` must name the current version (409 `VersionMismatch` otherwise)."""
    if sent != entity.version:
        raise errors.version_mismatch()


def is_published(entity: StoredEntity) -> bool:
    return entity.published_version is not None


def is_archived(entity: StoredEntity) -> bool:
    return entity.archived_version is not None


def touch(entity: StoredEntity, user_id: str, now: str) -> None:
    """An update of the draft: one version."""
    entity.version += 1
    entity.updated_at = now
    entity.updated_by = user_id


def publish(entity: StoredEntity, user_id: str, now: str) -> None:
    if is_archived(entity):
        raise bad_request("Cannot publish archived")
    entity.published_version = entity.version
    entity.published_counter += 1
    entity.first_published_at = entity.first_published_at or now
    entity.published_at = now
    entity.published_by = user_id
    entity.published_data = entity.data
    touch(entity, user_id, now)


def unpublish(entity: StoredEntity, user_id: str, now: str) -> None:
    if not is_published(entity):
        raise bad_request("Not published")
    entity.published_version = None
    entity.published_at = None
    entity.published_by = None
    entity.published_data = None
    touch(entity, user_id, now)


def archive(entity: StoredEntity, user_id: str, now: str) -> None:
    if is_published(entity):
        raise bad_request("Cannot archive published")
    if is_archived(entity):
        raise bad_request("Already archived")
    entity.archived_version = entity.version
    entity.archived_at = now
    entity.archived_by = user_id
    touch(entity, user_id, now)


def unarchive(entity: StoredEntity, user_id: str, now: str) -> None:
    if not is_archived(entity):
        raise bad_request("Not archived")
    entity.archived_version = None
    entity.archived_at = None
    entity.archived_by = None
    touch(entity, user_id, now)


def check_deletable(entity: StoredEntity) -> None:
    if is_published(entity):
        raise bad_request("Cannot delete published")


def check_updatable(entity: StoredEntity) -> None:
    """An archived entity's draft is frozen until it is unarchived."""
    if is_archived(entity):
        raise bad_request("Cannot edit archived")


def base_sys(type_name: str, env: Environment, entity: StoredEntity) -> Doc:
    """`sys` of a versioned entity in the key order of the hosted API's current responses; callers add
    type-specific keys (`fieldStatus`, `automationTags`, `contentType`, `urn`, …) after it."""
    out: Doc = {
        "space": sys.link("Space", env.container_id),
        "id": entity.id,
        "type": type_name,
        "createdAt": sys.timestamp(entity.created_at),
        "updatedAt": sys.timestamp(entity.updated_at),
        "environment": sys.link("Environment", env.id),
    }
    if entity.published_version is not None:
        out["publishedVersion"] = entity.published_version
        out["publishedAt"] = sys.timestamp(entity.published_at)
    if entity.first_published_at is not None:
        out["firstPublishedAt"] = sys.timestamp(entity.first_published_at)
    if entity.archived_version is not None:
        out["archivedVersion"] = entity.archived_version
        out["archivedAt"] = sys.timestamp(entity.archived_at)
    out["createdBy"] = sys.user_link(entity.created_by)
    out["updatedBy"] = sys.user_link(entity.updated_by)
    out["publishedCounter"] = entity.published_counter
    out["version"] = entity.version
    if entity.published_version is not None:
        out["publishedBy"] = sys.user_link(entity.published_by or entity.updated_by)
    if entity.archived_version is not None:
        out["archivedBy"] = sys.user_link(entity.archived_by or entity.updated_by)
    return out
