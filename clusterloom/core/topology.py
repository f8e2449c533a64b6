"""The reference deployment as local processes: two gunicorn web processes behind one address,
a Celery worker and Celery beat, beside PostgreSQL and Redis (and, for tests and trials, an SMTP
sink). `clusterloom topology` runs it; the integration test and bench/ drive it from Python.

The two web processes share one address through SO_REUSEPORT (gunicorn --reuse-port: the
kernel spreads connections over both) and each also answers on a port of its own, so a test
can talk to one process and then to the other. In production a reverse proxy takes the shared
address's place (docs/operations.md).
"""

import os
import signal
import subprocess  # noqa: S404 - our own programs, argument lists, never a shell
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path


def free_port_block(count: int = 4, start: int = 18015) -> int:
    """The first of `count` consecutive loopback ports nobody listens on (from `start`)."""
    import socket

    for base in range(start, 60000, 10):
        try:
            for port in range(base, base + count):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise TopologyError(f"no {count} free consecutive ports on 127.0.0.1")


class TopologyError(Exception):
    """A process of the topology did not start."""


@dataclass
class Topology:
    """The processes of the reference deployment, started and stopped together."""

    env: dict
    host: str = "127.0.0.1"
    port: int = 8000
    web_processes: int = 2
    #: gunicorn's sync workers in each web process.
    web_workers: int = 1
    smtp_port: int | None = None
    log_dir: Path = field(default_factory=lambda: Path("var") / "topology")
    processes: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        """The one address both web processes answer."""
        return f"http://{self.host}:{self.port}"

    def web_url(self, n: int) -> str:
        """The address only web process n (1, 2, ...) answers."""
        return f"http://{self.host}:{self.port + n}"

    @property
    def mail_dir(self) -> Path:
        """The Maildir the SMTP sink writes every message it receives into."""
        return self.log_dir / "mail"

    def _spawn(self, name: str, argv: list[str]) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            argv, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        self.processes[name] = process
        return process

    def start(self, *, timeout: float = 60) -> None:
        """Start every process and wait until the web processes answer."""
        python = sys.executable
        if self.smtp_port:
            import mailbox

            self.mail_dir.parent.mkdir(parents=True, exist_ok=True)
            mailbox.Maildir(self.mail_dir, create=True)
            self._spawn(
                "smtp",
                [python, "-m", "aiosmtpd", "-n", "-l", f"{self.host}:{self.smtp_port}",
                 "-c", "aiosmtpd.handlers.Mailbox", str(self.mail_dir)],
            )  # fmt: skip
        for n in range(1, self.web_processes + 1):
            self.start_web(n)
        self.start_worker("worker-1")
        self._spawn(
            "beat",
            [python, "-m", "celery", "-A", "clusterloom", "beat", "--loglevel", "INFO",
             "--schedule", str(self.log_dir / "celerybeat-schedule")],
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        for n in range(1, self.web_processes + 1):
            self.wait_for(self.web_url(n) + "/healthz", deadline)

    def start_web(self, n: int) -> None:
        """Web process n: gunicorn on the shared address and on a port of its own."""
        self._spawn(
            f"web-{n}",
            [sys.executable, "-m", "gunicorn", "clusterloom.wsgi",
             "--workers", str(self.web_workers), "--reuse-port",
             "--bind", f"{self.host}:{self.port}", "--bind", f"{self.host}:{self.port + n}",
             "--timeout", "60", "--access-logfile", "-"],
        )  # fmt: skip

    def start_worker(self, name: str) -> subprocess.Popen:
        """A Celery worker (one process: a killed worker loses exactly its one task)."""
        return self._spawn(
            name,
            [sys.executable, "-m", "celery", "-A", "clusterloom", "worker", "--loglevel", "INFO",
             "--concurrency", "1", "--pool", "solo", "--hostname", f"{name}@%h",
             "--without-gossip", "--without-mingle"],
        )  # fmt: skip

    def wait_for(self, url: str, deadline: float) -> None:
        """Wait until `url` answers (any status below 500)."""
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
                    if response.status < 500:
                        return
            except OSError:
                pass
            dead = [name for name, p in self.processes.items() if p.poll() is not None]
            if dead or time.monotonic() > deadline:
                log = self.log_dir / f"{dead[0]}.log" if dead else None
                tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
                raise TopologyError(
                    f"{url} did not answer"
                    + (f"; {dead[0]} exited: {tail}" if dead else " in time")
                )
            time.sleep(0.3)

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """Send a signal to one process (SIGKILL: it dies at once, as on a lost machine)."""
        process = self.processes[name]
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop(self) -> None:
        """Stop every process (SIGTERM, then SIGKILL after 10 s)."""
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 10
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def describe(self) -> list[str]:
        """One line per process: name, pid, what it serves."""
        lines = []
        for name, process in self.processes.items():
            what = {
                "smtp": f"SMTP sink on {self.host}:{self.smtp_port} -> {self.mail_dir}",
                "beat": "Celery beat (periodic tasks)",
            }.get(name, "")
            if name.startswith("web-"):
                n = int(name.split("-")[1])
                what = f"gunicorn on {self.url} (shared) and {self.web_url(n)}"
            elif name.startswith("worker"):
                what = "Celery worker"
            lines.append(f"{name:<10} pid {process.pid:<8} {what}")
        return lines
