"""`clusterloom rebuild_search_index`: recompute the directory search's texts of every
organisation (after bulk writes that sent no signal; safe to repeat)."""

import time

from django.core.management.base import BaseCommand

from clusterloom.core.page_cache import content_changed
from clusterloom.directory.search_index import search_index_rebuild


class Command(BaseCommand):
    """Recompute every organisation's search columns and the word list for typos."""

    help = (
        "Recompute the directory search's texts (names, labels in every language, "
        "description) of every organisation; only changed rows are written."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        changed = search_index_rebuild()
        if changed:
            content_changed()
        self.stdout.write(
            f"search index: {changed} organisations updated "
            f"in {time.perf_counter() - started:.1f} s"
        )
