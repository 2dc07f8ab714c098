"""The authorization matrix: every route of the merged OpenAPI, by who calls it → what it answers.

Five callers: ``anon`` (no token), ``ann`` (signed in, verified; every id in a path or a body is
hers), ``bob`` (signed in, verified, another user: the same ids, so Ann's), ``admin`` and ``carl``
(signed in, email not verified). The statuses are the platform's rules, not what it answers
today:

- public routes (docs/gateway.md's table) answer everyone alike; every other ``/api`` route is a
  401 without a token, decided by the gateway before any validation;
- an admin route is a 403 for every user (Ann included) and admin-only whatever its path
  (``/api/<svc>/admin/*`` and the events catalogue's writes alike);
- a user's route acts on the caller's own data only (ARCHITECTURE §5: every query scoped by the
  token's ``sub``): Ann's id in anyone else's request is a 404, as if it did not exist, the
  admin included (admins see users' data through admin routes only);
- deposits, bets and withdrawals need a verified email: 403 ``account.unverified`` for Carl.

Besides the status, nothing of Ann's (her ids, her e-mail address) may show in any answer to
anyone else, and anyone else's ``GET`` also asks for ``user_id=<Ann's id>`` (an undeclared
filter must change nothing, a declared one must not widen a user's scope).

Rows run in this order, callers in the order anon, carl, bob, admin, ann with those expected to
succeed last, so the one call that spends a resource (cancel, delete, approve) comes after the
refusals. The rows that change something act on resources made for them (see ``World``); the
helpers below (``public``, ``signed_in``, ``hers``, ``money_move``, ``admin_only``) name the rule
a row follows and spell out its five statuses.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.e2e.client import Bettor

CALLERS = ("anon", "carl", "bob", "admin", "ann")


@dataclass(frozen=True)
class Refusal:
    """A refusal by the route itself (its error code), where the status alone could also be
    the gateway's (a public route's own 401 is not the gateway's ``auth.invalid_token``)."""

    status: int
    code: str

    def __str__(self) -> str:
        return f"{self.status} {self.code}"


Expected = int | tuple[int, ...] | Refusal


def accepts(expected: Expected, status: int, code: str | None) -> bool:
    if isinstance(expected, Refusal):
        return status == expected.status and code == expected.code
    if isinstance(expected, tuple):
        return status in expected
    return status == expected


def shown(expected: Expected) -> str:
    if isinstance(expected, tuple):
        return "|".join(str(s) for s in expected)
    return str(expected)


def succeeds(expected: Expected) -> bool:
    """Whether the caller is expected to get a 2xx (then it runs after the refusals)."""
    if isinstance(expected, Refusal):
        return False
    statuses = expected if isinstance(expected, tuple) else (expected,)
    return any(200 <= status < 300 for status in statuses)


@dataclass
class World:
    """What the rows need: Ann's resources (made through the API before the matrix runs), the
    catalogue the admin rows change, and the unverified caller."""

    token: str  # this run's suffix for names and e-mail addresses
    carl: Bettor
    # path parameter (or a row's own key) → value; most are Ann's resources
    ids: dict[str, str] = field(default_factory=dict)
    refresh_tokens: list[str] = field(default_factory=list)  # each refreshes once
    download: dict[str, str] = field(default_factory=dict)  # Ann's signed link's query
    # Ann's identifiers: none may appear in what anyone else is shown.
    private: set[str] = field(default_factory=set)

    def email(self, who: str) -> str:
        return f"{who}-{uuid.uuid4().hex[:8]}-{self.token}@matrix.looseline.dev"


Maker = Callable[[World, Bettor | None], Any]


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    anon: Expected
    carl: Expected
    bob: Expected
    admin: Expected
    ann: Expected
    body: Maker | None = None
    query: Maker | None = None
    # path parameter → key in ``World.ids`` when it is not the parameter's own name
    ids: Mapping[str, str] = field(default_factory=dict)
    # each caller acts with a new session of their own (the cast's sessions stay signed in)
    fresh_session: bool = False
    # Server-Sent Events: only the status is read
    stream: bool = False
    # by design whoever holds the signed link gets Ann's report: no leak check
    answers_with_anns_data: bool = False

    def expected(self, caller: str) -> Expected:
        found: Expected = getattr(self, caller)
        return found

    @property
    def key(self) -> tuple[str, str]:
        return (self.method, self.path)


def row(
    method: str,
    path: str,
    *,
    anon: Expected,
    carl: Expected,
    bob: Expected,
    admin: Expected,
    ann: Expected,
    **options: Any,
) -> Row:
    return Row(method, path, anon, carl, bob, admin, ann, **options)


def public(method: str, path: str, status: Expected, **options: Any) -> Row:
    """Anyone, with or without a token, gets the same answer."""
    return row(
        method, path, anon=status, carl=status, bob=status, admin=status, ann=status, **options
    )


def signed_in(method: str, path: str, status: Expected, **options: Any) -> Row:
    """Any signed-in caller, on their own data (no id of anyone's in the request)."""
    return row(method, path, anon=401, carl=status, bob=status, admin=status, ann=status, **options)


def money_move(method: str, path: str, *, ann: Expected, others: Expected, **options: Any) -> Row:
    """A deposit, a bet or a withdrawal: verified users only; ``others`` is Bob's and the
    admin's answer to the same request (Ann's ids in it are a 404 for them)."""
    return row(method, path, anon=401, carl=403, bob=others, admin=others, ann=ann, **options)


def hers(method: str, path: str, status: Expected, **options: Any) -> Row:
    """Ann's resource by id: hers alone; anyone else's request for it is a 404."""
    return row(method, path, anon=401, carl=404, bob=404, admin=404, ann=status, **options)


def admin_only(method: str, path: str, status: Expected, **options: Any) -> Row:
    return row(method, path, anon=401, carl=403, bob=403, admin=status, ann=403, **options)


# --- request bodies and queries ---------------------------------------------------------------


def deposits_by_email_only(_w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"kinds": [{"kind": "deposit", "email": True, "telegram": False}]}


def a_telegram_chat(_w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"chat_id": "123456789"}


def the_matrix_partner(w: World, _who: Bettor | None) -> dict[str, Any]:
    secret = f"matrix-partner-secret-{w.token}-0123456789abcdef"
    return {"partner_id": w.ids["partner_id"], "name": "Matrix partner", "secret": secret}


def a_partner_rename(_w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"name": "Matrix partner, renamed"}


def a_registration_postback(_w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"event": "registration", "user_id": "p-1", "click_id": "c-1"}


def _future(days: int) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def new_account(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"email": w.email("signup"), "password": "Matrix-Sign-up-9", "name": "Sam"}


def carls_credentials(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"email": w.carl.email, "password": w.carl.password}


def nobodys_code(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"email": w.email("nobody"), "code": "000000"}


def nobodys_email(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"email": w.email("nobody")}


def nobodys_reset(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"email": w.email("nobody"), "code": "000000", "new_password": "Matrix-New-pass-9"}


def wrong_password(w: World, _who: Bettor | None) -> dict[str, Any]:
    # Reaching the password check proves the route let the caller in; a real closure would
    # close the cast's account.
    return {"password": "Not-the-password-9"}


def wrong_current_password(w: World, _who: Bettor | None) -> dict[str, Any]:
    # Reaching the password check proves the route let the caller in; a real change would
    # sign the cast's other sessions out.
    return {"current_password": "Not-the-password-9", "new_password": "Matrix-New-pass-9"}


def own_name(w: World, who: Bettor | None) -> dict[str, Any]:
    return {"name": who.name if who else "Nobody"}


def a_refresh_token(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"refresh_token": w.refresh_tokens.pop() if w.refresh_tokens else "none-left"}


def own_password(w: World, who: Bettor | None) -> dict[str, Any]:
    return {"password": who.password if who else "Nobody-pass-9"}


def wrong_totp(w: World, who: Bettor | None) -> dict[str, Any]:
    return {"code": "000000", "password": who.password if who else "Nobody-pass-9"}


def bogus_challenge(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"challenge": "matrix-" + uuid.uuid4().hex, "code": "000000"}


def a_reason(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"reason": "authorization matrix"}


def role_user(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"role": "user"}


def a_sport(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"name": f"Matrix Sport {uuid.uuid4().hex[:8]}"}


def a_league(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"sport": w.ids["sport"], "name": f"Matrix League {uuid.uuid4().hex[:8]}"}


def an_event(w: World, _who: Bettor | None) -> dict[str, Any]:
    tag = uuid.uuid4().hex[:6]
    return {
        "sport": w.ids["sport"],
        "league": w.ids["league"],
        "home_team": f"Home {tag}",
        "away_team": f"Away {tag}",
        "event_datetime": _future(3),
        "odds": [
            {"bet_type": "1", "coefficient": 2.1},
            {"bet_type": "X", "coefficient": 3.3},
            {"bet_type": "2", "coefficient": 3.1},
        ],
    }


def new_teams(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"home_team": f"Renamed {w.token}"}


def totals_market(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {
        "market_type": "total",
        "line": 2.5,
        "odds": [
            {"bet_type": "over", "coefficient": 1.9},
            {"bet_type": "under", "coefficient": 1.9},
        ],
    }


def live_betting(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"live_betting": True}


def new_price(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"coefficient": 1.95}


def a_score(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"home_score": 1, "away_score": 0}


def new_start(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"event_datetime": _future(5)}


def unsigned_feed(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {
        "feed_message_id": "matrix-" + uuid.uuid4().hex,
        "type": "score",
        "external_event_id": "matrix-none",
        "sent_at": datetime.now(UTC).isoformat(),
        "data": {"home_score": 1, "away_score": 0},
    }


def unsigned_stripe_event(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"id": "evt_matrix", "type": "payment_intent.succeeded", "data": {"object": {}}}


def a_single_on_her_event(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"event_id": w.ids["bet_event"], "odds_id": w.ids["bet_odds"], "bet_amount": "1.00"}


def a_coupon(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {
        "bets": [
            {"event_id": w.ids["bet_event"], "odds_id": w.ids["bet_odds"]},
            {"event_id": w.ids["coupon_event"], "odds_id": w.ids["coupon_odds"]},
        ],
        "bet_amount": "1.00",
    }


def a_calculation(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"bet_amount": "10.00", "coefficient": ["1.5", "2.0"]}


def a_bank_account(w: World, who: Bettor | None) -> dict[str, Any]:
    return {
        "withdrawal_type": "bank_transfer",
        "iban": "DE89370400440532013000",
        "account_holder_name": who.name if who else "Nobody",
    }


def to_her_bank_account(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"amount": "10.00", "withdrawal_method_id": w.ids["withdrawal_method_id"]}


def from_her_saved_card(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"amount": "1.00", "payment_method_id": w.ids["payment_method_id"]}


def a_checkout(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"amount": "5.00"}


def a_csv_export(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"format": "csv"}


def the_plan(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"plan_id": w.ids["plan"]}


def the_other_plan(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"plan_id": w.ids["other_plan"]}


def a_new_plan(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"name": f"Matrix Pro {uuid.uuid4().hex[:8]}", "price": "1.00", "features": ["x"]}


def a_new_package(w: World, _who: Bettor | None) -> dict[str, Any]:
    name = f"Matrix pack {uuid.uuid4().hex[:8]}"
    return {"name": name, "units": 5, "price": "1.00", "validity_days": 30}


def by_balance(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"method": "balance"}


def a_usage(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"usage_id": uuid.uuid4().hex, "units": 1}


def on_sale(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"active": True}


# --- responsible gambling: auth and bets


def no_days(w: World, _who: Bettor | None) -> dict[str, Any]:
    # Out of bounds (1..42): proves the route lets the caller in; a real time-out would stop
    # the cast's bets and deposits for the rest of the run.
    return {"days": 0}


def too_few_months(w: World, _who: Bettor | None) -> dict[str, Any]:
    return {"months": 1}  # out of bounds (6..60), as above


def a_generous_loss_limit(w: World, _who: Bettor | None) -> dict[str, Any]:
    # Far above anything the matrix stakes: the cast's later bets are not refused by it.
    return {"period": "month", "amount": "1000000.00"}


def her_signed_link(w: World, _who: Bettor | None) -> dict[str, Any]:
    return dict(w.download)


CODE_REFUSED = 400  # a wrong or unknown e-mail code: the same answer for an unknown address
NOT_CONFIGURED = Refusal(404, "auth.oauth_provider_not_configured")
# What Bob and the admin get when they place a bet with no money (the saga may still be busy).
NO_FUNDS = (409, 202)
PLACED = (201, 202)

ROWS: tuple[Row, ...] = (
    # --- the gateway's own -----------------------------------------------------------------
    public("GET", "/health/live", 200),
    public("GET", "/health/ready", 200),
    public("GET", "/health", 200),
    signed_in("POST", "/api/stream/ticket", 200),
    public("GET", "/api/stream", 200, stream=True),  # the public channel without a ticket
    # --- auth: public --------------------------------------------------------------------------
    public("GET", "/api/auth/.well-known/jwks.json", 200),
    public("POST", "/api/auth/sign-up", 201, body=new_account),
    public("POST", "/api/auth/verify-email", CODE_REFUSED, body=nobodys_code),
    public("POST", "/api/auth/verify-email/resend", 202, body=nobodys_email),
    public("POST", "/api/auth/forgot-password", 202, body=nobodys_email),
    public("POST", "/api/auth/reset-password", CODE_REFUSED, body=nobodys_reset),
    public("POST", "/api/auth/sign-in", 200, body=carls_credentials),
    public("POST", "/api/auth/refresh", 200, body=a_refresh_token),
    # The second step of a provider sign-in: the caller has no token yet (docs/auth.md).
    public(
        "POST",
        "/api/auth/2fa/verify",
        Refusal(401, "auth.challenge_invalid"),
        body=bogus_challenge,
    ),
    public("GET", "/api/auth/{provider}/authorize", NOT_CONFIGURED, ids={"provider": "oauth"}),
    # No state cookie: refused before the provider is even looked at.
    public(
        "GET",
        "/api/auth/{provider}/callback",
        Refusal(400, "auth.oauth_state_invalid"),
        ids={"provider": "oauth"},
    ),
    # --- auth: the caller's own account --------------------------------------------------------
    signed_in(
        "POST",
        "/api/auth/change-password",
        Refusal(400, "auth.password_incorrect"),
        body=wrong_current_password,
    ),
    signed_in("PUT", "/api/auth/user", 200, body=own_name),
    # Closing one's own account: re-authenticated by the password; an admin may not close it.
    row(
        "POST",
        "/api/auth/account/close",
        anon=401,
        carl=Refusal(400, "auth.password_incorrect"),
        bob=Refusal(400, "auth.password_incorrect"),
        admin=Refusal(409, "account.admin_cannot_close"),
        ann=Refusal(400, "auth.password_incorrect"),
        body=wrong_password,
    ),
    # Her avatar's URL is unguessable (a new random name per upload) and a browser's <img>
    # sends no bearer token: public, immutable (docs/auth.md), at the gateway too.
    row(
        "GET",
        "/api/auth/avatars/{user_id}/{name}",
        anon=200,
        carl=200,
        bob=200,
        admin=200,
        ann=200,
        ids={"user_id": "ann", "name": "avatar"},
    ),
    signed_in("GET", "/api/auth/session", 200),
    signed_in("GET", "/api/auth/sessions", 200),
    hers("DELETE", "/api/auth/sessions/{session_id}", 200),
    signed_in("POST", "/api/auth/2fa/setup", 200, body=own_password),  # pending until enabled
    signed_in(
        "POST", "/api/auth/2fa/enable", Refusal(400, "auth.totp_code_incorrect"), body=wrong_totp
    ),
    signed_in(
        "POST", "/api/auth/2fa/disable", Refusal(409, "auth.totp_not_enabled"), body=wrong_totp
    ),
    signed_in("POST", "/api/auth/sign-out", 200, fresh_session=True),
    # --- auth: administration (Tess is a user of the matrix's own, blocked and unblocked) ------
    admin_only("GET", "/api/auth/admin/users", 200),
    admin_only("GET", "/api/auth/admin/users/{user_id}", 200, ids={"user_id": "ann"}),
    admin_only("GET", "/api/auth/admin/users/{user_id}/audit", 200, ids={"user_id": "ann"}),
    admin_only(
        "POST", "/api/auth/admin/users/{user_id}/block", 200, body=a_reason, ids={"user_id": "tess"}
    ),
    admin_only("POST", "/api/auth/admin/users/{user_id}/unblock", 200, ids={"user_id": "tess"}),
    admin_only(
        "PUT", "/api/auth/admin/users/{user_id}/role", 200, body=role_user, ids={"user_id": "tess"}
    ),
    # --- events: the public catalogue --------------------------------------------------------
    public("GET", "/api/events/", 200),
    public("GET", "/api/events/live", 200),
    public("GET", "/api/events/sports", 200),
    public("GET", "/api/events/leagues", 200),
    public("GET", "/api/events/by-sport/{sport}", 200),
    public("GET", "/api/events/by-league/{league_id}", 200),
    public("GET", "/api/events/{event_id}", 200, ids={"event_id": "bet_event"}),
    public("GET", "/api/events/{event_id}/odds-history", 200, ids={"event_id": "bet_event"}),
    # --- events: the catalogue's writes (admin, though not under /admin) ---------------------
    admin_only("GET", "/api/events/admin/audit", 200),
    admin_only("POST", "/api/events/sports", 201, body=a_sport),
    admin_only("POST", "/api/events/leagues", 201, body=a_league),
    admin_only("POST", "/api/events/", 201, body=an_event),
    admin_only("PUT", "/api/events/{event_id}", 200, body=new_teams, ids={"event_id": "edit"}),
    admin_only(
        "POST", "/api/events/{event_id}/markets", 201, body=totals_market, ids={"event_id": "edit"}
    ),
    admin_only(
        "PATCH",
        "/api/events/{event_id}/markets/{market_id}",
        200,
        body=live_betting,
        ids={"event_id": "edit"},
    ),
    admin_only(
        "PUT",
        "/api/events/{event_id}/odds/{odds_id}",
        200,
        body=new_price,
        ids={"event_id": "edit"},
    ),
    admin_only(
        "POST", "/api/events/{event_id}/markets/{market_id}/suspend", 200, ids={"event_id": "edit"}
    ),
    admin_only(
        "POST", "/api/events/{event_id}/markets/{market_id}/resume", 200, ids={"event_id": "edit"}
    ),
    admin_only(
        "POST", "/api/events/{event_id}/odds/{odds_id}/suspend", 200, ids={"event_id": "edit"}
    ),
    admin_only(
        "POST", "/api/events/{event_id}/odds/{odds_id}/resume", 200, ids={"event_id": "edit"}
    ),
    admin_only("POST", "/api/events/{event_id}/start", 200, ids={"event_id": "live"}),
    admin_only("POST", "/api/events/{event_id}/score", 200, body=a_score, ids={"event_id": "live"}),
    admin_only(
        "POST", "/api/events/{event_id}/settle", 200, body=a_score, ids={"event_id": "live"}
    ),
    admin_only("POST", "/api/events/{event_id}/postpone", 200, ids={"event_id": "postponed"}),
    admin_only(
        "POST",
        "/api/events/{event_id}/reschedule",
        200,
        body=new_start,
        ids={"event_id": "postponed"},
    ),
    admin_only(
        "POST", "/api/events/{event_id}/cancel", 200, body=a_reason, ids={"event_id": "cancelled"}
    ),
    admin_only("DELETE", "/api/events/{event_id}", 204, ids={"event_id": "deleted"}),
    # --- signed webhooks: public, the signature is the credential ----------------------------
    public(
        "POST",
        "/api/webhook/events",
        Refusal(401, "events.feed_signature_invalid"),
        body=unsigned_feed,
    ),
    public(
        "POST",
        "/api/webhook/stripe",
        Refusal(400, "webhook.invalid_signature"),
        body=unsigned_stripe_event,
    ),
    # --- bets -----------------------------------------------------------------------------------
    money_move("POST", "/api/bets/place", ann=PLACED, others=NO_FUNDS, body=a_single_on_her_event),
    money_move("POST", "/api/bets/place-coupon", ann=PLACED, others=NO_FUNDS, body=a_coupon),
    public("GET", "/api/bets/calculate", 200, query=a_calculation),  # an anonymous bet slip
    signed_in("GET", "/api/bets/history", 200),
    signed_in("GET", "/api/bets/stats", 200),
    hers("GET", "/api/bets/{bet_id}", 200),
    hers("POST", "/api/bets/{bet_id}/cancel", 200, ids={"bet_id": "bet_to_cancel"}),
    admin_only("GET", "/api/bets/admin/stats", 200),
    admin_only("GET", "/api/bets/admin/bets", 200),
    # --- responsible gambling: auth and bets
    signed_in("GET", "/api/auth/responsible-gambling", 200),
    signed_in(
        "POST",
        "/api/auth/responsible-gambling/time-out",
        Refusal(422, "validation_error"),
        body=no_days,
    ),
    signed_in(
        "POST",
        "/api/auth/responsible-gambling/self-exclusion",
        Refusal(422, "validation_error"),
        body=too_few_months,
    ),
    admin_only(
        "GET", "/api/auth/admin/users/{user_id}/responsible-gambling", 200, ids={"user_id": "ann"}
    ),
    signed_in("GET", "/api/bets/limits", 200),  # a verified email is not needed to limit oneself
    signed_in("PUT", "/api/bets/limits/loss", 200, body=a_generous_loss_limit),
    admin_only("GET", "/api/bets/admin/users/{user_id}/limits", 200, ids={"user_id": "ann"}),
    # --- wallet: the caller's own ----------------------------------------------------------
    signed_in("GET", "/api/wallet/balance", 200),
    signed_in("GET", "/api/wallet/history", 200),
    signed_in("GET", "/api/wallet/withdrawal-methods", 200),
    signed_in("POST", "/api/wallet/withdrawal-methods", 201, body=a_bank_account),
    signed_in("GET", "/api/wallet/withdrawals", 200),
    signed_in("GET", "/api/wallet/withdrawal-limits", 200),
    signed_in("GET", "/api/wallet/payment-methods", 200),
    signed_in("POST", "/api/wallet/payment-methods", 201),
    signed_in("POST", "/api/wallet/export", 201, body=a_csv_export),
    signed_in("GET", "/api/wallet/reports", 200),
    signed_in("GET", "/api/wallet/statements", 200),
    money_move("POST", "/api/wallet/deposit/checkout", ann=200, others=200, body=a_checkout),
    # --- wallet: the paid products (issue 22), each caller on their own subscription and units.
    # Whether a caller can pay is theirs (422 too little money, 404 none to change, 409 one
    # already): what is checked here is who may ask at all.
    signed_in("GET", "/api/wallet/plans", 200),
    signed_in("GET", "/api/wallet/subscription", (200, 404)),
    signed_in("GET", "/api/wallet/subscription/charges", 200),
    money_move(
        "POST", "/api/wallet/subscription", ann=(201, 409), others=(201, 409, 422), body=the_plan
    ),
    money_move(
        "POST",
        "/api/wallet/subscription/plan",
        ann=(200, 409),
        others=(200, 404, 409, 422),
        body=the_other_plan,
    ),
    signed_in("POST", "/api/wallet/subscription/cancel", (200, 404, 409)),
    money_move(
        "POST", "/api/wallet/subscription/resume", ann=(200, 409), others=(200, 404, 409, 422)
    ),
    signed_in("GET", "/api/wallet/packages", 200),
    signed_in("GET", "/api/wallet/packages/mine", 200),
    signed_in("GET", "/api/wallet/packages/orders", 200),
    signed_in("POST", "/api/wallet/packages/usage", (201, 422), body=a_usage),
    money_move(
        "POST",
        "/api/wallet/packages/{package_id}/buy",
        ann=201,
        others=(201, 422),
        body=by_balance,
        ids={"package_id": "package"},
    ),
    # --- wallet: Ann's resources, by id in the path or in the body --------------------------
    money_move("POST", "/api/wallet/deposit", ann=200, others=404, body=from_her_saved_card),
    money_move("POST", "/api/wallet/withdraw", ann=201, others=404, body=to_her_bank_account),
    hers("GET", "/api/wallet/deposits/{intent_id}", 200),
    hers(
        "POST",
        "/api/wallet/payment-methods/{method_id}/default",
        200,
        ids={"method_id": "payment_method_id"},
    ),
    hers(
        "DELETE",
        "/api/wallet/payment-methods/{method_id}",
        200,
        ids={"method_id": "payment_method_to_delete"},
    ),
    hers(
        "DELETE",
        "/api/wallet/withdrawal-methods/{method_id}",
        200,
        ids={"method_id": "withdrawal_method_to_delete"},
    ),
    hers(
        "POST",
        "/api/wallet/withdrawal-methods/{method_id}/default",
        200,
        ids={"method_id": "withdrawal_method_id"},
    ),
    hers(
        "POST",
        "/api/wallet/withdrawals/{operation_id}/cancel",
        200,
        ids={"operation_id": "withdrawal_to_cancel"},
    ),
    hers("GET", "/api/wallet/reports/{report_id}", 200),
    # Her statement of the month; nobody else had money moving then, so theirs is a 404.
    hers("GET", "/api/wallet/statements/{year}/{month}", 200),
    # The signed, expiring link is the credential (ARCHITECTURE §6): anyone holding it.
    public(
        "GET",
        "/api/wallet/reports/{report_id}/download",
        200,
        query=her_signed_link,
        answers_with_anns_data=True,
    ),
    # --- wallet: administration ---------------------------------------------------------------
    admin_only("GET", "/api/wallet/admin/withdrawals", 200),
    admin_only("GET", "/api/wallet/admin/stats", 200),
    admin_only("GET", "/api/wallet/admin/withdrawal-methods", 200),
    admin_only("GET", "/api/wallet/admin/plans", 200),
    admin_only("POST", "/api/wallet/admin/plans", 201, body=a_new_plan),
    admin_only(
        "POST", "/api/wallet/admin/plans/{plan_id}/retire", 200, ids={"plan_id": "plan_to_retire"}
    ),
    admin_only("GET", "/api/wallet/admin/subscriptions/stats", 200),
    admin_only("GET", "/api/wallet/admin/packages", 200),
    admin_only("POST", "/api/wallet/admin/packages", 201, body=a_new_package),
    admin_only(
        "POST",
        "/api/wallet/admin/packages/{package_id}/active",
        200,
        body=on_sale,
        ids={"package_id": "package"},
    ),
    admin_only("GET", "/api/wallet/admin/packages/purchases", 200),
    admin_only("GET", "/api/wallet/admin/packages/orders", 200),
    admin_only("GET", "/api/wallet/admin/packages/totals", 200),
    admin_only("GET", "/api/wallet/admin/users/{user_id}/wallet", 200, ids={"user_id": "ann"}),
    *(
        admin_only(
            "GET",
            f"/api/wallet/admin/users/{{user_id}}/wallet/{section}",
            200,
            ids={"user_id": "ann"},
        )
        for section in ("history", "holds", "withdrawals", "deposits", "disputes", "audit")
    ),
    admin_only(
        "POST",
        "/api/wallet/admin/withdrawal-methods/{method_id}/verify",
        200,
        ids={"method_id": "withdrawal_method_to_verify"},
    ),
    admin_only(
        "POST",
        "/api/wallet/admin/withdrawals/{operation_id}/approve",
        200,
        ids={"operation_id": "withdrawal_to_approve"},
    ),
    admin_only(
        "POST",
        "/api/wallet/admin/withdrawals/{operation_id}/reject",
        200,
        body=a_reason,
        ids={"operation_id": "withdrawal_to_reject"},
    ),
    # --- responsible gambling: wallet
    # Each caller sets a limit of their own (a first limit applies at once); a month's limit far
    # above the matrix's deposits, so no later row is refused by it.
    signed_in("GET", "/api/wallet/limits", 200),
    signed_in(
        "PUT",
        "/api/wallet/limits/deposit",
        200,
        body=lambda _w, _who: {"period": "month", "amount": "100000.00"},
    ),
    # Read only: an admin sees a user's limits, their history and restriction, never changes them.
    admin_only("GET", "/api/wallet/admin/users/{user_id}/limits", 200, ids={"user_id": "ann"}),
    # --- notifications (issue 23): each caller's own preferences and history
    signed_in("GET", "/api/notifications/preferences", 200),
    signed_in("PUT", "/api/notifications/preferences", 200, body=deposits_by_email_only),
    signed_in("PUT", "/api/notifications/telegram", 200, body=a_telegram_chat),
    signed_in("DELETE", "/api/notifications/telegram", 204),
    signed_in("GET", "/api/notifications/history", 200),
    admin_only("GET", "/api/notifications/admin/deliveries", 200),
    admin_only("GET", "/api/notifications/admin/stats", 200),
    admin_only(
        "POST",
        "/api/notifications/admin/deliveries/{delivery_id}/retry",
        Refusal(404, "notifications.delivery_not_found"),
        ids={"delivery_id": "nobodys_delivery"},
    ),
    # --- partners (issue 23): a partner's server posts with its signature, no user's token;
    # everything else is the admin's. The admin's partner is made by the first admin row.
    public("GET", "/api/postback/health", 200),
    public(
        "POST",
        "/api/postback/{partner_id}",
        Refusal(404, "partners.unknown_partner"),
        query=a_registration_postback,
        ids={"partner_id": "nobodys_partner"},
    ),
    admin_only("POST", "/api/partners/admin/partners", 201, body=the_matrix_partner),
    admin_only("GET", "/api/partners/admin/partners", 200),
    admin_only("GET", "/api/partners/admin/partners/{partner_id}", 200),
    admin_only("PATCH", "/api/partners/admin/partners/{partner_id}", 200, body=a_partner_rename),
    admin_only("GET", "/api/partners/admin/partners/{partner_id}/users", 200),
    admin_only("GET", "/api/partners/admin/postbacks/outbound", 200),
    admin_only("GET", "/api/partners/admin/postbacks/inbound", 200),
    admin_only("GET", "/api/partners/admin/stats", 200),
    # No URL template for registrations: the admin reaches the route, which sends nothing.
    admin_only(
        "POST",
        "/api/partners/admin/partners/{partner_id}/test-postback",
        Refusal(422, "partners.no_template"),
        body=lambda _w, _who: {"event": "registration"},
    ),
)
