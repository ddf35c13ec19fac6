"""One table from domain errors to HTTP statuses."""
import pytest

from gateway.errors import status_of
from shared import errors


@pytest.mark.parametrize("kind,status", [
    (errors.InvalidInput, 422), (errors.Unauthenticated, 401), (errors.Forbidden, 403),
    (errors.NotFound, 404), (errors.Conflict, 409), (errors.TooManyAttempts, 429)])
def test_each_kind_has_its_status(kind, status):
    assert status_of(kind("CODE", "消息")) == status


def test_error_body_is_code_and_message():
    error = errors.Conflict("PHONE_TAKEN", "该手机号已注册")
    assert error.to_body() == {"error": "PHONE_TAKEN", "message": "该手机号已注册"}


def test_domain_errors_survive_the_rpc_serializer():
    from nameko.exceptions import deserialize, serialize
    error = errors.TooManyAttempts("ACCOUNT_LOCKED", "已锁定", {"locked_until": "t"})
    again = deserialize(serialize(error))
    assert type(again) is errors.TooManyAttempts
    assert (again.code, again.message, again.details) == (
        "ACCOUNT_LOCKED", "已锁定", {"locked_until": "t"})
