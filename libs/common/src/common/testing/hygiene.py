"""What every service's text-hygiene tests share (issue #20): a body sent as a fuzzer writes it,
and the one 422 an unsafe character in a text field gets, in the one error shape."""

from __future__ import annotations

import json
from typing import Any

import httpx

# A lone surrogate in a length-bounded string is refused by pydantic itself (``string_unicode``).
UNSAFE = {"text_unsafe_character", "string_unicode"}


def raw_json(body: Any, headers: dict[str, str]) -> dict[str, Any]:
    """JSON as a fuzzer writes it (``\\u`` escapes, lone surrogates included): keyword
    arguments of an httpx request."""
    return {
        "content": json.dumps(body).encode(),
        "headers": {**headers, "content-type": "application/json"},
    }


def assert_unsafe_text(answer: httpx.Response, loc: list[Any]) -> None:
    """A validation error in the one error shape naming exactly the field at ``loc``."""
    assert answer.status_code == 422, answer.text
    body = answer.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) == {"code", "message", "details"}, error
    assert error["code"] == "validation_error", error
    assert [d["loc"] for d in error["details"]] == [loc], error
    assert error["details"][0]["type"] in UNSAFE
