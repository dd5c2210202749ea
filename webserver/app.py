"""The Flask app: Alexa requests checked, verified and handed to the skill's safe entry.

POST / takes Alexa requests; GET /healthz answers load balancers. One view does everything, in
this order: read the body once, parse it as JSON once, check the envelope's fields and the skill
id, run the verifiers (timestamp, then signature) on the exact bytes received, then answer with
``skill.app.handle_event``, the entry every door uses (which also promises relief speech if
the skill fails inside). Every refusal is a 4xx with a short JSON reason; a 500 means a bug,
and shows no stack trace.
"""

import json
import logging
from dataclasses import dataclass

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import Request, RequestEnvelope
from ask_sdk_webservice_support.verifier import (
    AbstractVerifier,
    TimestampVerifier,
    VerificationException,
)
from flask import Flask, jsonify, request
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

from skill.app import create_skill, handle_event
from webserver import envelope
from webserver.verification import AlexaRequestVerifier

log = logging.getLogger(__name__)

#: Alexa requests are a few kilobytes; anything over this is refused with 413.
MAX_BODY_BYTES = 128 * 1024
#: Longest reason put in a 4xx body (verifier messages can quote the request).
MAX_REASON_CHARS = 200


@dataclass(frozen=True)
class Settings:
    """How the endpoint runs. The defaults are the production ones."""

    host: str = "127.0.0.1"
    port: int = 5000
    skill_id: str | None = None
    verify_signature: bool = True
    verify_timestamp: bool = True
    threads: int = 8
    #: SQLite file for what the skill remembers (None: skill.persistence's own default).
    store_path: str | None = None


def create_app(
    settings: Settings,
    signature_verifier: AbstractVerifier | None = None,
    store: AbstractPersistenceAdapter | None = None,
) -> Flask:
    """Build the app. ``signature_verifier`` replaces the Amazon one (tests, load test); ``store``
    is where the skill remembers people between sessions (skill.persistence), if anywhere."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    # The cheap check first: a replayed request is refused before any certificate work.
    verifiers: list[AbstractVerifier] = []
    if settings.verify_timestamp:
        verifiers.append(TimestampVerifier())
    if settings.verify_signature:
        verifiers.append(signature_verifier or AlexaRequestVerifier())
    warn_if_unverified(settings)

    # The view checks the skill id (of the context and of the session) before anything else
    # runs, so the skill is built without its own check: one check, where it can say why.
    skill = create_skill(persistence_adapter=store)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.post("/")
    def alexa():
        text, event = _read_json_body()
        try:
            timestamp = envelope.check(event)
        except envelope.EnvelopeProblem as problem:
            raise BadRequest(str(problem)) from None
        if settings.skill_id and envelope.application_ids(event) != {settings.skill_id}:
            raise BadRequest("the request is for another skill")
        if verifiers:
            # What the verifiers read of a deserialized envelope (the timestamp verifier: the
            # request's type and time), without deserializing it: handle_event does that once.
            seen = RequestEnvelope(
                request=Request(object_type=event["request"]["type"], timestamp=timestamp)
            )
            try:
                for verifier in verifiers:
                    verifier.verify(request.headers, text, seen)
            except VerificationException as refused:
                reason = refused.args[0] if refused.args else "unknown reason"
                raise BadRequest(f"request verification failed: {reason}") from None
        return jsonify(handle_event(skill, event))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        reason = (error.description or error.name)[:MAX_REASON_CHARS]
        log.info("refused %s %s: %d %s", request.method, request.path, error.code, reason)
        return jsonify(error=reason), error.code

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        log.error("unexpected error", exc_info=error)
        return jsonify(error="internal error"), 500

    return app


def warn_if_unverified(settings: Settings) -> None:
    """Log loudly, at every start, that requests are not being verified."""
    skipped = [
        check
        for check, on in (
            ("SIGNATURE", settings.verify_signature),
            ("TIMESTAMP", settings.verify_timestamp),
        )
        if not on
    ]
    if skipped:
        log.warning(
            "!!! DEVELOPMENT ONLY: request %s verification is OFF. Anyone who can reach this "
            "endpoint can pose as Alexa. Never expose it like this. !!!",
            " and ".join(skipped),
        )


def _read_json_body() -> tuple[str, object]:
    """The request's body as text and as parsed JSON, or a 4xx saying what is wrong with it."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("the body must be JSON (Content-Type: application/json)")
    try:
        body = request.get_data(cache=False)
    except RequestEntityTooLarge:
        raise RequestEntityTooLarge(f"the body is over {MAX_BODY_BYTES // 1024} KB") from None
    if not body:
        raise BadRequest("the body is empty")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not UTF-8") from None
    try:
        return text, json.loads(text, parse_constant=_not_json)
    except ValueError:
        raise BadRequest("the body is not valid JSON") from None
    except RecursionError:
        raise BadRequest("the body is nested too deeply") from None


def _not_json(constant: str):
    """NaN and Infinity: Python's json reads them, but they are not JSON."""
    raise ValueError(f"{constant} is not JSON")
