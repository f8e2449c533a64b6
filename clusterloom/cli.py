"""The `clusterloom` console command: the same verbs as manage.py, for operators."""

import gc
import os
import sys
import time
from pathlib import Path

#: When this process started (a time.monotonic() reading), once main() has run in it: commands
#: with a time limit count their start-up from it. None in other processes (tests, workers).
STARTED: float | None = None


def process_started() -> float:
    """When this process started, on the time.monotonic() clock (Linux: from /proc; elsewhere
    now)."""
    try:
        ticks = int(Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()[19])
        since_boot = float(Path("/proc/uptime").read_text().split()[0])
        age = since_boot - ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.monotonic()
    # Linux's monotonic clock and /proc/uptime both count from boot.
    return time.monotonic() - max(0.0, age)


#: Commands that read and write files only: no model, no URL, no database. Run as a process of
#: their own, they start without loading the apps (`schedule`: about 0.7 s of a time limit that
#: counts from the process's start on a quiet machine, 1.6 s on a slower one).
WITHOUT_APPS = {"schedule": "clusterloom.events.management.commands.schedule"}


def _run_without_apps(args: list[str]) -> None:
    """Run one of WITHOUT_APPS with an empty app registry: Django's translations (our catalogue
    is found through LOCALE_PATHS) and its command framework work, models would not."""
    import importlib

    from django.apps import apps
    from django.conf import settings

    settings.LOCALE_PATHS  # noqa: B018 - reads the settings module now, as django.setup() would
    apps.populate([])
    command = importlib.import_module(WITHOUT_APPS[args[0]]).Command()
    command.run_from_argv([sys.argv[0], *args])


def main(argv: list[str] | None = None) -> int:
    """Run a management command (`clusterloom migrate`, `clusterloom import-profile FILE`, ...)."""
    global STARTED
    # A process's start counts only for the command it was started for (not for later calls
    # in a long-lived process that happened to run main() once, such as a test run).
    STARTED = process_started() if argv is None else time.monotonic()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterloom.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv[1:] if argv is None else argv)
    if args and not args[0].startswith("-"):
        # Operators type `import-profile`; Django's command modules are `import_profile`.
        args[0] = args[0].replace("-", "_")
    try:
        if argv is None and args[:1] and args[0] in WITHOUT_APPS:
            _run_without_apps(args)
        else:
            execute_from_command_line([sys.argv[0], *args])
    finally:
        STARTED = None
    if argv is None:
        # The process ends next: with its objects frozen, the interpreter's last collection
        # skips them (exit 0.06 s instead of 0.55 s at load 3 with the scheduler's modules
        # loaded, 2.7 s under more load: time a command with a time limit spends after it).
        gc.freeze()
    return 0
