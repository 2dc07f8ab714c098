from auth.adapters.tables import metadata
from auth.settings import Settings
from common.db.migrations import run_migrations

run_migrations(schema="auth", metadata=metadata, default_url=lambda: Settings().database_url)
