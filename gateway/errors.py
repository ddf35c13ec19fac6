"""The one table from domain errors to HTTP statuses, and the one error body."""
from flask import jsonify

from shared.errors import (Conflict, DomainError, Forbidden, InvalidInput, NotFound,
                           TooManyAttempts, Unauthenticated)

STATUS_BY_ERROR = {
    InvalidInput: 422,
    Unauthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    TooManyAttempts: 429,
}


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
    return error_response(status_of(error), error.to_body())


def gateway_error_response(error: GatewayError):
    return error_response(error.status, {"error": error.code, "message": error.message},
                          error.headers)


def service_unavailable(message="服务暂时不可用,请稍后再试"):
    return GatewayError(503, "SERVICE_UNAVAILABLE", message, {"Retry-After": "5"})
