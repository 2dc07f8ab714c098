"""Avatars: checked by content, re-encoded (which drops EXIF/XMP/ICC metadata), stored.

Only PNG, JPEG and WebP are accepted, judged by Pillow reading the bytes (never by the file
name or the declared content type). The image is decoded under a pixel budget (no
decompression bombs), turned upright from its EXIF orientation, shrunk to fit ``max_px``
square and written out fresh as WebP: nothing of the upload but its pixels is kept.
"""

from __future__ import annotations

import asyncio
import io
import re
import secrets
import warnings
from pathlib import Path
from typing import Protocol

from PIL import Image, ImageOps, UnidentifiedImageError

from auth.domain.errors import AvatarInvalid

ACCEPTED_FORMATS = frozenset({"PNG", "JPEG", "WEBP"})
# 25 megapixels: far above any avatar, far below what would exhaust memory when decoded.
MAX_PIXELS = 25_000_000
CONTENT_TYPE = "image/webp"
_KEY = re.compile(r"^[0-9a-f-]{36}/[0-9a-f]{32}\.webp$")


def reencode_avatar(data: bytes, *, max_px: int) -> bytes:
    """The upload as a clean WebP, or ``AvatarInvalid``. CPU-bound: call it in a thread."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS)) as probe:
                if probe.format not in ACCEPTED_FORMATS:
                    raise AvatarInvalid()
                width, height = probe.size
                if width * height > MAX_PIXELS or width < 1 or height < 1:
                    raise AvatarInvalid("The image is too large to process.")
                probe.verify()
            with Image.open(io.BytesIO(data), formats=sorted(ACCEPTED_FORMATS)) as image:
                image.load()
                upright = ImageOps.exif_transpose(image)
                mode = "RGBA" if upright.mode in ("RGBA", "LA", "P", "PA") else "RGB"
                clean = upright.convert(mode)
                clean.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                # A fresh image: no exif=, no icc_profile=, no xmp= — the metadata is gone.
                clean.save(out, format="WEBP", quality=85, method=4)
                return out.getvalue()
    except AvatarInvalid:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
        SyntaxError,  # Pillow raises it for some malformed PNG chunks
    ):
        raise AvatarInvalid() from None


class AvatarStorage(Protocol):
    async def save(self, user_id: str, data: bytes) -> str:
        """Store an avatar; returns its key (``<user id>/<random>.webp``)."""
        ...

    async def load(self, key: str) -> bytes | None: ...

    async def delete(self, key: str) -> None: ...


def valid_key(key: str) -> bool:
    return bool(_KEY.fullmatch(key))


class FilesystemAvatarStorage:
    """Files under one directory; keys are validated, so no path ever leaves it."""

    def __init__(self, root: str | Path) -> None:
        self._root = Path(root).resolve()

    def _path(self, key: str) -> Path:
        if not valid_key(key):
            raise ValueError("invalid avatar key")
        return self._root / key

    async def save(self, user_id: str, data: bytes) -> str:
        key = f"{user_id}/{secrets.token_hex(16)}.webp"
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)

        await asyncio.to_thread(write)
        return key

    async def load(self, key: str) -> bytes | None:
        try:
            path = self._path(key)
        except ValueError:
            return None

        def read() -> bytes | None:
            try:
                return path.read_bytes()
            except FileNotFoundError:
                return None

        return await asyncio.to_thread(read)

    async def delete(self, key: str) -> None:
        try:
            path = self._path(key)
        except ValueError:
            return
        await asyncio.to_thread(path.unlink, True)
