"""identity's request schemas: the first line of defence against bad input."""
import pytest
from marshmallow import ValidationError

from services.identity.schemas import (LoginRequest, ProfileUpdateRequest, RegisterRequest,
                                       RoleChange)

VALID = {"phone": "13812341234", "password": "Hongyi2026", "name": "赵凯锋",
         "occupation": "food_delivery", "platform": "饿了么", "district": "武原街道"}


def errors_of(schema, data):
    with pytest.raises(ValidationError) as raised:
        schema.load(data)
    return raised.value.normalized_messages()


def test_a_valid_registration_loads():
    assert RegisterRequest().load(VALID) == VALID


@pytest.mark.parametrize("phone", ["1381234123", "23812341234", "12812341234",
                                   "1381234123a", "+8613812341234", ""])
def test_only_mainland_mobile_numbers(phone):
    assert "phone" in errors_of(RegisterRequest(), dict(VALID, phone=phone))


@pytest.mark.parametrize("password", ["short1", "onlyletters", "1234567890", "a1" * 33])
def test_password_rules(password):
    assert "password" in errors_of(RegisterRequest(), dict(VALID, password=password))


@pytest.mark.parametrize("field,value", [("occupation", "astronaut"),
                                         ("district", "上海市"), ("name", "   "),
                                         ("name", "名" * 21), ("platform", "")])
def test_profile_fields_are_checked(field, value):
    assert field in errors_of(RegisterRequest(), dict(VALID, **{field: value}))


def test_operator_injection_is_not_a_string():
    errors = errors_of(LoginRequest(), {"phone": {"$gt": ""}, "password": {"$ne": None}})
    assert set(errors) == {"phone", "password"}


def test_unknown_fields_are_refused():
    assert errors_of(RegisterRequest(), dict(VALID, roles=["union_staff"])) == {
        "roles": ["Unknown field."]}


def test_profile_update_needs_at_least_one_field_and_not_the_phone():
    assert "_schema" in errors_of(ProfileUpdateRequest(), {})
    assert "phone" in errors_of(ProfileUpdateRequest(), {"phone": "13900000000"})
    assert ProfileUpdateRequest().load({"district": "澉浦镇"}) == {"district": "澉浦镇"}


@pytest.mark.parametrize("role", ["union_staff", "worker", "admin"])
def test_only_employer_and_station_keeper_can_be_granted(role):
    assert "role" in errors_of(RoleChange(), {"role": role})
