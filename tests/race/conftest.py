import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("race tests run on PostgreSQL (SQLite serialises every writer)")
