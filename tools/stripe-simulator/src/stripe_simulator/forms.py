"""Stripe's request encoding: `a[b][c]=v`, `list[0]=v`, `expand[]=v` → nested dicts and lists."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY_PART = re.compile(r"\[([^\]]*)\]")


def decode_form(raw: str) -> dict[str, Any]:
    """Decode a form-encoded (or query) string the way Stripe's API reads it."""
    tree: dict[str, Any] = {}
    for key, value in parse_qsl(raw, keep_blank_values=True):
        head, _, rest = key.partition("[")
        parts = [head, *_KEY_PART.findall("[" + rest)] if rest else [head]
        _insert(tree, parts, value)
    decoded: dict[str, Any] = _listify(tree)
    return decoded


def _insert(node: dict[str, Any], parts: list[str], value: str) -> None:
    for part in parts[:-1]:
        if part == "":  # `a[][b]`: a new element of an array of objects
            part = str(len(node))
        child = node.get(part)
        if not isinstance(child, dict):
            child = {}
            node[part] = child
        node = child
    last = parts[-1]
    if last == "":  # `expand[]=x`: append
        last = str(len(node))
    node[last] = value


def _listify(node: Any) -> Any:
    """Dicts whose keys are exactly 0..n-1 become lists (Stripe's indexed arrays)."""
    if not isinstance(node, dict):
        return node
    converted = {key: _listify(value) for key, value in node.items()}
    if converted and all(key.isdigit() for key in converted):
        indexes = sorted(int(key) for key in converted)
        if indexes == list(range(len(indexes))):
            return [converted[str(i)] for i in indexes]
    return converted
