"""A partner's postback receiver, for real, over a socket: an HTTP server in a thread that checks
our signature with the partner's secret, records every request and can be told to fail."""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Received:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    signature_ok: bool
    answered: int | None  # None: it hung up (the hang outlasted the caller)


@dataclass
class Receiver:
    secrets: dict[str, str] = field(default_factory=dict)  # first path segment → secret
    requests: list[Received] = field(default_factory=list)
    # Scripted answers, consumed in order: an int status, or ("hang", seconds); then 200.
    script: deque[Any] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)
    port: int = 0

    def base(self, partner_id: str) -> str:
        return f"http://127.0.0.1:{self.port}/{partner_id}"

    def of(self, partner_id: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path.startswith(f"/{partner_id}")]

    def verify(self, partner_id: str, method: str, target: str, header: str | None) -> bool:
        secret = self.secrets.get(partner_id)
        if secret is None or not header:
            return False
        parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
        stamp = parts.get("t", "")
        if not stamp.isdigit() or abs(time.time() - int(stamp)) > 300:
            return False
        signed = f"{stamp}.{method} {target}\n".encode()
        expected = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, parts.get("v1", ""))


def start(receiver: Receiver) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_args: Any) -> None:
            pass

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            partner_id = parts.path.strip("/").split("/")[0]
            ok = receiver.verify(
                partner_id, "GET", self.path, self.headers.get("X-Looseline-Signature")
            )
            with receiver.lock:
                action = receiver.script.popleft() if receiver.script else 200
            record = Received(
                path=parts.path,
                query={k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                headers={k.lower(): v for k, v in self.headers.items()},
                signature_ok=ok,
                answered=None if isinstance(action, tuple) else int(action),
            )
            with receiver.lock:
                receiver.requests.append(record)
            if isinstance(action, tuple):
                time.sleep(action[1])
                return  # hang up without an answer
            status = int(action) if ok else 401
            record.answered = status
            body = b'{"ok": true}'
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    threading.Thread(target=server.serve_forever, name="postback-receiver", daemon=True).start()
    return server
