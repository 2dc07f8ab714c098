from bets.adapters.tables import metadata
from bets.settings import Settings
from common.db.migrations import run_migrations

run_migrations(schema="bets", metadata=metadata, default_url=lambda: Settings().database_url)
