"""The one table from domain errors to HTTP statuses, and the one error body."""
from flask import jsonify

from shared.errors import (Conflict, DomainError, Forbidden, InvalidInput, NotFound,
                           TooManyAttempts, UNAVAILABLE_CODE, UNAVAILABLE_MESSAGE,
                           Unauthenticated, Unavailable)

STATUS_BY_ERROR = {
    InvalidInput: 422,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooManyAttempts: 429,
    Unavailable: 503,
}


RETRY_AFTER_SECONDS = "5"


class GatewayError(Exception):
    """An answer the gateway gives itself (bad JSON, broker down, ...)."""

    def __init__(self, status, code, message, headers=None):
        super().__init__(code, message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def status_of(error):
    for kind in type(error).__mro__:
        if kind in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[kind]
    return 400


def error_response(status, body, headers=None):
    response = jsonify(body)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def domain_error_response(error: DomainError):
    status = status_of(error)
    headers = {"Retry-After": RETRY_AFTER_SECONDS} if status == 503 else None
    return error_response(status, error.to_body(), headers)


def gateway_error_response(error: GatewayError):
    return error_response(error.status, {"error": error.code, "message": error.message},
                          error.headers)


def service_unavailable(message=UNAVAILABLE_MESSAGE):
    return GatewayError(503, UNAVAILABLE_CODE, message,
                        {"Retry-After": RETRY_AFTER_SECONDS})


def outcome_unknown():
    """A change the service took but did not answer in time: it may or may
    not have happened, so a blind retry could do it twice."""
    return GatewayError(504, "OUTCOME_UNKNOWN",
                        "请求已受理,但未能及时得到结果:请查看预约或积分是否已生效,"
                        "或用同一个 Idempotency-Key 重试")
