"""the user's notification channel (email, Google Chat webhook or SMS) and their webhook URL

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 05:00:00

One ALTER TABLE per column, the CHECK constraint inline: SQLite accepts that without copying the `user` table
(a copy would drop the old table, which every person foreign key points at). The (user_id, read_at) index the
unread count needs exists since 0002 (ix_notification_user_id_read_at_created_at).
"""

from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        'ALTER TABLE "user" ADD COLUMN notification_channel VARCHAR(11) DEFAULT \'email\' NOT NULL '
        'CONSTRAINT ck_user_notification_channel '
        "CHECK (notification_channel IN ('email', 'google_chat', 'sms'))"
    )
    op.execute('ALTER TABLE "user" ADD COLUMN chat_webhook_url VARCHAR(500)')


def downgrade() -> None:
    op.execute('ALTER TABLE "user" DROP COLUMN chat_webhook_url')
    op.execute('ALTER TABLE "user" DROP COLUMN notification_channel')
