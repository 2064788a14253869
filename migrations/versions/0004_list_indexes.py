"""indexes for the admin's audit log and users list: each filter's index ends in the list's sort key

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 04:00:00
"""

from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

REPLACED = [
    ('ix_audit_event_action', 'audit_event', ['action']),
    ('ix_audit_event_actor_id', 'audit_event', ['actor_id']),
    ('ix_audit_event_occurred_at', 'audit_event', ['occurred_at']),
    ('ix_audit_event_target_type_target_id_occurred_at', 'audit_event', ['target_type', 'target_id', 'occurred_at']),
]
ADDED = [
    ('ix_audit_event_occurred_at_id', 'audit_event', ['occurred_at', 'id']),
    ('ix_audit_event_action_occurred_at_id', 'audit_event', ['action', 'occurred_at', 'id']),
    ('ix_audit_event_actor_id_occurred_at_id', 'audit_event', ['actor_id', 'occurred_at', 'id']),
    ('ix_audit_event_target_type_occurred_at_id', 'audit_event', ['target_type', 'occurred_at', 'id']),
    (
        'ix_audit_event_target_type_target_id_occurred_at_id',
        'audit_event',
        ['target_type', 'target_id', 'occurred_at', 'id'],
    ),
    ('ix_user_created_at_id', 'user', ['created_at', 'id']),
    ('ix_customer_profile_pincode', 'customer_profile', ['pincode']),
]


def upgrade() -> None:
    for name, table, columns in ADDED:
        op.create_index(name, table, columns, unique=False)
    for name, table, _ in REPLACED:
        op.drop_index(name, table_name=table)


def downgrade() -> None:
    for name, table, columns in REPLACED:
        op.create_index(name, table, columns, unique=False)
    for name, table, _ in reversed(ADDED):
        op.drop_index(name, table_name=table)
