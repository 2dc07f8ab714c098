"""Run only the consumers and periodic jobs (the outbound sender among them):
`python -m partners.entrypoints.worker`."""

from common.worker import run_worker
from partners.bootstrap import build
from partners.settings import Settings

if __name__ == "__main__":
    run_worker(build(Settings()))
