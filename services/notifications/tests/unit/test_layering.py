"""``notifications.domain`` imports no framework, adapter or entrypoint (STYLE.md habit 1)."""

from __future__ import annotations

import ast
from pathlib import Path

import notifications.domain

FORBIDDEN = (
    "sqlalchemy",
    "fastapi",
    "aio_pika",
    "asyncpg",
    "pydantic",
    "httpx",
    "aiosmtplib",
    "notifications.adapters",
    "notifications.entrypoints",
    "notifications.service_layer",
)


def test_domain_imports_no_framework() -> None:
    root = Path(notifications.domain.__file__).parent
    for path in root.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(FORBIDDEN), f"{path.name} imports {name}"
