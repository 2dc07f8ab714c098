"""Email over SMTP (aiosmtplib): one sender for every service that mails (auth, notifications).

:class:`SmtpSender` builds the message (plain text, optionally an HTML alternative, the house
``From``, ``Date`` and ``Message-ID``) and sends it now, raising aiosmtplib's own errors: what a
failure means (log it, retry it, give up) is the caller's, so each service maps them itself.
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib


class SmtpSender:
    def __init__(
        self,
        *,
        host: str,
        port: int,
        sender: str,
        username: str = "",
        password: str = "",
        start_tls: bool = False,
        use_tls: bool = False,
        timeout_s: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self._sender = sender
        self._username = username or None
        self._password = password or None
        self._start_tls = start_tls
        self._use_tls = use_tls
        self._timeout_s = timeout_s

    def compose(self, *, to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
        """The message from this sender: ``text`` as the body, ``html`` as its alternative."""
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="looseline")
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
        return message

    async def send_message(self, message: EmailMessage) -> None:
        """Send now; raises ``aiosmtplib.SMTPException``, ``OSError`` or ``TimeoutError``."""
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self._username,
            password=self._password,
            start_tls=self._start_tls,
            use_tls=self._use_tls,
            timeout=self._timeout_s,
        )
