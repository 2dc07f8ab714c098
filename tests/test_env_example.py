"""`.env.example` lists every variable a service reads."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic_settings import BaseSettings

from auth.settings import Settings as AuthSettings
from bets.settings import Settings as BetsSettings
from common.settings import ServiceSettings
from events.settings import Settings as EventsSettings
from gateway.settings import Settings as GatewaySettings
from notifications.settings import Settings as NotificationsSettings
from partners.settings import Settings as PartnersSettings
from wallet.settings import Settings as WalletSettings

EXAMPLE = Path(__file__).resolve().parents[1] / ".env.example"
LISTED = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", EXAMPLE.read_text(), flags=re.MULTILINE))


def env_names(settings: type[BaseSettings]) -> set[str]:
    prefix = settings.model_config.get("env_prefix", "")
    names = set()
    for name, field in settings.model_fields.items():
        alias = field.validation_alias
        names.add(alias if isinstance(alias, str) else f"{prefix}{name}".upper())
    return names


def test_shared_and_gateway_variables_are_listed() -> None:
    assert env_names(GatewaySettings) - LISTED == set()


@pytest.mark.parametrize(
    "settings",
    [
        AuthSettings,
        EventsSettings,
        BetsSettings,
        WalletSettings,
        NotificationsSettings,
        PartnersSettings,
    ],
)
def test_each_service_variable_is_listed_for_auth_and_its_url_for_every_service(
    settings: type[BaseSettings],
) -> None:
    prefix = settings.model_config["env_prefix"]
    # The tunables every service shares are documented once (AUTH_…); a service's own settings,
    # its URL and port are spelled out under its own prefix.
    shared = {f"{prefix}{n}".upper() for n in ServiceSettings.model_fields}
    documented = {n.replace(prefix, "AUTH_", 1) if n in shared else n for n in env_names(settings)}
    assert documented - LISTED == set()
    assert {f"{prefix}DATABASE_URL", f"{prefix}RABBITMQ_URL", f"{prefix}PORT"} <= LISTED
