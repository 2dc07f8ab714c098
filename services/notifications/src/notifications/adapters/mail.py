"""Email over SMTP with the shared sender (``common.mail``), as auth sends its own: plain text."""

from __future__ import annotations

import aiosmtplib

from common.mail import SmtpSender
from notifications.domain.errors import SendFailed

PERMANENT_SMTP_CODES = range(500, 600)


class SmtpMailer(SmtpSender):
    """The shared SMTP sender, its failures told as ``SendFailed`` (permanent or to retry)."""

    async def send(self, *, to: str, subject: str, text: str) -> None:
        """Send now; ``SendFailed`` (permanent for a refused recipient or sender) on failure."""
        try:
            await self.send_message(self.compose(to=to, subject=subject, text=text))
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
