"""Publishing and workflow moves over real HTTP: publish now and scheduled, unpublish-and-archive,
cancel, new versions beside the live one, change-workflow, the deprecated endpoints, the scheduler;
both backends."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.kontent_client import ZERO, Kontent, element_id, value_of
from tests.support import LiveServer, eventually

PUBLISHED = "c199950d-99f0-4983-b711-6c4c91624b22"
SCHEDULED = "9d2b0228-4d0d-4c23-8b49-01a698857709"
ARCHIVED = "7a535a69-ad34-47f8-806a-def1fdf4d391"


def future(seconds: float) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class Flow:
    """One item with a default-language variant, and shortcuts for its actions."""

    def __init__(self, api: Kontent) -> None:
        self.api = api
        api.add_type(
            "article",
            [
                {"name": "Title", "codename": "title", "type": "text", "is_required": True},
                {"name": "Body", "codename": "body", "type": "text"},
            ],
        )
        self.item = api.add_item("Article", "article")
        self.path = f"/items/{self.item['id']}/variants/{ZERO}"
        r = api.upsert(self.item["id"], ZERO, [{"element": {"codename": "title"}, "value": "Hello"}])
        assert r.status_code == 201, r.text
        self.draft_step = r.json()["workflow"]["step_identifier"]["id"]

    def act(self, action: str, body: Any = None, status: int = 204) -> dict[str, Any] | None:
        r = self.api.request("PUT", f"{self.path}/{action}", body)
        assert r.status_code == status, r.text
        return r.json() if r.content else None

    def latest(self) -> dict[str, Any]:
        return self.api.variant(self.item["id"])

    def published(self) -> dict[str, Any] | None:
        r = self.api.request("GET", f"{self.path}/published")
        if r.status_code == 404:
            assert r.json()["error_code"] == 122
            return None
        assert r.status_code == 200, r.text
        doc: dict[str, Any] = r.json()
        return doc

    def step(self) -> str:
        return str(self.latest()["workflow"]["step_identifier"]["id"])


@pytest.fixture
def flow(server: LiveServer, project: dict[str, Any]) -> Iterator[Flow]:
    with server.client() as http:
        yield Flow(Kontent(http, project))


def test_publish_now_and_the_published_version(flow: Flow) -> None:
    flow.act("publish")
    latest = flow.latest()
    assert latest["workflow"]["step_identifier"] == {"id": PUBLISHED}
    assert latest["workflow_step"] == {"id": PUBLISHED}
    assert flow.published() == latest
    # a published variant cannot be upserted
    r = flow.api.upsert(flow.item["id"], ZERO, [{"element": {"codename": "body"}, "value": "x"}])
    assert r.status_code == 400 and "published" in r.json()["message"]
    assert flow.latest() == latest
    # publishing again is refused; scheduling a published variant has no effect
    assert flow.act("publish", status=400)
    flow.act("publish", {"scheduled_to": future(3600)})
    assert flow.latest() == latest


def test_new_version_keeps_the_live_one(flow: Flow) -> None:
    flow.act("publish")
    live = flow.published()
    flow.act("new-version")
    assert flow.step() == flow.draft_step
    r = flow.api.upsert(flow.item["id"], ZERO, [{"element": {"codename": "title"}, "value": "Changed"}])
    assert r.status_code == 200, r.text
    assert flow.published() == live
    title = element_id(flow.api.ok("GET", "/types/codename/article"), "title")
    assert value_of(flow.latest(), title)["value"] == "Changed"
    error = flow.act("new-version", status=400)
    assert error is not None and error["error_code"] == 214
    flow.act("publish")
    published = flow.published()
    assert published is not None and value_of(published, title)["value"] == "Changed"


def test_unpublish_and_archive_then_restore(flow: Flow) -> None:
    error = flow.act("unpublish-and-archive", status=400)
    assert error is not None and error["error_code"] == 213
    flow.act("publish")
    flow.act("unpublish-and-archive")
    assert flow.step() == ARCHIVED
    assert flow.published() is None
    # archived variants cannot be upserted; change-workflow back to a custom step restores it
    assert flow.api.upsert(flow.item["id"], ZERO, []).status_code == 400
    flow.act("change-workflow", {"workflow_identifier": {"id": ZERO}, "step_identifier": {"id": flow.draft_step}})
    assert flow.step() == flow.draft_step
    assert flow.api.upsert(flow.item["id"], ZERO, []).status_code == 200


def test_publish_refuses_incomplete_variants(flow: Flow) -> None:
    other = flow.api.add_item("Empty", "article")
    flow.api.upsert(other["id"], ZERO, [{"element": {"codename": "body"}, "value": "no title"}])
    r = flow.api.request("PUT", f"/items/{other['id']}/variants/{ZERO}/publish")
    assert r.status_code == 400
    body = r.json()
    assert body["error_code"] == 4040027
    assert body["validation_errors"] == [
        {"message": "Element 'Title' is required but has no value", "path": "elements.title"}
    ]
    assert flow.api.request("GET", f"/items/{other['id']}/variants/{ZERO}/published").status_code == 404


def test_schedule_and_cancel(flow: Flow) -> None:
    error = flow.act("cancel-scheduled-publish", status=400)
    assert error is not None and error["error_code"] == 218
    when = future(3600)
    flow.act("publish", {"scheduled_to": when, "display_timezone": "Europe/Prague"})
    latest = flow.latest()
    assert latest["workflow"]["step_identifier"] == {"id": SCHEDULED}
    assert latest["schedule"]["publish_time"] == when[:19] + "Z"
    assert latest["schedule"]["publish_display_timezone"] == "Europe/Prague"
    assert flow.api.upsert(flow.item["id"], ZERO, []).status_code == 400
    flow.act("cancel-scheduled-publish")
    latest = flow.latest()
    assert latest["workflow"]["step_identifier"] == {"id": flow.draft_step}
    assert latest["schedule"]["publish_time"] is None
    error = flow.act("cancel-scheduled-unpublish", status=400)
    assert error is not None and error["error_code"] == 218


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"scheduled_to": "2019-07-:00:00+01:00"}, "not a valid datetime"),
        ({"scheduled_to": "2001-01-01T00:00:00Z"}, "in the future"),
        ({"scheduled_to": future(3600), "display_timezone": "Mars/Olympus"}, "IANA"),
        ({"scheduled_to": 5}, "datetime"),
        ([1], "JSON object"),
    ],
)
def test_bad_schedules(flow: Flow, body: Any, fragment: str) -> None:
    error = flow.act("publish", body, status=400)
    assert error is not None and error["error_code"] == 5 and fragment in str(error)
    assert flow.step() == flow.draft_step


def test_change_workflow_rules(flow: Flow) -> None:
    to_published = flow.act(
        "change-workflow", {"workflow_identifier": {"id": ZERO}, "step_identifier": {"id": PUBLISHED}}, status=400
    )
    assert to_published is not None and to_published["error_code"] == 215
    unknown = flow.act(
        "change-workflow",
        {"workflow_identifier": {"codename": "nope"}, "step_identifier": {"id": PUBLISHED}},
        status=404,
    )
    assert unknown is not None and unknown["error_code"] == 119
    assert flow.act("change-workflow", {"workflow_identifier": {"id": ZERO}}, status=400)
    # archiving through change-workflow (the migration toolkit's "archive")
    flow.act("change-workflow", {"workflow_identifier": {"id": ZERO}, "step_identifier": {"codename": "archived"}})
    assert flow.step() == ARCHIVED


def test_deprecated_unpublish_and_workflow_step(flow: Flow) -> None:
    error = flow.act("unpublish", status=400)
    assert error is not None and error["error_code"] == 213
    flow.act("publish")
    flow.act("unpublish")
    assert flow.step() == flow.draft_step and flow.published() is None
    flow.act(f"workflow/{ARCHIVED}")
    assert flow.step() == ARCHIVED
    flow.act("workflow/codename/draft")
    assert flow.step() == flow.draft_step
    missing = flow.act("workflow/codename/nope", status=404)
    assert missing is not None


def test_unknown_variant(flow: Flow) -> None:
    r = flow.api.request("PUT", f"/items/{flow.item['id']}/variants/codename/nope/publish")
    assert r.status_code == 404
    other = flow.api.add_item("No variant", "article")
    r = flow.api.request("PUT", f"/items/{other['id']}/variants/{ZERO}/publish")
    assert r.status_code == 404 and r.json()["error_code"] == 103


def test_the_scheduler_publishes_and_unpublishes(project: dict[str, Any], make_server: Any) -> None:
    fast = make_server(scheduler_interval_seconds=0.2)
    with fast.client() as http:
        flow = Flow(Kontent(http, project))
        schedule = {"publish_scheduled_to": future(1.5), "unpublish_scheduled_to": future(3)}
        flow.act("schedule-publish-and-unpublish", schedule)
        assert flow.step() == SCHEDULED
        assert eventually(lambda: flow.step() == PUBLISHED, timeout=10)
        assert flow.published() is not None
        assert flow.latest()["schedule"]["publish_time"] is None
        assert flow.latest()["schedule"]["unpublish_time"] is not None
        assert eventually(lambda: flow.step() == ARCHIVED, timeout=10)
        assert flow.published() is None
        time.sleep(0.5)
        assert flow.step() == ARCHIVED
