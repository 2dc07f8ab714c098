"""Every error code the platform can answer has words in the web app, in English and Russian.

The web app shows an API error by looking its ``code`` up in
``web/src/shared/locales/{en,ru}/errors.json`` (``errorText``); a code without a translation
falls back to a vague sentence by status. So a new code must come with its words, and this test
fails until it does.

How the codes are found: by reading the source with ``ast``, not only by importing it. A code
reaches the client three ways, and only the first one is visible to an import:

1. a ``DomainError`` subclass's ``code`` class attribute (wherever the class lives: most are in
   ``<service>/domain/errors.py``, some beside their route or in ``libs/common``). The scanner
   follows base classes by name to ``DomainError``, so a pydantic model's ``code`` field is not
   taken for one; an inherited code is the parent's own assignment, found there.
2. a literal in an error answer built by hand: ``error_body("stream.invalid_ticket", ...)``,
   ``_error(503, "upstream_unavailable", ...)``, a module constant passed to them
   (``SERVICE_BUSY``), the generic codes of the HTTP status table in ``common/app.py`` and its
   ``.get(status, "http_error")`` default.
3. a rejected bet's reason: the bets service answers 409 with the reason as the code, and the
   reasons are the wallet's and the bets service's public constants (``INSUFFICIENT_FUNDS =
   "wallet.insufficient_funds"``, ``RESERVATION_TIMEOUT = "bet.reservation_timeout"``). The
   scanner takes every public upper-case module constant whose value is ``<namespace>.<name>``
   for a namespace that the error classes already use (``wallet``, ``bet``, ...).

Importing every module of five services would still miss kinds 2 and 3. The import is used as a
check on the scanner instead: every ``DomainError`` subclass, imported from the modules the
scanner read, must have a code the scanner found.
"""

from __future__ import annotations

import ast
import importlib
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

import pytest

from common.errors import DomainError

ROOT = Path(__file__).resolve().parents[1]
LOCALES = Path("web/src/shared/locales")  # under the repository root
LANGUAGES = ("en", "ru")
# Codes the web client makes itself (shared/api/errors.ts): no answer, and the fallback.
CLIENT_CODES = frozenset({"unknown", "network.offline"})
_DOTTED = re.compile(r"^([a-z]+)\.[a-z0-9_]+$")
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_PUBLIC_CONSTANT = re.compile(r"^[A-Z][A-Z0-9_]*$")
_ERROR_HELPERS = {"error_body": 0, "_error": 1}  # the helper's name → index of its code argument


def source_roots(root: Path = ROOT) -> list[Path]:
    """Every service's ``src`` and ``libs/common/src`` (devtools and tools answer no app)."""
    roots = [*sorted((root / "services").glob("*/src")), root / "libs" / "common" / "src"]
    assert len(roots) >= 6, f"expected five services and libs/common under {root}"
    return roots


def python_files(root: Path = ROOT) -> list[Path]:
    return sorted(
        path
        for src in source_roots(root)
        for path in src.rglob("*.py")
        if "__pycache__" not in path.parts
    )


def _strings(node: ast.AST | None) -> Iterator[str]:
    """The string literals an expression can evaluate to (``x or "bet.rejected"`` → that)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.BoolOp):
        for value in node.values:
            yield from _strings(value)
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def _module_constants(tree: ast.Module) -> dict[str, str]:
    """``NAME = "value"`` and ``NAME: Final = "value"`` at module level."""
    found: dict[str, str] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets = [node.target]
        value = getattr(node, "value", None)
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            for target in targets:
                if isinstance(target, ast.Name):
                    found[target.id] = value.value
    return found


def _base_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _class_code(node: ast.ClassDef) -> str | None:
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            names = [t.id for t in statement.targets if isinstance(t, ast.Name)]
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            names = [statement.target.id]
        else:
            continue
        value = statement.value
        if "code" in names and isinstance(value, ast.Constant) and isinstance(value.value, str):
            return value.value
    return None


def _is_status_table(node: ast.AST) -> bool:
    """``{400: "bad_request", 401: ...}``: every key an HTTP error status."""
    if not isinstance(node, ast.Dict) or not node.keys:
        return False
    keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
    return all(isinstance(k, int) and 400 <= k < 600 for k in keys)


def _status_table_codes(tree: ast.Module) -> Iterator[str]:
    """Values of status tables and the default of a ``TABLE.get(status, "http_error")``."""
    tables = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and _is_status_table(node.value)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and _is_status_table(node):
            yield from (s for value in node.values for s in _strings(value))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in tables
            and len(node.args) == 2
        ):
            yield from _strings(node.args[1])


def _hand_built_codes(tree: ast.Module, constants: dict[str, str]) -> Iterator[str]:
    """The code argument of ``error_body(...)`` and ``_error(status, ...)`` calls."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _base_name(node.func)
        index = _ERROR_HELPERS.get(name or "")
        if index is None or len(node.args) <= index:
            continue
        argument = node.args[index]
        if isinstance(argument, ast.Name) and argument.id in constants:
            yield constants[argument.id]
        else:
            yield from _strings(argument)


class Scan:
    """What the source says, read once: error classes, hand-built codes, reason constants."""

    def __init__(self, files: Iterable[Path], root: Path) -> None:
        self.bases: dict[str, set[str]] = {}
        self.class_codes: dict[str, set[str]] = {}  # class name → its own codes
        self.class_modules: set[str] = set()  # dotted modules that define a class with a code
        self.hand_built: set[str] = set()
        self.constants: set[str] = set()
        for path in files:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            constants = _module_constants(tree)
            self.hand_built.update(_hand_built_codes(tree, constants))
            self.hand_built.update(_status_table_codes(tree))
            self.constants.update(
                value
                for name, value in constants.items()
                if _PUBLIC_CONSTANT.match(name) and _DOTTED.match(value)
            )
            for node in ast.walk(tree):
                if not isinstance(node, ast.ClassDef):
                    continue
                self.bases.setdefault(node.name, set()).update(
                    b for b in map(_base_name, node.bases) if b
                )
                code = _class_code(node)
                if code is not None:
                    self.class_codes.setdefault(node.name, set()).add(code)
                    self.class_modules.add(_module_of(path, root))

    def is_domain_error(self, name: str, seen: frozenset[str] = frozenset()) -> bool:
        if name == "DomainError":
            return True
        if name in seen:
            return False
        return any(self.is_domain_error(b, seen | {name}) for b in self.bases.get(name, ()))

    def error_class_codes(self) -> set[str]:
        return {
            code
            for name, codes in self.class_codes.items()
            if self.is_domain_error(name)
            for code in codes
        }

    def reason_codes(self) -> set[str]:
        """Public ``<namespace>.<name>`` constants of a namespace the error classes use."""
        namespaces = {m.group(1) for c in self.error_class_codes() if (m := _DOTTED.match(c))}
        return {c for c in self.constants if (m := _DOTTED.match(c)) and m.group(1) in namespaces}

    def codes(self) -> set[str]:
        return self.error_class_codes() | self.hand_built | self.reason_codes()


def _module_of(path: Path, root: Path) -> str:
    src = next(s for s in source_roots(root) if path.is_relative_to(s))
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@cache
def scan(root: Path = ROOT) -> Scan:
    return Scan(python_files(root), root)


def translations(language: str, root: Path = ROOT) -> dict[str, str]:
    data = json.loads((root / LOCALES / language / "errors.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{language}/errors.json is not one flat object"
    return data


def _all_subclasses(cls: type[DomainError]) -> Iterator[type[DomainError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_scanner_finds_every_kind_of_code() -> None:
    """Not blind: one known code of each kind, and the error classes of each service."""
    codes = scan().codes()
    assert {
        "auth.email_taken",  # a DomainError subclass
        "auth.session_revoked",  # another, in libs/common
        "events.feed_body_too_large",  # one defined beside its route
        "stream.invalid_ticket",  # error_body("...") in the gateway
        "upstream_timeout",  # _error(504, "...") in the gateway
        "service_busy",  # error_body(SERVICE_BUSY, ...)
        "payload_too_large",  # the status table
        "http_error",  # its .get default
        "bet.rejected",  # error_body(view["reason"] or "bet.rejected", ...)
        "wallet.no_wallet",  # a rejected bet's reason constant
        "bet.reservation_timeout",
    } <= codes
    for namespace in ("auth.", "bet.", "events.", "wallet.", "idempotency."):
        assert any(c.startswith(namespace) for c in codes), namespace


def test_every_imported_domain_error_has_a_code_the_scanner_found() -> None:
    """The import cross-checks the ``ast`` reading of kind 1."""
    for module in sorted(scan().class_modules):
        importlib.import_module(module)
    imported = {cls.code for cls in _all_subclasses(DomainError)}
    missed = imported - scan().error_class_codes() - {DomainError.code}
    assert not missed, f"error classes the scanner did not see: {sorted(missed)}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_is_translated(language: str) -> None:
    words = translations(language)
    missing = sorted((scan().codes() | CLIENT_CODES) - words.keys())
    assert not missing, (
        f"web/src/shared/locales/{language}/errors.json has no words for {missing}: "
        "add them (in en and ru) for the web app to show these errors"
    )
    empty = sorted(key for key, text in words.items() if not isinstance(text, str) or not text)
    assert not empty, f"{language}/errors.json: empty translations {empty}"


def test_both_languages_have_the_same_keys() -> None:
    en, ru = (translations(language).keys() for language in LANGUAGES)
    assert en == ru, f"only in en: {sorted(en - ru)}; only in ru: {sorted(ru - en)}"


def test_russian_is_russian() -> None:
    """A key copied from en and never translated still reads in English."""
    untranslated = sorted(
        key for key, text in translations("ru").items() if not _CYRILLIC.search(text)
    )
    assert not untranslated, f"ru/errors.json: not translated {untranslated}"


def test_a_new_code_without_words_fails(tmp_path: Path) -> None:
    """The check itself: a new error class in a copy of the tree is found, a look-alike is not."""
    for src in source_roots():
        (tmp_path / src.relative_to(ROOT)).mkdir(parents=True)
    errors = ROOT / "libs/common/src/common/errors.py"
    (tmp_path / "libs/common/src/common").mkdir()
    (tmp_path / "libs/common/src/common/errors.py").write_text(errors.read_text())
    (tmp_path / "services/bets/src/slip.py").write_text(
        "from common.errors import Conflict\n\n"
        "class Base(Conflict):\n    pass\n\n"
        "class SlipTooLong(Base):\n    code = 'bet.slip_too_long'\n\n"
        "class Form:\n    code = 'not.an_error'\n"
    )
    codes = Scan(python_files(tmp_path), tmp_path).codes()
    assert "bet.slip_too_long" in codes
    assert "not.an_error" not in codes
    assert "bet.slip_too_long" not in translations("en")
