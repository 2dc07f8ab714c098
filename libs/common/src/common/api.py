"""Text hygiene at the HTTP edge, in one place for every service (rules: ``common.text``).

- ``RequestModel``: the base of every request body. Any string in it, at any depth, holding a
  control character (TAB, LF and CR allowed: free text may have lines) or an unpaired surrogate
  is a 422 ``validation_error`` naming the field, never echoing the value.
- ``check_body_text``: the same for a JSON body a route reads by hand (a signed webhook).
- ``RequestTextMiddleware``: the query string and the path are not models; a value decoded from
  either (as Starlette decodes it) holding any control character, line breaks included, or an
  unpaired surrogate is answered 422 ``validation_error`` before any route runs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, SecretBytes, SecretStr, field_validator
from pydantic_core import PydanticCustomError
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from common.errors import error_body
from common.text import UnsafeCharacter, find_unsafe_text, first_unsafe_character

__all__ = ["RequestModel", "RequestTextMiddleware", "check_body_text", "unsafe_text_error"]

UNSAFE_TEXT = "text_unsafe_character"


def unsafe_text_error(found: UnsafeCharacter) -> PydanticCustomError:
    where = ".".join(str(p) for p in found.path)
    message = found.message if not where else f"{found.message[:-1]} in {where}."
    return PydanticCustomError(UNSAFE_TEXT, message)


def _plain(value: Any) -> Any:
    """What of a validated field value can hold text: nested models as data, secrets revealed."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, SecretBytes):
        return None
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class RequestModel(BaseModel):
    """Base of request bodies: no control characters or unpaired surrogates in any string."""

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_clean(cls, value: Any) -> Any:
        found = find_unsafe_text(_plain(value), line_breaks=True)
        if found is not None:
            raise unsafe_text_error(found)
        return value


def check_body_text(value: Any) -> None:
    """For a JSON body read by hand rather than through a ``RequestModel``: 422 as if it were."""
    found = find_unsafe_text(_plain(value), line_breaks=True)
    if found is not None:
        error = {"loc": ("body", *found.path), "msg": found.message, "type": UNSAFE_TEXT}
        raise RequestValidationError([error])


class RequestTextMiddleware:
    """422 for a path or query value holding a control character or an unpaired surrogate.

    Query values and path segments are identifiers, filters and search words: nothing in them
    has a use for a line break, and a NUL would reach PostgreSQL (which refuses it: a 500)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            problem = _path_problem(scope) or _query_problem(scope)
            if problem is not None:
                response = JSONResponse(
                    error_body("validation_error", "The request is not valid.", [problem]),
                    status_code=422,
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _problem(loc: list[str], text: str) -> dict[str, Any] | None:
    found = first_unsafe_character(text)
    if found is None:
        return None
    offset, code_point = found
    message = UnsafeCharacter((), offset, code_point).message
    return {"loc": loc, "msg": message, "type": UNSAFE_TEXT}


def _path_problem(scope: Scope) -> dict[str, Any] | None:
    return _problem(["path"], str(scope.get("path", "")))


def _query_problem(scope: Scope) -> dict[str, Any] | None:
    raw = scope.get("query_string", b"")
    if not raw:
        return None
    # Decoded exactly as Starlette's QueryParams does, so we see what a route would get.
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        name_problem = _problem(["query"], name)
        if name_problem is not None:
            return name_problem
        value_problem = _problem(["query", name], value)
        if value_problem is not None:
            return value_problem
    return None
