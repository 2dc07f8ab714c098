"""wallet adapters: tables on the `wallet` schema, repositories."""
