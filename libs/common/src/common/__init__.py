"""LOOSELINE shared plumbing. Nothing domain-specific lives here."""
