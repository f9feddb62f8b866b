"""Every write to notifications: telling people something (`sending`: `notify`), and the inbox
and a station's channels (`inbox`).

`notify` is what the other apps call; it is importable from here.
"""

from linli.notifications.actions.sending import notify

__all__ = ["notify"]
