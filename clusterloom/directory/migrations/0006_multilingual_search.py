"""The multilingual directory search: folded search columns (names; labels in every language;
description) that directory/search_index.py keeps, `search_text` made of them, the word list
for typos, and the indexes: trigram GIN indexes on PostgreSQL (pg_trgm, migration 0002), the
FTS5 trigram index on SQLite (directory/fts.py). The columns are filled after `migrate`
(post_migrate fills every organisation whose names are still empty)."""

import django.db.models.functions.text
from django.db import migrations, models

from clusterloom.directory import fts

INDEX = "directory_org_search_text_trgm"
WORD_INDEX = "directory_searchword_trgm"


def create_indexes(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON directory_organisation "
            "USING gin (search_text gin_trgm_ops)"
        )
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {WORD_INDEX} ON directory_searchword "
            "USING gin (word gin_trgm_ops)"
        )
    fts.ensure_text_index(connection)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {WORD_INDEX}")
    fts.drop_text_index(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0005_alter_organisation_kind'),
    ]

    operations = [
        migrations.CreateModel(
            name='SearchWord',
            fields=[
                ('word', models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name='word')),
            ],
            options={
                'verbose_name': 'search word',
                'verbose_name_plural': 'search words',
            },
        ),
        # A generated column's expression cannot be altered: drop it (and its index) first.
        migrations.RemoveField(model_name='organisation', name='search_text'),
        migrations.AddField(
            model_name='organisation',
            name='search_body',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='search: description'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='search_labels',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='search: labels'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='search_names',
            field=models.TextField(blank=True, default='', editable=False, verbose_name='search: names'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='search_text',
            field=models.GeneratedField(db_persist=True, expression=django.db.models.functions.text.Concat('search_names', models.Value('\n'), 'search_labels', models.Value('\n'), 'search_body', output_field=models.TextField()), output_field=models.TextField()),
        ),
        migrations.RunPython(create_indexes, drop_indexes),
    ]
