"""Every registered message has a golden sample; every sample round-trips through an envelope."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

import common.contracts  # noqa: F401  (registers every message)
from common.messaging.envelope import (
    Envelope,
    MessageSpec,
    UnknownMessage,
    registry,
    wrap,
)

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_NAMES = sorted(p.name for p in SAMPLES.glob("*.json"))


def _sample_name(spec: MessageSpec) -> str:
    return f"{spec.producer}.{spec.type}.v{spec.version}.json"


def _model(spec: MessageSpec) -> type[BaseModel]:
    """The class named like the type in the producer's module (asserted to be ``spec.model``)."""
    model: type[BaseModel] = getattr(
        importlib.import_module(f"common.contracts.{spec.producer}"), spec.type
    )
    return model


def _load(name: str) -> tuple[MessageSpec, type[BaseModel], dict[str, Any]]:
    producer, type_, version = name.removesuffix(".json").split(".")
    spec = registry.lookup(producer, type_, int(version.removeprefix("v")))
    payload: dict[str, Any] = json.loads((SAMPLES / name).read_text(encoding="utf-8"))
    return spec, _model(spec), payload


def test_every_registered_message_has_a_sample_and_no_sample_is_orphaned() -> None:
    registered = {_sample_name(spec) for spec in registry.all()}
    assert registered == set(SAMPLE_NAMES)


def test_model_class_name_is_the_message_type() -> None:
    for spec in registry.all():
        assert spec.model is _model(spec)


def test_every_amount_travels_with_its_currency() -> None:
    for spec in registry.all():
        fields = _model(spec).model_fields
        if any(name.endswith("_minor") for name in fields):
            assert "currency" in fields, spec.routing_key


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_sample_round_trips_through_an_envelope(name: str) -> None:
    spec, model_cls, sample = _load(name)
    model = model_cls.model_validate(sample)

    envelope = wrap(model, correlation_id="req-1")
    assert (envelope.producer, envelope.type, envelope.version) == (
        spec.producer,
        spec.type,
        spec.version,
    )
    assert envelope.routing_key == spec.routing_key

    received = Envelope.model_validate_json(envelope.model_dump_json())
    assert received == envelope
    parsed = registry.parse(received)

    assert type(parsed) is model_cls
    assert parsed == model
    assert parsed.model_dump(mode="json") == sample


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_unknown_version_is_rejected(name: str) -> None:
    spec, model_cls, sample = _load(name)
    envelope = wrap(model_cls.model_validate(sample))
    future = envelope.model_copy(update={"version": spec.version + 1})

    with pytest.raises(UnknownMessage):
        registry.parse(future)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_extra_field_is_rejected(name: str) -> None:
    _, model_cls, sample = _load(name)

    with pytest.raises(ValidationError) as info:
        model_cls.model_validate({**sample, "unexpected": 1})
    assert info.value.errors()[0]["type"] == "extra_forbidden"


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_payload_is_immutable(name: str) -> None:
    _, model_cls, sample = _load(name)
    model: BaseModel = model_cls.model_validate(sample)
    field = next(iter(type(model).model_fields))

    with pytest.raises(ValidationError):
        setattr(model, field, None)


def _minor_fields(sample: dict[str, Any]) -> list[str]:
    return [key for key in sample if key.endswith("_minor")]


@pytest.mark.parametrize(
    "name",
    [n for n in SAMPLE_NAMES if _minor_fields(json.loads((SAMPLES / n).read_text("utf-8")))],
)
@pytest.mark.parametrize("bad", [True, 100.0, "100", None])
def test_amounts_are_strict_integers(name: str, bad: object) -> None:
    _, model_cls, sample = _load(name)
    for key in _minor_fields(sample):
        with pytest.raises(ValidationError):
            model_cls.model_validate({**sample, key: bad})


@pytest.mark.parametrize("currency", ["usd", "US", "USDT", "", "U$D"])
def test_currency_must_be_iso_4217_shaped(currency: str) -> None:
    _, model_cls, sample = _load("wallet.DepositCompleted.v1.json")

    with pytest.raises(ValidationError):
        model_cls.model_validate({**sample, "currency": currency})


def test_coefficients_are_decimal_strings_in_json() -> None:
    _, model_cls, sample = _load("bets.BetPlaced.v1.json")
    dumped = model_cls.model_validate(sample).model_dump(mode="json")

    assert dumped["coefficient"] == "3.89"
    assert [leg["coefficient"] for leg in dumped["legs"]] == ["1.85", "2.10"]


@pytest.mark.parametrize("coefficient", ["1.00", "0.5", "1.0005", "NaN", "Infinity"])
def test_coefficient_must_be_above_one_with_at_most_three_decimals(coefficient: str) -> None:
    _, model_cls, sample = _load("events.OddsChanged.v1.json")

    with pytest.raises(ValidationError):
        model_cls.model_validate({**sample, "new_coefficient": coefficient})


def test_naive_timestamps_are_rejected_and_offsets_normalised_to_utc() -> None:
    _, model_cls, sample = _load("auth.SessionRevoked.v1.json")

    with pytest.raises(ValidationError):
        model_cls.model_validate({**sample, "expires_at": "2025-12-15T18:15:00"})
    shifted = model_cls.model_validate({**sample, "expires_at": "2025-12-15T21:15:00+03:00"})
    assert shifted.model_dump(mode="json") == sample


def test_resettlement_starts_at_version_two() -> None:
    _, model_cls, sample = _load("events.EventResettled.v1.json")

    with pytest.raises(ValidationError):
        model_cls.model_validate({**sample, "settlement_version": 1})
