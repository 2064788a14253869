from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import models
from models.db import get_engine


def test_migrated_schema_matches_the_models() -> None:
    with get_engine().connect() as connection:
        context = MigrationContext.configure(connection, opts={'compare_type': True})
        differences = compare_metadata(context, models.Base.metadata)
    assert differences == []
