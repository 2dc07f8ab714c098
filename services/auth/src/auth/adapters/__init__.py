"""auth adapters: tables on the `auth` schema, repositories."""
