"""The ledger and the audit log refuse UPDATE and DELETE in the database (linli/core/appendonly.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from linli.core.appendonly import install_triggers

    install_triggers(schema_editor.connection)


def uninstall(apps, schema_editor):
    from linli.core.appendonly import APPEND_ONLY_TABLES

    with schema_editor.connection.cursor() as cursor:
        for table in APPEND_ONLY_TABLES:
            if schema_editor.connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0007_ledger_hash_chain"),
        ("audit", "0001_audit_log"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
