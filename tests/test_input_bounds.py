"""Every input is bounded at the schema, and values out of range are a 422, never a 500.

The first test reads the published OpenAPI document: every integer and decimal an operation reads
has a maximum, every date a published range, every string and list a maximum length (an uploaded
file is bounded by the photo and sheet limits instead). The others replay the
inputs that once crashed the API.
"""

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from linli.accounts.models import Role
from linli.api import api
from tests.conftest import api_token, bearer


def _unbounded(schema: dict[str, Any], where: str, components: dict[str, Any]) -> list[str]:
    if "$ref" in schema:
        schema = components[schema["$ref"].split("/")[-1]]
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for part in schema.get(key, []):
            found += _unbounded(part, where, components)
    kind = schema.get("type")
    if kind in ("integer", "number") and "maximum" not in schema:
        found.append(f"{where}: a number without a maximum")
    if kind == "string" and schema.get("format") in ("date", "date-time"):
        if "x-range" not in schema:
            found.append(f"{where}: a date without a range")
    elif kind == "string" and schema.get("format") != "binary" and "enum" not in schema:
        if "maxLength" not in schema:
            found.append(f"{where}: a string without a maximum length")
    if kind == "array":
        if "maxItems" not in schema:
            found.append(f"{where}: a list without a maximum length")
        found += _unbounded(schema.get("items", {}), f"{where}[]", components)
    for name, part in schema.get("properties", {}).items():
        found += _unbounded(part, f"{where}.{name}", components)
    return found


def test_every_number_date_string_and_list_an_operation_reads_is_bounded():
    document = api.get_openapi_schema(path_params={})
    components = document["components"]["schemas"]
    unbounded = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} ?{parameter['name']}"
                unbounded += _unbounded(parameter.get("schema", {}), where, components)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                where = f"{method.upper()} {path} body"
                unbounded += _unbounded(content.get("schema", {}), where, components)
    assert unbounded == []


@pytest.fixture
def staff(world: Any) -> dict[str, Any]:
    return bearer(api_token(world.user(Role.STATION_STAFF)))


BIG = "9223372036854775808"  # 2**63: one past what a 64-bit integer holds


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/residents?offset={BIG}",
        f"/api/v1/volunteers?offset={BIG}",
        f"/api/v1/activities?offset={BIG}",
        f"/api/v1/volunteers?team={BIG}",
        f"/api/v1/activities?team={BIG}",
        f"/api/v1/residents?estate={BIG}",
        f"/api/v1/residents/{BIG}",
        "/api/v1/stats/summary?year=0",
        "/api/v1/stats/summary?year=10000",
        "/api/v1/activities?from=0001-01-01",
        "/api/v1/activities?to=9999-12-31",
    ],
)
def test_out_of_range_queries_are_422(client: Client, staff: dict[str, Any], path: str) -> None:
    response = client.get(path, **staff)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "validation_error"


def test_out_of_range_ids_in_a_delete_are_422(client: Client, staff: dict[str, Any]) -> None:
    response = client.delete(f"/api/v1/activities/1/signups/{BIG}", **staff)
    assert response.status_code == 422


def test_a_capacity_past_64_bits_is_422(world: Any, client: Client, staff: dict[str, Any]) -> None:
    response = client.post(
        "/api/v1/activities",
        {
            "title": "清扫",
            "category": "environment",
            "place": "金桥花园",
            "starts_at": "2026-10-12T09:00:00+08:00",
            "ends_at": "2026-10-12T11:00:00+08:00",
            "capacity": int(BIG) * 4,
        },
        content_type="application/json",
        **staff,
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["loc"][-1] == "capacity"


def test_patching_a_resident_with_nulls_is_not_a_server_error(
    world: Any, registry: Any, client: Client, staff: dict[str, Any]
) -> None:
    response = client.patch(
        f"/api/v1/residents/{registry.li.pk}",
        {"birth_date": None, "id_number": None},
        content_type="application/json",
        **staff,
    )
    assert response.status_code in (200, 422), response.content
    assert "error" in response.json() or response.json()["id"] == registry.li.pk


def test_a_string_longer_than_its_column_is_a_422(
    world: Any, client: Client, staff: dict[str, Any]
) -> None:
    response = client.post(
        "/api/v1/activities",
        {
            "title": "长" * 101,
            "category": "community",
            "place": "焦家社区广场",
            "starts_at": "2026-10-12T09:00:00+08:00",
            "ends_at": "2026-10-12T11:00:00+08:00",
            "capacity": 10,
        },
        content_type="application/json",
        **staff,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"][0]["loc"][-1] == "title"
    response = client.get("/api/v1/volunteers", {"q": "张" * 101}, **staff)
    assert response.status_code == 422
    response = client.post(
        "/api/v1/auth/token",
        {"phone": "13800000000", "password": "x" * 129},
        content_type="application/json",
    )
    assert response.status_code == 422
    # A decimal written as text is bounded too.
    response = client.post(
        "/api/v1/activities/1/attendance/1/hours",
        {"hours": "0" * 40 + "1"},
        content_type="application/json",
        **staff,
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["loc"][-1] == "hours"


def test_nul_bytes_are_refused(world: Any, client: Client, staff: dict[str, Any]) -> None:
    response = client.get("/api/v1/residents?q=a%00b", **staff)
    assert response.status_code == 422
    response = client.post(
        "/api/v1/activities",
        '{"title": "a\\u0000b"}',
        content_type="application/json",
        **staff,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def test_nul_bytes_in_a_multipart_form_are_refused(
    world: Any, client: Client, staff: dict[str, Any]
) -> None:
    photo = _png(8, 8)
    response = client.post(
        "/api/v1/service-requests/1/photos", {"note": "a\x00b", "photos": [photo]}, **staff
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "NUL" in error["message"]
    # A page's form as well, before any view reads it; a file holding NUL bytes is no text.
    page = Client().post("/accounts/login/", {"phone": "1380000\x000001", "password": "x"})
    assert page.status_code == 400 and "NUL" in page.content.decode()
    upload = SimpleUploadedFile("sheet.bin", b"\x00\x01\x00", content_type="text/plain")
    page = Client().post("/accounts/login/", {"phone": "13800000001", "password": "x", "f": upload})
    assert page.status_code == 200


def _png(width: int, height: int) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG", optimize=True)
    return SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")


def test_a_decompression_bomb_is_refused_as_a_photo():
    from django.core.exceptions import ValidationError

    from linli.assistance.actions.photos import photo_content_type

    with pytest.raises(ValidationError, match="像素"):
        photo_content_type(_png(20000, 20000))
    with pytest.raises(ValidationError, match="像素"):
        photo_content_type(_png(8000, 6000))
    assert photo_content_type(_png(400, 300)) == "image/png"
