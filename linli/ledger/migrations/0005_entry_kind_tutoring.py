from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ledger', '0004_balances_station_accounts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='ledgerentry',
            name='kind',
            field=models.CharField(choices=[('activity', '活动服务'), ('request', '群众点单服务'), ('care', '照料中心服务'), ('reversal', '冲正'), ('adjustment', '补录'), ('delivery', '助餐送餐'), ('tutoring', '午间微学堂值班'), ('earn', '服务积分'), ('reward', '奖励积分'), ('penalty', '爽约扣分'), ('staff_adjust', '人工调整'), ('redeem', '兑换'), ('refund', '兑换退回'), ('deposit', '存入'), ('withdrawal', '取出'), ('transfer_out', '转赠'), ('transfer_in', '受赠'), ('donation', '捐入公益池'), ('interstation', '通存通兑')], max_length=12),
        ),
    ]
