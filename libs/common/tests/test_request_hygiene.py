"""No input is a 500: text hygiene and database refusals mapped in one place (issue #20, 10).

A probe service, built by ``create_app`` like every service, stores what it is sent in a real
PostgreSQL table with a unique name, a foreign key and a check. Before the fix a NUL in a query
value or a body, or a lone surrogate, reached PostgreSQL/asyncpg and came back as a 500, and so
did a duplicate name.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any, ClassVar

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from common.api import RequestModel
from common.app import create_app
from common.runtime import build_runtime
from common.settings import ServiceSettings
from common.testing.database import TestDatabase
from common.text import find_unsafe_text, first_unsafe_character


class ProbeSettings(ServiceSettings):
    service_name: ClassVar[str] = "probe"


class Label(RequestModel):
    key: str
    value: str


class TagIn(RequestModel):
    name: str
    note: str | None = None
    score: int = 0
    parent_id: int | None = None
    labels: list[Label] = []
    aliases: dict[str, str] = {}


def probe_router(engine: AsyncEngine, schema: str) -> APIRouter:
    router = APIRouter()

    @router.post("/tags", status_code=201)
    async def add_tag(body: TagIn) -> dict[str, Any]:
        async with engine.begin() as conn:
            new_id = await conn.scalar(
                text(
                    f"INSERT INTO {schema}.tag (name, note, score, parent_id)"
                    " VALUES (:name, :note, :score, :parent_id) RETURNING id"
                ),
                body.model_dump(include={"name", "note", "score", "parent_id"}),
            )
        return {"id": new_id}

    @router.get("/tags")
    async def find_tags(name: str = "") -> dict[str, Any]:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(f"SELECT id FROM {schema}.tag WHERE name = :name"), {"name": name}
            )
            return {"ids": [r[0] for r in rows]}

    @router.get("/tags/{name}")
    async def tag(name: str) -> dict[str, Any]:
        return await find_tags(name)

    return router


@pytest.fixture
async def probe(
    scratch: Any,
    make_settings: Callable[..., Any],
    test_database: TestDatabase,
    app_client: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    async with scratch.engine.begin() as conn:
        await conn.execute(
            text(
                f"CREATE TABLE {scratch.schema}.tag (id serial PRIMARY KEY, name text UNIQUE,"
                f" note text, score int CHECK (score >= 0),"
                f" parent_id int REFERENCES {scratch.schema}.tag (id))"
            )
        )
    settings = make_settings(ProbeSettings, database_url=test_database.url_for("bets"))
    app: FastAPI = create_app(
        settings,
        build_runtime(settings, uses_broker=False),
        title="probe",
        routers=[probe_router(scratch.engine, scratch.schema)],
    )
    async with app_client(app) as client:
        yield client


async def post_json(client: httpx.AsyncClient, path: str, body: Any) -> httpx.Response:
    """JSON as a fuzzer writes it: ``\\u`` escapes, lone surrogates included."""
    raw = json.dumps(body).encode()
    return await client.post(path, content=raw, headers={"content-type": "application/json"})


def _refused(answer: httpx.Response, loc: list[Any]) -> None:
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "validation_error"
    assert [d["loc"] for d in error["details"]] == [loc]
    assert error["details"][0]["type"] == "text_unsafe_character"


# the rules ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["\x00", "a\x01b", "\x08", "\x0b", "\x0c", "\x1b[31m", "\x1f", "\x7f", "\x80", "\x85", "\x9f"],
)
def test_control_characters_are_refused(text: str) -> None:
    assert first_unsafe_character(text) is not None
    assert first_unsafe_character(text, line_breaks=True) is not None


@pytest.mark.parametrize("text", ["\udb8f", "a\ude77", "\ud800\udc00"])
def test_surrogates_are_refused_they_only_survive_decoding_unpaired(text: str) -> None:
    assert first_unsafe_character(text, line_breaks=True) is not None


@pytest.mark.parametrize("text", ["\t", "line one\r\nline two", "a\nb"])
def test_line_breaks_are_free_text_in_bodies_only(text: str) -> None:
    assert first_unsafe_character(text, line_breaks=True) is None
    assert first_unsafe_character(text) is not None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Real Madrid \u2013 Barcelona",
        "Ωmega 😀",
        "\U000f3e77",
        "São Paulo",
        "a\u00a0b",
        "\ufffd",
    ],
)
def test_what_people_type_is_accepted(text: str) -> None:
    assert first_unsafe_character(text) is None


def test_the_first_refused_character_is_found_at_any_depth() -> None:
    found = find_unsafe_text({"legs": [{"note": "ok"}, {"note": "x\x00"}]})
    assert found is not None
    assert (found.path, found.offset, found.label) == (("legs", 1, "note"), 1, "U+0000")
    key = find_unsafe_text({"bad\x07key": 1})
    assert key is not None
    assert key.path == ("bad\x07key",)
    assert find_unsafe_text({"n": 1, "flag": True, "items": ["a", ("b",)]}) is None


# bodies ---------------------------------------------------------------------------------------


async def test_a_nul_in_a_body_field_is_a_422_not_a_500(probe: httpx.AsyncClient) -> None:
    answer = await post_json(probe, "/tags", {"name": "ok", "note": "\udb8f\ude77\u0000"})
    _refused(answer, ["body", "note"])
    assert "\\u0000" not in answer.text  # the value is not echoed


async def test_a_lone_surrogate_in_a_body_field_is_a_422_not_a_500(
    probe: httpx.AsyncClient,
) -> None:
    raw = b'{"name": "lone \\udb8f"}'  # as JSON allows it to be written
    answer = await probe.post("/tags", content=raw, headers={"content-type": "application/json"})
    _refused(answer, ["body", "name"])


async def test_text_is_checked_at_any_depth_of_a_body(probe: httpx.AsyncClient) -> None:
    escape = "\x1b"
    nested = await probe.post(
        "/tags",
        json={"name": "n1", "labels": [{"key": "k", "value": "ok"}, {"key": "k", "value": escape}]},
    )
    in_key = await probe.post("/tags", json={"name": "n2", "aliases": {"a\x00": "b"}})
    _refused(nested, ["body", "labels", 1, "value"])
    _refused(in_key, ["body", "aliases"])


async def test_free_text_keeps_its_lines_and_people_their_letters(
    probe: httpx.AsyncClient,
) -> None:
    answer = await probe.post("/tags", json={"name": "Zürich 😀", "note": "one\r\ntwo\tthree"})
    assert answer.status_code == 201, answer.text


# query and path -------------------------------------------------------------------------------


async def test_a_nul_in_a_query_value_is_a_422_not_a_500(probe: httpx.AsyncClient) -> None:
    _refused(await probe.get("/tags?name=%00abc"), ["query", "name"])


@pytest.mark.parametrize("value", ["%0A", "%09", "%C2%85", "%7F", "%1B"])
async def test_query_values_take_no_control_character_at_all(
    probe: httpx.AsyncClient, value: str
) -> None:
    _refused(await probe.get(f"/tags?name=a{value}b"), ["query", "name"])


async def test_a_control_character_in_a_query_name_is_refused(probe: httpx.AsyncClient) -> None:
    _refused(await probe.get("/tags?na%00me=x"), ["query"])


async def test_a_control_character_in_the_path_is_refused(probe: httpx.AsyncClient) -> None:
    _refused(await probe.get("/tags/a%00b"), ["path"])


async def test_ordinary_query_and_path_values_pass(probe: httpx.AsyncClient) -> None:
    assert (await probe.get("/tags", params={"name": "São Paulo \u2013 1"})).status_code == 200
    assert (await probe.get("/tags/Z%C3%BCrich%20FC")).status_code == 200


# database refusals ----------------------------------------------------------------------------


async def test_a_duplicate_is_a_409_conflict_naming_no_internals(
    probe: httpx.AsyncClient,
) -> None:
    first = await probe.post("/tags", json={"name": "twice"})
    second = await probe.post("/tags", json={"name": "twice"})
    assert first.status_code == 201, first.text
    assert second.status_code == 409, second.text
    error = second.json()["error"]
    assert error["code"] == "conflict"
    for internal in ("tag_name_key", "duplicate key", "tag", "twice", "23505"):
        assert internal not in error["message"]
    assert error["details"] is None


async def test_a_missing_reference_is_a_409_and_a_failed_check_a_422(
    probe: httpx.AsyncClient,
) -> None:
    dangling = await probe.post("/tags", json={"name": "orphan", "parent_id": 987654})
    negative = await probe.post("/tags", json={"name": "negative", "score": -1})
    assert dangling.status_code == 409, dangling.text
    assert dangling.json()["error"]["code"] == "conflict"
    assert negative.status_code == 422, negative.text
    assert negative.json()["error"]["code"] == "validation_error"


async def test_a_value_out_of_the_columns_range_is_a_422(probe: httpx.AsyncClient) -> None:
    answer = await probe.post("/tags", json={"name": "huge", "score": 2**40})
    assert answer.status_code == 422, answer.text
    assert answer.json()["error"]["code"] == "validation_error"
    assert "int32" not in answer.text
    assert "$" not in answer.text


# the document ---------------------------------------------------------------------------------


async def test_the_openapi_document_states_the_one_error_shape(probe: httpx.AsyncClient) -> None:
    """FastAPI's default 422 body (``{"detail": [...]}``) is not what any service answers."""
    document = (await probe.get("/openapi.json")).json()
    responses = document["paths"]["/tags"]["post"]["responses"]
    error = {"$ref": "#/components/schemas/ErrorResponse"}
    assert responses["422"]["content"]["application/json"]["schema"] == error
    assert responses["4XX"]["content"]["application/json"]["schema"] == error
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas
    assert schemas["ErrorResponse"]["required"] == ["error"]
