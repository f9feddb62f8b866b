"""Authenticators keep their shared secret encrypted with the field keys. Every device of
django-otp's TOTP plugin (secret in clear hex) becomes one, with its counters, and is deleted: the
same phone app keeps giving good codes. A session verified with an old device asks for a code again.
"""

import django.db.models.deletion
import linli.accounts.models
from django.conf import settings
from django.db import migrations, models

from linli.core import crypto

MOVED = [
    "user_id", "name", "confirmed", "throttling_failure_timestamp", "throttling_failure_count",
    "last_used_at", "step", "t0", "digits", "tolerance", "drift", "last_t",
]


def encrypt_totp_secrets(apps, schema_editor):
    Authenticator = apps.get_model("accounts", "Authenticator")
    for device in apps.get_model("otp_totp", "TOTPDevice").objects.order_by("pk"):
        moved = Authenticator.objects.create(
            secret_cipher=crypto.encrypt(device.key.lower()),
            **{field: getattr(device, field) for field in MOVED},
        )
        Authenticator.objects.filter(pk=moved.pk).update(created_at=device.created_at)
        device.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_lockout_tables_forget_typed_text'),
        ('otp_totp', '0003_add_timestamps'),
    ]

    operations = [
        migrations.CreateModel(
            name='Authenticator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(help_text='The human-readable name of this device.', max_length=64)),
                ('confirmed', models.BooleanField(default=True, help_text='Is this device ready for use?')),
                ('throttling_failure_timestamp', models.DateTimeField(blank=True, default=None, help_text='A timestamp of the last failed verification attempt. Null if last attempt succeeded.', null=True)),
                ('throttling_failure_count', models.PositiveIntegerField(default=0, help_text='Number of successive failed attempts.')),
                ('created_at', models.DateTimeField(auto_now_add=True, help_text='The date and time when this device was initially created in the system.', null=True)),
                ('last_used_at', models.DateTimeField(blank=True, help_text='The most recent date and time this device was used.', null=True)),
                ('secret_cipher', models.TextField(default=linli.accounts.models.new_totp_secret)),
                ('step', models.PositiveSmallIntegerField(default=30)),
                ('t0', models.BigIntegerField(default=0)),
                ('digits', models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)),
                ('tolerance', models.PositiveSmallIntegerField(default=1)),
                ('drift', models.SmallIntegerField(default=0)),
                ('last_t', models.BigIntegerField(default=-1)),
                ('user', models.ForeignKey(help_text='The user that this device belongs to.', on_delete=django.db.models.deletion.CASCADE, to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '身份验证器',
                'verbose_name_plural': '身份验证器',
                'abstract': False,
            },
        ),
        migrations.RunPython(encrypt_totp_secrets, migrations.RunPython.noop),
    ]
