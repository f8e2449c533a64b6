"""The `clusterloom` console command: the same verbs as manage.py, for operators."""

import os
import sys


def main(argv: list[str] | None = None) -> int:
    """Run a management command (`clusterloom migrate`, `clusterloom import-profile FILE`, ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterloom.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        # Operators type `import-profile`; Django's command modules are `import_profile`.
        args[0] = args[0].replace("-", "_")
    execute_from_command_line([sys.argv[0], *args])
    return 0
