"""The SMTP sink over real sockets: aiosmtplib in, the Python API and the HTTP inbox out."""

from __future__ import annotations

import asyncio
import os
import smtplib
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

import aiosmtplib
import httpx
import pytest

from devtools.mailsink import MailSink


def unique(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


def multipart(to: str, subject: str, *, sender: str = "noreply@looseline.example") -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"LOOSELINE <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message.set_content("Your code is 123456.\nIt expires in 15 minutes.\n")
    message.add_alternative("<p>Your code is <b>123456</b>.</p>\n", subtype="html")
    return message


async def send(
    sink: MailSink,
    message: EmailMessage,
    *,
    recipients: list[str] | None = None,
    username: str | None = None,
    password: str | None = None,
) -> None:
    await aiosmtplib.send(
        message,
        recipients=recipients,
        hostname=sink.smtp_host,
        port=sink.smtp_port,
        username=username,
        password=password,
    )


async def test_multipart_message_is_stored_and_served_over_http(mail_sink: MailSink) -> None:
    to = unique("Player")
    before = datetime.now(UTC)
    await send(mail_sink, multipart(to, "Vérifiez votre e-mail"))

    [stored] = mail_sink.messages(to)
    assert stored.to == [to]  # as sent; the filter ignores case
    assert stored.from_ == "LOOSELINE <noreply@looseline.example>"
    assert stored.envelope_from == "noreply@looseline.example"
    assert stored.subject == "Vérifiez votre e-mail"
    assert stored.text == "Your code is 123456.\nIt expires in 15 minutes.\n"
    assert stored.html == "<p>Your code is <b>123456</b>.</p>\n"
    assert before <= stored.received_at <= datetime.now(UTC)

    async with httpx.AsyncClient(base_url=mail_sink.http_url) as http:
        answer = await http.get("/api/messages", params={"to": to})
    assert answer.status_code == 200
    [served] = answer.json()
    assert served == {
        "id": stored.id,
        "to": [to],
        "from": "LOOSELINE <noreply@looseline.example>",
        "subject": "Vérifiez votre e-mail",
        "text": "Your code is 123456.\nIt expires in 15 minutes.\n",
        "html": "<p>Your code is <b>123456</b>.</p>\n",
        "received_at": stored.received_at.isoformat(),
    }
    received_at = datetime.fromisoformat(served["received_at"])
    assert received_at.utcoffset() == timedelta(0)


async def test_plain_text_only_message_has_no_html(mail_sink: MailSink) -> None:
    to = unique("plain")
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["To"] = to
    message["Subject"] = "plain"
    message.set_content("just text\n")
    await send(mail_sink, message)
    stored = await mail_sink.wait_for(to)
    assert (stored.text, stored.html) == ("just text\n", None)


async def test_to_filter_uses_envelope_recipients_case_insensitively(
    mail_sink: MailSink,
) -> None:
    alice, bob, carol = unique("alice"), unique("bob"), unique("carol")
    await send(mail_sink, multipart(alice, "one"))
    await send(mail_sink, multipart(bob, "two"), recipients=[bob, carol])  # carol as a Bcc
    await send(mail_sink, multipart(alice, "three"))

    assert [m.subject for m in mail_sink.messages(alice)] == ["one", "three"]  # newest last
    assert [m.subject for m in mail_sink.messages(carol.upper())] == ["two"]
    assert mail_sink.messages(bob)[0].to == [bob, carol]
    async with httpx.AsyncClient(base_url=mail_sink.http_url) as http:
        answer = await http.get("/api/messages", params={"to": alice.upper()})
        everything = await http.get("/api/messages")
    assert [m["subject"] for m in answer.json()] == ["one", "three"]
    subjects = [m["subject"] for m in everything.json()]
    assert subjects.index("one") < subjects.index("two") < subjects.index("three")


async def test_delete_clears_the_inbox() -> None:
    async with MailSink() as sink:
        await send(sink, multipart(unique("x"), "a"))
        await send(sink, multipart(unique("y"), "b"))
        async with httpx.AsyncClient(base_url=sink.http_url) as http:
            assert len((await http.get("/api/messages")).json()) == 2
            deleted = await http.delete("/api/messages")
            assert deleted.status_code == 200
            assert deleted.json() == {"deleted": 2}
            assert (await http.get("/api/messages")).json() == []
        assert sink.messages() == []

        await send(sink, multipart(unique("z"), "c"))
        sink.clear()
        assert sink.messages() == []


async def test_wait_for_returns_a_message_that_arrives_later(mail_sink: MailSink) -> None:
    to = unique("later")

    async def send_soon() -> None:
        await asyncio.sleep(0.2)
        await send(mail_sink, multipart(to, "Welcome"))
        await send(mail_sink, multipart(to, "Reset your password"))

    task = asyncio.create_task(send_soon())
    message = await mail_sink.wait_for(to, subject_contains="Reset", timeout_s=5)
    await task
    assert message.subject == "Reset your password"
    assert (await mail_sink.wait_for(to)).subject == "Reset your password"  # the newest


async def test_wait_for_times_out(mail_sink: MailSink) -> None:
    to = unique("nobody")
    await send(mail_sink, multipart(to, "Welcome"))
    started = time.monotonic()
    with pytest.raises(TimeoutError, match="Reset"):
        await mail_sink.wait_for(to, subject_contains="Reset", timeout_s=0.3)
    assert 0.3 <= time.monotonic() - started < 2
    with pytest.raises(TimeoutError):
        await mail_sink.wait_for(unique("other"), timeout_s=0.1)


async def test_oldest_messages_are_dropped_beyond_the_cap() -> None:
    async with MailSink(max_messages=3) as sink:
        for n in range(5):
            await send(sink, multipart(unique("cap"), f"m{n}"))
        assert [m.subject for m in sink.messages()] == ["m2", "m3", "m4"]
        assert [m.id for m in sink.messages()] == [3, 4, 5]


async def test_any_smtp_credentials_are_accepted(mail_sink: MailSink) -> None:
    to = unique("auth")
    await send(mail_sink, multipart(to, "with AUTH"), username="looseline", password="anything")
    assert (await mail_sink.wait_for(to)).subject == "with AUTH"


async def test_sync_smtplib_in_a_thread_and_sync_context_manager() -> None:
    to = unique("sync")

    def run() -> list[str]:
        with MailSink() as sink, smtplib.SMTP(sink.smtp_host, sink.smtp_port, timeout=5) as smtp:
            smtp.send_message(multipart(to, "from smtplib"))
            return [m.subject for m in sink.messages(to)]

    assert await asyncio.to_thread(run) == ["from smtplib"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_runs_as_a_module_with_its_ports() -> None:
    smtp_port, http_port = free_port(), free_port()
    command = [sys.executable, "-m", "devtools.mailsink", "--host", "127.0.0.1"]
    command += ["--smtp-port", str(smtp_port), "--http-port", str(http_port)]
    process = subprocess.Popen(  # noqa: ASYNC220 (a child process for the test's duration)
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=os.environ.copy()
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{http_port}") as http:
            for _ in range(200):
                try:
                    if (await http.get("/api/messages")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
            to = unique("cli")
            await aiosmtplib.send(multipart(to, "hello"), hostname="127.0.0.1", port=smtp_port)
            [message] = (await http.get("/api/messages", params={"to": to})).json()
            assert message["subject"] == "hello"
    finally:
        process.terminate()
        assert await asyncio.to_thread(process.wait, 10) == 0
        output = process.stdout.read().decode() if process.stdout else ""
        assert f"SMTP on 127.0.0.1:{smtp_port}" in output
