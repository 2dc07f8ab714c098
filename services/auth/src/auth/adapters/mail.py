"""Email over SMTP (``common.mail``): plain-text and HTML bodies from the templates below.

Sending never blocks a request: ``submit`` hands the message to a background task, so an
answer takes as long whether or not an email goes out (no enumeration by timing), and an SMTP
outage costs an email, never a sign-up. Failures are logged; the user can ask again
(``/verify-email/resend``, ``/forgot-password``).
"""

from __future__ import annotations

import asyncio
import html
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from string import Template

from common.logging import get_logger
from common.mail import SmtpSender

log = get_logger(__name__)


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str


_HTML_LAYOUT = Template(
    """<!doctype html>
<html><body style="font-family: sans-serif; color: #222; max-width: 480px; margin: auto">
<h2 style="color: #0a7d4d">LOOSELINE</h2>
<p>Hello $name,</p>
$body
<p style="color: #777; font-size: 12px">If you did not ask for this, you can ignore this email.</p>
</body></html>
"""
)


def _code_mail(*, to: str, name: str, subject: str, intro: str, code: str, ttl_min: int) -> Mail:
    text = (
        f"Hello {name},\n\n{intro}\n\n    {code}\n\n"
        f"The code expires in {ttl_min} minutes and works once.\n\n"
        "If you did not ask for this, you can ignore this email.\n\n-- LOOSELINE\n"
    )
    body = (
        f"<p>{html.escape(intro)}</p>"
        '<p style="font-size: 28px; letter-spacing: 6px; font-weight: bold">'
        f"{html.escape(code)}</p>"
        f"<p>The code expires in {ttl_min} minutes and works once.</p>"
    )
    return Mail(
        to=to,
        subject=subject,
        text=text,
        html=_HTML_LAYOUT.substitute(name=html.escape(name), body=body),
    )


def verification_mail(*, to: str, name: str, code: str, ttl_min: int) -> Mail:
    return _code_mail(
        to=to,
        name=name,
        subject=f"Your LOOSELINE verification code: {code}",
        intro="Use this code to confirm your email address:",
        code=code,
        ttl_min=ttl_min,
    )


def password_reset_mail(*, to: str, name: str, code: str, ttl_min: int) -> Mail:
    return _code_mail(
        to=to,
        name=name,
        subject=f"Your LOOSELINE password reset code: {code}",
        intro="Use this code to choose a new password:",
        code=code,
        ttl_min=ttl_min,
    )


# notices (no code) ---------------------------------------------------------------------------

_NOTICE_LAYOUT = Template(
    """<!doctype html>
<html><body style="font-family: sans-serif; color: #222; max-width: 480px; margin: auto">
<h2 style="color: #0a7d4d">LOOSELINE</h2>
<p>Hello $name,</p>
$body
</body></html>
"""
)


def _notice_mail(*, to: str, name: str, subject: str, paragraphs: list[str]) -> Mail:
    text = f"Hello {name},\n\n" + "\n\n".join(paragraphs) + "\n\n-- LOOSELINE\n"
    body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    return Mail(
        to=to,
        subject=subject,
        text=text,
        html=_NOTICE_LAYOUT.substitute(name=html.escape(name), body=body),
    )


def sign_up_existing_mail(*, to: str, name: str) -> Mail:
    """Someone signed up with this address; the answer did not say it is taken, this email does."""
    return _notice_mail(
        to=to,
        name=name,
        subject="Someone tried to sign up to LOOSELINE with your address",
        paragraphs=[
            "Someone just tried to create a LOOSELINE account with this email address, "
            "which already has an account.",
            "If it was you: sign in instead, or reset your password if you forgot it.",
            "If it was not you, no account was created and you need not do anything.",
        ],
    )


def code_lockout_mail(*, to: str, name: str, until: datetime) -> Mail:
    """Too many wrong codes: the owner should know someone may be at the door."""
    when = until.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return _notice_mail(
        to=to,
        name=name,
        subject="LOOSELINE: too many wrong codes, codes paused",
        paragraphs=[
            "Too many wrong codes were entered for your address (email verification or "
            f"password reset). To protect your account, codes are paused until {when}.",
            "Your password and your signed-in devices still work.",
            "If this wasn't you, someone may be trying to get into your account: keep your "
            "password to yourself, and consider turning on two-factor authentication.",
        ],
    )


class SmtpMailer(SmtpSender):
    """The shared SMTP sender (``common.mail``) with auth's templates and background sending."""

    @cached_property
    def _pending(self) -> set[asyncio.Task[None]]:
        return set()

    async def send(self, mail: Mail) -> None:
        """Send now; raises on failure."""
        await self.send_message(
            self.compose(to=mail.to, subject=mail.subject, text=mail.text, html=mail.html)
        )

    def submit(self, mail: Mail) -> None:
        """Send in the background; a failure is logged (never the code or the address body)."""
        task = asyncio.create_task(self._send_logged(mail), name="auth-mail")
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _send_logged(self, mail: Mail) -> None:
        try:
            await self.send(mail)
        except Exception as exc:
            log.error("mail.send_failed", error=repr(exc), host=self.host, port=self.port)
        else:
            log.info("mail.sent", host=self.host, port=self.port)

    async def drain(self, timeout_s: float = 10.0) -> None:
        """Wait for emails in flight (on shutdown)."""
        if self._pending:
            await asyncio.wait(set(self._pending), timeout=timeout_s)
