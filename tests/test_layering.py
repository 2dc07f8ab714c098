"""Import rules, checked on the source with ``ast``.

- A service's ``domain`` package is pure Python: no framework, driver or I/O library, and none
  of its own outer layers (adapters, entrypoints, service_layer).
- ``libs/common`` knows no service.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN_SERVICES = ("auth", "events", "bets", "wallet", "notifications", "partners")
ALL_SERVICES = (*DOMAIN_SERVICES, "gateway")
INFRASTRUCTURE = ("sqlalchemy", "fastapi", "starlette", "aio_pika", "aiormq", "asyncpg", "httpx")
OUTER_LAYERS = ("adapters", "entrypoints", "service_layer")


def _module_name(path: Path, src: Path) -> tuple[str, bool]:
    """Dotted module name of ``path`` under ``src`` and whether it is a package ``__init__``."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    is_package = parts[-1] == "__init__"
    if is_package:
        parts.pop()
    return ".".join(parts), is_package


def imported_modules(path: Path, src: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module) for every import in the file, relative ones resolved.

    ``from pkg import name`` yields both ``pkg`` and ``pkg.name`` (name may be a submodule).
    """
    module, is_package = _module_name(path, src)
    package = module.split(".") if is_package else module.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                keep = len(package) - (node.level - 1)
                assert keep >= 1, f"{path}:{node.lineno}: relative import escapes src"
                base_parts = package[:keep]
                base = ".".join([*base_parts, *([node.module] if node.module else [])])
            else:
                base = node.module or ""
            yield node.lineno, base
            for alias in node.names:
                if alias.name != "*":
                    yield node.lineno, f"{base}.{alias.name}"


def _matches(module: str, forbidden: str) -> bool:
    return module == forbidden or module.startswith(forbidden + ".")


def _python_files(directory: Path) -> list[Path]:
    assert directory.is_dir(), f"{directory} does not exist: the layering rule has nothing to check"
    files = sorted(p for p in directory.rglob("*.py") if "__pycache__" not in p.parts)
    assert files, f"{directory} holds no Python files"
    return files


@pytest.mark.parametrize("service", DOMAIN_SERVICES)
def test_domain_imports_no_infrastructure_and_no_outer_layer(service: str) -> None:
    src = ROOT / "services" / service / "src"
    domain = src / service / "domain"
    forbidden = (*INFRASTRUCTURE, *(f"{service}.{layer}" for layer in OUTER_LAYERS))
    violations = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _python_files(domain)
        for line, module in imported_modules(path, src)
        if any(_matches(module, f) for f in forbidden)
    ]
    assert not violations, "domain must stay pure:\n" + "\n".join(violations)


def test_common_imports_no_service_package() -> None:
    src = ROOT / "libs" / "common" / "src"
    violations = [
        f"{path.relative_to(ROOT)}:{line} imports {module}"
        for path in _python_files(src / "common")
        for line, module in imported_modules(path, src)
        if any(_matches(module, s) for s in ALL_SERVICES)
    ]
    assert not violations, "libs/common must not depend on a service:\n" + "\n".join(violations)


def test_import_scanner_sees_absolute_relative_and_from_imports(tmp_path: Path) -> None:
    """The checker itself catches every import form a violation could take."""
    package = tmp_path / "bets" / "domain"
    package.mkdir(parents=True)
    (tmp_path / "bets" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("from .. import adapters\n")
    (package / "model.py").write_text(
        "import sqlalchemy.orm\n"
        "from fastapi import APIRouter\n"
        "from ..entrypoints.api import app\n"
        "from . import rules\n"
        "def f():\n"
        "    import httpx\n"
    )
    found = {
        module for path in _python_files(package) for _, module in imported_modules(path, tmp_path)
    }
    assert {
        "bets.adapters",
        "sqlalchemy.orm",
        "fastapi",
        "bets.entrypoints.api",
        "bets.entrypoints.api.app",
        "bets.domain.rules",
        "httpx",
    } <= found


def consumer_session_uses(path: Path) -> Iterator[int]:
    """Lines where code reads ``ctx.session``: the consumer's transaction taken bare."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "session"
            and isinstance(node.value, ast.Name)
            and node.value.id == "ctx"
        ):
            yield node.lineno


@pytest.mark.parametrize("service", DOMAIN_SERVICES)
def test_message_handlers_join_the_consumers_transaction_as_a_unit_of_work(service: str) -> None:
    """A message handler is written like any other: ``XUnitOfWork.for_message(ctx)`` and its
    repositories (docs/architecture.md, "How to add a handler"), never ``ctx.session``."""
    src = ROOT / "services" / service / "src"
    violations = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in _python_files(src / service)
        for line in consumer_session_uses(path)
    ]
    assert not violations, "use XUnitOfWork.for_message(ctx):\n" + "\n".join(violations)


def test_the_session_scanner_sees_ctx_session(tmp_path: Path) -> None:
    handler = tmp_path / "handler.py"
    handler.write_text("async def on(p, ctx):\n    await ctx.session.execute(1)\n")
    assert list(consumer_session_uses(handler)) == [2]
