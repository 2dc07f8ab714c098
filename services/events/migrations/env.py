from common.db.migrations import run_migrations
from events.adapters.tables import metadata
from events.settings import Settings

run_migrations(schema="events", metadata=metadata, default_url=lambda: Settings().database_url)
