"""The lock-out tables forget what older versions kept in them: the form each failed sign-in sent
(the phone typed, in clear) and the log of successful sign-ins (which names the account). Counting
goes on under the keyed hash of the phone; a name kept in clear by an older version is dropped."""

from django.db import migrations


def forget_typed_text(apps, schema_editor):
    apps.get_model("axes", "AccessLog").objects.all().delete()
    apps.get_model("axes", "AccessFailureLog").objects.all().delete()
    attempts = apps.get_model("axes", "AccessAttempt").objects.all()
    attempts.exclude(username__startswith="h:").delete()
    attempts.update(get_data="", post_data="")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_user_must_change_password_reset_codes"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(forget_typed_text, migrations.RunPython.noop)]
