"""A smoke of ``make bench``'s platform bench with tiny counts: the harness works end to end.

Not a performance test: it asserts that every figure is there, positive and beside its floor,
that nothing answered 5xx, and that the settled book left a reconciled ledger — never how fast.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the bench package at the root

from bench.platform import BenchConfig, run

from common.testing.infra import Infrastructure


async def test_the_bench_measures_every_figure_beside_its_floor_with_tiny_counts(
    infrastructure: Infrastructure, tmp_path: Path
) -> None:
    config = BenchConfig.smoke(tmp_path)

    results = await run(config, infrastructure)

    assert json.loads((tmp_path / "platform.json").read_text())["figures"] == results["figures"]
    assert (tmp_path / "platform.md").read_text().count("\n| ") == len(results["figures"]) + 1
    measures = [f["measure"] for f in results["figures"]]
    bets = [f for f in results["figures"] if f["measure"].startswith("saga-complete")]
    assert [f["in_flight"] for f in bets] == [1, 4]
    assert any(m.startswith("mix: singles + 3-leg coupons") for m in measures)
    assert any(m.startswith("GET /api/wallet/balance") for m in measures)
    assert any(m.startswith("GET /api/events?limit=") for m in measures)
    assert any(m.startswith("Stripe webhooks") for m in measures)
    [settled] = [f for f in results["figures"] if f["measure"].startswith("settle one event")]
    assert settled["reconciled"] is True
    assert settled["seconds"] > 0
    for figure in results["figures"]:
        assert figure["rate_per_s"] > 0, figure
        assert figure["floor_rate_per_s"] > 0, figure
        assert figure["ratio"] > 0, figure
        assert figure["server_errors"] == 0, figure
    for kind in ("hello", "tx"):
        assert all(v["rate_per_s"] > 0 for v in results["floors"][kind].values()), kind
    assert results["machine"]["cores"] >= 1
