"""learning and the ledger together: a finished lesson's statement line names
the lesson's column (lesson_completed carries it), and an older event without
the column still posts, with the rule's label as before."""
import uuid
from datetime import datetime, timezone

import pytest
from nameko.standalone.events import event_dispatcher

from services.learning.service import LearningService
from services.ledger.service import LedgerService
from shared.caller import Caller
from shared.clock import utcnow
from shared.events import new_event
from tests.support.broker import wait_for

STAFF = Caller(id="staff-1", roles=("worker", "union_staff"), session_id="s")
RULES = [{"code": "lesson_completed", "label": "星火课堂", "points": 5, "first_only": True}]


def worker():
    return Caller(id="w-" + uuid.uuid4().hex[:8], roles=("worker",), session_id="s")


@pytest.fixture
def services(container_factory, service_config, rpc_as):
    for service_cls in (LearningService, LedgerService):
        container_factory(service_cls, service_config).start()
    rpc_as(STAFF).ledger.set_rules({"rules": RULES})


def statement_lines(rpc_as, me):
    return wait_for(lambda: [item["line"] for item in rpc_as(me).ledger.list_my_entries({})
                             ["items"]], what="the lesson's statement line")


def test_a_role_model_story_is_on_the_statement_as_one(services, rpc_as):
    lesson = rpc_as(STAFF).learning.create_lesson({
        "column": "role_models", "title": "最美快递员", "summary": "", "body": "## 榜样",
        "media_urls": [], "tags": [], "estimated_minutes": 5})
    rpc_as(STAFF).learning.publish_lesson(lesson["id"])
    me = worker()
    rpc_as(me).learning.complete_lesson(lesson["id"])
    assert statement_lines(rpc_as, me) == ["榜样力量「最美快递员」学习完成 +5"]


def test_a_lesson_completed_without_its_column_still_posts_as_before(
        services, rpc_as, amqp_uri):
    me = worker()
    older = new_event("learning", "lesson_completed", {
        "worker_id": me.id, "lesson_id": "l-old", "lesson_title": "红船精神",
        "completed_at": datetime.now(timezone.utc)}, now=utcnow())
    assert "column" not in older["data"]
    event_dispatcher({"AMQP_URI": amqp_uri})("learning", "lesson_completed", older)
    assert statement_lines(rpc_as, me) == ["星火课堂「红船精神」学习完成 +5"]
