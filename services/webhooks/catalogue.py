"""The events a webhook endpoint can receive: the domain events the services publish that a system outside the app
acts on, each with the words the admin's page shows. A name here is the payload's `type`."""

from __future__ import annotations

REQUEST_EVENTS = {
    'request.booked': 'A customer booked a request',
    'request.edited': 'A customer changed a request',
    'request.accepted': 'A professional accepted a request',
    'request.declined': 'A professional declined a request addressed to them',
    'request.withdrawn': 'A professional withdrew from a request',
    'request.released': 'A request went back to the open pool',
    'request.completed': 'A professional completed a request',
    'request.closed': 'A customer closed a request',
    'request.auto_closed': 'A request was closed automatically',
    'request.reviewed': 'A customer reviewed a request',
    'request.cancelled': 'A request was cancelled',
    'request.expired': 'A request expired with nobody accepting it',
}
PROFESSIONAL_EVENTS = {
    'professional.approved': 'An admin approved a professional',
    'professional.rejected': 'An admin rejected a professional',
    'professional.resubmitted': 'A professional resubmitted their profile',
}
USER_EVENTS = {
    'user.blocked': 'An admin blocked a user',
    'user.unblocked': 'An admin unblocked a user',
}
SERVICE_EVENTS = {
    'service.changed': 'A service was added, edited, retired or reinstated',
}
EVENT_TYPES = REQUEST_EVENTS | PROFESSIONAL_EVENTS | USER_EVENTS | SERVICE_EVENTS
TEST_EVENT = 'webhook.test'  # sent from the admin's page to check an endpoint: every endpoint takes it
