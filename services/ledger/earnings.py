"""The earning table: every event the ledger awards points for, one entry each.

Adding an earning event is one entry here (its data schema is the producer's
contract in shared/event_schemas/): the ledger's handler of it, and so its
subscription queue, are made from this table (services/ledger/service.py),
staff may write a rule for its code (schemas.Rule), and its statement line is
``line`` filled in by rules.reason.

Data only, no logic: the API schemas, which the gateway imports, read it too,
and the ledger's domain imports it from here, never the reverse.
"""
from dataclasses import dataclass

PER_EVENT, PER_HOUR = "event", "hour"


@dataclass(frozen=True)
class Earning:
    """What an earning event type means to the ledger."""
    source: str         # the service that publishes it
    subject: str        # the field naming the thing done (first-time checks)
    time: str           # the field with when it happened
    line: str           # the statement line: the event's fields, and the words
                        # rules.line_words adds ({label}, {passed}, ...)
    has_hours: bool = False


EARNINGS = {
    "quiz_passed": Earning("learning", "quiz_id", "passed_at",
                           line="{label} {quiz_title} {passed}"),
    "lesson_completed": Earning("learning", "lesson_id", "completed_at",
                                line="{column_name}「{lesson_title}」学习完成"),
    "class_attended": Earning("courses", "class_id", "attended_at", has_hours=True,
                              line="{label}「{class_title}」签到"),
    "volunteer_hours_confirmed": Earning("volunteering", "activity_id", "confirmed_at",
                                         has_hours=True,
                                         line="{label} {hours:g} 小时({activity_title})"),
    "station_visited": Earning("stations", "station_id", "visited_at",
                               line="{label}「{station_name}」打卡"),
}
