"""The platform fixture: real processes on free ports, a database and broker namespace of the run.

``platform`` is module-scoped and parametrized by replica count: the suite runs once against one
process of everything, then against two of every service behind two gateways. Whatever happens,
every process is stopped, the database dropped and the broker namespace deleted; a failing test
gets every process's log tail in its report.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from typing import Any

import pytest
from tests.e2e.client import Platform
from tests.e2e.harness import running_platform

from common.testing.infra import Infrastructure


@pytest.fixture(scope="module", params=[1, 2], ids=["one-replica", "two-replicas"])
async def platform(
    request: pytest.FixtureRequest,
    infrastructure: Infrastructure,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Platform]:
    async with running_platform(infrastructure, tmp_path_factory, request.param) as live:
        request.node.e2e_platform = live  # for the log sections of a failing test's report
        yield live


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[Any]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        live = _platform_of(item)
        if live is not None:
            for process in live.processes:
                report.sections.append((f"log: {process.name}", process.log_tail(40)))
    return report


def _platform_of(item: pytest.Item) -> Platform | None:
    funcargs = getattr(item, "funcargs", {})
    live = funcargs.get("platform")
    if isinstance(live, Platform):
        return live
    module = item.getparent(pytest.Module)
    found = getattr(module, "e2e_platform", None) if module is not None else None
    return found if isinstance(found, Platform) else None


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "e2e: the black-box suite over real processes (slow)")
