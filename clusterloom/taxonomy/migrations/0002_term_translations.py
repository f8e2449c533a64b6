

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('taxonomy', '0001_initial'),
    ]

    operations = [
        migrations.AddField(
            model_name='term',
            name='translations',
            field=models.JSONField(blank=True, default=dict, verbose_name='translations'),
        ),
    ]
