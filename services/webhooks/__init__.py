"""Outgoing webhooks: admins register endpoints (a URL that may be sent to, the events wanted, a secret shown once);
every committed domain event an endpoint wants becomes a signed delivery in the outbox (Standard Webhooks), with
the outbox's retries, backoff and failed state, listed per endpoint and retried from the admin's page."""

from services.webhooks.catalogue import EVENT_TYPES, TEST_EVENT
from services.webhooks.deliveries import list_deliveries
from services.webhooks.endpoints import (
    ENDPOINTS_CHANGED,
    add_endpoint,
    edit_endpoint,
    list_endpoints,
    new_secret,
    remove_endpoint,
    rotate_secret,
    switch_endpoint,
)
from services.webhooks.recording import record_event, send_test_event
from services.webhooks.rows import DeliveryRow, EndpointRow, NewSecret

__all__ = [
    'ENDPOINTS_CHANGED',
    'EVENT_TYPES',
    'TEST_EVENT',
    'DeliveryRow',
    'EndpointRow',
    'NewSecret',
    'add_endpoint',
    'edit_endpoint',
    'list_deliveries',
    'list_endpoints',
    'new_secret',
    'record_event',
    'remove_endpoint',
    'rotate_secret',
    'send_test_event',
    'switch_endpoint',
]
