"""A small closed-loop HTTP load generator for loopback benchmarks (standard library only).

Each client is a thread with its own keep-alive connection that sends its requests one after
another; a pass ends when every client has sent its share, so a pass always stops by itself.
Latency is measured from sending the request to reading the last byte of the body.
"""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass, field


@dataclass
class PassResult:
    """Latencies and errors of one pass against one endpoint."""

    endpoint: str
    clients: int
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0
    bytes_received: int = 0
    #: CPU the load generator itself used (it shares the machine with the server).
    client_cpu_seconds: float = 0.0

    def summary(self) -> dict:
        """Requests, median, p95, p99 (ms), throughput (requests/s), errors."""
        lat = sorted(self.latencies_ms)
        n = len(lat) + self.errors
        out = {
            "endpoint": self.endpoint,
            "clients": self.clients,
            "requests": n,
            "errors": self.errors,
            "error_samples": self.error_samples,
            "wall_seconds": round(self.wall_seconds, 3),
            "throughput_rps": round(n / self.wall_seconds, 1) if self.wall_seconds else None,
            "mean_body_bytes": round(self.bytes_received / n) if n else 0,
            "client_cpu_seconds": round(self.client_cpu_seconds, 3),
        }
        if len(lat) >= 2:
            q = statistics.quantiles(lat, n=100, method="inclusive")
            out.update(
                median_ms=round(statistics.median(lat), 2),
                p95_ms=round(q[94], 2),
                p99_ms=round(q[98], 2),
                max_ms=round(lat[-1], 2),
            )
        else:
            out.update(median_ms=None, p95_ms=None, p99_ms=None, max_ms=None)
        return out


def _fetch(conn: http.client.HTTPConnection, path: str) -> tuple[int, int]:
    """GET path on conn; return status and body length."""
    conn.request("GET", path, headers={"Accept-Language": "en"})
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body)


def run_pass(
    *,
    host: str,
    port: int,
    endpoint: str,
    paths_per_client: list[list[str]],
    timeout: float = 30.0,
) -> PassResult:
    """Send every client's paths, the clients running concurrently; collect the latencies."""
    clients = len(paths_per_client)
    result = PassResult(endpoint=endpoint, clients=clients)
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(paths: list[str]) -> None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
        local_lat: list[float] = []
        local_errors: list[str] = []
        received = 0
        barrier.wait()
        for path in paths:
            started = time.perf_counter()
            try:
                try:
                    status, size = _fetch(conn, path)
                except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                    # The server closed an idle keep-alive connection: reconnect once, as a
                    # browser does; the reconnect counts in this request's latency.
                    conn.close()
                    conn = http.client.HTTPConnection(host, port, timeout=timeout)
                    status, size = _fetch(conn, path)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection(host, port, timeout=timeout)
                local_errors.append(f"{path}: {type(exc).__name__}: {exc}")
                continue
            elapsed_ms = (time.perf_counter() - started) * 1000
            received += size
            if status == 200:
                local_lat.append(elapsed_ms)
            else:
                local_errors.append(f"{path}: HTTP {status}")
        conn.close()
        with lock:
            result.latencies_ms.extend(local_lat)
            result.errors += len(local_errors)
            room = 5 - len(result.error_samples)
            result.error_samples.extend(local_errors[: max(0, room)])
            result.bytes_received += received

    threads = [
        threading.Thread(target=client, args=(paths,), daemon=True) for paths in paths_per_client
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    cpu_started = time.process_time()
    for thread in threads:
        thread.join()
    result.wall_seconds = time.perf_counter() - started
    result.client_cpu_seconds = time.process_time() - cpu_started
    return result
