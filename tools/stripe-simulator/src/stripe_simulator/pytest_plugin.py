"""pytest fixtures for the Stripe simulator (filled in by issue 8)."""
