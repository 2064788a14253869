"""Refusals the service layer raises; every message is safe to show to the person acting."""

from models.db import set_storage_full_error


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


class StaleEdit(Conflict):
    """The version the editor saw is no longer the current one: someone else saved a change first."""


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
        self.minutes = minutes  # the API's Retry-After


class InvalidTransition(ServiceError):
    """The request is not (or no longer) in a state where this action applies: someone acted first, or
    its time has passed. Nothing changed."""


class AlreadyBooked(Conflict):
    """The customer already has an open request (requested or assigned) for this service at this time; `request_id`
    is that request, for the page to link."""

    def __init__(self, request_id: int) -> None:
        super().__init__('You already booked this service for this time. Open your request to see or change it.')
        self.request_id = request_id


class StorageFull(ServiceError):
    """The database refused a write for want of space (the disk, or the database's quota, is full). Nothing of the
    unit was kept; once there is space again the same action works."""

    def __init__(self) -> None:
        super().__init__('We could not save that: the server is out of space. Nothing was changed.')


set_storage_full_error(StorageFull)  # a unit the database refuses for want of space is a refusal like any other
