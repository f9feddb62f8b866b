"""No input makes the API answer with a server error (issue: fuzzing in CI).

Schemathesis reads the published OpenAPI document and sends every operation generated inputs,
valid and invalid, once as the station's staff and once as a volunteer. Whatever it sends, the
answer is never a 5xx, and always one the document lists for the operation. The number of
examples is bounded (`LINLI_FUZZ_EXAMPLES`, default 4) so the
run takes a couple of minutes on two cores.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from linli.accounts.models import Role
from tests.conftest import api_token

EXAMPLES = int(os.environ.get("LINLI_FUZZ_EXAMPLES", "4"))


@contextmanager
def connection_kept() -> Iterator[None]:
    """Calls go straight to the WSGI application, whose request signals close a connection that
    is not in autocommit: inside the test's transaction, that is always. PostgreSQL's pool takes
    the closed connection back, and the next query finds none ("Cannot open a new connection in
    an atomic block"). Django's own test client keeps the connection the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_tokens(world: Any) -> dict[str, str]:
    return {
        "staff": api_token(world.user(Role.STATION_STAFF)),
        "volunteer": api_token(world.user(Role.VOLUNTEER)),
    }


def _schema() -> Any:
    from linli.api import api

    loaded = schemathesis.openapi.from_dict(api.get_openapi_schema(path_params={}))
    loaded.app = get_wsgi_application()
    loaded.config.generation.update(max_examples=EXAMPLES, no_shrink=True, deterministic=True)
    return loaded


schema = _schema()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
def test_no_input_gives_a_server_error(case: Any, fuzz_tokens: dict[str, str]) -> None:
    for role, token in fuzz_tokens.items():
        with connection_kept():
            response = case.call(headers={"Authorization": f"Bearer {token}"})
        said = (
            f"{role}: {case.method} {case.formatted_path} → {response.status_code}\n"
            f"{case.as_curl_command()}\n{response.text[:2000]}"
        )
        assert response.status_code < 500, said
        if case.method.upper() != case.operation.method.upper():
            # A method the operation does not take: 405, or HEAD answered as the path's GET.
            assert response.status_code == 405 or case.method.upper() == "HEAD", said
            continue
        # Every answer is one the document lists for the operation.
        assert str(response.status_code) in case.operation.definition.raw["responses"], said
