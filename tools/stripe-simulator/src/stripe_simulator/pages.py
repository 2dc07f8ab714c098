"""The two tiny HTML pages a browser sees: hosted Checkout and the 3-D Secure challenge."""

from __future__ import annotations

from html import escape
from typing import Any

_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}"
    "input,button{font-size:1rem;padding:.5rem;margin:.25rem 0;width:100%}"
    ".note{color:#666;font-size:.85rem}"
)


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{escape(title)}</h1>{body}"
        "<p class='note'>LOOSELINE Stripe simulator: test mode, no real money.</p></body></html>"
    )


def checkout(session: dict[str, Any]) -> str:
    amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
    if session["status"] != "open":
        return _page("Checkout", f"<p>This session is {escape(session['status'])}.</p>")
    body = (
        f"<p>Pay <strong>{escape(amount)}</strong></p>"
        f"<form method='post' action='/checkout/{escape(session['id'])}/pay'>"
        "<label>Card number <input name='card' value='4242424242424242'></label>"
        "<button type='submit'>Pay</button></form>"
        "<p class='note'>4242 4242 4242 4242 succeeds; 4000 0000 0000 9995 is declined "
        "(insufficient funds); 4000 0000 0000 0002 is declined.</p>"
    )
    if session.get("cancel_url"):
        # Stripe's hosted page has a way back to the site that leaves the session open.
        body += f"<p><a href='{escape(str(session['cancel_url']))}'>Cancel and go back</a></p>"
    return _page("Checkout", body)


def challenge(intent_id: str) -> str:
    action = f"/3ds/{escape(intent_id)}"
    body = (
        "<p>Your bank asks you to confirm this payment.</p>"
        f"<form method='post' action='{action}'>"
        "<input type='hidden' name='outcome' value='succeed'>"
        "<button type='submit'>Complete authentication</button></form>"
        f"<form method='post' action='{action}'>"
        "<input type='hidden' name='outcome' value='fail'>"
        "<button type='submit'>Fail authentication</button></form>"
    )
    return _page("3-D Secure", body)


def paid() -> str:
    return _page("Done", "<p>You can close this page.</p>")


def failed(message: str) -> str:
    return _page("Payment failed", f"<p>{escape(message)}</p>")


def not_found() -> str:
    return _page("Not found", "<p>No such Checkout Session.</p>")
