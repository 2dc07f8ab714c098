from common.db.migrations import run_migrations
from partners.adapters.tables import metadata
from partners.settings import Settings

run_migrations(schema="partners", metadata=metadata, default_url=lambda: Settings().database_url)
