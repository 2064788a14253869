"""The audit trail (every state change and admin action: who, when, what, why) and the admin's log of it."""

from services.audit.log import ACTION_WORDS, TARGET_WORDS, list_events
from services.audit.rows import AuditPage, AuditRow
from services.audit.trail import record

__all__ = ['ACTION_WORDS', 'TARGET_WORDS', 'AuditPage', 'AuditRow', 'list_events', 'record']
