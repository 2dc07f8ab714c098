"""A local stand-in for the Stripe API (issue 8): dev and test only."""
