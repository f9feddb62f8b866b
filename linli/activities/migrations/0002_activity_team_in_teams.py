"""An activity's team is now `teams.Team` (the same table, `volunteers_team`): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0001_activities_signups_attendance'),
        ('teams', '0001_teams_from_volunteers'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='activity',
                    name='team',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='activities', to='teams.team', verbose_name='组织队伍'),
                ),
            ],
            database_operations=[],
        ),
    ]
