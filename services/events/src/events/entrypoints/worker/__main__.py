"""Run only the relay, consumers and periodic jobs: `python -m events.entrypoints.worker`."""

from common.worker import run_worker
from events.bootstrap import build
from events.settings import Settings

if __name__ == "__main__":
    run_worker(build(Settings()))
