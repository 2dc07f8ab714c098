#!/usr/bin/env python3
"""Write the public API's one OpenAPI document to web/src/shared/api/openapi.json.

The same merge the gateway serves at ``/api/openapi.json`` (``gateway.openapi.merge``), built
from each service's app without starting anything, so the web app's generated types
(``npm run api:types``) come from the code itself. ``--check`` fails when the file on disk is
not what the code produces (CI: the app and the API cannot drift apart).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from pathlib import Path
from typing import Any

from gateway.openapi import merge

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "web" / "src" / "shared" / "api" / "openapi.json"
# The gateway's own order: sorted.
SERVICES = ("auth", "bets", "events", "notifications", "partners", "wallet")


def document() -> dict[str, Any]:
    documents: dict[str, dict[str, Any]] = {}
    for service in ("gateway", *SERVICES):
        module = importlib.import_module(f"{service}.entrypoints.api.app")
        documents[service] = module.create_app().openapi()
    return merge(documents, title="LOOSELINE API")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="fail if the file is stale")
    args = parser.parse_args()
    text = json.dumps(document(), indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if args.check:
        if not TARGET.exists() or TARGET.read_text() != text:
            print(f"{TARGET.relative_to(ROOT)} is stale: run `make web-api`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text)
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
