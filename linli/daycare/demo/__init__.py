"""The demo's day-care centres (SPEC §1, §7.1): the elderly centre since 2021-06-01 and the
disabled centre since January 2022, with 赵兰芳 (13900000007) as their caregiver.

The elderly centre takes about thirty elders at a time (38 over the years, a few left), who come
on working days by their own habit — over 2,000 person-times a year from the rows. The disabled
centre serves all 104 registered disabled residents with care plans renewed every six months,
care sessions by the caregiver and by volunteers who passed the 助残帮困 course (their hours in
the ledger) and a loan book of wheelchairs, walkers and beds, some out now and one or two late.

Everything up to yesterday; today is the caregiver's to record. A centre that has members is
skipped, so a second run adds nothing.
"""

from linli.daycare.demo.seed import seed_daycare

__all__ = ["seed_daycare"]
