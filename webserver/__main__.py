"""Serve Cramp Coach as an Alexa HTTPS endpoint's back end, under waitress.

    python -m webserver                      # 127.0.0.1:5000, verification on
    python -m webserver --host 0.0.0.0 --port 8080 --skill-id amzn1.ask.skill.…

Put it behind a reverse proxy or tunnel that terminates HTTPS (see the README).
"""

import argparse
import logging
import os
import sys

import waitress

from skill.persistence import store_from_environment
from webserver.app import Settings, create_app

#: Where the skill's persistence (skill.persistence) reads the SQLite file from.
STORE_PATH_ENV = "CRAMP_COACH_SQLITE_PATH"
#: waitress's own cap, well above the app's (MAX_BODY_BYTES), so that the app, not waitress,
#: answers an oversized body: with the JSON reason, where waitress would answer in plain text.
#: Only bodies over this get waitress's plain 413; it bounds what waitress buffers per request.
WAITRESS_MAX_BODY_BYTES = 1024 * 1024

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
        "--threads",
        type=int,
        default=environ.get("CRAMP_COACH_THREADS", defaults.threads),
        help="worker threads (CRAMP_COACH_THREADS; default %(default)s)",
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
    return Settings(
        host=args.host,
        port=args.port,
        skill_id=args.skill_id,
        verify_signature=not args.dev_skip_signature_check,
        verify_timestamp=not args.dev_skip_timestamp_check,
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
    store = store_from_environment(store_environment(settings), default="sqlite")
    app = create_app(settings, store=store)
    log.info(
        "Cramp Coach listening on http://%s:%d (skill id check: %s, store: %s)",
        settings.host,
        settings.port,
        settings.skill_id or "off",
        _describe(store),
    )
    server = make_server(app, settings)
    server.print_listen("Serving on http://{}:{}")
    server.run()
    return 0


def make_server(app, settings: Settings):
    """The waitress server for ``app``, bound but not yet serving (``.run()`` serves)."""
    return waitress.create_server(
        app,
        host=settings.host,
        port=settings.port,
        threads=settings.threads,
        max_request_body_size=WAITRESS_MAX_BODY_BYTES,
        ident="cramp-coach",
    )


def _describe(store) -> str:
    """The store for the start-up log line: its file or table, or none."""
    if store is None:
        return "none"
    return str(getattr(store, "path", None) or getattr(store, "table_name", type(store).__name__))


if __name__ == "__main__":
    sys.exit(main())
