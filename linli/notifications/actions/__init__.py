"""Every write to notifications: telling people something (`sending`: `notify`, and settling what
a replay of past events told), and the inbox and a station's channels (`inbox`).

`notify` and the replay's two steps are what the other apps call; they are importable from here.
"""

from linli.notifications.actions.sending import (
    ReplayMark,
    notifications_settle_replay,
    notify,
    replay_mark,
)

__all__ = ["ReplayMark", "notifications_settle_replay", "notify", "replay_mark"]
