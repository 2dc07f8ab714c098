"""The Telegram Bot API stand-in over real sockets: httpx in, its Python API and HTTP out."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from devtools._serving import bind, port_of
from devtools.telegram_api import TelegramApi

TOKEN = "123456:test-token-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"


def chat() -> str:
    return str(uuid.uuid4().int % 10**12)


def send_url(api: TelegramApi, token: str = TOKEN) -> str:
    return f"{api.base_url}/bot{token}/sendMessage"


async def test_send_message_answers_like_telegram_and_is_listed(telegram_api: TelegramApi) -> None:
    chat_id = chat()
    async with httpx.AsyncClient() as http:
        answer = await http.post(
            send_url(telegram_api), json={"chat_id": chat_id, "text": "Привет"}
        )
        listed = await http.get(
            f"{telegram_api.base_url}/api/messages", params={"chat_id": chat_id}
        )
    assert answer.status_code == 200
    body = answer.json()
    assert body["ok"] is True
    result = body["result"]
    assert result["chat"] == {"id": int(chat_id), "type": "private"}
    assert result["text"] == "Привет"
    assert result["from"]["is_bot"] is True
    assert result["from"]["id"] == 123456
    assert isinstance(result["message_id"], int)
    [stored] = listed.json()
    assert stored["chat_id"] == chat_id
    assert stored["text"] == "Привет"
    assert stored["bot_id"] == "123456"
    assert [m.text for m in telegram_api.messages(chat_id)] == ["Привет"]


async def test_a_form_encoded_request_is_accepted_too(telegram_api: TelegramApi) -> None:
    chat_id = chat()
    async with httpx.AsyncClient() as http:
        answer = await http.post(send_url(telegram_api), data={"chat_id": chat_id, "text": "hi"})
    assert answer.json()["ok"] is True
    assert [m.text for m in telegram_api.messages(chat_id)] == ["hi"]


async def test_unknown_and_blocked_chats_are_refused_as_telegram_does(
    telegram_api: TelegramApi,
) -> None:
    unknown, blocked = chat(), chat()
    async with httpx.AsyncClient() as http:
        told = await http.put(
            f"{telegram_api.base_url}/api/chats/{unknown}", json={"state": "unknown"}
        )
        assert told.status_code == 200
        telegram_api.set_chat(blocked, "blocked")
        not_found = await http.post(send_url(telegram_api), json={"chat_id": unknown, "text": "x"})
        forbidden = await http.post(send_url(telegram_api), json={"chat_id": blocked, "text": "x"})
    assert not_found.status_code == 400
    assert not_found.json() == {
        "ok": False,
        "error_code": 400,
        "description": "Bad Request: chat not found",
    }
    assert forbidden.status_code == 403
    assert forbidden.json()["description"] == "Forbidden: bot was blocked by the user"
    assert telegram_api.messages(unknown) == []
    assert telegram_api.messages(blocked) == []


async def test_an_empty_text_is_a_400(telegram_api: TelegramApi) -> None:
    async with httpx.AsyncClient() as http:
        answer = await http.post(send_url(telegram_api), json={"chat_id": chat(), "text": " "})
    assert answer.status_code == 400
    assert answer.json()["description"] == "Bad Request: message text is empty"


async def test_faults_fail_the_next_calls_then_it_recovers(telegram_api: TelegramApi) -> None:
    chat_id = chat()
    async with httpx.AsyncClient() as http:
        told = await http.post(
            f"{telegram_api.base_url}/api/faults", json={"fail_next": 2, "status": 500}
        )
        assert told.status_code == 200
        answers = [
            await http.post(send_url(telegram_api), json={"chat_id": chat_id, "text": f"#{i}"})
            for i in range(3)
        ]
    assert [a.status_code for a in answers] == [500, 500, 200]
    assert answers[0].json() == {
        "ok": False,
        "error_code": 500,
        "description": "Internal Server Error",
    }
    assert [m.text for m in telegram_api.messages(chat_id)] == ["#2"]


async def test_a_429_says_when_to_retry(telegram_api: TelegramApi) -> None:
    telegram_api.fail_next(1, 429, retry_after=7)
    async with httpx.AsyncClient() as http:
        answer = await http.post(send_url(telegram_api), json={"chat_id": chat(), "text": "x"})
    assert answer.status_code == 429
    assert answer.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 7",
        "parameters": {"retry_after": 7},
    }


async def test_it_can_be_slow_and_faults_can_be_cleared(telegram_api: TelegramApi) -> None:
    async with httpx.AsyncClient() as http:
        await http.post(f"{telegram_api.base_url}/api/faults", json={"delay_s": 0.3})
        telegram_api.fail_next(5)
        started = time.monotonic()
        slow = await http.post(send_url(telegram_api), json={"chat_id": chat(), "text": "x"})
        assert time.monotonic() - started >= 0.3
        assert slow.status_code == 500
        with pytest.raises(httpx.ReadTimeout):
            await http.post(
                send_url(telegram_api), json={"chat_id": chat(), "text": "x"}, timeout=0.1
            )
        cleared = await http.delete(f"{telegram_api.base_url}/api/faults")
        assert cleared.status_code == 200
        started = time.monotonic()
        fine = await http.post(send_url(telegram_api), json={"chat_id": chat(), "text": "x"})
    assert fine.status_code == 200
    assert time.monotonic() - started < 0.3


async def test_with_a_token_set_any_other_token_is_unauthorized() -> None:
    async with TelegramApi(token=TOKEN) as api, httpx.AsyncClient() as http:
        wrong = await http.post(send_url(api, "1:wrong"), json={"chat_id": "1", "text": "x"})
        right = await http.post(send_url(api), json={"chat_id": "1", "text": "x"})
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert right.json()["ok"] is True


async def test_clear_and_health(telegram_api: TelegramApi) -> None:
    async with httpx.AsyncClient() as http:
        await http.post(send_url(telegram_api), json={"chat_id": chat(), "text": "x"})
        deleted = await http.delete(f"{telegram_api.base_url}/api/messages")
        health = await http.get(f"{telegram_api.base_url}/health")
    assert deleted.json()["deleted"] >= 1
    assert telegram_api.messages() == []
    assert health.json() == {"status": "ok"}


async def test_wait_for_times_out_with_a_clear_message(telegram_api: TelegramApi) -> None:
    with pytest.raises(TimeoutError, match="0 message"):
        await telegram_api.wait_for(chat(), timeout_s=0.1)


def test_the_command_line_serves_until_terminated() -> None:
    probe = bind("127.0.0.1", 0)
    port = port_of(probe)
    probe.close()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "devtools.telegram_api",
            "--port",
            str(port),
            "--unknown-chat",
            "42",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = httpx.post(
                    f"http://127.0.0.1:{port}/bot{TOKEN}/sendMessage",
                    json={"chat_id": "42", "text": "x"},
                )
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.1)
        assert answer.status_code == 400
        assert answer.json()["description"] == "Bad Request: chat not found"
    finally:
        process.terminate()
        assert process.wait(10) == 0


async def test_two_stand_ins_keep_their_own_messages() -> None:
    async with TelegramApi() as one, TelegramApi() as two, httpx.AsyncClient() as http:
        await http.post(send_url(one), json={"chat_id": "1", "text": "one"})
        await asyncio.sleep(0)
    assert [m.text for m in one.messages()] == ["one"]
    assert two.messages() == []
