"""Routers of /api/auth: thin — parse, call one handler, shape the answer."""
