"""The demo's health records (SPEC §7.1): every quarterly free check since 2021 with its slots,
bookings and records, the elderly centre's monthly measurements, and this morning's one alert."""

from linli.health.demo.seed import seed_health

__all__ = ["seed_health"]
