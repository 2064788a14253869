"""indexes for the admin's request list and the dashboard's rating chart

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 03:30:00
"""

from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_service_request_scheduled_at_id', 'service_request', ['scheduled_at', 'id']),
    ('ix_service_request_service_status_date_of_request_id', 'service_request', ['service_status', 'date_of_request', 'id']),
    ('ix_service_request_pincode_scheduled_at_id', 'service_request', ['pincode', 'scheduled_at', 'id']),
    ('ix_review_rating', 'review', ['rating']),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
