"""LOOSELINE gateway: the one public entry (routing now; JWT, rate limits, stream later)."""
