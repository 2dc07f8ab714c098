"""OAuth 2.0 authorization-code clients for Google and GitHub (endpoints from settings).

Both use PKCE (S256) and ``state``; the token request authenticates with the client secret in
the form (``client_secret_post``). Google's profile is its OpenID ``userinfo``; GitHub's is
``/user`` plus ``/user/emails`` (the primary address and whether GitHub verified it).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from auth.domain.errors import (
    OAuthExchangeFailed,
    OAuthProviderNotConfigured,
    OAuthProviderUnavailable,
)
from auth.domain.model import OAuthProvider, ProviderProfile
from common.logging import get_logger

log = get_logger(__name__)


def new_state() -> str:
    return secrets.token_urlsafe(32)


def new_code_verifier() -> str:
    """RFC 7636: 43 to 128 unreserved characters (64 random bytes → 86)."""
    return secrets.token_urlsafe(64)


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class ProviderConfig:
    provider: OAuthProvider
    client_id: str
    client_secret: str
    authorize_url: str
    token_url: str
    scope: str
    # Google: userinfo URL; GitHub: /user URL
    profile_url: str
    emails_url: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.client_id and self.client_secret)


class OAuthClient:
    def __init__(self, configs: dict[OAuthProvider, ProviderConfig], *, http: httpx.AsyncClient):
        self._configs = configs
        self._http = http

    def config(self, provider: OAuthProvider) -> ProviderConfig:
        config = self._configs.get(provider)
        if config is None or not config.configured:
            raise OAuthProviderNotConfigured()
        return config

    def authorization_url(
        self, provider: OAuthProvider, *, state: str, verifier: str, redirect_uri: str
    ) -> str:
        config = self.config(provider)
        params = {
            "response_type": "code",
            "client_id": config.client_id,
            "redirect_uri": redirect_uri,
            "scope": config.scope,
            "state": state,
            "code_challenge": code_challenge(verifier),
            "code_challenge_method": "S256",
        }
        separator = "&" if "?" in config.authorize_url else "?"
        return f"{config.authorize_url}{separator}{urlencode(params)}"

    async def exchange(
        self, provider: OAuthProvider, *, code: str, verifier: str, redirect_uri: str
    ) -> str:
        """The provider's access token for ``code``; ``OAuthExchangeFailed`` if refused."""
        config = self.config(provider)
        form = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "client_id": config.client_id,
            "client_secret": config.client_secret,
            "code_verifier": verifier,
        }
        try:
            response = await self._http.post(
                config.token_url, data=form, headers={"Accept": "application/json"}
            )
        except httpx.HTTPError as exc:
            log.warning("oauth.token_unreachable", provider=provider.value, error=repr(exc))
            raise OAuthProviderUnavailable() from None
        body = _json(response)
        token = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code >= 500:
            raise OAuthProviderUnavailable()
        if response.status_code != 200 or not isinstance(token, str) or not token:
            error = body.get("error") if isinstance(body, dict) else None
            log.info("oauth.exchange_refused", provider=provider.value, error=error)
            raise OAuthExchangeFailed(details={"provider_error": error})
        return token

    async def profile(self, provider: OAuthProvider, *, access_token: str) -> ProviderProfile:
        config = self.config(provider)
        headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
        user = await self._get(provider, config.profile_url, headers)
        if not isinstance(user, dict):
            raise OAuthProviderUnavailable()
        if provider is OAuthProvider.google:
            sub = user.get("sub")
            email = user.get("email")
            return ProviderProfile(
                provider=provider,
                account_id=str(sub) if sub else "",
                email=email if isinstance(email, str) and email else None,
                email_verified=user.get("email_verified") is True,
                name=_str(user.get("name")),
            )
        # GitHub: the numeric id is stable (the login can change); the email comes from
        # /user/emails, where GitHub says which address is primary and verified.
        email, verified = None, False
        if config.emails_url:
            emails = await self._get(provider, config.emails_url, headers)
            if isinstance(emails, list):
                primary = next(
                    (e for e in emails if isinstance(e, dict) and e.get("primary")), None
                )
                if primary is not None and isinstance(primary.get("email"), str):
                    email, verified = primary["email"], primary.get("verified") is True
        if email is None and isinstance(user.get("email"), str):
            email, verified = user["email"], False
        github_id = user.get("id")
        return ProviderProfile(
            provider=provider,
            account_id=str(github_id) if github_id is not None else "",
            email=email,
            email_verified=verified,
            name=_str(user.get("name")) or _str(user.get("login")),
        )

    async def _get(self, provider: OAuthProvider, url: str, headers: dict[str, str]) -> Any:
        try:
            response = await self._http.get(url, headers=headers)
        except httpx.HTTPError as exc:
            log.warning("oauth.profile_unreachable", provider=provider.value, error=repr(exc))
            raise OAuthProviderUnavailable() from None
        if response.status_code != 200:
            log.info("oauth.profile_refused", provider=provider.value, status=response.status_code)
            raise OAuthExchangeFailed()
        return _json(response)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _str(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None
