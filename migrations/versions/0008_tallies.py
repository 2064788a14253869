"""Running counts kept by the database: requests per service and status, reviews per rating

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 05:00:00

The admin dashboard counted a million requests twice and 640,000 reviews once on every build (95% of 250 ms). Row
triggers now keep the counts as each request or review is written, by any writer, on SQLite and PostgreSQL alike; the
tables are filled from what exists first. On PostgreSQL the trigger touches a request's two tally rows in one fixed
order (by status), so two units moving requests of one service in opposite directions wait for each other instead of
deadlocking.
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

STATUSES = ('requested', 'assigned', 'completed', 'closed', 'cancelled', 'expired')

SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER request_tally_insert AFTER INSERT ON service_request BEGIN
      INSERT INTO request_tally (service_id, service_status, requests) VALUES (NEW.service_id, NEW.service_status, 1)
        ON CONFLICT (service_id, service_status) DO UPDATE SET requests = requests + 1;
    END
    """,
    """
    CREATE TRIGGER request_tally_update AFTER UPDATE OF service_id, service_status ON service_request
    WHEN NEW.service_id != OLD.service_id OR NEW.service_status != OLD.service_status BEGIN
      UPDATE request_tally SET requests = requests - 1
        WHERE service_id = OLD.service_id AND service_status = OLD.service_status;
      INSERT INTO request_tally (service_id, service_status, requests) VALUES (NEW.service_id, NEW.service_status, 1)
        ON CONFLICT (service_id, service_status) DO UPDATE SET requests = requests + 1;
    END
    """,
    """
    CREATE TRIGGER request_tally_delete AFTER DELETE ON service_request BEGIN
      UPDATE request_tally SET requests = requests - 1
        WHERE service_id = OLD.service_id AND service_status = OLD.service_status;
    END
    """,
    """
    CREATE TRIGGER rating_tally_insert AFTER INSERT ON review BEGIN
      INSERT INTO rating_tally (rating, reviews) VALUES (NEW.rating, 1)
        ON CONFLICT (rating) DO UPDATE SET reviews = reviews + 1;
    END
    """,
    """
    CREATE TRIGGER rating_tally_update AFTER UPDATE OF rating ON review WHEN NEW.rating != OLD.rating BEGIN
      UPDATE rating_tally SET reviews = reviews - 1 WHERE rating = OLD.rating;
      INSERT INTO rating_tally (rating, reviews) VALUES (NEW.rating, 1)
        ON CONFLICT (rating) DO UPDATE SET reviews = reviews + 1;
    END
    """,
    """
    CREATE TRIGGER rating_tally_delete AFTER DELETE ON review BEGIN
      UPDATE rating_tally SET reviews = reviews - 1 WHERE rating = OLD.rating;
    END
    """,
)

POSTGRESQL_FUNCTIONS = (
    """
    CREATE FUNCTION request_tally_add(service integer, status varchar, delta integer) RETURNS void
    LANGUAGE sql AS $$
      INSERT INTO request_tally (service_id, service_status, requests) VALUES (service, status, delta)
        ON CONFLICT (service_id, service_status) DO UPDATE SET requests = request_tally.requests + delta;
    $$
    """,
    """
    CREATE FUNCTION request_tally_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM request_tally_add(NEW.service_id, NEW.service_status, 1);
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM request_tally_add(OLD.service_id, OLD.service_status, -1);
      ELSIF (OLD.service_id, OLD.service_status) < (NEW.service_id, NEW.service_status) THEN
        PERFORM request_tally_add(OLD.service_id, OLD.service_status, -1);
        PERFORM request_tally_add(NEW.service_id, NEW.service_status, 1);
      ELSIF (OLD.service_id, OLD.service_status) > (NEW.service_id, NEW.service_status) THEN
        PERFORM request_tally_add(NEW.service_id, NEW.service_status, 1);
        PERFORM request_tally_add(OLD.service_id, OLD.service_status, -1);
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION rating_tally_add(stars integer, delta integer) RETURNS void LANGUAGE sql AS $$
      INSERT INTO rating_tally (rating, reviews) VALUES (stars, delta)
        ON CONFLICT (rating) DO UPDATE SET reviews = rating_tally.reviews + delta;
    $$
    """,
    """
    CREATE FUNCTION rating_tally_follow() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'INSERT' THEN
        PERFORM rating_tally_add(NEW.rating, 1);
      ELSIF TG_OP = 'DELETE' THEN
        PERFORM rating_tally_add(OLD.rating, -1);
      ELSIF OLD.rating < NEW.rating THEN
        PERFORM rating_tally_add(OLD.rating, -1);
        PERFORM rating_tally_add(NEW.rating, 1);
      ELSIF OLD.rating > NEW.rating THEN
        PERFORM rating_tally_add(NEW.rating, 1);
        PERFORM rating_tally_add(OLD.rating, -1);
      END IF;
      RETURN NULL;
    END $$
    """,
    """
    CREATE TRIGGER request_tally_follow AFTER INSERT OR DELETE OR UPDATE OF service_id, service_status
    ON service_request FOR EACH ROW EXECUTE FUNCTION request_tally_follow()
    """,
    """
    CREATE TRIGGER rating_tally_follow AFTER INSERT OR DELETE OR UPDATE OF rating
    ON review FOR EACH ROW EXECUTE FUNCTION rating_tally_follow()
    """,
)


def upgrade() -> None:
    op.create_table(
        'request_tally',
        sa.Column('service_id', sa.Integer(), nullable=False),
        sa.Column(
            'service_status',
            sa.Enum(*STATUSES, name='request_tally_status', native_enum=False, create_constraint=True, length=9),
            nullable=False,
        ),
        sa.Column('requests', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['service_id'], ['service.id'], name=op.f('fk_request_tally_service_id_service')),
        sa.PrimaryKeyConstraint('service_id', 'service_status', name=op.f('pk_request_tally')),
    )
    op.create_table(
        'rating_tally',
        sa.Column('rating', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('reviews', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('rating', name=op.f('pk_rating_tally')),
    )
    op.execute(
        'INSERT INTO request_tally (service_id, service_status, requests) '
        'SELECT service_id, service_status, count(*) FROM service_request GROUP BY service_id, service_status'
    )
    op.execute('INSERT INTO rating_tally (rating, reviews) SELECT rating, count(*) FROM review GROUP BY rating')
    for statement in SQLITE_TRIGGERS if op.get_bind().dialect.name == 'sqlite' else POSTGRESQL_FUNCTIONS:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('request_tally_insert', 'request_tally_update', 'request_tally_delete'):
            op.execute(f'DROP TRIGGER {name}')
        for name in ('rating_tally_insert', 'rating_tally_update', 'rating_tally_delete'):
            op.execute(f'DROP TRIGGER {name}')
    else:
        op.execute('DROP TRIGGER request_tally_follow ON service_request')
        op.execute('DROP TRIGGER rating_tally_follow ON review')
        for function in ('request_tally_follow()', 'request_tally_add(integer, varchar, integer)'):
            op.execute(f'DROP FUNCTION {function}')
        for function in ('rating_tally_follow()', 'rating_tally_add(integer, integer)'):
            op.execute(f'DROP FUNCTION {function}')
    op.drop_table('rating_tally')
    op.drop_table('request_tally')
