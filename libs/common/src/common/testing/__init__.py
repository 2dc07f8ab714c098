"""Test fixtures every service reuses (loaded as the pytest plugin ``common.testing.plugin``)."""
