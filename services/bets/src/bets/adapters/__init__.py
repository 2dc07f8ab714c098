"""bets adapters: tables on the `bets` schema, repositories."""
