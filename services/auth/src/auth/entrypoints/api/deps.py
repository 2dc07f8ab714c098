"""Dependencies of the auth routes: the handlers' services and where the request came from."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from auth.domain.audit import RequestOrigin
from auth.service_layer.services import AuthServices


def get_services(request: Request) -> AuthServices:
    services = getattr(request.app.state, "auth", None)
    if not isinstance(services, AuthServices):
        raise RuntimeError("app.state.auth is not set (use auth.entrypoints.api.app.create_app)")
    return services


Services = Annotated[AuthServices, Depends(get_services)]


def client_ip(request: Request, *, trust_forwarded_for: bool) -> str | None:
    """The first X-Forwarded-For entry (the gateway sets it, trusting only its own proxies),
    else the TCP peer."""
    if trust_forwarded_for:
        forwarded = request.headers.get("x-forwarded-for", "")
        first = forwarded.split(",", 1)[0].strip()
        if first:
            return first[:64]
    return request.client.host if request.client else None


def request_origin(request: Request, services: Services) -> RequestOrigin:
    return RequestOrigin(
        ip=client_ip(request, trust_forwarded_for=services.settings.trust_forwarded_for),
        user_agent=request.headers.get("user-agent"),
    ).trimmed()


Origin = Annotated[RequestOrigin, Depends(request_origin)]
