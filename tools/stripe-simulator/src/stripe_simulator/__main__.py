"""`python -m stripe_simulator` (placeholder until the simulator lands)."""

from __future__ import annotations


def main() -> None:
    raise SystemExit("stripe simulator: not built yet")


if __name__ == "__main__":
    main()
