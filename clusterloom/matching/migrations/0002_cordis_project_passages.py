"""CORDIS project titles become projects with objectives; match profiles gain passages."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("matching", "0001_initial")]

    operations = [
        migrations.RenameModel("CordisProjectTitle", "CordisProject"),
        migrations.AlterModelOptions(
            name="cordisproject",
            options={
                "ordering": ["acronym"],
                "verbose_name": "CORDIS project",
                "verbose_name_plural": "CORDIS projects",
            },
        ),
        migrations.AddField(
            model_name="cordisproject",
            name="cordis_id",
            field=models.BigIntegerField(
                blank=True, null=True, unique=True, verbose_name="CORDIS project id"
            ),
        ),
        migrations.AddField(
            model_name="cordisproject",
            name="objective",
            field=models.TextField(blank=True, verbose_name="objective"),
        ),
        migrations.AddField(
            model_name="cordisproject",
            name="start_date",
            field=models.DateField(blank=True, null=True, verbose_name="start date"),
        ),
        migrations.AddField(
            model_name="cordisproject",
            name="call",
            field=models.CharField(blank=True, max_length=200, verbose_name="call"),
        ),
        migrations.AddField(
            model_name="cordisproject",
            name="funding_scheme",
            field=models.CharField(blank=True, max_length=100, verbose_name="funding scheme"),
        ),
        migrations.AddField(
            model_name="matchprofile",
            name="passages",
            field=models.JSONField(blank=True, default=list, verbose_name="passages"),
        ),
    ]
