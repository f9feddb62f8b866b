"""Teams now live in the `teams` app (its 0001): Team, TeamCategory and TeamMembership leave this
app's state only. Their tables stay, under the same names, and now belong to `teams`."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0002_activity_team_in_teams'),
        ('assistance', '0002_teams_in_teams'),
        ('teams', '0001_teams_from_volunteers'),
        ('volunteers', '0002_volunteer_import_jobs'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='team',
                    name='parent',
                ),
                migrations.RemoveField(
                    model_name='team',
                    name='required_courses',
                ),
                migrations.RemoveField(
                    model_name='team',
                    name='station',
                ),
                migrations.RemoveField(
                    model_name='teammembership',
                    name='team',
                ),
                migrations.RemoveField(
                    model_name='teammembership',
                    name='decided_by',
                ),
                migrations.RemoveField(
                    model_name='teammembership',
                    name='volunteer',
                ),
                migrations.DeleteModel(
                    name='TeamCategory',
                ),
                migrations.DeleteModel(
                    name='Team',
                ),
                migrations.DeleteModel(
                    name='TeamMembership',
                ),
            ],
            database_operations=[],
        ),
    ]
