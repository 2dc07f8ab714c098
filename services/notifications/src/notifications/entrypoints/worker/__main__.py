"""Run only the consumer and the sender: `python -m notifications.entrypoints.worker`."""

from common.worker import run_worker
from notifications.bootstrap import build
from notifications.settings import Settings

if __name__ == "__main__":
    run_worker(build(Settings()))
