"""identity's request and response schemas.

The gateway loads request bodies with these (and documents them in OpenAPI);
the service loads them again, because any RPC client can call it. Unknown
fields are refused (marshmallow's default RAISE) and strings must be strings,
which also stops MongoDB operator injection such as {"phone": {"$gt": ""}}.
"""
from marshmallow import Schema, fields, validate

from shared.caller import EMPLOYER, STATION_KEEPER
from shared.domain import DISTRICTS, MOBILE_PATTERN, OCCUPATIONS
from shared.schemas import CONTROL, Name, Paging, PartialUpdate, Text

PASSWORD_MIN, PASSWORD_MAX = 8, 64
GRANTABLE_ROLES = (EMPLOYER, STATION_KEEPER)


class Phone(Text):
    """A mainland mobile number; spaces around it are dropped."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Regexp(MOBILE_PATTERN, error="请输入有效的11位手机号"),
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


def Password(**kwargs):  # noqa: N802 (a field, named like one)
    # The letter-and-digit rule as one pattern, with the character rule, so
    # the document publishes all of it.
    rules = r"^(?=.*[A-Za-z])(?=.*\d)[^{}]*$".format(CONTROL)
    return Text(validate=[
        validate.Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                        error="密码长度须为{}到{}位".format(PASSWORD_MIN, PASSWORD_MAX)),
        validate.Regexp(rules, error="密码须同时包含字母和数字")], **kwargs)


class ProfileFields(Schema):
    name = Name(1, 20, required=True)
    occupation = Text(required=True, validate=validate.OneOf(OCCUPATIONS))
    platform = Name(1, 20, required=True)
    district = Text(required=True, validate=validate.OneOf(DISTRICTS))


class RegisterRequest(ProfileFields):
    phone = Phone(required=True)
    password = Password(required=True)


class LoginRequest(Schema):
    phone = Phone(required=True)
    # Not checked against the rules here: a wrong password is just wrong.
    password = Text(1, PASSWORD_MAX, required=True)


class RefreshTokenRequest(Schema):
    refresh_token = Text(20, 200, required=True)


class ProfileUpdateRequest(PartialUpdate, ProfileFields):
    """PATCH /me."""


class MembershipApplicationRequest(Schema):
    employer = Name(0, 50, load_default="")
    note = Text(0, 200, multiline=True, load_default="")


class RejectionRequest(Schema):
    reason = Text(1, 200, required=True, multiline=True)


class ApplicationListQuery(Paging):
    status = Text(load_default="pending",
                  validate=validate.OneOf(("pending", "approved", "rejected")))


class WorkerLookupQuery(Schema):
    phone = Phone(required=True)


class RoleChange(Schema):
    role = Text(required=True, validate=validate.OneOf(GRANTABLE_ROLES))


# ---- responses -------------------------------------------------------------

class TokenPair(Schema):
    access_token = fields.String()
    refresh_token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class Membership(Schema):
    status = fields.String(metadata={"description": "none, pending, member or rejected"})
    member_number = fields.String(allow_none=True)
    application_id = fields.String(allow_none=True)
    applied_at = fields.AwareDateTime(allow_none=True)
    decided_at = fields.AwareDateTime(allow_none=True)
    reason = fields.String(allow_none=True)


class WorkerView(Schema):
    """A worker as staff see them: the phone masked."""
    id = fields.String(attribute="_id")
    phone = fields.Function(lambda w: w["phone_masked"])
    name = fields.String()
    occupation = fields.String()
    platform = fields.String()
    district = fields.String()
    roles = fields.List(fields.String())
    membership = fields.Nested(Membership)
    registered_at = fields.AwareDateTime()


class OwnProfile(WorkerView):
    """The owner's own profile: the only place the full phone appears."""
    phone = fields.String()


class Application(Schema):
    id = fields.String(attribute="_id")
    worker_id = fields.String()
    name = fields.String()
    phone = fields.String(attribute="phone_masked")
    occupation = fields.String()
    platform = fields.String()
    district = fields.String()
    employer = fields.String()
    note = fields.String()
    status = fields.String()
    applied_at = fields.AwareDateTime()
    decided_at = fields.AwareDateTime(allow_none=True)
    decided_by = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    member_number = fields.String(allow_none=True)


class ApplicationPage(Schema):
    items = fields.List(fields.Nested(Application))
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()
