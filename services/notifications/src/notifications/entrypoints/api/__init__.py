"""HTTP API under /api/notifications: the user's preferences and history, the admin's view."""
