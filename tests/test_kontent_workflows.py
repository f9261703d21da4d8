"""Workflows over real HTTP (list, add, update, delete, the deprecated steps list) with every rule and
error path, untouched storage after refusals, old environments without a stored default workflow, and
the domain API the variant code uses."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from headwater.kontent.content import workflows as wf
from headwater.kontent.references import Reference
from headwater.platform import clock, ids
from headwater.storage import objects, tenancy, variants
from headwater.storage.database import Database
from headwater.storage.variants import StoredVariant
from tests.support import LiveServer, kontent_headers, run_async

ZERO = "00000000-0000-0000-0000-000000000000"
DRAFT = "eee6db3b-545a-4785-8e86-e3772c8756f9"
PUBLISHED = "c199950d-99f0-4983-b711-6c4c91624b22"
SCHEDULED = "9d2b0228-4d0d-4c23-8b49-01a698857709"
ARCHIVED = "7a535a69-ad34-47f8-806a-def1fdf4d391"
ROLE = "e796887c-38a1-4ab2-a999-c40861bb7a4b"
UNKNOWN_ID = "ad858591-7c5b-00e9-52c1-796f3aebc535"
INVALID_BODY = (
    "The provided request body is invalid. See the 'validation_errors' attribute for more information and "
    "specify a valid JSON object."
)
WORKFLOW_KEYS = ["id", "name", "codename", "scopes", "steps", "published_step", "scheduled_step", "archived_step"]
STEP_KEYS = ["id", "name", "codename", "color", "transitions_to", "role_ids"]
SYSTEM: dict[str, dict[str, Any]] = {
    "published_step": {
        "id": PUBLISHED,
        "name": "Published",
        "codename": "published",
        "unpublish_role_ids": [],
        "create_new_version_role_ids": [],
    },
    "scheduled_step": {"id": SCHEDULED, "name": "Scheduled", "codename": "scheduled"},
    "archived_step": {"id": ARCHIVED, "name": "Archived", "codename": "archived", "role_ids": []},
}
DEFAULT_WORKFLOW: dict[str, Any] = {
    "id": ZERO,
    "name": "Default",
    "codename": "default",
    "scopes": [],
    "steps": [
        {
            "id": DRAFT,
            "name": "Draft",
            "codename": "draft",
            "color": "red",
            "transitions_to": [{"step": {"id": PUBLISHED}}, {"step": {"id": ARCHIVED}}],
            "role_ids": [],
        }
    ],
    **SYSTEM,
}


class Api:
    def __init__(self, http: httpx.Client, server: LiveServer, project: dict[str, Any]) -> None:
        self.http = http
        self.server = server
        self.environment_id: str = project["environment_id"]
        self.headers = kontent_headers(project["management_api_key"])
        self.root = f"/v2/projects/{self.environment_id}"
        self.url = f"{self.root}/workflows"

    def workflows(self) -> list[dict[str, Any]]:
        r = self.http.get(self.url, headers=self.headers)
        assert r.status_code == 200, r.text
        docs: list[dict[str, Any]] = r.json()
        return docs

    def post(self, body: Any) -> httpx.Response:
        return self.http.post(self.url, headers=self.headers, json=body)

    def add(self, body: dict[str, Any]) -> dict[str, Any]:
        r = self.post(body)
        assert r.status_code == 201, r.text
        doc: dict[str, Any] = r.json()
        return doc

    def put(self, identifier: str, body: Any) -> httpx.Response:
        return self.http.put(f"{self.url}/{identifier}", headers=self.headers, json=body)

    def update(self, identifier: str, body: dict[str, Any]) -> dict[str, Any]:
        r = self.put(identifier, body)
        assert r.status_code == 200, r.text
        doc: dict[str, Any] = r.json()
        return doc

    def delete(self, identifier: str) -> httpx.Response:
        return self.http.delete(f"{self.url}/{identifier}", headers=self.headers)

    def steps(self) -> httpx.Response:
        return self.http.get(f"{self.root}/workflow", headers=self.headers)

    def add_type(self, codename: str) -> str:
        r = self.http.post(
            f"{self.root}/types", headers=self.headers, json={"name": codename, "codename": codename, "elements": []}
        )
        assert r.status_code == 201, r.text
        type_id: str = r.json()["id"]
        return type_id

    def add_collection(self, codename: str, external_id: str | None = None) -> str:
        value: dict[str, Any] = {"name": codename.title(), "codename": codename}
        if external_id is not None:
            value["external_id"] = external_id
        r = self.http.patch(f"{self.root}/collections", headers=self.headers, json=[{"op": "addInto", "value": value}])
        assert r.status_code == 200, r.text
        collection_id: str = next(c["id"] for c in r.json()["collections"] if c["codename"] == codename)
        return collection_id

    # -- storage, read and written directly -------------------------------------------------------------

    def storage(self, work: Any) -> Any:
        async def go(db: Database) -> Any:
            async with db.write() as conn:
                env = await tenancy.kontent_environment(conn, self.environment_id)
                assert env is not None
                return await work(conn, env.pk)

        return run_async(go, self.server.db_url)

    def rows(self) -> list[Any]:
        """Every object row of the environment: what a refused write must leave as it was."""

        async def work(conn: Any, env_pk: str) -> list[Any]:
            found: list[Any] = await conn.fetchall(
                "SELECT seq, kind, id, codename, external_id, position, version, data, updated_at FROM objects "
                "WHERE env_pk = ? ORDER BY seq",
                (env_pk,),
            )
            return found

        rows: list[Any] = self.storage(work)
        return rows

    def stored_workflow_ids(self) -> list[str]:
        async def work(conn: Any, env_pk: str) -> list[str]:
            return [row.id for row in await objects.all_of(conn, env_pk, wf.WORKFLOW)]

        out: list[str] = self.storage(work)
        return out

    def forget_default(self) -> None:
        """Make the environment look like one created before workflows existed."""

        async def work(conn: Any, env_pk: str) -> None:
            await objects.delete(conn, env_pk, wf.WORKFLOW, ZERO)

        self.storage(work)

    def put_variant(self, workflow_id: str, step_id: str, type_id: str = ZERO, collection_id: str = ZERO) -> None:
        """A variant row sitting in a workflow step (the variant API is not needed for the workflow rules)."""

        async def work(conn: Any, env_pk: str) -> None:
            now = clock.stamp()
            fields: dict[str, Any] = {
                "seq": 0,
                "item_id": ids.new_guid(),
                "language_id": ZERO,
                "type_id": type_id,
                "collection_id": collection_id,
                "workflow_id": workflow_id,
                "step_id": step_id,
                "data": "{}",
                "created_at": now,
                "updated_at": now,
            }
            # Every other column (published version, schedules, …) stays empty.
            optional: dict[str, Any] = {f.name: None for f in dataclasses.fields(StoredVariant) if f.name not in fields}
            row = StoredVariant(**fields, **optional)
            await variants.insert(conn, env_pk, row)

        self.storage(work)


@pytest.fixture
def api(server: LiveServer, project: dict[str, Any]) -> Iterator[Api]:
    with server.client() as http:
        yield Api(http, server, project)


def step(
    codename: str,
    *targets: dict[str, Any],
    color: str = "gray",
    role_ids: list[Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "name": codename.replace("_", " ").title(),
        "codename": codename,
        "color": color,
        "transitions_to": [{"step": target} for target in targets],
        "role_ids": role_ids or [],
        **extra,
    }


def body(*steps: dict[str, Any], **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": "Editorial",
        "scopes": [],
        "steps": list(steps) or [step("write", {"codename": "published"})],
        "published_step": {},
        "archived_step": {},
    }
    out.update(extra)
    return out


def assert_invalid(r: httpx.Response, *messages: str) -> None:
    assert r.status_code == 400, r.text
    got = r.json()
    assert set(got) == {"request_id", "error_code", "message", "validation_errors"}
    assert got["error_code"] == 5 and got["message"] == INVALID_BODY
    assert got["validation_errors"] == [{"message": message} for message in messages]


def assert_error(r: httpx.Response, status: int, code: int, message: str) -> None:
    assert r.status_code == status, r.text
    got = r.json()
    assert set(got) == {"request_id", "error_code", "message"}
    assert (got["error_code"], got["message"]) == (code, message)


# -- the default workflow and the deprecated steps list ---------------------------------------------------


def test_a_new_environment_has_the_default_workflow(api: Api) -> None:
    r = api.http.get(api.url, headers=api.headers)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    docs = r.json()
    assert docs == [DEFAULT_WORKFLOW]
    assert list(docs[0]) == WORKFLOW_KEYS
    assert list(docs[0]["steps"][0]) == STEP_KEYS
    assert api.stored_workflow_ids() == [ZERO]


def test_fixed_ids_are_the_same_in_every_environment(server: LiveServer, api: Api) -> None:
    other = server.project("Other")
    with server.client() as http:
        assert Api(http, server, other).workflows() == api.workflows() == [DEFAULT_WORKFLOW]
    created = api.add(body())
    assert {k: created[k] for k in SYSTEM} == SYSTEM


def test_the_deprecated_steps_list_shows_the_default_workflow(api: Api) -> None:
    r = api.steps()
    assert r.status_code == 200, r.text
    assert r.json() == [
        {"id": DRAFT, "name": "Draft", "codename": "draft", "transitions_to": [PUBLISHED, ARCHIVED]},
        {"id": SCHEDULED, "name": "Scheduled", "codename": "scheduled", "transitions_to": []},
        {"id": PUBLISHED, "name": "Published", "codename": "published", "transitions_to": []},
        {"id": ARCHIVED, "name": "Archived", "codename": "archived", "transitions_to": []},
    ]
    api.update(ZERO, body(step("a", {"codename": "b"}), step("b", {"codename": "published"}), name="Default"))
    listed = api.steps().json()
    assert [s["codename"] for s in listed] == ["a", "b", "scheduled", "published", "archived"]
    assert listed[0]["transitions_to"] == [listed[1]["id"]]
    assert listed[1]["transitions_to"] == [PUBLISHED]
    # Only `/workflow` is the documented path; `/workflow-steps` appears in one curl sample only.
    assert api.http.get(f"{api.root}/workflow-steps", headers=api.headers).status_code == 404


def test_there_is_no_single_workflow_get(api: Api) -> None:
    r = api.http.get(f"{api.url}/{ZERO}", headers=api.headers)
    assert r.status_code == 405
    assert set(r.headers["allow"].split(", ")) >= {"PUT", "DELETE"}


# -- add -----------------------------------------------------------------------------------------------


def test_add_the_reference_sample(api: Api) -> None:
    """The vendor's add sample (ids of our own type and collection in place of theirs)."""
    type_id = api.add_type("article")
    collection_id = api.add_collection("marketing")
    sample = {
        "name": "My workflow",
        "scopes": [{"content_types": [{"id": type_id}], "collections": [{"id": collection_id}]}],
        "steps": [
            {
                "name": "First step",
                "codename": "first_step",
                "color": "sky-blue",
                "transitions_to": [{"step": {"codename": "second_step"}}],
                "role_ids": [],
            },
            {
                "name": "Second step",
                "codename": "second_step",
                "color": "rose",
                "transitions_to": [{"step": {"codename": "published"}}],
                "role_ids": [ROLE],
            },
        ],
        "published_step": {"unpublish_role_ids": [ROLE], "create_new_version_role_ids": []},
        "archived_step": {"role_ids": []},
    }
    r = api.post(sample)
    assert r.status_code == 201, r.text
    doc = r.json()
    assert list(doc) == WORKFLOW_KEYS
    first, second = doc["steps"]
    assert ids.is_guid(doc["id"]) and ids.is_guid(first["id"]) and ids.is_guid(second["id"])
    assert doc == {
        "id": doc["id"],
        "name": "My workflow",
        "codename": "my_workflow",
        "scopes": [{"content_types": [{"id": type_id}], "collections": [{"id": collection_id}]}],
        "steps": [
            {
                "id": first["id"],
                "name": "First step",
                "codename": "first_step",
                "color": "sky-blue",
                "transitions_to": [{"step": {"id": second["id"]}}],
                "role_ids": [],
            },
            {
                "id": second["id"],
                "name": "Second step",
                "codename": "second_step",
                "color": "rose",
                "transitions_to": [{"step": {"id": PUBLISHED}}],
                "role_ids": [ROLE],
            },
        ],
        "published_step": {**SYSTEM["published_step"], "unpublish_role_ids": [ROLE]},
        "scheduled_step": SYSTEM["scheduled_step"],
        "archived_step": SYSTEM["archived_step"],
    }
    assert api.workflows() == [DEFAULT_WORKFLOW, doc]


def test_add_resolves_references_of_every_form(api: Api) -> None:
    type_id = api.add_type("article")
    collection_id = api.add_collection("marketing", external_id="coll-m")
    doc = api.add(
        body(
            scopes=[
                {
                    "content_types": [{"codename": "article"}, {"id": type_id}],
                    "collections": [{"external_id": "coll-m"}, {"codename": "default"}],
                },
                {"content_types": [{"codename": "article"}]},
                {},
            ]
        )
    )
    assert doc["scopes"] == [
        {"content_types": [{"id": type_id}], "collections": [{"id": collection_id}, {"id": ZERO}]},
        {"content_types": [{"id": type_id}], "collections": []},
        {"content_types": [], "collections": []},
    ]


def test_add_generates_codenames_and_keeps_given_ones(api: Api) -> None:
    first = api.add(body(name="Legal review!"))
    assert first["codename"] == "legal_review_"
    second = api.add(body(name="Legal review!"))
    assert second["codename"] == "legal_review__" + second["id"].replace("-", "")[:7]
    third = api.add(body(name="X", codename="legal"))
    assert third["codename"] == "legal"
    assert_invalid(api.post(body(codename="legal")), "A workflow with the codename 'legal' already exists.")
    assert_invalid(api.post(body(codename="default")), "A workflow with the codename 'default' already exists.")


def test_transitions_by_id_and_codename_deduplicated(api: Api) -> None:
    given = ids.new_guid()
    doc = api.add(
        body(
            step("draft", {"id": given}, {"codename": "review"}, {"id": given.upper()}, {"codename": "archived"}),
            step("review", {"id": PUBLISHED}, {"codename": "draft"}, {"id": ARCHIVED}, id=given.upper()),
        )
    )
    draft, review = doc["steps"]
    assert review["id"] == given
    assert draft["transitions_to"] == [{"step": {"id": given}}, {"step": {"id": ARCHIVED}}]
    assert review["transitions_to"] == [
        {"step": {"id": PUBLISHED}},
        {"step": {"id": draft["id"]}},
        {"step": {"id": ARCHIVED}},
    ]


def test_role_ids_are_taken_as_given(api: Api) -> None:
    other = ids.new_guid()
    doc = api.add(
        body(
            step("write", {"codename": "published"}, role_ids=[ROLE.upper(), other, ROLE]),
            published_step={"create_new_version_role_ids": [other], "id": ids.new_guid(), "name": "Live"},
            archived_step={"role_ids": [ROLE], "codename": "gone"},
            scheduled_step={"name": "Later"},
        )
    )
    assert doc["steps"][0]["role_ids"] == [ROLE, other]
    assert doc["published_step"] == {**SYSTEM["published_step"], "create_new_version_role_ids": [other]}
    assert doc["archived_step"] == {**SYSTEM["archived_step"], "role_ids": [ROLE]}
    assert doc["scheduled_step"] == SYSTEM["scheduled_step"]


@pytest.mark.parametrize(
    ("raw", "messages"),
    [
        ([], ["The request body must be a JSON object."]),
        (
            {},
            [
                "The 'name' property is required. Provide a nonempty workflow name that fits within 200 characters.",
                "The 'scopes' property is missing. Provide at least an empty array.",
                "The 'steps' property is missing. Provide at least one workflow step.",
                "The 'published_step' property is missing or invalid. Provide an object, at least an empty one.",
                "The 'archived_step' property is missing or invalid. Provide an object, at least an empty one.",
            ],
        ),
        (body(scopes=None), ["The 'scopes' property is missing. Provide at least an empty array."]),
        (
            body(name="  "),
            ["The 'name' property is required. Provide a nonempty workflow name that fits within 200 characters."],
        ),
        (
            body(name="n" * 201),
            ["The 'name' property is required. Provide a nonempty workflow name that fits within 200 characters."],
        ),
        (
            body(codename="Bad-Codename"),
            [
                "The codename 'Bad-Codename' is invalid. Codenames contain only lowercase letters, digits and "
                "underscores, and start with a letter or an underscore."
            ],
        ),
        (body(scopes={}), ["The 'scopes' property must be an array of scopes."]),
        (
            body(scopes=[[], {"content_types": {}, "collections": [{"id": "nope"}, {"codename": "x", "id": ZERO}]}]),
            [
                "scopes[0]: a scope must be an object with the properties 'content_types' and 'collections'.",
                "scopes[1].content_types: the property must be an array of references to content types.",
                "scopes[1].collections[0]: The id 'nope' in the reference is not a valid GUID.",
                "scopes[1].collections[1]: A reference must be an object with exactly one of the properties 'id', "
                "'codename' or 'external_id'.",
            ],
        ),
        ({**body(), "steps": []}, ["The workflow has no steps. Provide at least one workflow step."]),
        ({**body(), "steps": {}}, ["The 'steps' property must be an array of workflow steps."]),
        (
            {**body(), "steps": ["x"]},
            [
                "steps[0]: a workflow step must be an object with the properties 'name', 'codename', 'color', "
                "'transitions_to' and 'role_ids'."
            ],
        ),
        (
            {**body(), "steps": [{}]},
            [
                "steps[0].name: the property is missing or invalid. Provide a nonempty step name that fits within 200 "
                "characters.",
                "steps[0].codename: the property is required. Provide the step's codename.",
                "steps[0].color: the color value is missing or not supported. Use one of: gray, red, rose, "
                "light-purple, dark-purple, dark-blue, light-blue, sky-blue, mint-green, persian-green, dark-green, "
                "light-green, yellow, pink, orange, brown.",
                "steps[0].transitions_to: the property is required. Provide an array of transitions "
                '({"step": reference}) to the steps this step leads to.',
                "steps[0].role_ids: the property is required. Provide an array of role ids (empty for all roles).",
            ],
        ),
        (
            body(step("write", {"codename": "published"}, color="blue", id="x", role_ids=["admin", 3])),
            [
                "steps[0].id: the id 'x' is not a valid GUID.",
                "steps[0].color: the color 'blue' is missing or not supported. Use one of: gray, red, rose, "
                "light-purple, dark-purple, dark-blue, light-blue, sky-blue, mint-green, persian-green, dark-green, "
                "light-green, yellow, pink, orange, brown.",
                "steps[0].role_ids[0]: the role id 'admin' is not a valid GUID.",
                "steps[0].role_ids[1]: the role id value is not a valid GUID.",
            ],
        ),
        (
            body(
                {**step("write"), "transitions_to": [1, {"step": None}, {"step": {"external_id": "x"}}, {"step": {}}]}
            ),
            [
                "steps[0].transitions_to[0]: a transition must be an object with a 'step' reference.",
                "steps[0].transitions_to[1]: a transition must be an object with a 'step' reference.",
                "steps[0].transitions_to[2].step: workflow steps are referenced by 'id' or 'codename'.",
                "steps[0].transitions_to[3].step: A reference must be an object with exactly one of the properties "
                "'id', 'codename' or 'external_id'.",
            ],
        ),
        (
            body(step("published", {"codename": "archived"}), step("Archived", {"codename": "published"})),
            [
                "steps[0].codename: the codename 'published' belongs to the Published step.",
                "steps[1].codename: The codename 'Archived' is invalid. Codenames contain only lowercase letters, "
                "digits and underscores, and start with a letter or an underscore.",
            ],
        ),
        (
            body(published_step=[], archived_step={"role_ids": "x"}),
            [
                "The 'published_step' property is missing or invalid. Provide an object, at least an empty one.",
                "archived_step.role_ids: the property must be an array of role ids.",
            ],
        ),
        (
            body(published_step={"unpublish_role_ids": ["x"], "create_new_version_role_ids": {}}),
            [
                "published_step.unpublish_role_ids[0]: the role id 'x' is not a valid GUID.",
                "published_step.create_new_version_role_ids: the property must be an array of role ids.",
            ],
        ),
    ],
)
def test_add_refuses_malformed_bodies(api: Api, raw: Any, messages: list[str]) -> None:
    before = api.rows()
    assert_invalid(api.post(raw), *messages)
    assert api.rows() == before


def test_add_refuses_broken_references_and_transitions(api: Api) -> None:
    before = api.rows()
    other = api.workflows()[0]["steps"][0]["id"]
    assert_invalid(
        api.post(
            body(
                step("a", {"codename": "nowhere"}, {"id": UNKNOWN_ID}, {"codename": "scheduled"}, {"id": SCHEDULED}),
                step("b", {"codename": "b"}, {"codename": "published"}),
                step("a", {"codename": "published"}),
                step("c", {"codename": "published"}, id=other),
                step("d", {"codename": "published"}, id=PUBLISHED),
                scopes=[{"content_types": [{"codename": "nothing"}], "collections": [{"id": UNKNOWN_ID}]}],
            )
        ),
        "scopes[0].content_types[0]: the content type {codename: nothing} was not found.",
        f"scopes[0].collections[0]: the collection {{id: {UNKNOWN_ID}}} was not found.",
        "steps[2].codename: the codename 'a' is used by more than one step.",
        f"steps[3].id: the id '{other}' belongs to a step of another workflow.",
        f"steps[4].id: the id '{PUBLISHED}' belongs to the Published step.",
        "steps[0].transitions_to[0].step: the workflow step {codename: nowhere} was not found in the workflow.",
        f"steps[0].transitions_to[1].step: the workflow step {{id: {UNKNOWN_ID}}} was not found in the workflow.",
        "steps[0].transitions_to[2].step: the Scheduled step cannot be a transition target; schedule publishing "
        "with the '/publish' endpoint.",
        "steps[0].transitions_to[3].step: the Scheduled step cannot be a transition target; schedule publishing "
        "with the '/publish' endpoint.",
        "steps[1].transitions_to[0].step: a step cannot transition to itself.",
    )
    assert api.rows() == before


def test_every_step_must_reach_published(api: Api) -> None:
    before = api.rows()
    assert_invalid(
        api.post(
            body(
                step("a", {"codename": "b"}),
                step("b", {"codename": "a"}, {"codename": "archived"}),
                step("c", {"codename": "d"}),
                step("d", {"codename": "published"}),
                step("e"),
            )
        ),
        "steps[0]: the step 'a' cannot reach the Published step. Every step must eventually transition to Published.",
        "steps[1]: the step 'b' cannot reach the Published step. Every step must eventually transition to Published.",
        "steps[4]: the step 'e' cannot reach the Published step. Every step must eventually transition to Published.",
    )
    assert api.rows() == before


def test_step_codenames_are_per_workflow(api: Api) -> None:
    doc = api.add(body(step("draft", {"codename": "published"})))
    assert doc["steps"][0]["codename"] == "draft"
    assert doc["steps"][0]["id"] != DRAFT


def test_overlapping_scopes_are_allowed(api: Api) -> None:
    """The hosted rule: of similarly specific scopes, all are used; nothing refuses an overlap."""
    api.add_type("article")
    scope = {"content_types": [{"codename": "article"}], "collections": [{"codename": "default"}]}
    api.add(body(name="One", scopes=[scope]))
    api.add(body(name="Two", scopes=[scope]))
    assert len(api.workflows()) == 3


# -- update --------------------------------------------------------------------------------------------


def test_update_the_reference_sample(api: Api) -> None:
    """The vendor's update sample: a workflow renamed, steps by codename, one step with a chosen id."""
    api.add_type("article")
    api.add_collection("marketing")
    created = api.add(body(codename="my_workflow"))
    sample = {
        "name": "My workflow",
        "scopes": [{"content_types": [{"codename": "article"}], "collections": [{"codename": "marketing"}]}],
        "steps": [
            {
                "name": "First step",
                "codename": "first_step",
                "color": "sky-blue",
                "transitions_to": [
                    {"step": {"id": "16221cc2-bd22-4414-a513-f3e555c0fc93"}},
                    {"step": {"codename": "archived"}},
                ],
                "role_ids": [ROLE],
            },
            {
                "name": "Renamed Second step",
                "codename": "second_step_renamed",
                "color": "rose",
                "id": "16221cc2-bd22-4414-a513-f3e555c0fc93",
                "transitions_to": [{"step": {"codename": "published"}}],
                "role_ids": [],
            },
        ],
        "published_step": {"unpublish_role_ids": [], "create_new_version_role_ids": [ROLE]},
        "archived_step": {"role_ids": [ROLE]},
    }
    doc = api.update("codename/my_workflow", sample)
    first, second = doc["steps"]
    assert doc["id"] == created["id"] and doc["codename"] == "my_workflow"
    assert second["id"] == "16221cc2-bd22-4414-a513-f3e555c0fc93"
    assert first["transitions_to"] == [{"step": {"id": second["id"]}}, {"step": {"id": ARCHIVED}}]
    assert doc["published_step"]["create_new_version_role_ids"] == [ROLE]
    assert doc["archived_step"]["role_ids"] == [ROLE]
    assert api.workflows()[1] == doc
    assert api.update(created["id"], {**sample, "codename": "renamed"})["codename"] == "renamed"
    r = api.put("codename/my_workflow", sample)
    assert_error(r, 404, 119, "The requested workflow 'codename/my_workflow' was not found.")


def test_update_keeps_step_ids_by_id_and_by_codename(api: Api) -> None:
    created = api.add(body(step("write", {"codename": "review"}), step("review", {"codename": "published"})))
    write, review = created["steps"]
    doc = api.update(
        created["id"],
        body(
            step("review", {"codename": "published"}, color="yellow"),
            step("writing", {"id": review["id"]}, id=write["id"]),
            step("new_step", {"codename": "writing"}),
        ),
    )
    moved, renamed, added = doc["steps"]
    assert (moved["id"], moved["color"]) == (review["id"], "yellow")
    assert (renamed["id"], renamed["codename"]) == (write["id"], "writing")
    assert added["id"] not in (write["id"], review["id"])


def test_update_the_default_workflow(api: Api) -> None:
    type_id = api.add_type("article")
    doc = api.update(
        ZERO,
        body(
            step("draft", {"codename": "published"}, color="gray"),
            name="Main",
            codename="main",
            scopes=[{"content_types": [], "collections": []}],
        ),
    )
    assert (doc["id"], doc["name"], doc["codename"]) == (ZERO, "Main", "main")
    assert doc["steps"][0]["id"] == DRAFT
    assert doc["scopes"] == [{"content_types": [], "collections": []}]
    before = api.rows()
    limited = body(scopes=[{"content_types": [{"id": type_id}]}])
    assert_invalid(
        api.put("codename/main", limited),
        "The default workflow cannot be limited to specific content types or collections: its scopes must not list "
        "any, so that every content item has a workflow available.",
    )
    assert api.rows() == before


def test_update_without_codename_keeps_it(api: Api) -> None:
    created = api.add(body(codename="kept"))
    assert api.update(created["id"], body(name="Other name"))["codename"] == "kept"
    assert api.update(ZERO, body(name="Main"))["codename"] == "default"


def test_update_codename_clash_and_own_codename(api: Api) -> None:
    api.add(body(codename="taken"))
    mine = api.add(body(codename="mine"))
    assert api.update(mine["id"], body(codename="mine"))["codename"] == "mine"
    before = api.rows()
    assert_invalid(api.put(mine["id"], body(codename="taken")), "A workflow with the codename 'taken' already exists.")
    assert api.rows() == before


@pytest.mark.parametrize("identifier", [UNKNOWN_ID, "codename/nothing", "external-id/x", "not-a-guid"])
def test_update_unknown_workflow(api: Api, identifier: str) -> None:
    before = api.rows()
    assert_error(api.put(identifier, body()), 404, 119, f"The requested workflow '{identifier}' was not found.")
    assert api.rows() == before


def test_update_refuses_bad_bodies_untouched(api: Api) -> None:
    created = api.add(body())
    before = api.rows()
    assert_invalid(
        api.put(created["id"], {"name": "X"}),
        *[
            "The 'scopes' property is missing. Provide at least an empty array.",
            "The 'steps' property is missing. Provide at least one workflow step.",
            "The 'published_step' property is missing or invalid. Provide an object, at least an empty one.",
            "The 'archived_step' property is missing or invalid. Provide an object, at least an empty one.",
        ],
    )
    r = api.http.put(f"{api.url}/{created['id']}", headers=api.headers, content=b"{")
    assert r.status_code == 400
    assert api.rows() == before


def test_a_step_holding_variants_cannot_be_removed(api: Api) -> None:
    created = api.add(body(step("write", {"codename": "review"}), step("review", {"codename": "published"})))
    write = created["steps"][0]
    api.put_variant(created["id"], write["id"])
    api.put_variant(created["id"], write["id"])
    before = api.rows()
    assert_invalid(
        api.put(created["id"], body(step("review", {"codename": "published"}))),
        f"The workflow step 'write' ({write['id']}) cannot be removed: 2 content item variant(s) are in it. Move "
        "them to another step first.",
    )
    assert api.rows() == before
    kept = api.update(created["id"], body(step("write", {"codename": "published"})))
    assert [s["id"] for s in kept["steps"]] == [write["id"]]
    api.put_variant(ZERO, DRAFT)
    assert_invalid(
        api.put(ZERO, body(step("other", {"codename": "published"}), name="Default")),
        f"The workflow step 'draft' ({DRAFT}) cannot be removed: 1 content item variant(s) are in it. Move them to "
        "another step first.",
    )
    # The same step by codename keeps its id, so it is no removal.
    assert api.update(ZERO, body(step("draft", {"codename": "published"}), name="Default"))["steps"][0]["id"] == DRAFT


def test_variants_in_system_steps_do_not_block_updates(api: Api) -> None:
    created = api.add(body())
    for system in (PUBLISHED, SCHEDULED, ARCHIVED):
        api.put_variant(created["id"], system)
    api.update(created["id"], body(step("other", {"codename": "published"})))


# -- delete --------------------------------------------------------------------------------------------


def test_delete(api: Api) -> None:
    first = api.add(body(codename="first"))
    second = api.add(body(codename="second"))
    r = api.delete(first["id"])
    assert r.status_code == 204 and r.content == b""
    assert api.delete("codename/second").status_code == 204
    assert api.workflows() == [DEFAULT_WORKFLOW]
    assert_error(api.delete(second["id"]), 404, 119, f"The requested workflow '{second['id']}' was not found.")


@pytest.mark.parametrize("identifier", [ZERO, "codename/default"])
def test_the_default_workflow_cannot_be_deleted(api: Api, identifier: str) -> None:
    before = api.rows()
    assert_error(
        api.delete(identifier),
        400,
        235,
        "The default workflow '00000000-0000-0000-0000-000000000000' cannot be deleted.",
    )
    assert api.rows() == before


@pytest.mark.parametrize("identifier", [UNKNOWN_ID, "codename/nothing", "external-id/x", "x"])
def test_delete_unknown_workflow(api: Api, identifier: str) -> None:
    assert_error(api.delete(identifier), 404, 119, f"The requested workflow '{identifier}' was not found.")


def test_a_workflow_in_use_cannot_be_deleted(api: Api) -> None:
    created = api.add(body(codename="busy"))
    api.put_variant(created["id"], ARCHIVED)
    before = api.rows()
    assert_error(
        api.delete("codename/busy"),
        400,
        0,
        f"The workflow 'busy' ({created['id']}) is used by 1 content item variant(s) and cannot be deleted. Move "
        "them to another workflow first.",
    )
    assert api.rows() == before


# -- environments from before workflows existed ------------------------------------------------------------


def test_reads_synthesize_the_default_without_storing_it(api: Api) -> None:
    api.forget_default()
    assert api.stored_workflow_ids() == []
    assert api.workflows() == [DEFAULT_WORKFLOW]
    assert api.steps().status_code == 200
    assert api.stored_workflow_ids() == []


def test_the_first_write_materializes_the_default(api: Api) -> None:
    api.forget_default()
    before = api.rows()
    assert_invalid(
        api.post(body(codename="Bad!")),
        "The codename 'Bad!' is invalid. Codenames contain only "
        "lowercase letters, digits and underscores, and start with a letter or an underscore.",
    )
    assert_invalid(
        api.post(body(step("x"))),
        "steps[0]: the step 'x' cannot reach the Published step. Every step must eventually transition to Published.",
    )
    assert api.rows() == before
    created = api.add(body())
    assert api.stored_workflow_ids() == [ZERO, created["id"]]
    assert api.workflows() == [DEFAULT_WORKFLOW, created]


@pytest.mark.parametrize("write", ["put", "delete"])
def test_writes_to_the_default_materialize_it(api: Api, write: str) -> None:
    api.forget_default()
    if write == "put":
        assert api.update("codename/default", body(name="Renamed"))["name"] == "Renamed"
        assert api.stored_workflow_ids() == [ZERO]
    else:
        # A refused delete rolls the materialization back with it.
        assert api.delete(ZERO).status_code == 400
        assert api.stored_workflow_ids() == []


def test_domain_api_materializes_inside_a_write(api: Api) -> None:
    api.forget_default()

    async def work(conn: Any, env_pk: str) -> tuple[list[Any], Any, Any]:
        found = await wf.find_workflow(conn, env_pk, Reference(codename="default"))
        chosen = await wf.for_new_variant(conn, env_pk, ids.new_guid(), ZERO)
        return await wf.all_workflows(conn, env_pk), found, chosen

    docs, found, chosen = api.storage(work)
    assert docs == [DEFAULT_WORKFLOW] and found == DEFAULT_WORKFLOW and chosen == DEFAULT_WORKFLOW
    assert api.stored_workflow_ids() == [ZERO]


def test_for_new_variant_over_storage(api: Api) -> None:
    article = api.add_type("article")
    marketing = api.add_collection("marketing")
    legal = api.add(
        body(name="Legal", scopes=[{"content_types": [{"id": article}], "collections": [{"id": marketing}]}])
    )

    async def work(conn: Any, env_pk: str) -> tuple[str, str]:
        hit = await wf.for_new_variant(conn, env_pk, article, marketing)
        miss = await wf.for_new_variant(conn, env_pk, article, ZERO)
        return hit["id"], miss["id"]

    assert api.storage(work) == (legal["id"], ZERO)


# -- the domain API (pure functions) -------------------------------------------------------------------


def _workflow(workflow_id: str, *scopes: dict[str, Any]) -> dict[str, Any]:
    doc = copy.deepcopy(DEFAULT_WORKFLOW)
    doc["id"] = workflow_id
    doc["scopes"] = list(scopes)
    return doc


def _scope(types: list[str], collections: list[str]) -> dict[str, Any]:
    return {"content_types": [{"id": t} for t in types], "collections": [{"id": c} for c in collections]}


def test_choose_for_prefers_the_most_specific_scope() -> None:
    t1, t2, c1, c2 = (ids.new_guid() for _ in range(4))
    default = _workflow(ZERO)
    unlimited = _workflow("u", {"content_types": [], "collections": []})
    by_type = _workflow("t", _scope([t1], []))
    by_collection = _workflow("c", _scope([], [c1]))
    both = _workflow("b", _scope([t2], [c2]), _scope([t1], [c1]))
    docs = [default, unlimited, by_type, by_collection, both]
    assert wf.choose_for(docs, t1, c1)["id"] == "b"
    assert wf.choose_for(docs, t1, c2)["id"] == "t"
    assert wf.choose_for(docs, t2, c1)["id"] == "c"
    assert wf.choose_for(docs, t2, c2)["id"] == "b"
    assert wf.choose_for(docs, ids.new_guid(), ids.new_guid())["id"] == ZERO
    # Equally specific scopes: the earlier workflow wins.
    assert wf.choose_for([default, by_collection, by_type], t1, c1)["id"] == "c"
    # A limited workflow does not cover what it does not list.
    assert wf.choose_for([default, by_type], t2, c1)["id"] == ZERO


def test_steps_kinds_and_transitions() -> None:
    doc = copy.deepcopy(DEFAULT_WORKFLOW)
    review: dict[str, Any] = {
        "id": "r",
        "name": "Review",
        "codename": "review",
        "color": "red",
        "transitions_to": [],
        "role_ids": [],
    }
    doc["steps"][0]["transitions_to"] = [{"step": {"id": "r"}}]
    review["transitions_to"] = [{"step": {"id": PUBLISHED}}, {"step": {"id": DRAFT}}]
    doc["steps"].append(review)
    assert wf.first_step_id(doc) == DRAFT
    assert wf.step_before_published(doc) == "r"
    assert wf.step_before_published(DEFAULT_WORKFLOW) == DRAFT
    assert [wf.step_kind(doc, s) for s in (DRAFT, "r", PUBLISHED, SCHEDULED, ARCHIVED, "x")] == [
        "custom",
        "custom",
        "published",
        "scheduled",
        "archived",
        None,
    ]
    assert wf.find_step(doc, Reference(codename="review")) is review
    assert wf.find_step(doc, Reference(id=ARCHIVED)) == SYSTEM["archived_step"]
    assert wf.find_step(doc, Reference(codename="scheduled")) == SYSTEM["scheduled_step"]
    assert wf.find_step(doc, Reference(codename="nothing")) is None
    allowed = {
        (a, b)
        for a in (DRAFT, "r", PUBLISHED, SCHEDULED, ARCHIVED, "x")
        for b in (DRAFT, "r", PUBLISHED, SCHEDULED, ARCHIVED, "x")
        if wf.can_transition(doc, a, b)
    }
    assert allowed == {
        (DRAFT, "r"),
        ("r", PUBLISHED),
        ("r", SCHEDULED),
        ("r", DRAFT),
        (PUBLISHED, ARCHIVED),
        (SCHEDULED, PUBLISHED),
        (SCHEDULED, DRAFT),
        (SCHEDULED, "r"),
        (ARCHIVED, DRAFT),
        (ARCHIVED, "r"),
    }


def test_constants() -> None:
    assert (wf.DEFAULT_WORKFLOW_ID, wf.PUBLISHED_STEP_ID, wf.SCHEDULED_STEP_ID, wf.ARCHIVED_STEP_ID) == (
        ZERO,
        PUBLISHED,
        SCHEDULED,
        ARCHIVED,
    )
    assert wf.default_workflow() == DEFAULT_WORKFLOW
