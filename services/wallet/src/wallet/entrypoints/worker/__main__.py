"""Run only the relay, consumers and periodic jobs: `python -m wallet.entrypoints.worker`."""

from common.worker import run_worker
from wallet.bootstrap import build
from wallet.settings import Settings

if __name__ == "__main__":
    run_worker(build(Settings()))
