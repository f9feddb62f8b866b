"""The demo volunteer corps of 焦家社区 (SPEC §1): 8 teams and 3 troupes, 660 active volunteers,
training since 2021, the 20 社区优秀防疫志愿者 and yearly evaluations.

Most volunteers are residents of the demo registry, registered as the same person (their ID number
is read from the registry, so `volunteer_register` links the existing person record); university
students of 安徽工业大学商学院 and doctors of 县中医院 come from outside and become new person
records (status external, not counted as residents). The plan is drawn from one fixed random seed
over the registry read in a fixed order, so every run plans the same corps; what is already in the
database is skipped, so a second run adds nothing.
"""

from linli.volunteers.demo.plan import PlannedCorps, plan_corps
from linli.volunteers.demo.seed import seed_volunteers

__all__ = ["PlannedCorps", "plan_corps", "seed_volunteers"]
