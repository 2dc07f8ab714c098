"""Dependencies of the auth routes: the handlers' services and where the request came from."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from auth.domain.audit import RequestOrigin
from auth.service_layer.services import AuthServices
from common.client_address import client_address, user_agent


def get_services(request: Request) -> AuthServices:
    services = getattr(request.app.state, "auth", None)
    if not isinstance(services, AuthServices):
        raise RuntimeError("app.state.auth is not set (use auth.entrypoints.api.app.create_app)")
    return services


Services = Annotated[AuthServices, Depends(get_services)]


def request_origin(request: Request) -> RequestOrigin:
    """The client as the gateway vouches for it (X-Real-IP from TRUSTED_GATEWAY_NETWORKS), else
    the TCP peer: the address sessions, audit events and the per-IP sign-in lock-out use."""
    return RequestOrigin(ip=client_address(request), user_agent=user_agent(request)).trimmed()


Origin = Annotated[RequestOrigin, Depends(request_origin)]
