"""LOOSELINE auth service: accounts, sessions, tokens."""
