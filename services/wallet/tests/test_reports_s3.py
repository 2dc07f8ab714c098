"""The S3 storage against a real local S3 server (moto's, over HTTP on a free port)."""

from __future__ import annotations

import socket
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import httpx
import pytest
from moto.server import ThreadedMotoServer
from services.wallet.tests.support.ledger import WalletDb, make_wallet

from wallet.adapters.report_storage import S3Storage

BUCKET = "looseline-reports-test"
KEYS = {"report_s3_access_key_id": "testing", "report_s3_secret_access_key": "testing"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


def storage(endpoint: str) -> S3Storage:
    return S3Storage(
        bucket=BUCKET,
        endpoint_url=endpoint,
        region="us-east-1",
        access_key_id="testing",
        secret_access_key="testing",
    )


async def test_put_read_presign_delete_round_trip(s3_endpoint: str, tmp_path: Path) -> None:
    s3 = storage(s3_endpoint)
    content = ("Иван;" * 40_000).encode()  # > one 64 KiB chunk
    source = tmp_path / "report.csv"
    source.write_bytes(content)
    key = f"{uuid.uuid4()}/report.csv"
    assert await s3.put_file(key, source, "text/csv; charset=utf-8") == len(content)
    assert b"".join([chunk async for chunk in s3.read(key)]) == content

    url = await s3.presigned_url(
        key, filename="report.csv", content_type="text/csv; charset=utf-8", ttl_s=60
    )
    assert url is not None
    assert "X-Amz-Signature" in url
    async with httpx.AsyncClient() as http:
        fetched = await http.get(url)
        assert fetched.status_code == 200
        assert fetched.content == content
        assert fetched.headers["content-disposition"] == 'attachment; filename="report.csv"'

    await s3.delete(key)
    with pytest.raises(Exception, match="NoSuchKey"):
        _ = [chunk async for chunk in s3.read(key)]


async def test_export_through_the_api_with_s3_storage(
    make_api: Any, wallet_db: WalletDb, s3_endpoint: str
) -> None:
    user = await make_wallet(wallet_db, balance_minor=12_345)
    s3_settings = {
        "report_storage": "s3",
        "report_s3_endpoint_url": s3_endpoint,
        "report_s3_bucket": BUCKET,
        **KEYS,
    }
    async with make_api(**s3_settings) as api:
        report = (await api.post("/api/wallet/export", user, {"format": "csv"})).json()["report"]
        assert report["status"] == "ready"
        streamed = await api.http.get(report["download_url"])
        assert streamed.status_code == 200
        assert "123.45" in streamed.content.decode("utf-8-sig")
    async with make_api(**s3_settings, report_s3_redirect=True) as api:
        fresh = (await api.get(f"/api/wallet/reports/{report['report_id']}", user)).json()
        redirected = await api.http.get(fresh["report"]["download_url"])
        assert redirected.status_code == 302
        async with httpx.AsyncClient() as http:
            direct = await http.get(redirected.headers["location"])
        assert direct.content == streamed.content
