"""SQLAlchemy entities, engine and session scope. No business rules here."""

from models.audit import AuditEvent
from models.auth import AuthSession, SignInAttempt
from models.base import Base
from models.document import Document
from models.export import Export
from models.idempotency import IdempotentBooking
from models.job_run import JobRun
from models.notification import Notification
from models.outbox import OutboxAttachment, OutboxMessage
from models.service import Service
from models.service_request import RequestDismissal, Review, ServiceRequest
from models.tally import RatingTally, RequestTally
from models.user import CustomerProfile, ProfessionalPincode, ProfessionalProfile, User
from models.webhook import WebhookEndpoint

__all__ = [
    'AuditEvent',
    'AuthSession',
    'Base',
    'CustomerProfile',
    'Document',
    'Export',
    'IdempotentBooking',
    'JobRun',
    'Notification',
    'OutboxAttachment',
    'OutboxMessage',
    'ProfessionalPincode',
    'ProfessionalProfile',
    'RatingTally',
    'RequestDismissal',
    'RequestTally',
    'Review',
    'Service',
    'ServiceRequest',
    'SignInAttempt',
    'User',
    'WebhookEndpoint',
]
