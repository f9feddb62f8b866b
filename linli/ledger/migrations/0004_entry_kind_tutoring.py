from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0003_entry_kind_meal_delivery'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ledgerentry',
            name='kind',
            field=models.CharField(choices=[('activity', '活动服务'), ('request', '群众点单服务'), ('care', '照料中心服务'), ('reversal', '冲正'), ('adjustment', '补录'), ('delivery', '助餐送餐'), ('tutoring', '午间微学堂值班')], max_length=12),
        ),
    ]
