"""`make audit`: known vulnerabilities in the locked dependencies, said plainly either way.

pip-audit checks the exact versions in uv.lock against a vulnerability database: PyPI's JSON
API (which carries the PyPA advisories), then OSV. Machines that reach only a package mirror get
neither (the mirror has no JSON API, OSV does not resolve). pip-audit then marks every
dependency "could not be audited" and still prints "No known vulnerabilities found" — a silent
pass. This script reads its JSON instead and says which of three things happened:

- audited, nothing known → exit 0;
- audited, vulnerabilities found → the list, exit 1;
- no database answered → "NOT AUDITED" with the reason, exit 0 (nothing could be checked,
  which is not the same as nothing being wrong; CI logs show it).

``npm audit --audit-level=high`` runs the same way for web/ once it exists.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PIP_AUDIT = "pip-audit==2.10.1"
SOURCES = ("pypi", "osv")


def locked_requirements(target: Path) -> None:
    """Every third-party package pinned in uv.lock (the workspace's own packages left out)."""
    subprocess.run(  # noqa: S603 - fixed arguments, no input
        [
            *uv(),
            "export",
            "--frozen",
            "--all-packages",
            "--format",
            "requirements-txt",
            "--no-emit-workspace",
            "--no-hashes",
            "--output-file",
            str(target),
        ],
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def uv() -> list[str]:
    return ["uv"] if shutil.which("uv") else [sys.executable, "-m", "uv"]


def pip_audit(requirements: Path, source: str) -> tuple[dict[str, Any] | None, str]:
    """pip-audit's JSON report against one database, or None and why it gave none."""
    run = subprocess.run(  # noqa: S603 - fixed arguments, no input
        [
            *uv(),
            "tool",
            "run",
            "--from",
            PIP_AUDIT,
            "pip-audit",
            "-r",
            str(requirements),
            "--no-deps",
            "--disable-pip",
            "--progress-spinner",
            "off",
            "-s",
            source,
            "-f",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        return json.loads(run.stdout), ""
    except json.JSONDecodeError:
        last = (run.stderr.strip().splitlines() or ["no output"])[-1]
        return None, last[:300]


def audit_python() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        requirements = Path(tmp) / "requirements.txt"
        locked_requirements(requirements)
        reasons = []
        for source in SOURCES:
            report, error = pip_audit(requirements, source)
            if report is None:
                reasons.append(f"{source}: {error}")
                continue
            deps = report.get("dependencies", [])
            assert isinstance(deps, list)
            audited = [d for d in deps if "skip_reason" not in d]
            if not audited:
                reasons.append(f"{source}: none of {len(deps)} packages found in its database")
                continue
            return report_python(source, audited, len(deps))
    print("python: NOT AUDITED — no vulnerability database answered from this machine.")
    for reason in reasons:
        print(f"  {reason}")
    print("  Run `make audit` where pypi.org's JSON API or api.osv.dev is reachable.")
    return 0


def report_python(source: str, audited: list[dict[str, Any]], total: int) -> int:
    found = [(d, v) for d in audited for v in d.get("vulns", []) or []]
    print(f"python: {len(audited)} of {total} locked packages audited against {source}.")
    for dep, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions", []) or ["no fix yet"])
        print(f"  {dep['name']} {dep['version']}: {vuln.get('id')} (fixed in {fixes})")
    if found:
        print(f"python: {len(found)} known vulnerabilities.")
        return 1
    print("python: no known vulnerabilities.")
    return 0


def audit_web() -> int:
    web = ROOT / "web"
    if not (web / "package-lock.json").exists():
        print("web: no web/package-lock.json yet — nothing to audit.")
        return 0
    run = subprocess.run(
        ["npm", "audit", "--audit-level=high", "--json"],  # noqa: S607 - the machine's npm
        cwd=web,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        report = json.loads(run.stdout or "{}")
    except json.JSONDecodeError:
        report = {}
    if "error" in report or "metadata" not in report:
        error = report.get("error", {})
        summary = error.get("summary") if isinstance(error, dict) else None
        print("web: NOT AUDITED — the npm registry's audit endpoint did not answer.")
        print(f"  {summary or (run.stderr.strip().splitlines() or ['no output'])[-1][:300]}")
        return 0
    counts = report["metadata"].get("vulnerabilities", {})
    print(f"web: npm audit: {counts}")
    return 1 if counts.get("high", 0) or counts.get("critical", 0) else 0


def main() -> int:
    return max(audit_python(), audit_web())


if __name__ == "__main__":
    sys.exit(main())
