"""jobs' routes: 驿路共富, employers and their verification, postings and
their review, the search, reports, applications and their answers."""
from gateway.routes.route import Route
from services.jobs import schemas
from shared.caller import EMPLOYER, UNION_STAFF

JOB = "/api/v1/jobs/<job_id>"
APPLICATION = JOB + "/applications/<application_id>"

ROUTES = (
    # ---- employers ----
    Route(method="POST", path="/api/v1/employers",
          service="jobs", rpc="register_employer", tag="jobs",
          summary="Register my company (employer role): its unified social credit code is "
                  "checked; staff verify it before its postings reach workers",
          body=schemas.EmployerRequest, response=schemas.EmployerView, status=201,
          roles=(EMPLOYER,)),
    Route(method="GET", path="/api/v1/employers/mine",
          service="jobs", rpc="get_my_employer", tag="jobs",
          summary="My company and whether staff verified it (employer)",
          response=schemas.EmployerView, roles=(EMPLOYER,)),
    Route(method="GET", path="/api/v1/employers",
          service="jobs", rpc="list_employers", tag="jobs",
          summary="Companies, by status (staff)",
          query=schemas.EmployerListQuery, response=schemas.EmployerPage,
          roles=(UNION_STAFF,)),
    Route(method="POST", path="/api/v1/employers/<employer_id>/decision",
          service="jobs", rpc="decide_employer", tag="jobs",
          summary="Verify a company, or reject it with a reason (staff)",
          body=schemas.EmployerDecision, response=schemas.EmployerView,
          roles=(UNION_STAFF,)),
    Route(method="GET", path="/api/v1/employers/lapsing",
          service="jobs", rpc="list_lapsing_employers", tag="jobs",
          summary="Companies that let applications go unanswered, most first (staff)",
          response=schemas.LapsingEmployers, roles=(UNION_STAFF,)),
    # ---- postings ----
    Route(method="GET", path="/api/v1/jobs",
          service="jobs", rpc="search_jobs", tag="jobs",
          summary="Search open postings: words or pinyin initials, filters, by distance, "
                  "newest or pay; a filter that cannot be honoured is refused",
          query=schemas.JobSearchQuery, response=schemas.SearchPage),
    Route(method="POST", path="/api/v1/jobs",
          service="jobs", rpc="post_job", tag="jobs",
          summary="Post a job (verified employer); text asking for a fee or deposit waits "
                  "for staff review",
          body=schemas.PostingRequest, response=schemas.PostingView, status=201,
          roles=(EMPLOYER,)),
    Route(method="GET", path="/api/v1/jobs/mine",
          service="jobs", rpc="list_my_jobs", tag="jobs",
          summary="My company's postings, by status (employer)",
          query=schemas.PostingListQuery, response=schemas.PostingPage, roles=(EMPLOYER,)),
    Route(method="GET", path="/api/v1/jobs/review",
          service="jobs", rpc="list_jobs_for_review", tag="jobs",
          summary="Postings by status, those waiting for review by default (staff)",
          query=schemas.PostingListQuery, response=schemas.PostingPage,
          roles=(UNION_STAFF,)),
    Route(method="GET", path=JOB,
          service="jobs", rpc="get_job", tag="jobs",
          summary="One posting (one not open: its employer and staff only)",
          query=schemas.SystemQuery, response=schemas.PostingView),
    Route(method="POST", path=JOB + "/decision",
          service="jobs", rpc="decide_job", tag="jobs",
          summary="Let a posting waiting for review go live, or reject it with a reason "
                  "(staff)",
          body=schemas.PostingDecision, response=schemas.PostingView, roles=(UNION_STAFF,)),
    Route(method="POST", path=JOB + "/closure",
          service="jobs", rpc="close_job", tag="jobs",
          summary="Stop taking applications (its employer)",
          response=schemas.PostingView, roles=(EMPLOYER,)),
    Route(method="POST", path=JOB + "/takedown",
          service="jobs", rpc="take_down_job", tag="jobs",
          summary="Take a posting down with a reason; its applicants are told (staff)",
          body=schemas.TakeDownRequest, response=schemas.PostingView, roles=(UNION_STAFF,)),
    # ---- reports ----
    Route(method="POST", path=JOB + "/reports",
          service="jobs", rpc="report_job", tag="jobs",
          summary="Report a posting: fake, asks for money, pay differs; staff review it",
          body=schemas.JobReportRequest, response=schemas.ReportView, status=201),
    Route(method="GET", path="/api/v1/job-reports",
          service="jobs", rpc="list_job_reports", tag="jobs",
          summary="Reports waiting for staff, oldest first (staff)",
          query=schemas.ReportListQuery, response=schemas.ReportPage, roles=(UNION_STAFF,)),
    Route(method="POST", path="/api/v1/job-reports/<report_id>/dismissal",
          service="jobs", rpc="dismiss_job_report", tag="jobs",
          summary="Close a report without taking the posting down (staff)",
          response=schemas.ReportView, roles=(UNION_STAFF,)),
    # ---- applications ----
    Route(method="POST", path=JOB + "/applications",
          service="jobs", rpc="apply_for_job", tag="jobs",
          summary="Apply, once per posting (again: 200 with the first application); a "
                  "closed posting takes none",
          body=schemas.ApplicationRequest, response=schemas.ApplicationAnswer, status=201,
          status_of=lambda answer: 200 if answer["repeated"] else 201,
          other_status=(200, "Applied already: the first application")),
    Route(method="GET", path=JOB + "/applications",
          service="jobs", rpc="list_job_applications", tag="jobs",
          summary="A posting's applications; phones masked until shortlisted (its employer)",
          query=schemas.ApplicationListQuery, response=schemas.JobApplicationPage,
          roles=(EMPLOYER,)),
    Route(method="POST", path=APPLICATION + "/status",
          service="jobs", rpc="change_application_status", tag="jobs",
          summary="Move an application: viewed, shortlisted, hired, or rejected with a "
                  "reason; the worker is told; the last hire closes the posting (its "
                  "employer)",
          body=schemas.StatusChange, response=schemas.ApplicationView, roles=(EMPLOYER,)),
    Route(method="GET", path="/api/v1/me/applications",
          service="jobs", rpc="list_my_applications", tag="jobs",
          summary="My applications with their history",
          query=schemas.ApplicationListQuery, response=schemas.JobApplicationPage),
    Route(method="POST", path="/api/v1/me/applications/<application_id>/withdrawal",
          service="jobs", rpc="withdraw_application", tag="jobs",
          summary="Withdraw my application; the employer sees it withdrawn",
          response=schemas.ApplicationView),
)
