"""The demo requests of 焦家社区 (SPEC §4): its service menu (需求清单), residents' requests since
2022 — most posted in the 民情e站 WeChat group or phoned in, some by relatives for an elder, a
few on the web by the demo resident account — dispatched, taken, served, confirmed into the
ledger and rated, with a few rejected or cancelled and the poor ratings followed up; and today,
a few requests in every open state so the dispatch board is alive.

Planned from one fixed seed over the registry and the corps; the history written in bulk as the
assistance actions would have written it (history.py), today's open requests through the actions;
a second run adds nothing.
"""

from linli.assistance.demo.plan import RequestPlanner
from linli.assistance.demo.seed import plan_requests, seed_menu, seed_requests
from linli.assistance.demo.steps import RequestPlan

__all__ = ["RequestPlan", "RequestPlanner", "plan_requests", "seed_menu", "seed_requests"]
