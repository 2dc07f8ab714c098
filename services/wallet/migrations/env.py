from common.db.migrations import run_migrations
from wallet.adapters.tables import metadata
from wallet.settings import Settings

run_migrations(schema="wallet", metadata=metadata, default_url=lambda: Settings().database_url)
