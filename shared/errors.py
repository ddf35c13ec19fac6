"""Domain errors: what a service raises when a request cannot be honoured.

Each kind travels over nameko RPC as itself (``deserialize_to_instance``) with
its code, message and details, and the gateway turns the kind into an HTTP
status through one table (gateway/errors.py). Codes are English, messages are
Chinese because workers read them.
"""
from nameko.exceptions import deserialize_to_instance


class DomainError(Exception):
    """``details`` must hold strings (lists and dicts of them): nameko turns
    anything else in an exception's arguments into its str()."""

    def __init__(self, code, message, details=None):
        # {} rather than None: nameko would send None as the string "None".
        details = details or {}
        super().__init__(code, message, details)
        self.code = code
        self.message = message
        self.details = details

    def __str__(self):
        return "{}: {}".format(self.code, self.message)

    def to_body(self):
        body = {"error": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


@deserialize_to_instance
class InvalidInput(DomainError):
    """The request is well-formed JSON but its content is not acceptable."""


@deserialize_to_instance
class Unauthenticated(DomainError):
    """No caller, or credentials that do not prove who the caller is."""


@deserialize_to_instance
class Forbidden(DomainError):
    """The caller is known but may not do this."""


@deserialize_to_instance
class NotFound(DomainError):
    pass


@deserialize_to_instance
class Conflict(DomainError):
    """The request clashes with the current state (duplicate, wrong status)."""


@deserialize_to_instance
class TooManyAttempts(DomainError):
    """Refused for a while, e.g. an account locked after wrong passwords."""


@deserialize_to_instance
class Unavailable(DomainError):
    """Something the service needs (its database) does not answer just now:
    try again shortly."""


# What a worker reads whenever nothing was done and a retry later is safe,
# whether the gateway says it (broker, no service in time) or a service does.
UNAVAILABLE_CODE, UNAVAILABLE_MESSAGE = "SERVICE_UNAVAILABLE", "服务暂时不可用,请稍后再试"


def invalid_from_validation(err):
    """A marshmallow ValidationError as the one error body clients know."""
    return InvalidInput("VALIDATION_FAILED", "提交的内容有误,请检查后重试",
                        details=err.normalized_messages())
