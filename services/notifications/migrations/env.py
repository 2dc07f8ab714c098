from common.db.migrations import run_migrations
from notifications.adapters.tables import metadata
from notifications.settings import Settings

run_migrations(
    schema="notifications", metadata=metadata, default_url=lambda: Settings().database_url
)
