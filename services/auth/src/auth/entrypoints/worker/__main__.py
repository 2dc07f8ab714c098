"""Run only the relay, consumers and periodic jobs: `python -m auth.entrypoints.worker`."""

from auth.bootstrap import build
from auth.settings import Settings
from common.worker import run_worker

if __name__ == "__main__":
    run_worker(build(Settings()))
