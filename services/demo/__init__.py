"""Demo data for a fresh install (`make run`, `manage.py seed-demo`): a whole marketplace made through the real
services, seeded once, with the sign-ins printed only then."""

from services.demo.seeding import DemoLogins, describe, needs_seeding, seed

__all__ = ['DemoLogins', 'describe', 'needs_seeding', 'seed']
