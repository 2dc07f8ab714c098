"""The app factory: health/ready against real and unreachable infrastructure, error shape, ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from fastapi import APIRouter
from pydantic import BaseModel, Field

from common.app import create_app
from common.errors import DomainError
from common.money import AmountMinor
from common.runtime import build_runtime
from common.settings import CommonSettings, ServiceSettings


class ProbeSettings(ServiceSettings):
    service_name: ClassVar[str] = "probe"


class StakeTooLow(DomainError):
    code = "bet.stake_below_minimum"
    status_code = 422
    default_message = "The stake is below the minimum."


class Body(BaseModel):
    amount: AmountMinor
    password: str = Field(min_length=8)


router = APIRouter()


@router.post("/things/{thing_id}")
async def make_thing(thing_id: int, body: Body) -> dict[str, Any]:
    if body.amount < 100:
        raise StakeTooLow(details={"minimum": "1.00"})
    return {"thing_id": thing_id, "amount_minor": body.amount}


@router.get("/boom")
async def boom() -> None:
    raise RuntimeError("bug")


def probe_app(settings: CommonSettings, **kwargs: Any) -> Any:
    runtime = build_runtime(settings, **kwargs)
    return create_app(settings, runtime, title="probe", routers=[router])


def probe_settings(make_settings: Callable[..., Any], test_database: Any, **overrides: Any) -> Any:
    # Any service's role reaches the test database; probe borrows the bets role.
    values = {"database_url": test_database.url_for("bets"), **overrides}
    return make_settings(ProbeSettings, **values)


async def test_ready_when_database_and_broker_answer(
    make_settings: Callable[..., Any], test_database: Any, app_client: Any
) -> None:
    app = probe_app(probe_settings(make_settings, test_database))
    async with app_client(app) as client:
        await app.state.runtime.broker.wait_connected(10)
        live = await client.get("/health/live")
        ready = await client.get("/health/ready")
    assert live.status_code == 200
    assert ready.status_code == 200
    assert ready.json() == {"status": "ready", "checks": {"database": True, "broker": True}}


async def test_not_ready_when_database_is_unreachable(
    make_settings: Callable[..., Any], test_database: Any, app_client: Any
) -> None:
    settings = probe_settings(
        make_settings,
        test_database,
        database_url="postgresql+asyncpg://nobody:x@127.0.0.1:1/none",
        ready_timeout_s=1.0,
    )
    app = probe_app(settings)
    async with app_client(app) as client:
        await app.state.runtime.broker.wait_connected(10)
        live = await client.get("/health/live")
        ready = await client.get("/health/ready")
    assert live.status_code == 200  # alive, just not ready: do not restart, do not route
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": False, "broker": True}


async def test_not_ready_when_broker_is_unreachable(
    make_settings: Callable[..., Any], test_database: Any, app_client: Any
) -> None:
    settings = probe_settings(
        make_settings, test_database, rabbitmq_url="amqp://guest:guest@127.0.0.1:1/"
    )
    app = probe_app(settings)
    async with app_client(app) as client:
        ready = await client.get("/health/ready")
    assert ready.status_code == 503
    assert ready.json()["checks"] == {"database": True, "broker": False}


async def test_errors_share_one_shape_and_bad_input_is_a_4xx(
    make_settings: Callable[..., Any], test_database: Any, app_client: Any
) -> None:
    app = probe_app(probe_settings(make_settings, test_database), uses_broker=False)
    async with app_client(app) as client:
        invalid = await client.post("/things/1", json={"amount": "1.001", "password": "secret-pw"})
        not_json = await client.post(
            "/things/1", content=b"{oops", headers={"content-type": "application/json"}
        )
        bad_path = await client.post("/things/abc", json={"amount": 5, "password": "12345678"})
        domain = await client.post("/things/1", json={"amount": "0.50", "password": "12345678"})
        missing = await client.get("/nowhere")
        wrong_method = await client.delete("/things/1")
        ok = await client.post("/things/7", json={"amount": 10.01, "password": "12345678"})
        crash = await client.get("/boom")

    assert invalid.status_code == 422
    assert invalid.json()["error"]["code"] == "validation_error"
    assert "secret-pw" not in invalid.text  # input never echoed
    assert {tuple(d["loc"]) for d in invalid.json()["error"]["details"]} == {("body", "amount")}
    assert not_json.status_code == 422
    assert bad_path.status_code == 422
    assert domain.status_code == 422
    assert domain.json() == {
        "error": {
            "code": "bet.stake_below_minimum",
            "message": "The stake is below the minimum.",
            "details": {"minimum": "1.00"},
        }
    }
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    assert wrong_method.status_code == 405
    assert ok.json() == {"thing_id": 7, "amount_minor": 1001}
    assert crash.status_code == 500
    assert crash.headers["x-request-id"]  # the failure can be found in the logs by its id
    assert crash.json()["error"] == {
        "code": "internal",
        "message": "Internal error.",
        "details": None,
    }


async def test_request_id_is_echoed_or_made_and_latency_is_recorded_by_route_template(
    make_settings: Callable[..., Any], test_database: Any, app_client: Any
) -> None:
    app = probe_app(probe_settings(make_settings, test_database), uses_broker=False)
    async with app_client(app) as client:
        given = await client.get("/health/live", headers={"X-Request-Id": "req-123"})
        made = await client.get("/health/live", headers={"X-Request-Id": "bad id\n"})
        await client.post("/things/42", json={"amount": 5, "password": "12345678"})
        metrics = await client.get("/metrics")
    assert given.headers["x-request-id"] == "req-123"
    assert made.headers["x-request-id"] != "bad id\n"
    assert len(made.headers["x-request-id"]) == 36
    assert (
        'looseline_http_request_duration_seconds_count{method="POST",'
        'route="/things/{thing_id}",service="probe",status="200"}'
    ) in metrics.text


async def test_a_request_id_becomes_the_correlation_id_of_what_the_request_emits(
    make_settings: Callable[..., Any], test_database: Any, app_client: Any
) -> None:
    from common.context import correlation_id_var
    from common.messaging.envelope import wrap

    class Hello(BaseModel):
        n: int

    from common.messaging.envelope import MessageSpec, registry

    registry.add(MessageSpec(producer="gateway", type="TestHello", version=1, model=Hello))
    seen = APIRouter()

    @seen.get("/emit")
    async def emit() -> dict[str, Any]:
        envelope = wrap(Hello(n=1))
        return {"correlation_id": envelope.correlation_id, "var": correlation_id_var.get()}

    settings = probe_settings(make_settings, test_database)
    app = create_app(
        settings, build_runtime(settings, uses_broker=False), title="p", routers=[seen]
    )
    try:
        async with app_client(app) as client:
            answer = await client.get("/emit", headers={"X-Request-Id": "req-777"})
    finally:
        registry.remove(Hello)
    assert answer.json() == {"correlation_id": "req-777", "var": "req-777"}
