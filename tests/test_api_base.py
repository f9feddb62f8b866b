"""The API's contract (SPEC §5): OpenAPI 3, one error format, pagination, times with +08:00."""

from django.test import Client
from openapi_spec_validator import validate

from linli.accounts.models import Role
from tests.conftest import api_token, bearer


def test_openapi_document_validates(db):
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    validate(document)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in ["/api/v1/auth/token", "/api/v1/me", "/api/v1/stations", "/api/v1/stations/{code}"]:
        assert path in paths, path
    assert "BearerToken" in document["components"]["securitySchemes"]


def _schema_classes(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        if sub.__module__.startswith("linli."):
            found.append(sub)
        found.extend(_schema_classes(sub))
    return found


def test_every_schema_has_a_name_of_its_own(db):
    """The document names its schemas by class name: two classes of one name would leave one
    operation described by the other's fields (a team's member once read as a day-care member)."""
    from ninja import Schema

    Client().get("/api/v1/openapi.json")  # every router imported
    by_name: dict[str, set[str]] = {}
    for cls in _schema_classes(Schema):
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    assert {name: where for name, where in by_name.items() if len(where) > 1} == {}


def test_each_operation_reads_the_schema_its_code_takes(db):
    document = Client().get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]
    body = document["paths"]["/api/v1/teams/{team_id}/members"]["post"]["requestBody"]
    name = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schemas[name]["properties"]) == {"volunteer"}
    checkin = document["paths"]["/api/v1/activities/{activity_id}/checkins"]["post"]
    name = checkin["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/")[-1]
    assert "volunteer" in schemas[name]["properties"]


def test_api_docs_page_uses_local_files(db):
    html = Client().get("/api/v1/docs").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower()


def test_validation_errors_are_422_with_field_details(db):
    response = Client().post(
        "/api/v1/auth/token", {"phone": "13800000000"}, content_type="application/json"
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert any(field["loc"][-1] == "password" for field in error["fields"])


def test_malformed_json_is_a_clean_error(db):
    response = Client().post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert "error" in response.json()


def test_lists_are_items_and_count_with_limit_and_offset(world):
    token = api_token(world.user(Role.ADMIN))
    everything = Client().get("/api/v1/stations", **bearer(token)).json()
    assert set(everything) == {"items", "count"}
    assert everything["count"] == 5
    page = Client().get("/api/v1/stations?limit=2&offset=1", **bearer(token)).json()
    assert page["count"] == 5
    assert [item["code"] for item in page["items"]] == [
        item["code"] for item in everything["items"][1:3]
    ]
    too_big = Client().get("/api/v1/stations?limit=100000", **bearer(token))
    assert too_big.status_code == 422


def test_station_detail_shows_its_place_in_the_tree(world):
    token = api_token(world.user(Role.STATION_STAFF))
    station = Client().get("/api/v1/stations/JIAOJIA", **bearer(token)).json()
    assert station == {
        "code": "JIAOJIA",
        "name": "焦家社区实践站",
        "kind": "station",
        "parent": "DANGTU-KFQ",
        "path": ["DANGTU", "DANGTU-KFQ", "JIAOJIA"],
        "closed": False,
        "closed_at": None,
        "delegates_administration": False,
    }


def test_json_carries_chinese_as_utf8(world):
    token = api_token(world.user(Role.STATION_STAFF))
    raw = Client().get("/api/v1/stations/JIAOJIA", **bearer(token)).content
    assert "焦家社区实践站".encode() in raw
