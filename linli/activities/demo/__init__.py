"""The demo activity history of 焦家社区 (SPEC §1): 60–80 activities a year since the elderly
day-care centre opened on 2021-06-01, across the eight teams — the festivals of the report on their
real dates, the quarterly 健康义诊, the 午间微学堂 (one activity per school week), 银龄关爱 visits,
百姓保姆 service days, 七彩课堂进社区, 暑期防溺水 and the troupes' performances — with sign-ups,
attendance and hours in the ledger; a few recent ones await verification (one overdue), the next
month's are published with sign-ups, one is cancelled.

Planned from one fixed seed over the corps as it stands; what is in the database is skipped, so a
second run adds nothing.
"""

from linli.activities.demo.plan import HistoryPlanner, PlannedActivity
from linli.activities.demo.seed import plan_history, seed_activities

__all__ = ["HistoryPlanner", "PlannedActivity", "plan_history", "seed_activities"]
