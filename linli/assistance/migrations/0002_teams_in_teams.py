"""A menu category's teams and a request's dispatch team are now `teams.Team` (the same table,
`volunteers_team`; the join table keeps its `team_id` column): state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assistance', '0001_service_menu_and_requests'),
        ('teams', '0001_teams_from_volunteers'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='menucategory',
                    name='teams',
                    field=models.ManyToManyField(blank=True, related_name='menu_categories', to='teams.team', verbose_name='服务队伍'),
                ),
                migrations.AlterField(
                    model_name='servicerequest',
                    name='dispatch_team',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='dispatched_requests', to='teams.team', verbose_name='派给队伍'),
                ),
            ],
            database_operations=[],
        ),
    ]
