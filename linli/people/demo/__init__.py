"""The demo registry of 焦家社区 (SPEC §1): 9 estates, 89 buildings, 1,549 households, 4,318 residents.

The whole community is planned in memory from one fixed random seed, so every run plans the same
people at the same addresses; the households already in the database are skipped, so a second run
adds nothing and a run cut short is finished by the next one. Residents go through the same
`resident_check` and `residents_bulk_create` as an xlsx import.

Ages are planned as of CENSUS_DAY (a fixed day, so the data is the same whenever it is seeded) and
checked against the real today. People only grow older, so everyone under 14 today was under 14 on
CENSUS_DAY: giving those a guardian's consent satisfies the rule on any later day.
"""

from linli.people.demo.plan import describe, plan_registry
from linli.people.demo.seed import seed_registry
from linli.people.demo.tables import CENSUS_DAY, DISABILITY_GRADES, DISABILITY_TYPES

__all__ = [
    "CENSUS_DAY",
    "DISABILITY_GRADES",
    "DISABILITY_TYPES",
    "describe",
    "plan_registry",
    "seed_registry",
]
