"""A local stand-in for the Stripe API (issue 8): dev and test only."""

from stripe_simulator.app import create_app
from stripe_simulator.config import SimulatorConfig
from stripe_simulator.webhooks import signature_header

__all__ = ["SimulatorConfig", "create_app", "signature_header"]
