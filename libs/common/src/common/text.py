"""Which characters text from outside may hold (pure Python: domain modules may import this).

PostgreSQL refuses a NUL in ``text`` and asyncpg cannot encode a lone surrogate, so either one
reaching a query is a 500; the other control characters have no place in what a person types
and only serve to hide or forge text in logs, exports and the admin's screens. Rejected:

- C0 controls U+0000 to U+001F, except TAB, LF and CR where ``line_breaks`` allows them (free
  text in a JSON body: a reason may have several lines);
- DEL U+007F and the C1 controls U+0080 to U+009F;
- surrogates U+D800 to U+DFFF: a Python ``str`` holds one only when it came unpaired (``"\\udb8f"``
  in JSON); a well-formed pair is decoded to one character beyond U+FFFF, which is fine.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["LINE_BREAKS", "UnsafeCharacter", "find_unsafe_text", "first_unsafe_character"]

LINE_BREAKS: Final = frozenset("\t\n\r")


@dataclass(frozen=True)
class UnsafeCharacter:
    """Where the first refused character is: its path in the value, offset and code point."""

    path: tuple[str | int, ...]
    offset: int
    code_point: int

    @property
    def label(self) -> str:
        return f"U+{self.code_point:04X}"

    @property
    def kind(self) -> str:
        return (
            "an unpaired surrogate"
            if 0xD800 <= self.code_point <= 0xDFFF
            else "a control character"
        )

    @property
    def message(self) -> str:
        return f"Text must not contain {self.kind} ({self.label} at offset {self.offset})."


def _refused(char: str, line_breaks: bool) -> bool:
    code = ord(char)
    if code < 0x20:
        return not (line_breaks and char in LINE_BREAKS)
    return 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF


def first_unsafe_character(text: str, *, line_breaks: bool = False) -> tuple[int, int] | None:
    """``(offset, code point)`` of the first refused character of ``text``, or None."""
    if text.isprintable():  # the common case, in C: no control, surrogate or separator at all
        return None
    for offset, char in enumerate(text):
        if _refused(char, line_breaks):
            return offset, ord(char)
    return None


def find_unsafe_text(value: Any, *, line_breaks: bool = False) -> UnsafeCharacter | None:
    """The first refused character in any string of ``value`` — mapping keys and values, list
    and tuple items, at any depth — or None. Other types are not looked into."""
    for path, text in _strings(value, ()):
        found = first_unsafe_character(text, line_breaks=line_breaks)
        if found is not None:
            return UnsafeCharacter(path, *found)
    return None


def _strings(
    value: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                yield (*path, key), key
            yield from _strings(item, (*path, key if isinstance(key, str | int) else str(key)))
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))
