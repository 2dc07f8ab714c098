"""events adapters: tables on the `events` schema, repositories."""
