"""volunteering's routes: 志愿先锋, activities and their shifts, signing up,
checking in and out, the organizer's roster and hours, my record, and the
certificate anyone can verify."""
from gateway.routes.route import Route
from services.volunteering import schemas
from shared.caller import STATION_KEEPER, UNION_STAFF
from shared.positions import CheckInRequest
from shared.schemas import FileDownload, Paging

ORGANIZERS = (UNION_STAFF, STATION_KEEPER)  # a keeper: the activities they publish
ACTIVITY = "/api/v1/volunteer-activities/<activity_id>"
SHIFT = ACTIVITY + "/shifts/<shift_id>"
SIGNUP = ACTIVITY + "/signups/<signup_id>"

ROUTES = (
    Route(method="GET", path="/api/v1/volunteer-activities",
          service="volunteering", rpc="list_activities", tag="volunteering",
          summary="Activities to come, by district or station (mine=true: those I organize)",
          query=schemas.ActivityListQuery, response=schemas.ActivityPage),
    Route(method="POST", path="/api/v1/volunteer-activities",
          service="volunteering", rpc="publish_activity", tag="volunteering",
          summary="Publish an activity with its shifts (staff; a keeper, at a station "
                  "they keep)",
          body=schemas.ActivityCreateRequest, response=schemas.ActivityView, status=201,
          roles=ORGANIZERS),
    Route(method="GET", path=ACTIVITY,
          service="volunteering", rpc="get_activity", tag="volunteering",
          summary="One activity: its shifts with places left and the line, and my sign-ups",
          response=schemas.ActivityView),
    Route(method="PATCH", path=ACTIVITY,
          service="volunteering", rpc="update_activity", tag="volunteering",
          summary="Edit an activity before it starts; those signed up are told (organizer)",
          body=schemas.ActivityUpdateRequest, response=schemas.ActivityView, roles=ORGANIZERS),
    Route(method="POST", path=ACTIVITY + "/cancellation",
          service="volunteering", rpc="cancel_activity", tag="volunteering",
          summary="Cancel an activity with a reason; those signed up are told (organizer)",
          body=schemas.CancellationRequest, response=schemas.ActivityView, roles=ORGANIZERS),
    Route(method="GET", path=ACTIVITY + "/check-in-code",
          service="volunteering", rpc="get_organizer_code", tag="volunteering",
          summary="The organizer's rotating check-in code to show (organizer)",
          response=schemas.OrganizerCode, roles=ORGANIZERS),
    Route(method="POST", path=SHIFT + "/signups",
          service="volunteering", rpc="sign_up", tag="volunteering",
          summary="Sign up for a shift (201), or join its waitlist (202); 409 when it is "
                  "full, or I hold an overlapping shift",
          body=schemas.SignUpRequest, response=schemas.SignUpAnswer, status=201,
          headers=(("Idempotency-Key", "idempotency_key"),), header_schema=schemas.SignUpKey,
          status_of=lambda answer: 202 if answer["status"] == schemas.WAITLISTED else 201,
          other_status=(202, "On the waitlist")),
    Route(method="DELETE", path=SHIFT + "/signups/me",
          service="volunteering", rpc="cancel_signup", tag="volunteering",
          summary="Cancel my sign-up or leave the line; the first in line moves up; inside "
                  "the late window it is recorded as late",
          response=schemas.CancelAnswer),
    Route(method="POST", path=SHIFT + "/check-in",
          service="volunteering", rpc="check_in_shift", tag="volunteering",
          summary="Check in with the station's or the organizer's code (opens 30 minutes "
                  "before the shift)",
          body=CheckInRequest, response=schemas.ShiftAttendance),
    Route(method="POST", path=SHIFT + "/check-out",
          service="volunteering", rpc="check_out_shift", tag="volunteering",
          summary="Check out with the code; the hours served, clipped to the shift, wait "
                  "for the organizer",
          body=CheckInRequest, response=schemas.ShiftAttendance),
    Route(method="POST", path=SHIFT + "/attendance-records",
          service="volunteering", rpc="record_shift_attendance", tag="volunteering",
          summary="补录: record a worker's attendance after the shift, with a reason; the "
                  "hours wait for a decision like any check-out's (organizer)",
          body=schemas.AttendanceRecord, response=schemas.RosterEntry, status=201,
          roles=ORGANIZERS),
    Route(method="GET", path=ACTIVITY + "/signups",
          service="volunteering", rpc="get_roster", tag="volunteering",
          summary="Sign-ups, attendance, no-shows and hours, with full phones (organizer)",
          query=schemas.RosterQuery, response=schemas.Roster, roles=ORGANIZERS),
    Route(method="GET", path=ACTIVITY + "/signups.csv",
          service="volunteering", rpc="export_roster_csv", tag="volunteering",
          summary="The roster as a CSV download (organizer)",
          query=schemas.RosterQuery, response=FileDownload, roles=ORGANIZERS,
          download="text/csv"),
    Route(method="POST", path=ACTIVITY + "/hours/confirmations",
          service="volunteering", rpc="confirm_hours", tag="volunteering",
          summary="Confirm hours in bulk: the sign-ups named, or every pending one not "
                  "flagged; a repeat changes nothing (organizer)",
          body=schemas.BulkConfirmRequest, response=schemas.Confirmed, roles=ORGANIZERS),
    Route(method="PUT", path=SIGNUP + "/hours",
          service="volunteering", rpc="adjust_hours", tag="volunteering",
          summary="Confirm other hours than check-in and check-out gave, with a reason "
                  "(organizer)",
          body=schemas.AdjustRequest, response=schemas.RosterEntry, roles=ORGANIZERS),
    Route(method="POST", path=SIGNUP + "/hours/decline",
          service="volunteering", rpc="decline_hours", tag="volunteering",
          summary="Decline a record's hours with a reason (organizer)",
          body=schemas.DeclineRequest, response=schemas.RosterEntry, roles=ORGANIZERS),
    Route(method="GET", path="/api/v1/volunteer-hours/pending",
          service="volunteering", rpc="list_pending_hours", tag="volunteering",
          summary="Hours waiting for a decision in every activity, oldest shift first "
                  "(staff)",
          query=Paging, response=schemas.PendingHoursPage, roles=(UNION_STAFF,)),
    Route(method="GET", path="/api/v1/me/volunteering",
          service="volunteering", rpc="get_my_volunteering", tag="volunteering",
          summary="My activities to come and done, hours per year and in total",
          response=schemas.MyVolunteering),
    Route(method="GET", path="/api/v1/me/volunteering/certificate.pdf",
          service="volunteering", rpc="download_certificate", tag="volunteering",
          summary="My certificate of confirmed hours (志愿服务记录证明), signed, as a PDF",
          response=FileDownload, download="application/pdf"),
    Route(method="GET", path="/api/v1/certificates/<number>/verification",
          service="volunteering", rpc="verify_certificate", tag="volunteering",
          summary="Check a certificate, no account needed: what it certifies, or that no "
                  "genuine certificate has this number",
          response=schemas.Verification, public=True),
)
