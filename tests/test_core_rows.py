"""The seed's row writer (linli.core.rows): rows written with `executemany` read back as the
ORM writes them, and reserved keys are given to nobody else, on SQLite and PostgreSQL."""

import pytest

from linli.core.rows import insert_rows, reserve_ids
from linli.org.models import Estate, Station


@pytest.fixture
def station(world):
    return Station.objects.get(code="JIAOJIA")


def test_rows_written_in_bulk_read_back_as_written(station):
    keys = reserve_ids(Estate, 3)
    assert len(set(keys)) == 3
    insert_rows(
        Estate,
        ["id", "station_id", "name", "address"],
        [(key, station.pk, f"小区{key}", "") for key in keys],
    )
    assert sorted(Estate.objects.filter(station=station).values_list("pk", flat=True)) == keys
    # The table goes on giving keys after the reserved ones, never one of them.
    later = Estate.objects.create(station=station, name="后来的小区")
    assert later.pk > max(keys)
    assert reserve_ids(Estate, 1)[0] > later.pk


def test_a_deleted_rows_key_is_not_handed_out_again(station):
    gone = Estate.objects.create(station=station, name="拆迁小区")
    gone_key = gone.pk
    gone.delete()
    assert reserve_ids(Estate, 1)[0] > gone_key


def test_nothing_reserved_for_no_rows(db):
    assert reserve_ids(Estate, 0) == []
