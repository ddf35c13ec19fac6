"""identity's request and response schemas.

The gateway loads request bodies with these (and documents them in OpenAPI);
the service loads them again, because any RPC client can call it. Unknown
fields are refused (marshmallow's default RAISE) and strings must be strings,
which also stops MongoDB operator injection such as {"phone": {"$gt": ""}}.
"""
import re

from marshmallow import Schema, ValidationError, fields, validate, validates

from shared.caller import EMPLOYER, STATION_KEEPER
from shared.domain import DISTRICTS, MOBILE_PATTERN, OCCUPATIONS
from shared.schemas import Paging, PartialUpdate

PASSWORD_MIN, PASSWORD_MAX = 8, 64
GRANTABLE_ROLES = (EMPLOYER, STATION_KEEPER)


class Phone(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).strip()
        if not MOBILE_PATTERN.match(value):
            raise ValidationError("请输入有效的11位手机号")
        return value


class Password(fields.String):
    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not PASSWORD_MIN <= len(value) <= PASSWORD_MAX:
            raise ValidationError("密码长度须为{}到{}位".format(PASSWORD_MIN, PASSWORD_MAX))
        if not (re.search(r"[A-Za-z]", value) and re.search(r"\d", value)):
            raise ValidationError("密码须同时包含字母和数字")
        return value


class ProfileFields(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=20))
    occupation = fields.String(required=True, validate=validate.OneOf(OCCUPATIONS))
    platform = fields.String(required=True, validate=validate.Length(min=1, max=20))
    district = fields.String(required=True, validate=validate.OneOf(DISTRICTS))

    @validates("name", "platform")
    def not_blank(self, value, data_key):
        if not value.strip():
            raise ValidationError("不能为空")


class RegisterRequest(ProfileFields):
    phone = Phone(required=True)
    password = Password(required=True)


class LoginRequest(Schema):
    phone = Phone(required=True)
    # Not checked against the rules here: a wrong password is just wrong.
    password = fields.String(required=True, validate=validate.Length(min=1, max=PASSWORD_MAX))


class RefreshTokenRequest(Schema):
    refresh_token = fields.String(required=True, validate=validate.Length(min=20, max=200))


class ProfileUpdateRequest(PartialUpdate, ProfileFields):
    """PATCH /me."""


class MembershipApplicationRequest(Schema):
    employer = fields.String(validate=validate.Length(max=50), load_default="")
    note = fields.String(validate=validate.Length(max=200), load_default="")


class RejectionRequest(Schema):
    reason = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ApplicationListQuery(Paging):
    status = fields.String(load_default="pending",
                           validate=validate.OneOf(("pending", "approved", "rejected")))


class WorkerLookupQuery(Schema):
    phone = Phone(required=True)


class RoleChange(Schema):
    role = fields.String(required=True, validate=validate.OneOf(GRANTABLE_ROLES))


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
