"""`python -m stripe_simulator`: serve the simulator under uvicorn."""

from __future__ import annotations

import argparse
import os
from dataclasses import replace

import uvicorn

from stripe_simulator.app import create_app
from stripe_simulator.config import DEFAULT_PORT, SimulatorConfig, parse_origins


def main(argv: list[str] | None = None) -> None:
    defaults = SimulatorConfig.from_env()
    parser = argparse.ArgumentParser(prog="stripe-simulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument(
        "--port", type=int, default=int(os.environ.get("STRIPE_SIMULATOR_PORT", DEFAULT_PORT))
    )
    parser.add_argument("--secret-key", default=defaults.secret_key)
    parser.add_argument("--publishable-key", default=defaults.publishable_key)
    parser.add_argument("--webhook-secret", default=defaults.webhook_secret)
    parser.add_argument("--webhook-url", default=defaults.webhook_url)
    parser.add_argument(
        "--public-url",
        default=os.environ.get("STRIPE_SIMULATOR_PUBLIC_URL"),
        help="base URL browsers use to reach the simulator (Checkout and 3-D Secure pages)",
    )
    parser.add_argument(
        "--cors-origins",
        default=os.environ.get("STRIPE_SIMULATOR_CORS_ORIGINS"),
        help="comma-separated browser origins whose card form may call the publishable-key "
        "endpoints (default: the app under `make run` and `vite`; * for any)",
    )
    parser.add_argument(
        "--duplicate-webhooks",
        type=float,
        default=defaults.duplicate_webhooks,
        help="share of events (0-1) delivered a second time, a moment later and out of order "
        "(Stripe's at-least-once delivery; for chaos and idempotency tests)",
    )
    args = parser.parse_args(argv)
    config = replace(
        defaults,
        secret_key=args.secret_key,
        publishable_key=args.publishable_key,
        webhook_secret=args.webhook_secret,
        webhook_url=args.webhook_url or None,
        public_base_url=args.public_url or f"http://{args.host}:{args.port}",
        cors_origins=parse_origins(args.cors_origins),
        duplicate_webhooks=args.duplicate_webhooks,
    )
    uvicorn.run(create_app(config), host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
