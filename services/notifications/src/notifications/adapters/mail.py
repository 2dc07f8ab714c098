"""Email over SMTP with aiosmtplib, as auth sends its own (``auth.adapters.mail``): plain text."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import aiosmtplib

from notifications.domain.errors import SendFailed

PERMANENT_SMTP_CODES = range(500, 600)


class SmtpMailer:
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
        self._host = host
        self._port = port
        self._sender = sender
        self._username = username or None
        self._password = password or None
        self._start_tls = start_tls
        self._use_tls = use_tls
        self._timeout_s = timeout_s

    def message(self, *, to: str, subject: str, text: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="looseline")
        message.set_content(text)
        return message

    async def send(self, *, to: str, subject: str, text: str) -> None:
        """Send now; ``SendFailed`` (permanent for a refused recipient or sender) on failure."""
        try:
            await aiosmtplib.send(
                self.message(to=to, subject=subject, text=text),
                hostname=self._host,
                port=self._port,
                username=self._username,
                password=self._password,
                start_tls=self._start_tls,
                use_tls=self._use_tls,
                timeout=self._timeout_s,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            codes = [error.code for error in exc.recipients]
            permanent = all(code in PERMANENT_SMTP_CODES for code in codes)
            raise SendFailed(
                f"smtp_recipient_refused:{codes[0] if codes else ''}", permanent
            ) from exc
        except aiosmtplib.SMTPResponseException as exc:
            raise SendFailed(f"smtp_{exc.code}", permanent=False) from exc
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
            raise SendFailed(type(exc).__name__) from exc
