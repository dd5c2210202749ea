"""A bounded load test of the endpoint on 127.0.0.1, every request verified, beside a hello world.

    make load                                          # the defaults below, about 3 minutes
    make load ARGS="--port 5900 --workers 1 --rates 100,300 --seconds 10"
    PYTHONPATH=. .venv/bin/python tests/webserver/loadtest.py -h

Two servers are measured the same way, one after the other, in the same run: Cramp Coach as
``python -m webserver`` runs it (waitress, worker processes, production settings), and a bare
flask-ask-sdk hello world (bench/hello_world.py's skill behind the SDK's own SkillAdapter and
RequestVerifier) under the same waitress settings. Alexa's certificate is replaced by one from a
certificate authority made for this run, which both servers trust alone; the chain is
"downloaded" from memory. The hello world validates the chain on every request, as the SDK does.

For each server: a warm-up, then a closed loop (``--clients`` keep-alive clients sending signed
launch, cramp, help, next and "it's gone" requests back to back for ``--seconds``: throughput and
latency), then an open loop at each fixed offered rate of ``--rates`` for ``--rate-seconds`` each
(requests sent on a fixed schedule whatever the answers, latency measured from when each was due,
so a slow server cannot hide its queue). The closed loop also reports the server's CPU time per
request (all its processes), which other load on the machine disturbs far less than latency,
and the cores the server kept busy (with the machine to itself, up to one a worker).
Then Cramp Coach's figures over the hello world's. It fails on any error from Cramp Coach (the
hello world's are reported), or if a server's memory grew by more than MAX_GROWTH_MB a worker.
"""

import argparse
import itertools
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from alexa_signing import CHAIN_URL, CertificateAuthority

from console import envelopes
from console.nlu import Understanding

HOST = "127.0.0.1"
UTTERANCES = ("my calf is cramping", "my foot is cramping", "help", "next", "it's gone")
POOL_SIZE = 400
WARM_UP_SECONDS = 5
MAX_GROWTH_MB = 8.0
#: Connections the open loop keeps: enough that a request is never late for want of one.
OPEN_LOOP_CONNECTIONS = 100
SERVERS = ("cramp-coach", "hello-world")


# --- The servers ----------------------------------------------------------------------------


def serve(kind: str, port: int, ca_path: Path, chain_path: Path, args) -> int:
    """The server side, in its own process: ``kind`` on ``port``, trusting only this run's CA."""
    import logging
    import warnings

    from cryptography.utils import CryptographyDeprecationWarning

    from webserver.__main__ import listen
    from webserver.__main__ import serve as serve_workers
    from webserver.app import Settings

    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # queueing is the point here
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)  # the SDK's, every request
    ca, chain = ca_path.read_bytes(), chain_path.read_bytes()
    settings = Settings(host=HOST, port=port, workers=args.workers, threads=args.threads)
    build = {"cramp-coach": coach_app, "hello-world": hello_world_app}[kind]
    return serve_workers(settings, listen(settings), lambda: build(settings, ca, chain, args))


def from_memory(chain: bytes):
    def fetch(url: str) -> bytes:
        if url != CHAIN_URL:
            raise OSError(f"nothing served at {url}")
        return chain

    return fetch


def coach_app(settings, ca: bytes, chain: bytes, args):
    from webserver.app import create_app
    from webserver.verification import AlexaRequestVerifier

    verifier_class = AlexaRequestVerifier
    if args.validate_every_request:

        class ValidatingEveryRequest(AlexaRequestVerifier):
            """No chain cache: the chain validated on every request, as the SDK does."""

            def _validated_chain(self, url):
                return self._validate_cert_chain(self._load_cert_chain(url))

        verifier_class = ValidatingEveryRequest
    verifier = verifier_class(trust_roots=[ca], fetch=from_memory(chain))
    return create_app(settings, signature_verifier=verifier)


def hello_world_app(settings, ca: bytes, chain: bytes, args):
    """bench/hello_world.py's skill behind flask-ask-sdk as its guide shows, with the SDK's own
    verifiers; only the trust root and the download are this run's."""
    from ask_sdk_webservice_support.verifier import RequestVerifier
    from asn1crypto import pem
    from certvalidator import CertificateValidator, ValidationContext
    from flask import Flask
    from flask_ask_sdk.skill_adapter import VERIFY_SIGNATURE_APP_CONFIG, SkillAdapter

    from bench.hello_world import sb

    class StockVerifier(RequestVerifier):
        """The SDK's RequestVerifier, trusting the run's CA instead of the system's roots."""

        def _load_cert_chain(self, cert_url):
            if cert_url not in self._cert_cache:
                self._cert_cache[cert_url] = from_memory(chain)(cert_url)
            return self._cert_cache[cert_url]

        def _validate_cert_chain(self, cert_chain):
            certificates = [der for _, _, der in pem.unarmor(cert_chain, multiple=True)]
            context = ValidationContext(trust_roots=[ca])
            validator = CertificateValidator(certificates[0], certificates[1:], context)
            validator.validate_usage(key_usage={"digital_signature"})

    app = Flask("hello_world")
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    adapter = SkillAdapter(skill=sb.create(), skill_id=None, verifiers=[StockVerifier()], app=app)
    adapter.register(app=app, route="/")
    app.add_url_rule("/healthz", "healthz", lambda: {"status": "ok"})
    return app


# --- The clients ----------------------------------------------------------------------------


def signed_pool(certificate) -> list[bytes]:
    """Complete HTTP requests, signed and current, ready to send on a keep-alive connection.

    Made again for each phase: a request is current for 150 s, and a whole run is longer."""
    understanding = Understanding("en-US")
    pool = []
    for number in range(POOL_SIZE):
        session = envelopes.Session()
        kind = number % (len(UTTERANCES) + 1)
        if kind == len(UTTERANCES):
            event = envelopes.launch_request(session)
        else:
            event = envelopes.intent_request(session, understanding.understand(UTTERANCES[kind]))
        body = json.dumps(event).encode()
        headers = {**certificate.headers(body), "Host": HOST, "Content-Length": str(len(body))}
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        pool.append(f"POST / HTTP/1.1\r\n{head}\r\n".encode() + body)
    return pool


class Connection:
    """A keep-alive HTTP/1.1 connection that sends prepared requests: a client as cheap as can
    be, so that the client's own CPU takes as little as possible from the server's."""

    def __init__(self, port: int):
        self.port = port
        self.socket = None
        self.buffer = b""

    def exchange(self, request: bytes) -> str:
        """Send ``request``; "" if answered 200 with speech, else what went wrong."""
        try:
            if self.socket is None:
                self.socket = socket.create_connection((HOST, self.port), timeout=30)
                self.buffer = b""
            self.socket.sendall(request)
            status, body = self._response()
        except OSError as error:
            self.close()
            return repr(error)
        if status != 200 or b'"outputSpeech"' not in body:
            return f"{status} {body[:120]!r}"
        return ""

    def _response(self) -> tuple[int, bytes]:
        while b"\r\n\r\n" not in self.buffer:
            self._receive()
        head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
        lines = head.split(b"\r\n")
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(self.buffer) < length:
            self._receive()
        body, self.buffer = self.buffer[:length], self.buffer[length:]
        return int(lines[0].split()[1]), body

    def _receive(self) -> None:
        data = self.socket.recv(65536)
        if not data:
            raise ConnectionError("the server closed the connection")
        self.buffer += data

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
            self.socket = None


@dataclass
class Outcome:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def summary(self) -> dict:
        ordered = sorted(self.latencies)

        def at(fraction: float) -> float:
            return round(ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000, 1)

        return {
            "requests": len(ordered),
            "errors": len(self.errors),
            "rps": round(len(ordered) / self.seconds, 1),
            "p50_ms": at(0.50),
            "p99_ms": at(0.99),
            "max_ms": round(ordered[-1] * 1000, 1),
        }


def closed_loop(port: int, pool: list[bytes], clients: int, seconds: float) -> Outcome:
    """``clients`` connections, each sending its next request as soon as the last is answered."""
    outcome = Outcome(seconds=seconds)
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client(offset: int) -> None:
        connection = Connection(port)
        latencies, errors = [], []
        for sent in itertools.count(offset):
            started = time.perf_counter()
            if started >= deadline:
                break
            problem = connection.exchange(pool[sent % len(pool)])
            latencies.append(time.perf_counter() - started)
            if problem:
                errors.append(problem)
        connection.close()
        with lock:
            outcome.latencies += latencies
            outcome.errors += errors

    _run_threads(client, [n * 7 for n in range(clients)])
    return outcome


def open_loop(port: int, pool: list[bytes], rate: float, seconds: float) -> Outcome:
    """Requests due every 1/``rate`` seconds for ``seconds``, each sent when due (or as soon as a
    connection is free); its latency counts from when it was due."""
    outcome = Outcome(seconds=seconds)
    lock = threading.Lock()
    due = itertools.count()
    start = time.perf_counter() + 0.2
    total = int(rate * seconds)

    def sender(_: int) -> None:
        connection = Connection(port)
        latencies, errors = [], []
        while True:
            with lock:
                number = next(due)
            if number >= total:
                break
            when = start + number / rate
            wait = when - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            problem = connection.exchange(pool[number % len(pool)])
            latencies.append(time.perf_counter() - when)
            if problem:
                errors.append(problem)
        connection.close()
        with lock:
            outcome.latencies += latencies
            outcome.errors += errors

    _run_threads(sender, range(OPEN_LOOP_CONNECTIONS))
    outcome.seconds = time.perf_counter() - start  # longer than planned if the server lagged
    return outcome


def _run_threads(target, arguments) -> None:
    threads = [threading.Thread(target=target, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


# --- A run ----------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and its children (the workers), in MB."""
    pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    total = 0
    for one in pids:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of ``pid`` and its children (the workers) so far."""
    pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    ticks = 0
    for one in pids:
        fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime: fields 14 and 15
    return ticks / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def measure(kind: str, port: int, files: tuple[Path, Path], certificate, args) -> dict:
    ca_path, chain_path = files
    command = [sys.executable, __file__, "--serve", kind, "--port", str(port)]
    command += ["--ca", str(ca_path), "--chain", str(chain_path)]
    command += ["--workers", str(args.workers), "--threads", str(args.threads)]
    if args.validate_every_request:
        command.append("--validate-every-request")
    server = subprocess.Popen(command, stdin=subprocess.DEVNULL, env=os.environ)
    try:
        _wait_until_healthy(server, port)
        closed_loop(port, signed_pool(certificate), args.clients, WARM_UP_SECONDS)
        rss_start = rss_mb(server.pid)
        cpu_start = cpu_seconds(server.pid)
        closed = closed_loop(port, signed_pool(certificate), args.clients, args.seconds)
        cpu = cpu_seconds(server.pid) - cpu_start
        report = {"closed_loop": closed.summary()}
        report["closed_loop"]["server_cpu_ms"] = round(cpu / len(closed.latencies) * 1000, 2)
        # Cores the server kept busy: with one worker at most 1; less when others share them.
        report["closed_loop"]["server_cores"] = round(cpu / closed.seconds, 2)
        report["first_errors"] = closed.errors[:3]
        for rate in args.rates:
            opened = open_loop(port, signed_pool(certificate), rate, args.rate_seconds)
            report[f"open_loop_{rate:g}_rps"] = opened.summary()
            report["first_errors"] += opened.errors[: 3 - len(report["first_errors"])]
        report["rss_mb"] = [round(rss_start, 1), round(rss_mb(server.pid), 1)]
        return report
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait_until_healthy(server: subprocess.Popen, port: int) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server never answered /healthz")


def ratios(coach: dict, hello: dict) -> dict:
    """Cramp Coach's figures over the hello world's (throughput: above 1 is faster; latency:
    below 1 is faster)."""
    result = {}
    for part, figures in coach.items():
        if not isinstance(figures, dict):
            continue
        other = hello[part]
        result[part] = {
            name: round(figures[name] / other[name], 3)
            for name in ("rps", "p50_ms", "p99_ms", "server_cpu_ms")
            if other.get(name)
        }
    return result


def run(args) -> int:
    authority = CertificateAuthority()
    certificate = authority.issue()
    with tempfile.TemporaryDirectory() as scratch:
        files = (Path(scratch, "ca.der"), Path(scratch, "chain.pem"))
        files[0].write_bytes(authority.der)
        files[1].write_bytes(certificate.chain)
        ports = {"cramp-coach": args.port or free_port(), "hello-world": free_port()}
        reports = {kind: measure(kind, at, files, certificate, args) for kind, at in ports.items()}
    setup = {
        "workers": args.workers,
        "threads": args.threads,
        "clients": args.clients,
        "seconds": args.seconds,
        "rate_seconds": args.rate_seconds,
        "cores": os.cpu_count(),
        "chain_cache": not args.validate_every_request,
    }
    ratio = ratios(reports["cramp-coach"], reports["hello-world"])
    print(json.dumps({"setup": setup, **reports, "cramp_coach_over_hello_world": ratio}, indent=2))
    failures = []
    for kind, report in reports.items():
        errors = sum(part["errors"] for part in report.values() if isinstance(part, dict))
        growth = report["rss_mb"][1] - report["rss_mb"][0]
        if errors and kind == "cramp-coach":
            failures.append(f"{kind}: {errors} errors")
        elif errors:  # the yardstick, overloaded: worth knowing, not a failure of the skill
            print(f"note: {kind}: {errors} errors", file=sys.stderr)
        if growth > MAX_GROWTH_MB * args.workers:
            failures.append(f"{kind}: memory grew {growth:.1f} MB")
    if failures:
        print("FAILED: " + "; ".join(failures), file=sys.stderr)
        return 1
    print("OK: no errors, memory within bounds")
    return 0


def main() -> int:
    from webserver.app import Settings

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, help="Cramp Coach's port (default: a free one)")
    parser.add_argument("--workers", type=int, default=Settings().workers, help="%(default)s")
    parser.add_argument("--threads", type=int, default=Settings().threads, help="%(default)s")
    parser.add_argument("--clients", type=int, default=50, help="closed loop (%(default)s)")
    parser.add_argument("--seconds", type=float, default=30, help="closed loop (%(default)s)")
    parser.add_argument(
        "--rates",
        type=lambda text: [float(rate) for rate in text.split(",")],
        default=[50.0, 200.0, 400.0],
        help="open loop: offered requests a second, comma-separated (50,200,400)",
    )
    parser.add_argument("--rate-seconds", type=float, default=10, help="each rate (%(default)s)")
    parser.add_argument(
        "--validate-every-request",
        action="store_true",
        help="Cramp Coach without its chain cache, to measure what the cache saves",
    )
    parser.add_argument("--serve", choices=SERVERS, help=argparse.SUPPRESS)
    parser.add_argument("--ca", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--chain", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        return serve(args.serve, args.port, args.ca, args.chain, args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
