"""The demo's incentives at 焦家社区 (SPEC §1, §7.1): the point rules, points for every verified
hour and the star levels reached, a shelf of goods with its purchases and redemptions since 2022,
time-bank deposits, a donation to the pool and the pool's payments for elders, and the honours
of past years — among them the 20 社区优秀防疫志愿者 and the yearly 五好家庭, 好婆婆, 好媳妇."""

from linli.incentives.demo.seed import seed_incentives

__all__ = ["seed_incentives"]
