"""The run's report: operations by type, faults with their times, violations, drain time, seed."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.chaos.checker import Verdict
from tests.chaos.faults import Fault
from tests.chaos.journal import Journal

if TYPE_CHECKING:
    from tests.chaos.run import ChaosConfig


@dataclass
class Report:
    seed: int
    config: ChaosConfig
    journal: Journal
    faults: list[Fault]
    fault_errors: list[str]
    verdict: Verdict
    load_s: float
    drain_s: float
    log_dir: str

    @property
    def violations(self) -> list[str]:
        return self.verdict.violations

    def fault_counts(self) -> dict[str, int]:
        """How many of each fault really happened."""
        counts: dict[str, int] = {}
        for fault in self.faults:
            if fault.effective:
                counts[fault.kind] = counts.get(fault.kind, 0) + 1
        return counts

    def as_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "money_ops": self.journal.money_ops,
            "ops": len(self.journal.ops),
            "bettors": self.config.bettors,
            "load_s": round(self.load_s, 1),
            "money_ops_per_s": round(self.journal.money_ops / max(self.load_s, 0.001), 1),
            "drain_s": round(self.drain_s, 1),
            "operations": self.journal.by_kind(),
            "refusals": self.journal.refusals(),
            "fault_counts": self.fault_counts(),
            "faults": [f.as_json() for f in self.faults],
            "fault_errors": self.fault_errors,
            "violations": self.verdict.violations,
            "explained": self.verdict.explained,
            "converged": self.verdict.converged,
            "figures": self.verdict.figures,
            "log_dir": self.log_dir,
            "patch": str(self.config.patch) if self.config.patch else None,
        }

    def markdown(self) -> str:
        data = self.as_json()
        lines = [
            f"## Chaos run, seed {self.seed}",
            "",
            f"- {data['money_ops']} money operations ({data['ops']} in all) by "
            f"{self.config.bettors} bettors and the admin in {data['load_s']} s "
            f"({data['money_ops_per_s']} money operations/s), two replicas of every service",
            f"- drained in {data['drain_s']} s",
            f"- code: the working tree{self._patched()}",
            f"- **violations: {len(self.violations)}**",
            f"- replay: `python -m tests.chaos --seed {self.seed} --ops {self.config.ops}` "
            "(same choices and fault schedule; the interleaving is the machine's)",
            "",
            "### Operations",
            "",
            "| operation | ok | refused (4xx) | unknown | retried | total |",
            "|---|---|---|---|---|---|",
        ]
        for kind, row in data["operations"].items():
            lines.append(
                f"| {kind} | {row['ok']} | {row['refused']} | {row['unknown']} "
                f"| {row['retried']} | {row['total']} |"
            )
        refusals = ", ".join(f"{k}: {v}" for k, v in data["refusals"].items())
        lines += ["", f"Refused: {refusals or 'none'}."]
        lines += ["", "### Faults", "", "| at (s) | fault | target | lasted (s) | note |"]
        lines.append("|---|---|---|---|---|")
        for fault in data["faults"]:
            lines.append(
                f"| {fault['at_s']} | {fault['kind']} | {fault['target']} "
                f"| {fault['duration_s']} | {fault['note']} |"
            )
        counts = ", ".join(f"{k} {v}" for k, v in sorted(data["fault_counts"].items()))
        lines += ["", f"Faults: {counts}.", ""]
        lines += _section("Violations", self.violations or ["none"])
        lines += _section("Explained", self.verdict.explained or ["none"])
        converged = [f"{k}: {v}" for k, v in sorted(self.verdict.converged.items())]
        lines += _section("Unknown outcomes, after retries", converged or ["none"])
        figures = [f"{k}: {v}" for k, v in sorted(self.verdict.figures.items())]
        lines += _section("Figures", figures)
        if self.fault_errors:
            lines += _section("Faults that could not be injected", self.fault_errors)
        return "\n".join(lines)

    def _patched(self) -> str:
        return f" with `{self.config.patch.name}` applied" if self.config.patch else ""

    def write(self, directory: Path) -> tuple[Path, Path]:
        directory.mkdir(parents=True, exist_ok=True)
        md, js = directory / "chaos.md", directory / "chaos.json"
        md.write_text(self.markdown() + "\n")
        body = {**self.as_json(), "journal": [op.as_json() for op in self.journal.ops]}
        js.write_text(json.dumps(body, indent=1, default=str) + "\n")
        return md, js


def _section(title: str, items: list[str]) -> list[str]:
    return [f"### {title}", "", *(f"- {item}" for item in items), ""]
