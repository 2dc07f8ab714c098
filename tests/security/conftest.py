"""The security suite's platform: one of everything, real processes, behind one gateway.

Started once for the whole package (the authorization matrix and the schemathesis run share
it) with an admin and two verified bettors, Ann and Bob. Tests that need resources of their
own make them through the public API, as an attacker or a user would.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Generator
from dataclasses import dataclass
from typing import Any

import pytest
from tests.e2e.client import Bettor, Platform
from tests.e2e.harness import running_platform
from tests.e2e.processes import ADMIN_EMAIL, ADMIN_PASSWORD

from common.testing.infra import Infrastructure


@dataclass
class Cast:
    """Who takes part: the operator's admin and two ordinary, verified users."""

    admin: Bettor
    ann: Bettor
    bob: Bettor


@pytest.fixture(scope="package")
async def platform(
    infrastructure: Infrastructure, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Platform]:
    async with running_platform(infrastructure, tmp_path_factory, replicas=1) as live:
        yield live


@pytest.fixture(scope="package")
async def cast(platform: Platform) -> Cast:
    token = uuid.uuid4().hex[:8]
    admin = await platform.sign_in(Bettor(ADMIN_EMAIL, ADMIN_PASSWORD, "Admin"))
    ann = await platform.sign_up_verified(
        Bettor(f"ann-{token}@security.looseline.dev", "Ann-Secur1ty-pass", "Ann")
    )
    bob = await platform.sign_up_verified(
        Bettor(f"bob-{token}@security.looseline.dev", "Bob-Secur1ty-pass", "Bob")
    )
    return Cast(admin=admin, ann=ann, bob=bob)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing security test carries every process's log tail in its report."""
    report = yield
    live = getattr(item, "funcargs", {}).get("platform")
    if report.failed and isinstance(live, Platform):
        for process in live.processes:
            report.sections.append((f"log: {process.name}", process.log_tail(40)))
    return report
