"""Where report files live: a directory (default) or an S3-compatible bucket.

Files are written once from a finished temporary file and read back in chunks, so neither
side holds a whole report in memory. boto3 is synchronous: its calls run in a worker thread.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

from wallet.settings import Settings

CHUNK_BYTES = 64 * 1024


class ReportStorage(Protocol):
    async def put_file(self, key: str, path: Path, content_type: str) -> int:
        """Store the finished file under ``key``; its size in bytes."""

    def read(self, key: str) -> AsyncIterator[bytes]:
        """The stored file, chunk by chunk."""

    async def delete(self, key: str) -> None:
        """Remove the file (no error if it is already gone)."""

    async def presigned_url(
        self, key: str, *, filename: str, content_type: str, ttl_s: int
    ) -> str | None:
        """A URL a browser can fetch directly, or None when the store cannot give one."""


class FilesystemStorage:
    def __init__(self, directory: str | Path) -> None:
        self.root = Path(directory).resolve()

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):  # keys are ours, but never leave the directory
            raise ValueError(f"report key outside the storage directory: {key!r}")
        return path

    async def put_file(self, key: str, path: Path, content_type: str) -> int:
        target = self._path(key)

        def move() -> int:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            shutil.copyfile(path, partial)
            os.replace(partial, target)  # readers never see half a file
            return target.stat().st_size

        return await asyncio.to_thread(move)

    async def read(self, key: str) -> AsyncIterator[bytes]:
        handle = await asyncio.to_thread(self._path(key).open, "rb")
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
                yield chunk
        finally:
            handle.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, missing_ok=True)

    async def presigned_url(
        self, key: str, *, filename: str, content_type: str, ttl_s: int
    ) -> str | None:
        return None


class S3Storage:
    """Any S3-compatible store (AWS, MinIO, Ceph…) through boto3 with an endpoint URL."""

    def __init__(
        self,
        *,
        bucket: str,
        endpoint_url: str | None,
        region: str,
        access_key_id: str | None,
        secret_access_key: str | None,
    ) -> None:
        import boto3  # imported here: the filesystem default never loads it
        from botocore.config import Config

        self.bucket = bucket
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=endpoint_url or None,
            region_name=region,
            aws_access_key_id=access_key_id or None,
            aws_secret_access_key=secret_access_key or None,
            config=Config(signature_version="s3v4", retries={"max_attempts": 3}),
        )

    async def put_file(self, key: str, path: Path, content_type: str) -> int:
        await asyncio.to_thread(
            self.client.upload_file,
            str(path),
            self.bucket,
            key,
            ExtraArgs={"ContentType": content_type},
        )
        return (await asyncio.to_thread(path.stat)).st_size

    async def read(self, key: str) -> AsyncIterator[bytes]:
        answer = await asyncio.to_thread(self.client.get_object, Bucket=self.bucket, Key=key)
        body = answer["Body"]
        try:
            while chunk := await asyncio.to_thread(body.read, CHUNK_BYTES):
                yield chunk
        finally:
            body.close()

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)

    async def presigned_url(
        self, key: str, *, filename: str, content_type: str, ttl_s: int
    ) -> str | None:
        url = self.client.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": self.bucket,
                "Key": key,
                "ResponseContentType": content_type,
                "ResponseContentDisposition": f'attachment; filename="{filename}"',
            },
            ExpiresIn=ttl_s,
        )
        return str(url)


def report_storage(settings: Settings) -> ReportStorage:
    if settings.report_storage == "s3":
        return S3Storage(
            bucket=settings.report_s3_bucket,
            endpoint_url=settings.report_s3_endpoint_url,
            region=settings.report_s3_region,
            access_key_id=settings.report_s3_access_key_id,
            secret_access_key=settings.report_s3_secret_access_key,
        )
    return FilesystemStorage(settings.report_dir)
