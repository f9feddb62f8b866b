"""Teams move here from `volunteers`: Team, TeamCategory and TeamMembership, in the state only.

Their tables stay as they are (`db_table` keeps the `volunteers_…` names, and the training rule's
join table follows from it), so this migration creates nothing in the database and no row moves.
`volunteers` 0003 then drops the old models from its state, after every app that points at a
team has been pointed here (activities 0002, assistance 0002).

The content types of a database from before the move are renamed with the models, so whatever
refers to a content type keeps its model; on a new database there are none yet.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("team", "teamcategory", "teammembership")


def _relabel(apps, schema_editor, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED:
        if not types.filter(app_label=new, model=model).exists():
            types.filter(app_label=old, model=model).update(app_label=new)


def content_types_forward(apps, schema_editor):
    _relabel(apps, schema_editor, "volunteers", "teams")


def content_types_backward(apps, schema_editor):
    _relabel(apps, schema_editor, "teams", "volunteers")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('org', '0002_estates_buildings_grids'),
        ('volunteers', '0002_volunteer_import_jobs'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Team',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='队伍名称')),
                        ('description', models.TextField(blank=True, verbose_name='简介')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('parent', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='subgroups', to='teams.team')),
                        ('required_courses', models.ManyToManyField(blank=True, related_name='required_by', to='volunteers.course', verbose_name='必修课程')),
                        ('station', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='teams', to='org.station')),
                    ],
                    options={
                        'verbose_name': '志愿服务队',
                        'verbose_name_plural': '志愿服务队',
                        'db_table': 'volunteers_team',
                        'ordering': ['station_id', 'parent_id', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='TeamCategory',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('category', models.CharField(choices=[('community', '社区服务'), ('elderly_disabled', '助老助残'), ('education', '支教助学'), ('health', '卫生健康'), ('legal', '法律服务'), ('culture', '文化体育'), ('science', '科技科普'), ('environment', '生态环保'), ('safety', '平安应急'), ('civility', '文明宣讲'), ('family', '妇女儿童与家庭')], max_length=20)),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='categories', to='teams.team')),
                    ],
                    options={
                        'db_table': 'volunteers_teamcategory',
                    },
                ),
                migrations.CreateModel(
                    name='TeamMembership',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('role', models.CharField(choices=[('member', '队员'), ('leader', '队长')], default='member', max_length=10, verbose_name='角色')),
                        ('status', models.CharField(choices=[('requested', '申请中'), ('active', '在队'), ('declined', '未通过'), ('removed', '已移出')], db_index=True, max_length=10, verbose_name='状态')),
                        ('requested_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('note', models.CharField(blank=True, max_length=200)),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('team', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='teams.team')),
                        ('volunteer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='memberships', to='volunteers.volunteer')),
                    ],
                    options={
                        'db_table': 'volunteers_teammembership',
                    },
                ),
                migrations.AddConstraint(
                    model_name='team',
                    constraint=models.UniqueConstraint(fields=('station', 'name'), name='team_name_once'),
                ),
                migrations.AddConstraint(
                    model_name='teamcategory',
                    constraint=models.UniqueConstraint(fields=('team', 'category'), name='team_category_once'),
                ),
                migrations.AddConstraint(
                    model_name='teammembership',
                    constraint=models.UniqueConstraint(fields=('team', 'volunteer'), name='membership_once'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
