"""What every race test needs: threads released together, each on its own PostgreSQL connection,
and a station with active volunteers to race."""

import threading
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.db import close_old_connections, connection

from linli.core.idcard import make_id_number
from linli.org.actions import station_create
from linli.org.models import Station
from linli.volunteers.actions.registration import (
    RegistrationInput,
    volunteer_approve,
    volunteer_register,
)
from linli.volunteers.models import Volunteer

# Names take Chinese characters or letters only, no digits.
DIGITS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"


def run_together(workers: list[Callable[[], Any]]) -> list[Any]:
    """Run each callable in its own thread, released at the same instant; results or exceptions."""
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(index: int, work: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[index] = work()
        except Exception as error:  # noqa: BLE001 - the test inspects what each thread met
            results[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def make_station() -> Station:
    center = station_create(code="C", name="中心", kind="center", parent=None, actor=None)
    return station_create(
        code="S", name="焦家社区实践站", kind="station", parent=center, actor=None
    )


def make_volunteers(station: Station, how_many: int) -> list[Volunteer]:
    """Active volunteers of the station, registered as an import does it: each with an account
    (the `volunteer` role) without a password."""
    volunteers = []
    for index in range(how_many):
        born = date(1950, 1, 1) + timedelta(days=60 * index)
        data = RegistrationInput(
            name=f"志愿者{DIGITS[index // 20]}{DIGITS[index % 20]}",
            id_number=make_id_number("340521", born, index % 500, "M" if index % 2 else "F"),
            phone=f"139{index:08d}",
            password="",
            consent=True,
        )
        volunteer = volunteer_register(station=station, data=data, channel="import")
        volunteers.append(volunteer_approve(volunteer=volunteer, actor=None))
    return volunteers
