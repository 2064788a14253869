"""Refusals the service layer raises; every message is safe to show to the person acting."""


class ServiceError(Exception):
    """A rule said no. `str(error)` is the message for the user."""


class ValidationError(ServiceError):
    """Input is missing, malformed or out of range; `field` names the input when there is one."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class PermissionDenied(ServiceError):
    """The acting user's role (or state) does not allow this operation."""

    def __init__(self, message: str = 'You are not allowed to do that.') -> None:
        super().__init__(message)


class NotFound(ServiceError):
    """The object does not exist, or belongs to someone else (the two look the same)."""


class Conflict(ServiceError):
    """Someone else changed the object a moment ago, or a unique value is taken."""


class InvalidCredentials(ServiceError):
    """Unknown email or wrong password: one message for both."""

    def __init__(self) -> None:
        super().__init__('Email or password is incorrect.')


class AccountBlocked(ServiceError):
    """The password was right but an admin blocked the account."""

    def __init__(self) -> None:
        super().__init__('This account is blocked. Contact support if you think this is a mistake.')


class Throttled(ServiceError):
    """Too many failed sign-ins for this account or client address; the same for unknown accounts."""

    def __init__(self, minutes: int) -> None:
        super().__init__(f'Too many sign-in attempts. Try again in {minutes} minutes.')


class InvalidTransition(ServiceError):
    """The request is not (or no longer) in a state where this action applies: someone acted first, or
    its time has passed. Nothing changed."""
