"""Run only the relay, consumers and periodic jobs: `python -m bets.entrypoints.worker`."""

from bets.bootstrap import build
from bets.settings import Settings
from common.worker import run_worker

if __name__ == "__main__":
    run_worker(build(Settings()))
