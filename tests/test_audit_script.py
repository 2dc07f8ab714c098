"""`make audit` never passes silently: it tells audited, vulnerable and not-audited apart."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "audit.py"


@pytest.fixture
def audit() -> ModuleType:
    spec = importlib.util.spec_from_file_location("looseline_audit", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reports(**by_source: Any) -> Any:
    def fake(_requirements: Path, source: str) -> tuple[Any, str]:
        return by_source[source]

    return fake


def test_no_database_answering_is_reported_as_not_audited(
    audit: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    skipped = {"dependencies": [{"name": "stripe", "skip_reason": "not found"}]}
    monkeypatch.setattr(
        audit, "pip_audit", _reports(pypi=(skipped, ""), osv=(None, "Name or service not known"))
    )
    assert audit.audit_python() == 0
    out = capsys.readouterr().out
    assert "NOT AUDITED" in out
    assert "none of 1 packages" in out
    assert "Name or service not known" in out
    assert "no known vulnerabilities" not in out


def test_a_known_vulnerability_fails_with_its_id_and_fix(
    audit: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = {
        "dependencies": [
            {
                "name": "jinja2",
                "version": "3.1.2",
                "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"]}],
            },
            {"name": "stripe", "version": "16.1.0", "vulns": []},
        ]
    }
    monkeypatch.setattr(audit, "pip_audit", _reports(pypi=(report, "")))
    assert audit.audit_python() == 1
    out = capsys.readouterr().out
    assert "2 of 2 locked packages audited against pypi" in out
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in 3.1.3)" in out


def test_audited_and_clean_passes(
    audit: ModuleType, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    report = {"dependencies": [{"name": "stripe", "version": "16.1.0", "vulns": []}]}
    monkeypatch.setattr(audit, "pip_audit", _reports(pypi=(report, "")))
    assert audit.audit_python() == 0
    assert "python: no known vulnerabilities." in capsys.readouterr().out
