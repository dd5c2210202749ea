"""A bounded load test of the endpoint on 127.0.0.1, with every request verified.

    make load                                   # 50 clients for 30 seconds
    PYTHONPATH=. .venv/bin/python tests/webserver/loadtest.py --clients 10 --seconds 5

It starts the server in its own process (waitress, production settings), signing and timestamp
checks on. Alexa's certificate is replaced by one from a certificate authority made for this run,
which the server is told to trust; the chain is "fetched" from memory, as Alexa's would be from
its cache after the first request. Clients keep their connections open and send signed,
current requests (launch, cramps, help, next, it's gone) for a fixed time, then it reports
throughput, latency percentiles, errors and the server's memory, and stops the server. It fails
on any error, or if the server's memory grew by more than MAX_GROWTH_MB once warmed up.
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from alexa_signing import CHAIN_URL, CertificateAuthority

from console import envelopes
from console.nlu import Understanding

HOST = "127.0.0.1"
UTTERANCES = ("my calf is cramping", "my foot is cramping", "help", "next", "it's gone")
POOL_SIZE = 400
WARM_UP_SECONDS = 5
MAX_GROWTH_MB = 8.0


def serve(port: int, ca_path: Path, chain_path: Path, threads: int) -> None:
    """The server side: the production app, trusting only this run's authority."""
    import logging

    from webserver.__main__ import make_server
    from webserver.app import Settings, create_app
    from webserver.verification import AlexaRequestVerifier

    chain = chain_path.read_bytes()

    def fetch(url: str) -> bytes:
        if url != CHAIN_URL:
            raise OSError(f"nothing served at {url}")
        return chain

    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # queueing is the point here
    verifier = AlexaRequestVerifier(trust_roots=[ca_path.read_bytes()], fetch=fetch)
    settings = Settings(host=HOST, port=port, threads=threads)
    make_server(create_app(settings, signature_verifier=verifier), settings).run()


def signed_pool(certificate) -> list[tuple[bytes, dict]]:
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
        pool.append((body, certificate.headers(body)))
    return pool


class Client(threading.Thread):
    def __init__(self, port: int, pool, offset: int, stop: threading.Event, measuring):
        super().__init__(daemon=True)
        self.port = port
        self.pool = pool
        self.offset = offset
        self.stop = stop
        self.measuring = measuring
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def run(self):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        sent = self.offset
        while not self.stop.is_set():
            body, headers = self.pool[sent % len(self.pool)]
            sent += 1
            started = time.perf_counter()
            try:
                connection.request("POST", "/", body=body, headers=headers)
                reply = connection.getresponse()
                data = reply.read()
                ok = reply.status == 200 and b'"outputSpeech"' in data
                problem = "" if ok else f"{reply.status} {data[:120]!r}"
            except (OSError, http.client.HTTPException) as error:
                problem = repr(error)
                connection.close()
                connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
            elapsed = time.perf_counter() - started
            if self.measuring.is_set():
                self.latencies.append(elapsed)
                if problem:
                    self.errors.append(problem)
        connection.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def run(clients: int, seconds: int, threads: int) -> int:
    authority = CertificateAuthority()
    certificate = authority.issue()
    with tempfile.TemporaryDirectory() as scratch:
        ca_path, chain_path = Path(scratch, "ca.der"), Path(scratch, "chain.pem")
        ca_path.write_bytes(authority.der)
        chain_path.write_bytes(certificate.chain)
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            port = probe.getsockname()[1]
        command = [
            sys.executable,
            __file__,
            "--serve",
            str(port),
            "--ca",
            str(ca_path),
            "--chain",
            str(chain_path),
            "--threads",
            str(threads),
        ]
        server = subprocess.Popen(command, stdin=subprocess.DEVNULL, env=os.environ)
        try:
            return _measure(server, port, certificate, clients, seconds, threads)
        finally:
            server.terminate()
            server.wait(timeout=10)


def _measure(server, port, certificate, clients, seconds, threads) -> int:
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"http://{HOST}:{port}/healthz", timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    pool = signed_pool(certificate)
    stop, measuring = threading.Event(), threading.Event()
    workers = [Client(port, pool, n * 7, stop, measuring) for n in range(clients)]
    for worker in workers:
        worker.start()
    time.sleep(WARM_UP_SECONDS)
    rss_start = rss_mb(server.pid)
    measuring.set()
    started = time.perf_counter()
    rss_samples = []
    while time.perf_counter() - started < seconds:
        time.sleep(1)
        rss_samples.append(rss_mb(server.pid))
    measuring.clear()
    elapsed = time.perf_counter() - started
    stop.set()
    for worker in workers:
        worker.join(timeout=30)
    latencies = [value for worker in workers for value in worker.latencies]
    errors = [error for worker in workers for error in worker.errors]
    rss_end = rss_samples[-1]
    report = {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "server_threads": threads,
        "requests": len(latencies),
        "errors": len(errors),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 1),
        "p90_ms": round(percentile(latencies, 0.90) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "max_ms": round(max(latencies) * 1000, 1),
        "server_rss_mb_after_warm_up": round(rss_start, 1),
        "server_rss_mb_peak": round(max(rss_samples), 1),
        "server_rss_mb_end": round(rss_end, 1),
    }
    print(json.dumps(report, indent=2))
    for error in errors[:5]:
        print("error:", error, file=sys.stderr)
    growth = rss_end - rss_start
    if errors or growth > MAX_GROWTH_MB:
        print(f"FAILED: {len(errors)} errors, memory grew {growth:.1f} MB", file=sys.stderr)
        return 1
    print(f"OK: no errors, memory grew {growth:.1f} MB (limit {MAX_GROWTH_MB} MB)")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--threads", type=int, default=8, help="server worker threads")
    parser.add_argument("--serve", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--ca", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--chain", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.ca, args.chain, args.threads)
        return 0
    return run(args.clients, args.seconds, args.threads)


if __name__ == "__main__":
    sys.exit(main())
