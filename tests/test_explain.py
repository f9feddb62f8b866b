"""Every query of the main reads uses an index on the big tables (PostgreSQL only).

Each role's main reads, with each list filter, run with `enable_seqscan = off`: the planner then
takes an index wherever one serves the query, and shows a sequential scan only where none does.
Every SELECT they issue is EXPLAINed; none may scan a big table sequentially.
"""

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linli.accounts.models import Role
from tests.conftest import api_token, bearer, signed_in
from tests.test_activity_lifecycle import make_activity
from tests.test_request_stats import MONDAY, submitted, walk

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="EXPLAIN plans are PostgreSQL's"
)

BIG_TABLES = (
    "people_resident", "people_household", "volunteers_volunteer", "ledger_ledgerentry",
    "assistance_servicerequest", "activities_activity", "activities_attendance",
    "activities_signup", "volunteers_teammembership", "volunteers_volunteercategory",
    "stats_stationyear",
)  # fmt: skip


def reads(world: Any, team_id: int) -> list[tuple[Client, str, dict[str, Any]]]:
    staff, supervisor = world.user(Role.STATION_STAFF), world.user(Role.SUPERVISOR)
    pages = {"staff": signed_in(staff), "supervisor": signed_in(supervisor)}
    tokens = {
        "staff": bearer(api_token(staff)),
        "supervisor": bearer(api_token(supervisor)),
        "volunteer": bearer(api_token(world.user(Role.VOLUNTEER))),
    }
    api = Client()
    found: list[tuple[Client, str, dict[str, Any]]] = []
    for role in ("staff", "supervisor"):
        for path in (
            "/activities/",
            "/activities/?status=published",
            f"/activities/?team={team_id}",
            "/activities/?category=environment",
            "/residents/",
            "/residents/?q=wang",
            "/volunteers/",
            f"/volunteers/?team={team_id}",
            "/volunteers/?category=community&weekday=sat",
            "/requests/board/",
            "/requests/board/?status=submitted&category=community",
        ):
            found.append((pages[role], path, {}))
        for path in (
            "/api/v1/me",
            "/api/v1/activities",
            "/api/v1/activities?status=published",
            f"/api/v1/activities?team={team_id}",
            "/api/v1/volunteers?limit=50",
            "/api/v1/volunteers?status=all",
            "/api/v1/residents?limit=50",
            "/api/v1/service-requests?limit=50",
            "/api/v1/service-requests?status=submitted",
            "/api/v1/stats/summary",
            "/api/v1/stats/summary?year=2025",
        ):
            found.append((api, path, tokens[role]))
    for path in ("/api/v1/me", "/api/v1/activities"):
        found.append((api, path, tokens["volunteer"]))
    return found


def sequential_scans(sql: str) -> list[str]:
    """The plan's sequential scans of big tables. (An index walked whole is allowed: it is how a
    supervisor's count over their whole reach, or a page in index order, reads.)"""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    found: list[str] = []
    for line in lines:
        node = line.split("->")[-1].strip()
        table = node.split(" on ")[1].split()[0] if " on " in node else ""
        if table in BIG_TABLES and node.startswith("Seq Scan"):
            found.append(node)
    return found


def test_the_main_reads_scan_no_big_table_sequentially(menu, corps, world):
    make_activity(world, corps.party_team)
    submitted(world.jiaojia, MONDAY)
    walk(world.jiaojia, corps.volunteer, MONDAY, dispatch=10, accept=5, complete=60, score=5)
    selects: list[tuple[str, str]] = []
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
    try:
        for client, path, headers in reads(world, corps.party_team.pk):
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path, **headers)
            assert response.status_code == 200, path
            selects += [
                (path, query["sql"])
                for query in captured.captured_queries
                if query["sql"].lstrip().upper().startswith("SELECT")
            ]
        scans = {(path, scan, sql[:300]) for path, sql in selects for scan in sequential_scans(sql)}
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET enable_seqscan = on")
    assert not scans, "\n".join(f"{path}: {scan}\n    {sql}" for path, scan, sql in sorted(scans))
