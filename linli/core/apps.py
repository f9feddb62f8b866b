from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Plain helpers shared by every app; an app for its templates and tags, and to hook the
    append-only tables' database function and triggers (linli/core/appendonly.py)."""

    name = "linli.core"
    label = "core"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate

        from linli.core import appendonly

        connection_created.connect(appendonly.register_sqlite_function)
        post_migrate.connect(appendonly.reinstall_after_migrate, sender=self)
