"""Sign-in with Google or GitHub: authorization code + PKCE + state.

``begin`` stores the state with the PKCE verifier in Redis (10 minutes, single use) and the
route binds the same state to an HttpOnly cookie, so a callback replayed in another browser
(login CSRF) fails. ``complete`` exchanges the code, reads the profile, and finds the user by
the provider's account id, else links an existing account with the same email — only if both
the provider and we have verified that email — else creates one; then signs in.

Account pre-hijacking: a provider that has not verified the address it gives proves nothing
about who owns it, so such a sign-in never creates or links an account. A link is only used if
our account's email was verified when it was made; one made earlier (before this rule) is
dropped once the owner has proven the mailbox, since it may be a squatter's.
"""

from __future__ import annotations

import hmac
import uuid
from dataclasses import dataclass
from datetime import datetime

from auth.adapters.oauth_providers import new_code_verifier, new_state
from auth.domain.audit import AuditAction, RequestOrigin
from auth.domain.emails import normalise_email_lookup
from auth.domain.errors import (
    EmailTaken,
    OAuthEmailMissing,
    OAuthEmailUnverified,
    OAuthExchangeFailed,
    OAuthLinkUnverified,
    OAuthProviderUnknown,
    OAuthStateInvalid,
)
from auth.domain.model import OAuthProvider, ProviderProfile, User
from auth.service_layer.services import AuthServices, SignedIn, TwoFactorChallenge
from auth.service_layer.sessions import refuse_blocked, start_session
from auth.service_layer.two_factor import open_challenge
from auth.service_layer.unit_of_work import UnitOfWork
from common.contracts.auth import UserRegistered

STATE_KIND = "oauth-state"
NAME_MAX = 100


def provider_named(name: str) -> OAuthProvider:
    try:
        return OAuthProvider(name)
    except ValueError:
        raise OAuthProviderUnknown() from None


def redirect_uri(services: AuthServices, provider: OAuthProvider) -> str:
    """The app's landing page (ARCHITECTURE §9: callbacks land on app routes); that page calls
    ``GET /api/auth/{provider}/callback`` with the same query. The token exchange sends this
    same URI, as RFC 6749 §4.1.3 requires."""
    return f"{services.settings.public_url.rstrip('/')}/auth/callback/{provider.value}"


@dataclass(frozen=True)
class OAuthStart:
    url: str
    state: str


async def begin(
    services: AuthServices, provider: OAuthProvider, *, remember_me: bool
) -> OAuthStart:
    state, verifier = new_state(), new_code_verifier()
    url = services.oauth.authorization_url(
        provider, state=state, verifier=verifier, redirect_uri=redirect_uri(services, provider)
    )
    await services.ephemeral.put(
        STATE_KIND,
        state,
        {"provider": provider.value, "verifier": verifier, "remember_me": remember_me},
        ttl_s=services.settings.oauth_state_ttl_s,
    )
    return OAuthStart(url=url, state=state)


async def complete(
    services: AuthServices,
    provider: OAuthProvider,
    *,
    code: str | None,
    state: str | None,
    cookie_state: str | None,
    error: str | None,
    origin: RequestOrigin,
) -> SignedIn | TwoFactorChallenge:
    if not state or not cookie_state or not hmac.compare_digest(state, cookie_state):
        raise OAuthStateInvalid()
    stored = await services.ephemeral.take(STATE_KIND, state)
    if stored is None or stored.get("provider") != provider.value:
        raise OAuthStateInvalid()
    if error or not code:
        raise OAuthExchangeFailed(details={"provider_error": error or "no_code"})
    token = await services.oauth.exchange(
        provider,
        code=code,
        verifier=str(stored["verifier"]),
        redirect_uri=redirect_uri(services, provider),
    )
    profile = await services.oauth.profile(provider, access_token=token)
    if not profile.account_id:
        raise OAuthExchangeFailed(details={"provider_error": "no_account_id"})
    remember_me = bool(stored.get("remember_me"))

    async with services.uow() as uow:
        now = services.clock()
        user = await _user_for(services, uow, profile, origin=origin)
        if user.is_blocked:
            await refuse_blocked(uow, user, origin=origin, now=now, method=provider.value)
        if user.two_factor_enabled:
            await uow.commit()  # keep a new link; the session waits for the second factor
            return await open_challenge(
                services, user=user, method=provider.value, remember_me=remember_me
            )
        signed = await start_session(
            services,
            uow,
            user=user,
            remember_me=remember_me,
            method=provider.value,
            two_factor=False,
            origin=origin,
            now=now,
        )
        await uow.commit()
    return signed


async def _user_for(
    services: AuthServices, uow: UnitOfWork, profile: ProviderProfile, *, origin: RequestOrigin
) -> User:
    now = services.clock()
    linked = await _linked_user(uow, profile, origin=origin, now=now)
    if linked is not None:
        return linked
    email = normalise_email_lookup(profile.email or "")
    if email is None:
        raise OAuthEmailMissing()
    if not profile.email_verified:
        raise OAuthEmailUnverified()
    existing = await uow.users.by_email(email, for_update=True)
    if existing is not None:
        # Linking hands the account to whoever controls the provider identity: only when both
        # sides have proven the address belongs to the same person.
        if not existing.is_verified:
            raise OAuthLinkUnverified()
        await _link(uow, existing, profile, origin=origin, now=now)
        return existing
    name = (profile.name or email.split("@", 1)[0]).strip()[:NAME_MAX] or "Player"
    created = await uow.users.add(
        user_id=uuid.uuid4(),
        email=email,
        name=name,
        password_hash=None,
        email_verified_at=now,  # the provider verified it (checked above)
        now=now,
    )
    if created is None:  # the same person finished another callback a moment ago
        raise EmailTaken()
    await _link(uow, created, profile, origin=origin, now=now)
    await uow.emit(UserRegistered(user_id=created.id, email=created.email, name=created.name))
    await uow.audit.record(
        AuditAction.sign_up,
        user_id=created.id,
        origin=origin,
        now=now,
        method=profile.provider.value,
    )
    return created


async def _linked_user(
    uow: UnitOfWork, profile: ProviderProfile, *, origin: RequestOrigin, now: datetime
) -> User | None:
    """The user this provider account is linked to, if the link is trusted.

    A link made while our account was unverified (possible before migration 0004) is never
    used: whoever made it had proven nothing. Once the owner has proven the address (verified
    it, or reset the password) such links are dropped for good, committed even though this
    sign-in goes on to be refused.
    """
    link = await uow.accounts.find(profile.provider, profile.account_id)
    if link is None:
        return None
    user = await uow.users.get(link.user_id, for_update=True)
    if user is None or link.user_verified:
        return user
    if user.is_verified:
        await forget_links_made_unverified(uow, user.id, origin=origin, now=now)
        await uow.commit()
    return None


async def forget_links_made_unverified(
    uow: UnitOfWork, user_id: uuid.UUID, *, origin: RequestOrigin, now: datetime
) -> int:
    """Drop the user's provider links made before its email was verified (they may be a
    squatter's). For the moment the owner proves the mailbox; returns how many went."""
    dropped = await uow.accounts.unlink_made_unverified(user_id)
    for provider, account_id in dropped:
        await uow.audit.record(
            AuditAction.oauth_unlinked,
            user_id=user_id,
            origin=origin,
            now=now,
            provider=provider,
            provider_account_id=account_id,
            reason="linked_before_email_verified",
        )
    return len(dropped)


async def _link(
    uow: UnitOfWork, user: User, profile: ProviderProfile, *, origin: RequestOrigin, now: datetime
) -> None:
    await uow.accounts.link(
        user_id=user.id,
        provider=profile.provider,
        account_id=profile.account_id,
        email=profile.email,
        user_verified=user.is_verified,
        provider_email_verified=profile.email_verified,
        now=now,
    )
    await uow.audit.record(
        AuditAction.oauth_linked,
        user_id=user.id,
        origin=origin,
        now=now,
        provider=profile.provider.value,
        provider_account_id=profile.account_id,
    )
