"""SQLAlchemy entities, engine and session scope. No business rules here."""

from models.audit import AuditEvent
from models.auth import AuthSession, SignInAttempt
from models.base import Base
from models.service import Service
from models.user import CustomerProfile, ProfessionalPincode, ProfessionalProfile, User

__all__ = [
    'AuditEvent',
    'AuthSession',
    'Base',
    'CustomerProfile',
    'ProfessionalPincode',
    'ProfessionalProfile',
    'Service',
    'SignInAttempt',
    'User',
]
