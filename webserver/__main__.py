"""Serve Cramp Coach as an Alexa HTTPS endpoint's back end, under waitress.

    python -m webserver                      # 127.0.0.1:5000, verification on, a worker a core
    python -m webserver --host 0.0.0.0 --port 8080 --skill-id amzn1.ask.skill.…

Put it behind a reverse proxy or tunnel that terminates HTTPS (see the README).
"""

import argparse
import contextlib
import logging
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

import waitress

from skill.persistence import store_from_environment
from webserver.app import Settings, create_app

#: Where the skill's persistence (skill.persistence) reads the SQLite file from.
STORE_PATH_ENV = "CRAMP_COACH_SQLITE_PATH"
#: waitress's own cap, well above the app's (MAX_BODY_BYTES), so that the app, not waitress,
#: answers an oversized body: with the JSON reason, where waitress would answer in plain text.
#: Only bodies over this get waitress's plain 413; it bounds what waitress buffers per request.
WAITRESS_MAX_BODY_BYTES = 1024 * 1024
#: Open connections a worker keeps (waitress's default is 100, and idle keep-alive connections
#: count: 100 of them stopped the server accepting any other). Polled, not select()ed, so the
#: number is not bounded by select's 1,024 descriptors.
CONNECTION_LIMIT = 1000
#: Seconds a connection may stay silent before it is closed (waitress's default is 120).
IDLE_TIMEOUT = 30
#: How often, in seconds, silent connections are looked for.
IDLE_CHECK_INTERVAL = 5
#: Connections the kernel queues while every worker is busy.
BACKLOG = 1024
#: A worker that fails on its own sooner than this after it started is not started again:
#: something is wrong with the configuration, and starting it again would only spin. (A worker
#: killed by a signal, by the kernel's OOM killer or an operator, is always replaced.)
MIN_WORKER_LIFE_SECONDS = 5

log = logging.getLogger("webserver")


def parse_settings(argv: list[str] | None = None, environ=os.environ) -> Settings:
    """Flags win over the environment, which wins over the defaults (argparse checks both).

    Nothing is written back: ``environ`` is only read, and main() hands ``store_path`` to the
    skill's persistence itself (see ``store_environment``).
    """
    defaults = Settings()
    parser = argparse.ArgumentParser(prog="python -m webserver", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--host",
        default=environ.get("CRAMP_COACH_HOST", defaults.host),
        help="address to listen on (CRAMP_COACH_HOST; default %(default)s)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=environ.get("CRAMP_COACH_PORT", defaults.port),
        help="port to listen on (CRAMP_COACH_PORT; default %(default)s)",
    )
    parser.add_argument(
        "--skill-id",
        default=environ.get("SKILL_ID") or defaults.skill_id,
        help="refuse requests for any other skill (SKILL_ID, as for the Lambda)",
    )
    parser.add_argument(
        "--store-path",
        default=environ.get(STORE_PATH_ENV),
        help=f"SQLite file for what the skill remembers ({STORE_PATH_ENV})",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=environ.get("CRAMP_COACH_WORKERS", defaults.workers),
        help="worker processes sharing the port (CRAMP_COACH_WORKERS; default: one a core, "
        "%(default)s here)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=environ.get("CRAMP_COACH_THREADS", defaults.threads),
        help="threads per worker (CRAMP_COACH_THREADS; default %(default)s)",
    )
    parser.add_argument(
        "--dev-skip-signature-check",
        action="store_true",
        help="DEVELOPMENT ONLY: accept requests that Alexa did not sign (e.g. virtual-alexa)",
    )
    parser.add_argument(
        "--dev-skip-timestamp-check",
        action="store_true",
        help="DEVELOPMENT ONLY: accept requests with any timestamp (e.g. replayed fixtures)",
    )
    args = parser.parse_args(argv)
    if args.workers < 1 or args.threads < 1:
        parser.error("--workers and --threads must be at least 1")
    return Settings(
        host=args.host,
        port=args.port,
        skill_id=args.skill_id,
        verify_signature=not args.dev_skip_signature_check,
        verify_timestamp=not args.dev_skip_timestamp_check,
        workers=args.workers,
        threads=args.threads,
        store_path=args.store_path or None,
    )


def store_environment(settings: Settings, environ=os.environ) -> dict:
    """What skill.persistence.store_from_environment reads: ``environ``, with the SQLite path
    from the settings when one was given (the flag, or the variable itself)."""
    if not settings.store_path:
        return dict(environ)
    return {**environ, STORE_PATH_ENV: settings.store_path}


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = parse_settings(argv)
    try:
        listener = listen(settings)
    except OSError as error:
        print(
            f"python -m webserver: cannot listen on {settings.host}:{settings.port}: "
            f"{error.strerror or error}",
            file=sys.stderr,
        )
        return 1

    def build_app():
        store = store_from_environment(store_environment(settings), default="sqlite")
        log.info("store: %s", _describe(store))
        return create_app(settings, store=store)

    log.info(
        "Cramp Coach listening on http://%s:%d (%d worker%s x %d threads, skill id check: %s)",
        settings.host,
        listener.getsockname()[1],
        settings.workers,
        "" if settings.workers == 1 else "s",
        settings.threads,
        settings.skill_id or "off",
    )
    return serve(settings, listener, build_app)


def listen(settings: Settings) -> socket.socket:
    """The listening socket every worker accepts on. OSError if the address cannot be used."""
    family, kind, protocol, _, address = socket.getaddrinfo(
        settings.host, settings.port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    listener = socket.socket(family, kind, protocol)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(BACKLOG)
    except OSError:
        listener.close()
        raise
    return listener


def make_server(app, settings: Settings, listener: socket.socket | None = None):
    """The waitress server for ``app`` on ``listener`` (bound from ``settings`` if None), not
    yet serving (``.run()`` serves)."""
    return waitress.create_server(
        app,
        sockets=[listener or listen(settings)],
        threads=settings.threads,
        max_request_body_size=WAITRESS_MAX_BODY_BYTES,
        connection_limit=CONNECTION_LIMIT,
        channel_timeout=IDLE_TIMEOUT,
        cleanup_interval=IDLE_CHECK_INTERVAL,
        backlog=BACKLOG,
        asyncore_use_poll=True,
        ident="cramp-coach",
    )


def serve(settings: Settings, listener: socket.socket, build_app: Callable[[], object]) -> int:
    """Serve until SIGTERM or SIGINT: here with one worker, else in ``settings.workers`` forked
    processes accepting on the same socket (each builds its own app: its own store connection,
    trust roots and caches). A worker that dies is replaced."""
    if settings.workers == 1:
        signal.signal(signal.SIGTERM, _exit_quietly)
        make_server(build_app(), settings, listener).run()
        return 0
    return Supervisor(settings, listener, build_app).run()


class Supervisor:
    """The parent of the worker processes: starts them, replaces one that dies, stops them all."""

    def __init__(self, settings: Settings, listener: socket.socket, build_app):
        self.settings = settings
        self.listener = listener
        self.build_app = build_app
        self.workers: dict[int, float] = {}  # pid -> when it started
        self.stopping = False

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        for _ in range(self.settings.workers):
            self._start_worker()
        failed = False
        while self.workers:
            pid, status = os.wait()
            started = self.workers.pop(pid, None)
            if started is None or self.stopping:
                continue
            log.error("worker %d stopped (%s)", pid, _exit_reason(status))
            failed_at_start = time.monotonic() - started < MIN_WORKER_LIFE_SECONDS
            if failed_at_start and not os.WIFSIGNALED(status):
                log.error("a worker stopped as soon as it started: stopping the server")
                failed = True
                self._stop()
            else:
                self._start_worker()
        return 1 if failed else 0

    def _start_worker(self) -> None:
        # Until the child has its own handlers, a SIGTERM would run the supervisor's _stop in it
        # (killing its siblings, and leaving it serving): held back across the fork, delivered
        # after, to whichever handler is then in place.
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
        pid = os.fork()
        if pid:
            self.workers[pid] = time.monotonic()
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            return
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the supervisor stops the workers
            signal.signal(signal.SIGTERM, _exit_quietly)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            make_server(self.build_app(), self.settings, self.listener).run()
            code = 0
        except SystemExit:  # SIGTERM before the server was serving
            code = 0
        except BaseException:
            log.exception("worker %d failed", os.getpid())
        finally:
            logging.shutdown()
            os._exit(code)

    def _stop(self, *_signal) -> None:
        self.stopping = True
        for pid in list(self.workers):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)


def _exit_quietly(*_signal) -> None:
    """SIGTERM: waitress's loop ends on SystemExit and closes its sockets."""
    raise SystemExit(0)


def _exit_reason(status: int) -> str:
    if os.WIFSIGNALED(status):
        return f"signal {os.WTERMSIG(status)}"
    return f"exit code {os.waitstatus_to_exitcode(status)}"


def _describe(store) -> str:
    """The store for the start-up log line: its file or table, or none."""
    if store is None:
        return "none"
    return str(getattr(store, "path", None) or getattr(store, "table_name", type(store).__name__))


if __name__ == "__main__":
    sys.exit(main())
