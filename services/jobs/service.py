"""jobs: 驿路共富, an honest job board for workers whose pay is per order.

Entrypoints only: what may happen is rules.py's, a posting's search terms
terms.py's, the search search.py's (over this instance's copy of the open
postings, shared/catalog.py), what callers see views.py's, the data
storage.py's. Each entrypoint takes the time once. One answer comes from
another service, asked synchronously because an application cannot be made
without it: the worker's own name and phone (identity)."""
from services.jobs import rules, schemas, terms, views
from services.jobs.config import JobsSettings
from services.jobs.search import JobIndex
from services.jobs.storage import JobsStore
from shared.calls import ServiceCalls
from shared.caller import EMPLOYER, UNION_STAFF
from shared.catalog import Catalog
from shared.clock import utcnow
from shared.coordinates import to_wgs84
from shared.domain import OCCUPATION_LABELS
from shared.inbox import EventConsumer, handles
from shared.mongo import MongoStore
from shared.outbox import EventSource
from shared.rpc import rpc
from shared.schemas import dump, load
from shared.service import ServiceBase, Settings
from shared.timers import every

# Staff see an employer among those who let applications lapse once it has
# had this many applications (fewer say little).
LAPSE_REPORT_LEAST = 3


def terms_of(fields, employer_name):
    """A posting's search terms (terms.py), from what a worker would type."""
    labels = ([schemas.SKILLS[code] for code in fields["skills"]]
              + [OCCUPATION_LABELS[code] for code in fields["occupations"]])
    place = fields["place"]
    return terms.posting_terms(fields["title"], fields["description"], labels, employer_name,
                               place["district"] + " " + place["address"])


class JobsService(ServiceBase, EventSource, EventConsumer):
    name = "jobs"

    store = MongoStore(JobsStore)
    settings = Settings(JobsSettings.from_config)
    catalog = Catalog(JobIndex)
    calls = ServiceCalls()

    # ---- employers ----------------------------------------------------------------

    @rpc
    def register_employer(self, request):
        owner = self.caller.require_role(EMPLOYER)
        fields = load(schemas.EmployerRequest, request)
        employer = self.store.register_employer(fields, owner.id, utcnow())
        return dump(schemas.EmployerView, views.employer(employer))

    @rpc
    def get_my_employer(self):
        owner = self.caller.require_role(EMPLOYER)
        return dump(schemas.EmployerView, views.employer(self.store.employer_of(owner.id)))

    @rpc
    def list_employers(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.EmployerListQuery, query)
        employers, total = self.store.list_employers(params)
        return dump(schemas.EmployerPage, dict(
            params, items=[views.employer(e) for e in employers], total=total))

    @rpc
    def decide_employer(self, employer_id, request):
        self.caller.require_role(UNION_STAFF)
        fields = load(schemas.EmployerDecision, request)
        employer, events = self.store.decide_employer(employer_id, fields["decision"],
                                                      fields["reason"], utcnow())
        self.relay.publish(events)
        return dump(schemas.EmployerView, views.employer(employer))

    @rpc
    def list_lapsing_employers(self):
        self.caller.require_role(UNION_STAFF)
        rows = self.store.lapsing_employers(LAPSE_REPORT_LEAST)
        names = {e["_id"]: e["name"] for e in self.store.employers_by_id(r["_id"] for r in rows)}
        return dump(schemas.LapsingEmployers, {"items": views.lapsing(rows, names)})

    # ---- postings -------------------------------------------------------------------

    @rpc
    def post_job(self, request):
        owner = self.caller.require_role(EMPLOYER)
        fields = load(schemas.PostingRequest, request)
        employer = self.store.employer_of(owner.id)
        now = utcnow()
        rules.check_may_post(employer, fields, now)
        posting, events = self.store.post_job(
            fields, employer, terms_of(fields, employer["name"]),
            rules.fee_words_in(fields["title"], fields["description"]), now)
        self.relay.publish(events)
        self.catalog.refresh(force=True)
        return self._posting(posting, schemas.WGS84)

    @rpc
    def get_job(self, job_id, query):
        caller = self.caller.require_authenticated()
        system = load(schemas.SystemQuery, query)["system"]
        posting = self.store.get_posting(job_id)
        rules.check_may_see(caller, posting, self._employer_id_of(caller))
        return self._posting(posting, system)

    @rpc
    def search_jobs(self, query):
        self.caller.require_authenticated()
        params = load(schemas.JobSearchQuery, query)
        if "lat" in params:
            params["position"] = to_wgs84(params["system"], params["lat"], params["lng"])
        found, total = self.catalog.index.search(params, utcnow())
        return views.search_answer(params, found, total)

    @rpc
    def list_my_jobs(self, query):
        owner = self.caller.require_role(EMPLOYER)
        params = load(schemas.PostingListQuery, query)
        employer = self.store.employer_of(owner.id)
        return self._page({"employer_id": employer["_id"]}, params)

    @rpc
    def list_jobs_for_review(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.PostingListQuery, query)
        return self._page({}, dict(params, status=params.get("status",
                                                                schemas.PENDING_REVIEW)))

    def _page(self, query, params):
        if "status" in params:
            query["status"] = params["status"]
        postings, total = self.store.postings_where(query, params)
        return dump(schemas.PostingPage, dict(params, total=total, items=[
            views.posting(posting, params["system"]) for posting in postings]))

    @rpc
    def decide_job(self, job_id, request):
        self.caller.require_role(UNION_STAFF)
        fields = load(schemas.PostingDecision, request)
        posting, events = self.store.decide_posting(
            job_id, fields["decision"] == "approve", fields["reason"], utcnow())
        return self._changed(posting, events)

    @rpc
    def close_job(self, job_id):
        self._check_owns(job_id)
        posting, events = self.store.close_job(job_id, schemas.CLOSED_BY_EMPLOYER, utcnow())
        return self._changed(posting, events)

    @rpc
    def take_down_job(self, job_id, request):
        self.caller.require_role(UNION_STAFF)
        reason = load(schemas.TakeDownRequest, request)["reason"]
        posting, events = self.store.take_down(job_id, reason, utcnow())
        return self._changed(posting, events)

    def _changed(self, posting, events):
        self.relay.publish(events)
        self.catalog.refresh(force=True)
        return self._posting(posting, schemas.WGS84)

    def _posting(self, posting, system):
        return dump(schemas.PostingView, views.posting(posting, system))

    def _check_owns(self, job_id):
        """The caller is an employer, and the posting is their company's."""
        employer_id = self._employer_id_of(self.caller.require_role(EMPLOYER))
        rules.check_owns(self.store.get_posting(job_id), employer_id)

    def _employer_id_of(self, caller):
        """The caller's company id, if the caller is an employer who has one."""
        if EMPLOYER not in caller.roles:
            return None
        employer = self.store.employer_if_any(caller.id)
        return employer["_id"] if employer else None

    # ---- reports --------------------------------------------------------------------

    @rpc
    def report_job(self, job_id, request):
        worker = self.caller.require_authenticated()
        fields = load(schemas.JobReportRequest, request)
        posting = self.store.get_posting(job_id)
        report = self.store.report_job(job_id, worker.id, fields["kind"], fields["detail"],
                                       utcnow())
        return dump(schemas.ReportView, views.report(report, posting))

    @rpc
    def list_job_reports(self, query):
        self.caller.require_role(UNION_STAFF)
        params = load(schemas.ReportListQuery, query)
        reports, total = self.store.list_reports(params)
        postings = self.store.postings_by_id(r["job_id"] for r in reports)
        return dump(schemas.ReportPage, dict(params, total=total, items=[
            views.report(r, postings[r["job_id"]]) for r in reports]))

    @rpc
    def dismiss_job_report(self, report_id):
        self.caller.require_role(UNION_STAFF)
        report = self.store.dismiss_report(report_id, utcnow())
        return dump(schemas.ReportView,
                    views.report(report, self.store.get_posting(report["job_id"])))

    # ---- applications -----------------------------------------------------------------

    @rpc
    def apply_for_job(self, job_id, request):
        worker = self.caller.require_authenticated()
        fields = load(schemas.ApplicationRequest, request)
        posting = self.store.get_posting(job_id)
        now = utcnow()
        rules.check_accepts_applications(posting, now)
        vouched = views.vouched(self.store.attended_by(worker.id)) \
            if fields["attach_skills"] else []
        application, events, created = self.store.apply(
            posting, worker.id, self._profile(), fields["note"], vouched,
            self.settings.reply_days, now)
        self.relay.publish(events)
        return dump(schemas.ApplicationAnswer,
                    dict(views.application(application, owner=True), repeated=not created))

    def _profile(self):
        return self.calls.call("identity", "get_own_profile")

    @rpc
    def list_my_applications(self, query):
        worker = self.caller.require_authenticated()
        params = load(schemas.ApplicationListQuery, query)
        return self._applications({"worker_id": worker.id}, params,
                                  ("submitted_at", -1), owner=True)

    @rpc
    def list_job_applications(self, job_id, query):
        params = load(schemas.ApplicationListQuery, query)
        self._check_owns(job_id)
        return self._applications({"job_id": job_id}, params, ("submitted_at", 1),
                                  owner=False)

    def _applications(self, query, params, order, owner):
        if "status" in params:
            query["status"] = params["status"]
        applications, total = self.store.applications_where(query, params, order)
        return dump(schemas.JobApplicationPage, dict(params, total=total, items=[
            views.application(a, owner=owner) for a in applications]))

    @rpc
    def change_application_status(self, job_id, application_id, request):
        fields = load(schemas.StatusChange, request)
        self._check_owns(job_id)
        application = self.store.get_application(job_id, application_id)
        if rules.check_transition(application["status"], fields["status"], fields["reason"]):
            application, events = self.store.move_application(
                application, fields["status"], fields["reason"], self.settings.reply_days,
                utcnow())
            self.relay.publish(events)
            self.catalog.refresh(force=True)
        return dump(schemas.ApplicationView, views.application(application, owner=False))

    @rpc
    def withdraw_application(self, application_id):
        worker = self.caller.require_authenticated()
        application = self.store.my_application(worker.id, application_id)
        if rules.check_transition(application["status"], schemas.WITHDRAWN, None):
            application, events = self.store.move_application(
                application, schemas.WITHDRAWN, None, self.settings.reply_days, utcnow())
            self.relay.publish(events)
        return dump(schemas.ApplicationView, views.application(application, owner=True))

    # ---- the sweep: closing dates and reply windows --------------------------------

    @every("JOBS_SWEEP_SECONDS")
    def sweep(self):
        now = utcnow()
        self.relay.publish(self.store.close_overdue(now))
        self.relay.publish(self.store.lapse_overdue(now))

    # ---- courses, from their events -----------------------------------------------------

    @handles("courses", "class_attended")
    def handle_class_attended(self, data, envelope, session):
        self.store.remember_attended(data, session)


SERVICE = JobsService
