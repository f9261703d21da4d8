"""Workflows: list, add, update (full replacement), delete, the deprecated default-workflow steps list,
and the workflow rules the variant and publishing code asks about.

A workflow is one stored document (kind `workflow`) in the wire shape `{id, name, codename, scopes:
[{content_types: [{id}], collections: [{id}]}], steps: [{id, name, codename, color, transitions_to:
[{step: {id}}], role_ids}], published_step, scheduled_step, archived_step}`, so GETs return it as
stored. References in bodies (`{codename: …}`, `{external_id: …}`) are resolved to ids on write.

Fixed ids. The default workflow is `00000000-…` in every environment; the Published, Scheduled and
Archived steps carry the same well-known ids in every workflow of every environment (the ids the
vendor's fixtures and SDK tests use), and the default workflow's Draft step the well-known Draft id.
Migration and sync tools compare these ids across environments, so they never vary.

Steps keep their ids across updates: a step sent with an `id` is that step; a step sent without one
takes over the step with the same codename (data-ops sync sends steps by codename only), otherwise it
is new. A step still holding variants cannot be removed, a workflow holding any cannot be deleted.

Environments created before workflows existed have no stored default workflow: `all_workflows`
materializes it on first use (every write here goes through it), and reads synthesize the identical
document without storing it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec
from starlette.responses import Response

from headwater.kontent import codenames, errors, references
from headwater.kontent.errors import KontentError
from headwater.kontent.model.elements import CONTENT_TYPE
from headwater.kontent.pipeline import Call, endpoint, no_content, respond
from headwater.kontent.references import InvalidReference, Reference
from headwater.platform import clock, ids
from headwater.storage import objects, tenancy, variants
from headwater.storage.database import Connection

WORKFLOW = "workflow"
WORKFLOW_PARAM = "workflow"
# The collection kind (`seed.COLLECTION`); seed imports this module, so the name is repeated here.
COLLECTION = "collection"

NOT_FOUND_CODE = 119
DEFAULT_NOT_DELETABLE_CODE = 235

DEFAULT_WORKFLOW_ID = ids.ZERO_GUID
DEFAULT_WORKFLOW_NAME = "Default"
DEFAULT_WORKFLOW_CODENAME = "default"
DEFAULT_DRAFT_STEP_ID = "eee6db3b-545a-4785-8e86-e3772c8756f9"
PUBLISHED_STEP_ID = "c199950d-99f0-4983-b711-6c4c91624b22"
SCHEDULED_STEP_ID = "9d2b0228-4d0d-4c23-8b49-01a698857709"
ARCHIVED_STEP_ID = "7a535a69-ad34-47f8-806a-def1fdf4d391"

# The closed list of step colors (the JS SDK's workflow contracts).
COLORS = (
    "gray",
    "red",
    "rose",
    "light-purple",
    "dark-purple",
    "dark-blue",
    "light-blue",
    "sky-blue",
    "mint-green",
    "persian-green",
    "dark-green",
    "light-green",
    "yellow",
    "pink",
    "orange",
    "brown",
)
MAX_NAME_LENGTH = 200
NAME_RULE = f"Provide a nonempty workflow name that fits within {MAX_NAME_LENGTH} characters."
STEP_NAME_RULE = f"Provide a nonempty step name that fits within {MAX_NAME_LENGTH} characters."
SCOPES_MISSING = "The 'scopes' property is missing. Provide at least an empty array."
STEPS_MISSING = "The 'steps' property is missing. Provide at least one workflow step."
NO_STEPS = "The workflow has no steps. Provide at least one workflow step."
DEFAULT_LIMITED = (
    "The default workflow cannot be limited to specific content types or collections: its scopes must not list "
    "any, so that every content item has a workflow available."
)

StepKind = Literal["custom", "published", "scheduled", "archived"]
Doc = dict[str, Any]

# System steps: (kind, id, name, codename), in the order the deprecated steps list shows them.
_SYSTEM_STEPS: tuple[tuple[StepKind, str, str, str], ...] = (
    ("scheduled", SCHEDULED_STEP_ID, "Scheduled", "scheduled"),
    ("published", PUBLISHED_STEP_ID, "Published", "published"),
    ("archived", ARCHIVED_STEP_ID, "Archived", "archived"),
)
_SYSTEM_KEYS: dict[StepKind, str] = {
    "published": "published_step",
    "scheduled": "scheduled_step",
    "archived": "archived_step",
}
_SYSTEM_BY_ID = {step_id: kind for kind, step_id, _, _ in _SYSTEM_STEPS}
_SYSTEM_BY_CODENAME = {codename: kind for kind, _, _, codename in _SYSTEM_STEPS}
_SYSTEM_ID_BY_CODENAME = {codename: step_id for _, step_id, _, codename in _SYSTEM_STEPS}
_SYSTEM_LABELS = {kind: name for kind, _, name, _ in _SYSTEM_STEPS}


def not_found(identifier: str) -> KontentError:
    return errors.not_found(NOT_FOUND_CODE, f"The requested workflow '{identifier}' was not found.")


def _encode(doc: Doc) -> str:
    return msgspec.json.encode(doc).decode()


def _show(value: object) -> str:
    return f"'{value}'" if isinstance(value, str) else "value"


# -- the default workflow -------------------------------------------------------------------------


def system_steps(
    unpublish_role_ids: list[str] | None = None,
    create_new_version_role_ids: list[str] | None = None,
    archived_role_ids: list[str] | None = None,
) -> Doc:
    """The `published_step`, `scheduled_step` and `archived_step` of a workflow, with their role arrays."""
    return {
        "published_step": {
            "id": PUBLISHED_STEP_ID,
            "name": "Published",
            "codename": "published",
            "unpublish_role_ids": list(unpublish_role_ids or []),
            "create_new_version_role_ids": list(create_new_version_role_ids or []),
        },
        "scheduled_step": {"id": SCHEDULED_STEP_ID, "name": "Scheduled", "codename": "scheduled"},
        "archived_step": {
            "id": ARCHIVED_STEP_ID,
            "name": "Archived",
            "codename": "archived",
            "role_ids": list(archived_role_ids or []),
        },
    }


def default_workflow(codename: str = DEFAULT_WORKFLOW_CODENAME) -> Doc:
    """The default workflow a new environment starts with: one Draft step leading to Published or Archived."""
    return {
        "id": DEFAULT_WORKFLOW_ID,
        "name": DEFAULT_WORKFLOW_NAME,
        "codename": codename,
        "scopes": [],
        "steps": [
            {
                "id": DEFAULT_DRAFT_STEP_ID,
                "name": "Draft",
                "codename": "draft",
                "color": "red",
                "transitions_to": [{"step": {"id": PUBLISHED_STEP_ID}}, {"step": {"id": ARCHIVED_STEP_ID}}],
                "role_ids": [],
            }
        ],
        **system_steps(),
    }


async def insert_default(conn: Connection, env_pk: str, now: str, codename: str = DEFAULT_WORKFLOW_CODENAME) -> Doc:
    """Store the default workflow (environment seeding, and environments that predate workflows)."""
    doc = default_workflow(codename)
    await objects.insert(conn, env_pk, WORKFLOW, DEFAULT_WORKFLOW_ID, _encode(doc), codename=codename, created_at=now)
    return doc


# -- the domain API the variant and publishing code uses ------------------------------------------


async def all_workflows(conn: Connection, env_pk: str, *, persist: bool = True) -> list[Doc]:
    """Every workflow of the environment, the default one first.

    When the default workflow is not stored yet (an environment from before workflows existed) it is
    inserted here, under the environment lock; call this inside `db.write()`. On a read connection pass
    `persist=False`: the identical default document is then returned without being stored.
    """
    docs: list[Doc] = [msgspec.json.decode(row.data) for row in await objects.all_of(conn, env_pk, WORKFLOW)]
    default = next((doc for doc in docs if doc["id"] == DEFAULT_WORKFLOW_ID), None)
    if default is None:
        taken = {doc["codename"] for doc in docs}
        codename = (
            DEFAULT_WORKFLOW_CODENAME
            if DEFAULT_WORKFLOW_CODENAME not in taken
            else codenames.generate(DEFAULT_WORKFLOW_NAME, taken, DEFAULT_WORKFLOW_ID)
        )
        default = default_workflow(codename)
        if persist:
            await tenancy.lock_environment(conn, env_pk)
            stored = await objects.get(conn, env_pk, WORKFLOW, DEFAULT_WORKFLOW_ID)
            if stored is None:
                await insert_default(conn, env_pk, clock.stamp(), codename)
            else:  # another writer stored it between the read and the lock
                default = msgspec.json.decode(stored.data)
        return [default, *docs]
    return [default, *(doc for doc in docs if doc is not default)]


async def find_workflow(conn: Connection, env_pk: str, ref: Reference, *, persist: bool = True) -> Doc | None:
    """The workflow `ref` names (by id or codename; workflows have no external ids), or None.

    Materializes the default workflow like `all_workflows` (same `persist` rule).
    """
    return next((doc for doc in await all_workflows(conn, env_pk, persist=persist) if ref.matches(doc)), None)


def _scope_specificity(workflow: Doc, type_id: str, collection_id: str) -> int | None:
    """How specifically the workflow's scopes cover (type, collection): None when they do not.

    A workflow without scopes (or with a scope listing neither types nor collections) covers everything
    with specificity 0; a scope limited to types or to collections counts 1, to both 2.
    """
    scopes = workflow["scopes"]
    if not scopes:
        return 0
    best: int | None = None
    for scope in scopes:
        types = {ref["id"] for ref in scope["content_types"]}
        collections = {ref["id"] for ref in scope["collections"]}
        if (types and type_id not in types) or (collections and collection_id not in collections):
            continue
        score = (1 if types else 0) + (1 if collections else 0)
        best = score if best is None else max(best, score)
    return best


def choose_for(workflows: list[Doc], type_id: str, collection_id: str) -> Doc:
    """The workflow a new variant of (type, collection) starts in: the most specific matching scope wins
    (the hosted rule "the most specific one is always used"); among equally specific ones the earliest
    workflow, so the default workflow wins over other unlimited ones."""
    best: tuple[int, Doc] | None = None
    for workflow in workflows:
        score = _scope_specificity(workflow, type_id, collection_id)
        if score is not None and (best is None or score > best[0]):
            best = (score, workflow)
    if best is not None:
        return best[1]
    return next(doc for doc in workflows if doc["id"] == DEFAULT_WORKFLOW_ID)


async def for_new_variant(conn: Connection, env_pk: str, type_id: str, collection_id: str) -> Doc:
    """The workflow a new variant of an item of `type_id` in `collection_id` is created in (inside a write)."""
    return choose_for(await all_workflows(conn, env_pk), type_id, collection_id)


def first_step_id(workflow: Doc) -> str:
    """Where new variants (and new versions, and restored archived variants) start."""
    step_id: str = workflow["steps"][0]["id"]
    return step_id


def find_step(workflow: Doc, ref: Reference) -> Doc | None:
    """The custom or system step `ref` names (by id or codename)."""
    steps: list[Doc] = workflow["steps"]
    for step in steps:
        if ref.matches(step):
            return step
    for key in _SYSTEM_KEYS.values():
        system: Doc = workflow[key]
        if ref.matches(system):
            return system
    return None


def step_kind(workflow: Doc, step_id: str) -> StepKind | None:
    """Whether `step_id` is a custom step of the workflow or one of its system steps (None: neither)."""
    if any(step["id"] == step_id for step in workflow["steps"]):
        return "custom"
    for kind, key in _SYSTEM_KEYS.items():
        if workflow[key]["id"] == step_id:
            return kind
    return None


def _targets(workflow: Doc, step_id: str) -> set[str]:
    step = next((step for step in workflow["steps"] if step["id"] == step_id), None)
    return {transition["step"]["id"] for transition in step["transitions_to"]} if step is not None else set()


def can_transition(workflow: Doc, from_step_id: str, to_step_id: str) -> bool:
    """Whether a variant may move from one step to another of the same workflow.

    Custom steps follow their `transitions_to`, and may be scheduled when they may publish. Published
    leads only to Archived (unpublish); Scheduled to Published (the schedule fires) or back to a custom
    step (cancelling); Archived back to any custom step (restoring). Staying in a step is no transition.
    """
    source, target = step_kind(workflow, from_step_id), step_kind(workflow, to_step_id)
    if source is None or target is None or from_step_id == to_step_id:
        return False
    if source == "custom":
        allowed = _targets(workflow, from_step_id)
        return (PUBLISHED_STEP_ID in allowed) if target == "scheduled" else to_step_id in allowed
    if source == "published":
        return target == "archived"
    if source == "scheduled":
        return target in ("published", "custom")
    return target == "custom"


def step_before_published(workflow: Doc) -> str | None:
    """The first custom step that transitions to Published (where restore tools put variants to publish)."""
    for step in workflow["steps"]:
        if any(transition["step"]["id"] == PUBLISHED_STEP_ID for transition in step["transitions_to"]):
            step_id: str = step["id"]
            return step_id
    return None


def deprecated_steps(workflow: Doc) -> list[Doc]:
    """The workflow's steps in the shape of the deprecated `GET /workflow`: custom steps with their
    transition ids, then Scheduled, Published and Archived without transitions."""
    out: list[Doc] = [
        {
            "id": step["id"],
            "name": step["name"],
            "codename": step["codename"],
            "transitions_to": [transition["step"]["id"] for transition in step["transitions_to"]],
        }
        for step in workflow["steps"]
    ]
    for kind, _, _, _ in _SYSTEM_STEPS:
        system = workflow[_SYSTEM_KEYS[kind]]
        out.append({"id": system["id"], "name": system["name"], "codename": system["codename"], "transitions_to": []})
    return out


# -- request bodies -------------------------------------------------------------------------------


@dataclass(slots=True)
class NewScope:
    where: str
    content_types: list[tuple[str, Reference]]
    collections: list[tuple[str, Reference]]


@dataclass(slots=True)
class NewStep:
    where: str
    id: str | None
    name: str
    codename: str
    color: str
    transitions: list[tuple[str, Reference]]
    role_ids: list[str]


@dataclass(slots=True)
class NewWorkflow:
    """An add/update body validated for shape; references are resolved against storage later."""

    name: str
    codename: str | None
    scopes: list[NewScope]
    steps: list[NewStep]
    unpublish_role_ids: list[str] = field(default_factory=list)
    create_new_version_role_ids: list[str] = field(default_factory=list)
    archived_role_ids: list[str] = field(default_factory=list)


def _name_ok(value: object) -> bool:
    return isinstance(value, str) and bool(value.strip()) and len(value) <= MAX_NAME_LENGTH


def _role_ids(raw: Any, where: str, problems: list[str], *, required: bool) -> list[str]:
    """Role ids as given (normalized GUIDs, duplicates dropped); Headwater has no roles to check them against."""
    if raw is None:
        if required:
            problems.append(f"{where}: the property is required. Provide an array of role ids (empty for all roles).")
        return []
    if not isinstance(raw, list):
        problems.append(f"{where}: the property must be an array of role ids.")
        return []
    out: list[str] = []
    for index, value in enumerate(raw):
        if not isinstance(value, str) or not ids.is_guid(value):
            problems.append(f"{where}[{index}]: the role id {_show(value)} is not a valid GUID.")
        elif ids.normalize_guid(value) not in out:
            out.append(ids.normalize_guid(value))
    return out


def _references(raw: Any, where: str, what: str, problems: list[str]) -> list[tuple[str, Reference]]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        problems.append(f"{where}: the property must be an array of references to {what}.")
        return []
    out: list[tuple[str, Reference]] = []
    for index, value in enumerate(raw):
        try:
            out.append((f"{where}[{index}]", Reference.parse(value)))
        except InvalidReference as exc:
            problems.append(f"{where}[{index}]: {exc.message}")
    return out


def _parse_scopes(raw: Any, problems: list[str]) -> list[NewScope]:
    if raw is None:
        problems.append(SCOPES_MISSING)
        return []
    if not isinstance(raw, list):
        problems.append("The 'scopes' property must be an array of scopes.")
        return []
    scopes: list[NewScope] = []
    for index, scope in enumerate(raw):
        where = f"scopes[{index}]"
        if not isinstance(scope, dict):
            problems.append(
                f"{where}: a scope must be an object with the properties 'content_types' and 'collections'."
            )
            continue
        content_types = _references(scope.get("content_types"), f"{where}.content_types", "content types", problems)
        collections = _references(scope.get("collections"), f"{where}.collections", "collections", problems)
        scopes.append(NewScope(where, content_types, collections))
    return scopes


def _parse_step(raw: Any, where: str, problems: list[str]) -> NewStep | None:
    if not isinstance(raw, dict):
        problems.append(
            f"{where}: a workflow step must be an object with the properties 'name', 'codename', 'color', "
            "'transitions_to' and 'role_ids'."
        )
        return None
    before = len(problems)
    step_id = raw.get("id")
    if step_id is not None and (not isinstance(step_id, str) or not ids.is_guid(step_id)):
        problems.append(f"{where}.id: the id {_show(step_id)} is not a valid GUID.")
    name = raw.get("name")
    if not _name_ok(name):
        problems.append(f"{where}.name: the property is missing or invalid. {STEP_NAME_RULE}")
    codename = raw.get("codename")
    if codename is None:
        problems.append(f"{where}.codename: the property is required. Provide the step's codename.")
    elif (problem := codenames.validate(codename)) is not None:
        problems.append(f"{where}.codename: {problem}")
    elif codename in _SYSTEM_BY_CODENAME:
        label = _SYSTEM_LABELS[_SYSTEM_BY_CODENAME[codename]]
        problems.append(f"{where}.codename: the codename '{codename}' belongs to the {label} step.")
    color = raw.get("color")
    if color not in COLORS:
        problems.append(
            f"{where}.color: the color {_show(color)} is missing or not supported. Use one of: {', '.join(COLORS)}."
        )
    transitions: list[tuple[str, Reference]] = []
    raw_transitions = raw.get("transitions_to")
    if not isinstance(raw_transitions, list):
        problems.append(
            f"{where}.transitions_to: the property is required. Provide an array of transitions "
            '({"step": reference}) to the steps this step leads to.'
        )
    else:
        for index, transition in enumerate(raw_transitions):
            at = f"{where}.transitions_to[{index}]"
            if not isinstance(transition, dict) or transition.get("step") is None:
                problems.append(f"{at}: a transition must be an object with a 'step' reference.")
                continue
            try:
                ref = Reference.parse(transition["step"])
            except InvalidReference as exc:
                problems.append(f"{at}.step: {exc.message}")
                continue
            if ref.external_id is not None:
                problems.append(f"{at}.step: workflow steps are referenced by 'id' or 'codename'.")
                continue
            transitions.append((at, ref))
    role_ids = _role_ids(raw.get("role_ids"), f"{where}.role_ids", problems, required=True)
    if len(problems) > before:
        return None
    assert isinstance(name, str) and isinstance(codename, str) and isinstance(color, str)
    normalized_id = ids.normalize_guid(step_id) if isinstance(step_id, str) else None
    return NewStep(where, normalized_id, name, codename, color, transitions, role_ids)


def _system_step(body: dict[str, Any], key: str, problems: list[str]) -> dict[str, Any]:
    raw = body.get(key)
    if not isinstance(raw, dict):
        problems.append(f"The '{key}' property is missing or invalid. Provide an object, at least an empty one.")
        return {}
    return raw


def parse_body(body: Any) -> NewWorkflow:
    """Validate an add/update body for shape, reporting every problem at once (400, error_code 5).

    Unknown properties are ignored, as are `id`, `scheduled_step` and the ids, names and codenames of
    the system steps: those are fixed.
    """
    if not isinstance(body, dict):
        raise errors.invalid("The request body must be a JSON object.")
    problems: list[str] = []
    name = body.get("name")
    if not _name_ok(name):
        problems.append(f"The 'name' property is required. {NAME_RULE}")
    codename = body.get("codename")
    if codename is not None and (problem := codenames.validate(codename)) is not None:
        problems.append(problem)
    scopes = _parse_scopes(body.get("scopes"), problems)
    steps: list[NewStep] = []
    raw_steps = body.get("steps")
    if raw_steps is None:
        problems.append(STEPS_MISSING)
    elif not isinstance(raw_steps, list):
        problems.append("The 'steps' property must be an array of workflow steps.")
    elif not raw_steps:
        problems.append(NO_STEPS)
    else:
        parsed = [_parse_step(raw, f"steps[{index}]", problems) for index, raw in enumerate(raw_steps)]
        steps = [step for step in parsed if step is not None]
    published = _system_step(body, "published_step", problems)
    archived = _system_step(body, "archived_step", problems)
    unpublish = _role_ids(
        published.get("unpublish_role_ids"), "published_step.unpublish_role_ids", problems, required=False
    )
    new_version = _role_ids(
        published.get("create_new_version_role_ids"),
        "published_step.create_new_version_role_ids",
        problems,
        required=False,
    )
    archived_roles = _role_ids(archived.get("role_ids"), "archived_step.role_ids", problems, required=False)
    if problems:
        raise errors.invalid(*problems)
    assert isinstance(name, str)
    return NewWorkflow(name, codename, scopes, steps, unpublish, new_version, archived_roles)


# -- building the stored document -----------------------------------------------------------------


async def _resolve_scope_refs(
    conn: Connection, env_pk: str, kind: str, label: str, refs: Iterable[tuple[str, Reference]], problems: list[str]
) -> list[Doc]:
    out: list[Doc] = []
    for where, ref in refs:
        stored = await references.resolve(conn, env_pk, kind, ref)
        if stored is None:
            problems.append(f"{where}: the {label} {ref.describe()} was not found.")
        elif all(item["id"] != stored.id for item in out):
            out.append({"id": stored.id})
    return out


def _assign_step_ids(
    new: NewWorkflow, previous: Doc | None, others: list[Doc], problems: list[str]
) -> list[tuple[NewStep, str]]:
    """Each body step with its id: the id it names, else the existing step with its codename, else new.

    An id that cannot be used is reported and replaced by a fresh one, so later checks (transitions,
    reachability) do not report the same mistake again in other words.
    """
    existing = {step["id"]: step for step in previous["steps"]} if previous is not None else {}
    foreign = {step["id"] for doc in others for step in doc["steps"]}
    usable: dict[int, str] = {}
    for index, step in enumerate(new.steps):
        if step.id is None:
            continue
        if step.id in usable.values():
            problems.append(f"{step.where}.id: the id '{step.id}' is used by more than one step.")
        elif step.id in _SYSTEM_BY_ID:
            label = _SYSTEM_LABELS[_SYSTEM_BY_ID[step.id]]
            problems.append(f"{step.where}.id: the id '{step.id}' belongs to the {label} step.")
        elif step.id in foreign:
            problems.append(f"{step.where}.id: the id '{step.id}' belongs to a step of another workflow.")
        else:
            usable[index] = step.id
    claimed = set(usable.values())
    by_codename = {step["codename"]: step["id"] for step in existing.values() if step["id"] not in claimed}
    out: list[tuple[NewStep, str]] = []
    for index, step in enumerate(new.steps):
        if index in usable:
            out.append((step, usable[index]))
            continue
        reused = by_codename.pop(step.codename, None) if step.id is None else None
        out.append((step, reused if reused is not None else ids.new_guid()))
    return out


def _resolve_transitions(assigned: list[tuple[NewStep, str]], problems: list[str]) -> dict[str, list[str]]:
    """Target step ids per step id; codenames and ids of this workflow's steps, Published and Archived."""
    by_id = {step_id: step for step, step_id in assigned}
    by_codename = {step.codename: step_id for step, step_id in assigned}
    targets: dict[str, list[str]] = {}
    for step, step_id in assigned:
        out: list[str] = []
        for where, ref in step.transitions:
            target: str | None
            if ref.id is not None:
                target = ref.id if ref.id in by_id or ref.id in _SYSTEM_BY_ID else None
            else:
                assert ref.codename is not None
                target = _SYSTEM_ID_BY_CODENAME.get(ref.codename) or by_codename.get(ref.codename)
            if target is None:
                problems.append(f"{where}.step: the workflow step {ref.describe()} was not found in the workflow.")
            elif target == SCHEDULED_STEP_ID:
                problems.append(
                    f"{where}.step: the Scheduled step cannot be a transition target; schedule publishing with the "
                    "'/publish' endpoint."
                )
            elif target == step_id:
                problems.append(f"{where}.step: a step cannot transition to itself.")
            elif target not in out:
                out.append(target)
        targets[step_id] = out
    return targets


def _unreachable(order: list[str], targets: dict[str, list[str]]) -> list[str]:
    """The steps from which no chain of transitions leads to Published."""
    reaching = {PUBLISHED_STEP_ID}
    changed = True
    while changed:
        changed = False
        for step_id in order:
            if step_id not in reaching and any(target in reaching for target in targets[step_id]):
                reaching.add(step_id)
                changed = True
    return [step_id for step_id in order if step_id not in reaching]


async def build(
    conn: Connection, env_pk: str, new: NewWorkflow, workflow_id: str, previous: Doc | None, others: list[Doc]
) -> Doc:
    """The document to store for `new`, or 400 with every problem found; then, for an update, 400 when a
    removed step still holds variants."""
    problems: list[str] = []
    codename = new.codename
    other_codenames = {doc["codename"] for doc in others}
    if codename is not None and codename in other_codenames:
        problems.append(f"A workflow with the codename '{codename}' already exists.")
    if codename is None:
        codename = previous["codename"] if previous is not None else None
        codename = codename or codenames.generate(new.name, other_codenames, workflow_id)
    scopes: list[Doc] = []
    for scope in new.scopes:
        content_types = await _resolve_scope_refs(
            conn, env_pk, CONTENT_TYPE, "content type", scope.content_types, problems
        )
        collections = await _resolve_scope_refs(conn, env_pk, COLLECTION, "collection", scope.collections, problems)
        scopes.append({"content_types": content_types, "collections": collections})
    if workflow_id == DEFAULT_WORKFLOW_ID and any(scope.content_types or scope.collections for scope in new.scopes):
        problems.append(DEFAULT_LIMITED)
    seen_codenames: set[str] = set()
    for step in new.steps:
        if step.codename in seen_codenames:
            problems.append(f"{step.where}.codename: the codename '{step.codename}' is used by more than one step.")
        seen_codenames.add(step.codename)
    assigned = _assign_step_ids(new, previous, others, problems)
    targets = _resolve_transitions(assigned, problems)
    if not problems:
        names = {step_id: step for step, step_id in assigned}
        for step_id in _unreachable([step_id for _, step_id in assigned], targets):
            step = names[step_id]
            problems.append(
                f"{step.where}: the step '{step.codename}' cannot reach the Published step. Every step must "
                "eventually transition to Published."
            )
    if problems:
        raise errors.invalid(*problems)
    if previous is not None:
        kept = {step_id for _, step_id in assigned}
        for removed in (step for step in previous["steps"] if step["id"] not in kept):
            count = await variants.count_in_workflow(conn, env_pk, workflow_id, removed["id"])
            if count:
                problems.append(
                    f"The workflow step '{removed['codename']}' ({removed['id']}) cannot be removed: {count} content "
                    "item variant(s) are in it. Move them to another step first."
                )
        if problems:
            raise errors.invalid(*problems)
    return {
        "id": workflow_id,
        "name": new.name,
        "codename": codename,
        "scopes": scopes,
        "steps": [
            {
                "id": step_id,
                "name": step.name,
                "codename": step.codename,
                "color": step.color,
                "transitions_to": [{"step": {"id": target}} for target in targets[step_id]],
                "role_ids": step.role_ids,
            }
            for step, step_id in assigned
        ],
        **system_steps(new.unpublish_role_ids, new.create_new_version_role_ids, new.archived_role_ids),
    }


# -- writes ---------------------------------------------------------------------------------------


async def add(conn: Connection, env_pk: str, new: NewWorkflow, now: str) -> Doc:
    await tenancy.lock_environment(conn, env_pk)
    others = await all_workflows(conn, env_pk)
    workflow_id = ids.new_guid()
    doc = await build(conn, env_pk, new, workflow_id, None, others)
    await objects.insert(conn, env_pk, WORKFLOW, workflow_id, _encode(doc), codename=doc["codename"], created_at=now)
    return doc


async def update(conn: Connection, env_pk: str, identifier: str, body: Any, now: str) -> Doc:
    """Replace a workflow entirely; a refused update stores nothing (not even a materialized default)."""
    await tenancy.lock_environment(conn, env_pk)
    ref = references.parse_identifier(identifier)
    workflows = await all_workflows(conn, env_pk)
    previous = next((doc for doc in workflows if ref is not None and ref.matches(doc)), None)
    if previous is None:
        raise not_found(identifier)
    new = parse_body(body)
    others = [doc for doc in workflows if doc["id"] != previous["id"]]
    doc = await build(conn, env_pk, new, previous["id"], copy.deepcopy(previous), others)
    stored = await objects.get(conn, env_pk, WORKFLOW, previous["id"])
    assert stored is not None
    await objects.save_version(conn, env_pk, WORKFLOW, stored, _encode(doc), codename=doc["codename"], updated_at=now)
    return doc


async def delete(conn: Connection, env_pk: str, identifier: str) -> None:
    await tenancy.lock_environment(conn, env_pk)
    ref = references.parse_identifier(identifier)
    doc = await find_workflow(conn, env_pk, ref) if ref is not None else None
    if doc is None:
        raise not_found(identifier)
    if doc["id"] == DEFAULT_WORKFLOW_ID:
        raise KontentError(
            400, DEFAULT_NOT_DELETABLE_CODE, f"The default workflow '{DEFAULT_WORKFLOW_ID}' cannot be deleted."
        )
    count = await variants.count_in_workflow(conn, env_pk, doc["id"])
    if count:
        raise KontentError(
            400,
            0,
            f"The workflow '{doc['codename']}' ({doc['id']}) is used by {count} content item variant(s) and cannot be "
            "deleted. Move them to another workflow first.",
        )
    await objects.delete(conn, env_pk, WORKFLOW, doc["id"])


# -- handlers -------------------------------------------------------------------------------------


@endpoint
async def list_workflows(call: Call) -> Response:
    """A bare array (not paginated), the default workflow first."""
    async with call.services.db.read() as conn:
        docs = await all_workflows(conn, call.env.pk, persist=False)
    return respond(docs)


@endpoint
async def add_workflow(call: Call) -> Response:
    new = parse_body(await call.json())
    async with call.services.db.write() as conn:
        doc = await add(conn, call.env.pk, new, clock.stamp())
    return respond(doc, 201)


@endpoint
async def update_workflow(call: Call) -> Response:
    body = await call.json()
    async with call.services.db.write() as conn:
        doc = await update(conn, call.env.pk, call.param(WORKFLOW_PARAM), body, clock.stamp())
    return respond(doc)


@endpoint
async def delete_workflow(call: Call) -> Response:
    async with call.services.db.write() as conn:
        await delete(conn, call.env.pk, call.param(WORKFLOW_PARAM))
    return no_content()


@endpoint
async def list_workflow_steps(call: Call) -> Response:
    """Deprecated `GET /workflow`: the default workflow's steps (custom, then Scheduled, Published, Archived)."""
    async with call.services.db.read() as conn:
        default = await find_workflow(conn, call.env.pk, Reference(id=DEFAULT_WORKFLOW_ID), persist=False)
    assert default is not None
    return respond(deprecated_steps(default))
