"""The public HTTP contract: every route, the RPC behind it, who may call it.

This table drives both the Flask routes (gateway/app.py) and the OpenAPI
document (gateway/openapi.py), so the documentation cannot drift from what is
served. Path parameters are passed to the RPC by name; a validated JSON body
as ``request``; validated query parameters as ``query``.
"""
from dataclasses import dataclass

from services.courses import schemas as courses
from services.identity import schemas as identity
from marshmallow import Schema, fields

from shared.caller import UNION_STAFF


@dataclass(frozen=True)
class Route:
    method: str
    path: str                # Flask syntax: /api/v1/things/<thing_id>
    service: str
    rpc: str
    summary: str
    tag: str
    body: type = None        # request body schema
    query: type = None       # query string schema
    response: type = None    # success body schema (None: 204 No Content)
    status: int = 200
    public: bool = False     # no token needed
    roles: tuple = ()        # any of these roles; empty: any signed-in caller
    headers: tuple = ()      # (HTTP header, RPC argument) pairs passed through
    header_schema: type = None  # checks those arguments before anything else
    status_of: object = None  # result -> status, when it depends on the answer
    other_status: tuple = ()  # (status, description) that status_of may also answer
    download: str = None     # media type: answered as a file (FileDownload), not JSON


class Pong(Schema):
    pong = fields.String()


ROUTES = (
    Route("GET", "/api/v1/ping", "identity", "ping",
          "A round trip through the gateway to a service and back", "system",
          response=Pong, public=True),
    Route("POST", "/api/v1/auth/register", "identity", "register_worker",
          "注册: register with a mainland mobile number", "auth",
          body=identity.RegisterRequest, response=identity.OwnProfile,
          status=201, public=True),
    Route("POST", "/api/v1/auth/login", "identity", "log_in",
          "登录: log in; answers an access and a refresh token", "auth",
          body=identity.LoginRequest, response=identity.TokenPair, public=True),
    Route("POST", "/api/v1/auth/refresh", "identity", "refresh_session",
          "Exchange a refresh token for a new pair (the old one stops working)", "auth",
          body=identity.RefreshTokenRequest, response=identity.TokenPair, public=True),
    Route("POST", "/api/v1/auth/logout", "identity", "log_out",
          "退出登录: revoke the session of a refresh token", "auth",
          body=identity.RefreshTokenRequest, status=204, public=True),
    Route("GET", "/api/v1/me", "identity", "get_own_profile",
          "My profile, with membership status and member number", "profile",
          response=identity.OwnProfile),
    Route("PATCH", "/api/v1/me", "identity", "update_own_profile",
          "Update my name, occupation, platform or district", "profile",
          body=identity.ProfileUpdateRequest, response=identity.OwnProfile),
    Route("POST", "/api/v1/membership/applications", "identity", "apply_for_membership",
          "申请入会: apply to join the union", "membership",
          body=identity.MembershipApplicationRequest, response=identity.Application,
          status=201),
    Route("GET", "/api/v1/membership/applications", "identity",
          "list_membership_applications", "Applications by status, oldest first",
          "membership", query=identity.ApplicationListQuery,
          response=identity.ApplicationPage, roles=(UNION_STAFF,)),
    Route("POST", "/api/v1/membership/applications/<application_id>/approve", "identity",
          "approve_membership", "Approve an application; gives a member number",
          "membership", response=identity.Application, roles=(UNION_STAFF,)),
    Route("POST", "/api/v1/membership/applications/<application_id>/reject", "identity",
          "reject_membership", "Reject an application with a reason", "membership",
          body=identity.RejectionRequest, response=identity.Application,
          roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/workers", "identity", "find_worker",
          "Find a worker by phone (staff)", "workers",
          query=identity.WorkerLookupQuery, response=identity.WorkerView,
          roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/workers/<worker_id>", "identity", "get_worker",
          "A worker's profile, phone masked (staff)", "workers",
          response=identity.WorkerView, roles=(UNION_STAFF,)),
    Route("PUT", "/api/v1/workers/<worker_id>/roles/<role>", "identity", "grant_role",
          "Grant the employer or station_keeper role (staff)", "workers",
          response=identity.WorkerView, roles=(UNION_STAFF,)),
    Route("DELETE", "/api/v1/workers/<worker_id>/roles/<role>", "identity", "revoke_role",
          "Revoke the employer or station_keeper role (staff)", "workers",
          response=identity.WorkerView, roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/classes", "courses", "list_classes",
          "盐工学堂: published classes, soonest first, with seats left", "classes",
          query=courses.ClassListQuery, response=courses.ClassPage),
    Route("GET", "/api/v1/classes/<class_id>", "courses", "get_class",
          "One class, with seats left, waitlist length and my booking", "classes",
          response=courses.ClassView),
    Route("POST", "/api/v1/classes", "courses", "create_class",
          "Create a class as a draft (staff)", "classes",
          body=courses.ClassCreateRequest, response=courses.ClassView, status=201,
          roles=(UNION_STAFF,)),
    Route("PATCH", "/api/v1/classes/<class_id>", "courses", "update_class",
          "Edit a class; added seats are offered to the waitlist (staff)", "classes",
          body=courses.ClassUpdateRequest, response=courses.ClassView, roles=(UNION_STAFF,)),
    Route("POST", "/api/v1/classes/<class_id>/publish", "courses", "publish_class",
          "Publish a draft class so workers can book it (staff)", "classes",
          response=courses.ClassView, roles=(UNION_STAFF,)),
    Route("POST", "/api/v1/classes/<class_id>/bookings", "courses", "book_seat",
          "抢课: book a seat (201), or join the waitlist (202); 409 when neither", "bookings",
          response=courses.BookingResult, status=201,
          headers=(("Idempotency-Key", "idempotency_key"),), header_schema=courses.BookingKey,
          status_of=lambda result: 202 if result["status"] == "waitlisted" else 201,
          other_status=(202, "On the waitlist")),
    Route("DELETE", "/api/v1/classes/<class_id>/bookings/me", "courses", "cancel_booking",
          "Cancel my booking or leave the waitlist; a freed seat goes to the first in line",
          "bookings", status=204),
    Route("POST", "/api/v1/classes/<class_id>/bookings/me/confirm", "courses",
          "confirm_offer", "Confirm a seat offered to me from the waitlist", "bookings",
          response=courses.BookingResult),
    Route("GET", "/api/v1/me/bookings", "courses", "list_my_bookings",
          "My upcoming bookings, offers and waitlist places", "bookings",
          response=courses.BookingList),
    Route("POST", "/api/v1/classes/<class_id>/cancel", "courses", "cancel_class",
          "Cancel a class; every booking is released and the workers are told (staff)",
          "classes", response=courses.ClassView, roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/classes/<class_id>/checkin-code", "courses", "get_checkin_code",
          "The check-in code of a running class (staff)", "attendance",
          response=courses.CheckinCode, roles=(UNION_STAFF,)),
    Route("POST", "/api/v1/classes/<class_id>/attendance", "courses", "record_attendance",
          "签到: submit the check-in code; marks me attended once", "attendance",
          body=courses.AttendanceRequest, response=courses.Attendance),
)

# ---- ledger: points, rewards (appended; see services/ledger/) ---------------

from services.ledger import schemas as ledger  # noqa: E402

ROUTES += (
    Route("GET", "/api/v1/me/points", "ledger", "get_my_points",
          "我的积分: balance, lifetime earned, points expiring within 30 days", "points",
          response=ledger.Balance),
    Route("GET", "/api/v1/me/points/entries", "ledger", "list_my_entries",
          "积分明细: my statement, newest first; each line says why", "points",
          query=ledger.StatementQuery, response=ledger.EntryPage),
    Route("GET", "/api/v1/points/leaderboard", "ledger", "get_leaderboard",
          "积分榜: points earned in a period, by district and occupation (staff)", "points",
          query=ledger.LeaderboardQuery, response=ledger.Leaderboard, roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/points/accounts/<worker_id>", "ledger", "get_account",
          "A worker's balance (staff)", "points", response=ledger.Balance,
          roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/points/accounts/<worker_id>/entries", "ledger",
          "list_worker_entries", "A worker's full statement (staff)", "points",
          query=ledger.StatementQuery, response=ledger.EntryPage, roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/points/export", "ledger", "export_entries_csv",
          "Statement lines as a CSV download, all workers or one (staff); "
          "X-Export-Truncated: true when there were more", "points",
          query=ledger.ExportQuery, response=ledger.CsvExport, roles=(UNION_STAFF,),
          download="text/csv"),
    Route("GET", "/api/v1/points/reconciliation", "ledger", "reconcile_balances",
          "Recompute balances from the entries and list any mismatch (staff)", "points",
          query=ledger.ReconcileQuery, response=ledger.Reconciliation, roles=(UNION_STAFF,)),
    Route("POST", "/api/v1/points/adjustments", "ledger", "adjust_points",
          "人工调整: credit or debit a worker with a reason (staff); "
          "Idempotency-Key required, replays the first answer", "points",
          body=ledger.AdjustmentRequest, response=ledger.EntryView, status=201,
          roles=(UNION_STAFF,), headers=(("Idempotency-Key", "idempotency_key"),),
          header_schema=ledger.RequiredKey),
    Route("POST", "/api/v1/points/entries/<entry_id>/reversal", "ledger", "reverse_entry",
          "撤销: undo an entry with a reversal entry, at most once (staff)", "points",
          body=ledger.ReversalRequest, response=ledger.EntryView, status=201,
          roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/points/rules", "ledger", "get_rules",
          "The current earning rules and their version (staff)", "points",
          response=ledger.RuleSet, roles=(UNION_STAFF,)),
    Route("PUT", "/api/v1/points/rules", "ledger", "set_rules",
          "Replace the earning rules; saved as a new version (staff)", "points",
          body=ledger.RuleSetRequest, response=ledger.RuleSet, roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/rewards", "ledger", "list_rewards",
          "积分兑换: rewards on offer, with cost and stock", "rewards",
          response=ledger.RewardList),
    Route("POST", "/api/v1/rewards", "ledger", "create_reward",
          "Publish a reward with its cost and stock (staff)", "rewards",
          body=ledger.RewardCreateRequest, response=ledger.RewardView, status=201,
          roles=(UNION_STAFF,)),
    Route("PATCH", "/api/v1/rewards/<reward_id>", "ledger", "update_reward",
          "Edit, withdraw or restock a reward (staff)", "rewards",
          body=ledger.RewardUpdateRequest, response=ledger.RewardView, roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/me/redemptions", "ledger", "list_my_redemptions",
          "我的兑换: my redemptions, newest first; cancelled ones were refunded", "rewards",
          query=ledger.StatementQuery, response=ledger.RedemptionPage),
    Route("POST", "/api/v1/rewards/<reward_id>/redemptions", "ledger", "redeem_reward",
          "兑换: spend points on a reward; Idempotency-Key required, replays the first answer",
          "rewards", response=ledger.RedemptionView, status=201,
          headers=(("Idempotency-Key", "idempotency_key"),), header_schema=ledger.RequiredKey),
)

# ---- learning: 红动海盐 lessons and the quiz (appended; see services/learning/) --

from services.learning import schemas as learning  # noqa: E402


# Completion and attempt start answer 201 when they made something, 200 when
# they gave back what an earlier call made.
GIVEN_BACK = (200, "Given back: made by an earlier call")


ROUTES += (
    Route("GET", "/api/v1/lesson-columns", "learning", "list_lesson_columns",
          "红动海盐 columns: code and Chinese name", "lessons",
          response=learning.ColumnList),
    Route("GET", "/api/v1/lessons", "learning", "list_lessons",
          "星火课堂 / 榜样力量 / 在路上 / 班前十分钟: a column's lessons, newest first",
          "lessons", query=learning.LessonListQuery, response=learning.LessonPage),
    Route("GET", "/api/v1/lessons/<lesson_id>", "learning", "get_lesson",
          "One lesson (Markdown body) and when I finished it", "lessons",
          response=learning.LessonView),
    Route("POST", "/api/v1/lessons/<lesson_id>/completion", "learning", "complete_lesson",
          "学习完成: record that I finished a lesson, once (201; a repeat answers 200)",
          "lessons", response=learning.Completion, status=201,
          status_of=lambda result: 201 if result["first_time"] else 200,
          other_status=GIVEN_BACK),
    Route("POST", "/api/v1/lessons", "learning", "create_lesson",
          "Write a lesson as a draft (staff)", "lessons",
          body=learning.LessonCreateRequest, response=learning.LessonView, status=201,
          roles=(UNION_STAFF,)),
    Route("PATCH", "/api/v1/lessons/<lesson_id>", "learning", "update_lesson",
          "Edit a lesson (staff)", "lessons",
          body=learning.LessonUpdateRequest, response=learning.LessonView,
          roles=(UNION_STAFF,)),
    Route("POST", "/api/v1/lessons/<lesson_id>/publish", "learning", "publish_lesson",
          "Publish a draft lesson to workers (staff)", "lessons",
          response=learning.LessonView, roles=(UNION_STAFF,)),
    Route("POST", "/api/v1/lessons/<lesson_id>/unpublish", "learning", "unpublish_lesson",
          "Take a lesson back to draft; workers no longer see it (staff)", "lessons",
          response=learning.LessonView, roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/quiz-questions", "learning", "list_questions",
          "The question bank, with answers, by topic and kind (staff)", "quiz",
          query=learning.QuestionListQuery, response=learning.QuestionPage,
          roles=(UNION_STAFF,)),
    Route("POST", "/api/v1/quiz-questions", "learning", "create_question",
          "Add a single-choice, multiple-choice or true/false question (staff)", "quiz",
          body=learning.QuestionCreateRequest, response=learning.QuestionView, status=201,
          roles=(UNION_STAFF,)),
    Route("PATCH", "/api/v1/quiz-questions/<question_id>", "learning", "update_question",
          "Edit a question, or retire it with active=false (staff)", "quiz",
          body=learning.QuestionUpdateRequest, response=learning.QuestionView,
          roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/quizzes", "learning", "list_quizzes",
          "红色知识答题: quizzes open now (or upcoming, closed, all), with my attempts today",
          "quiz", query=learning.QuizListQuery, response=learning.QuizPage),
    Route("GET", "/api/v1/quizzes/<quiz_id>", "learning", "get_quiz",
          "One quiz's rules, with my attempts today and whether I passed", "quiz",
          response=learning.QuizView),
    Route("POST", "/api/v1/quizzes", "learning", "create_quiz",
          "Set up a quiz (期): window, topics, questions drawn, time limit, pass mark (staff)",
          "quiz", body=learning.QuizCreateRequest, response=learning.QuizView, status=201,
          roles=(UNION_STAFF,)),
    Route("PATCH", "/api/v1/quizzes/<quiz_id>", "learning", "update_quiz",
          "Edit a quiz; attempts already started keep their rules (staff)", "quiz",
          body=learning.QuizUpdateRequest, response=learning.QuizView, roles=(UNION_STAFF,)),
    Route("GET", "/api/v1/quizzes/<quiz_id>/stats", "learning", "get_quiz_stats",
          "Correct rate per question; participation by district and occupation (staff)",
          "quiz", response=learning.QuizStats, roles=(UNION_STAFF,)),
    Route("POST", "/api/v1/quizzes/<quiz_id>/attempts", "learning", "start_attempt",
          "开始答题: questions without answers and a deadline (201); my open attempt "
          "still in time is given back instead (200)", "quiz",
          response=learning.AttemptView, status=201,
          status_of=lambda result: 200 if result["resumed"] else 201,
          other_status=GIVEN_BACK),
    Route("GET", "/api/v1/quiz-attempts/<attempt_id>", "learning", "get_attempt",
          "My attempt: its questions; after submission also the score, answers and "
          "explanations", "quiz", response=learning.AttemptView),
    Route("POST", "/api/v1/quiz-attempts/<attempt_id>/submission", "learning",
          "submit_attempt", "交卷: score, which answers were right, explanations; once",
          "quiz", body=learning.SubmissionRequest, response=learning.AttemptView),
)
