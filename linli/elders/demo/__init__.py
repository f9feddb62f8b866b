"""The demo's 银龄关爱 (SPEC §7.1): a care profile for every resident aged 60+ of the registry,
with care levels, emergency contacts and visiting teams, and the visit log since the programme
began with the day-care centre on 2021-06-01 — each elder visited at their interval by the team's
volunteers (most often a neighbour from the same estate) or the staff, a few visits missed, so
some are overdue today and the staff's morning alert has something to say. Three recent visits
by the demo volunteer asked for a follow-up, which made service requests.

Planned per elder from a fixed seed and the elder's name and birth date, so every run plans the
same; an elder who has any visit is skipped, so a second run adds nothing.
"""

from linli.elders.demo.seed import seed_elders

__all__ = ["seed_elders"]
