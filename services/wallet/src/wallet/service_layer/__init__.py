"""wallet handlers and queries: they run inside one unit of work (a DB transaction)."""
