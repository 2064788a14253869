"""The enums every layer shares (no SQLAlchemy here: pages and components import them too)."""

from enum import StrEnum


class Role(StrEnum):
    ADMIN = 'admin'
    CUSTOMER = 'customer'
    PROFESSIONAL = 'professional'


class ApprovalState(StrEnum):
    """Where a professional stands with the admin's vetting."""

    PENDING = 'pending'
    APPROVED = 'approved'
    REJECTED = 'rejected'


class SignInOutcome(StrEnum):
    """What became of one sign-in attempt; PENDING counts as a failure until it is decided."""

    PENDING = 'pending'
    SUCCEEDED = 'succeeded'
    FAILED = 'failed'
    BLOCKED = 'blocked'
    THROTTLED = 'throttled'


class NotificationChannel(StrEnum):
    """Where a message leaves the app. A person chooses among PERSONAL_CHANNELS (email always works; Google Chat and
    SMS once set up); WEBHOOK is an admin's endpoint that receives the marketplace's events (services.webhooks)."""

    EMAIL = 'email'
    GOOGLE_CHAT = 'google_chat'
    SMS = 'sms'
    WEBHOOK = 'webhook'


PERSONAL_CHANNELS = (NotificationChannel.EMAIL, NotificationChannel.GOOGLE_CHAT, NotificationChannel.SMS)


class OutboxState(StrEnum):
    """Where an outgoing message stands: pending -> sending (leased) -> sent, or failed after its attempts;
    not_configured when its channel is not set up on this site (an admin can retry it once it is)."""

    PENDING = 'pending'
    SENDING = 'sending'
    SENT = 'sent'
    FAILED = 'failed'
    NOT_CONFIGURED = 'not_configured'


class RequestStatus(StrEnum):
    """Where a service request stands (design.md §3)."""

    REQUESTED = 'requested'
    ASSIGNED = 'assigned'
    COMPLETED = 'completed'
    CLOSED = 'closed'
    CANCELLED = 'cancelled'
    EXPIRED = 'expired'


class DocumentKind(StrEnum):
    ID_PROOF = 'id_proof'
    CERTIFICATE = 'certificate'


OPEN_STATUSES = (RequestStatus.REQUESTED, RequestStatus.ASSIGNED)


class ExportState(StrEnum):
    """Where an export stands: queued -> running -> done, or failed (its owner can retry it)."""

    QUEUED = 'queued'
    RUNNING = 'running'
    DONE = 'done'
    FAILED = 'failed'
