"""`clusterloom topology`: the reference deployment on this machine, for a trial or a test."""

import os
import signal
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from clusterloom.core.topology import Topology, TopologyError


class Command(BaseCommand):
    """Migrate, then run two web processes, a worker and beat until Ctrl-C."""

    help = (
        "Run the reference deployment: two gunicorn web processes behind one address, a Celery "
        "worker and Celery beat, each its own process, on the PostgreSQL of DATABASE_URL and "
        "the Redis of CELERY_BROKER_URL and CACHE_URL. Stops them all on Ctrl-C."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("TOPOLOGY_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port",
            type=int,
            default=int(os.environ.get("TOPOLOGY_PORT", 8000)),
            help="the shared address; web process n also answers on PORT+n (default 8000)",
        )
        parser.add_argument(
            "--smtp-sink",
            type=int,
            default=None,
            metavar="PORT",
            help="also run an SMTP sink on PORT that keeps every message in "
            "var/topology/mail (Maildir); point EMAIL_PORT at it",
        )
        parser.add_argument("--no-migrate", action="store_true")

    def handle(self, *args, host, port, smtp_sink, no_migrate, **options):
        missing = [
            name
            for name, ok in (
                (
                    "DATABASE_URL (PostgreSQL)",
                    settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
                ),
                ("CELERY_BROKER_URL (Redis)", bool(settings.CELERY_BROKER_URL)),
                ("CACHE_URL (Redis)", bool(settings.CACHE_URL)),
            )
            if not ok
        ]
        if missing:
            raise CommandError(
                "The reference deployment needs " + ", ".join(missing) + " in the environment, "
                "e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/clusterloom "
                "CELERY_BROKER_URL=redis://127.0.0.1:6379/0 CACHE_URL=redis://127.0.0.1:6379/1"
            )
        if not no_migrate:
            call_command("migrate", interactive=False, verbosity=0)
        env = dict(os.environ)
        if smtp_sink:
            env.update(
                EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                EMAIL_HOST=host,
                EMAIL_PORT=str(smtp_sink),
            )
        topology = Topology(
            env=env,
            host=host,
            port=port,
            smtp_port=smtp_sink,
            log_dir=Path(settings.VAR_DIR) / "topology",
        )
        stop = []
        signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
        try:
            topology.start()
            self.stdout.write(f"The reference deployment answers on {topology.url}:")
            for line in topology.describe():
                self.stdout.write("  " + line)
            self.stdout.write(f"Logs in {topology.log_dir}. Ctrl-C stops every process.")
            while not stop:
                dead = [n for n, p in topology.processes.items() if p.poll() is not None]
                if dead:
                    raise CommandError(f"{dead[0]} stopped; see {topology.log_dir}/{dead[0]}.log")
                time.sleep(1)
        except TopologyError as error:
            raise CommandError(str(error)) from None
        except KeyboardInterrupt:
            pass
        finally:
            topology.stop()
