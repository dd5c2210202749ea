"""The Flask app: the skill behind flask-ask-sdk's SkillAdapter, with clear answers to bad input.

POST / takes Alexa requests; GET /healthz answers load balancers. The view first makes the cheap
checks, in this order: the content type, the size, the body read once (Flask caches it for the
adapter), UTF-8, one JSON parse, how deeply it nests, the fields the skill reads
(``webserver.envelope.fields``) and the skill id. Then ``SkillAdapter.dispatch_request``
deserializes the envelope (the only time it is), runs the verifiers on the exact bytes received
(timestamp, then the hardened signature check) and calls ``skill.invoke``: the skill is a
``ReliefFirstSkill``, whose answer to a readable request is relief speech, never an exception,
if the skill fails inside. Only when the SDK cannot deserialize the envelope does
``webserver.envelope.readable`` walk it, to name the field in the 400.
Every refusal is a 4xx with a short JSON reason and one escaped log line; a 500 means a bug, and
shows no stack trace. No log line quotes a body.
"""

import json
import logging
import os
from dataclasses import dataclass, field

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException
from flask import Flask, jsonify, request
from flask_ask_sdk.skill_adapter import (
    VERIFY_SIGNATURE_APP_CONFIG,
    VERIFY_TIMESTAMP_APP_CONFIG,
    SkillAdapter,
)
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    InternalServerError,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

from skill.app import create_skill
from skill.nesting import nested_too_deeply
from webserver import envelope
from webserver.verification import AlexaRequestVerifier

log = logging.getLogger(__name__)

#: Alexa requests are a few kilobytes; anything over this is refused with 413.
MAX_BODY_BYTES = 128 * 1024
#: Longest reason put in a 4xx body (verifier messages can quote the request).
MAX_REASON_CHARS = 200


def available_cores() -> int:
    """The cores this process may run on (all of the machine's where that cannot be known)."""
    if hasattr(os, "sched_getaffinity"):  # Linux
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    """How the endpoint runs. The defaults are the production ones."""

    host: str = "127.0.0.1"
    port: int = 5000
    skill_id: str | None = None
    verify_signature: bool = True
    verify_timestamp: bool = True
    #: Processes sharing the port (python -m webserver): one for each core this process may use.
    workers: int = field(default_factory=available_cores)
    #: Threads per worker.
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
    # flask-ask-sdk reads these once, when the SkillAdapter is created: set them first. The
    # SDK's own RequestVerifier is off; the hardened one is passed in as a custom verifier.
    # The adapter runs its timestamp verifier (from the config) before the custom ones, so a
    # replayed request is refused before any certificate work.
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = settings.verify_timestamp
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    verifiers: list[AbstractVerifier] = []
    if settings.verify_signature:
        verifiers.append(signature_verifier or AlexaRequestVerifier())
    warn_if_unverified(settings)
    app.logger.addFilter(_not_the_adapters_refusal)

    # The view checks the skill id (of the context and of the session) before the adapter runs,
    # so the skill is built without its own check: one check, where it can say why.
    skill = create_skill(persistence_adapter=store)
    skill.serializer = EnvelopeSerializer()
    adapter = SkillAdapter(skill=skill, skill_id=settings.skill_id, verifiers=verifiers, app=app)

    # Only the methods each route names: no automatic OPTIONS (HEAD stays, with GET).
    @app.get("/healthz", provide_automatic_options=False)
    def healthz():
        return jsonify(status="ok")

    @app.post("/", provide_automatic_options=False)
    def alexa():
        event = _read_json_body()
        try:
            envelope.fields(event)
        except envelope.EnvelopeProblem as problem:
            raise BadRequest(str(problem)) from None
        if settings.skill_id and envelope.application_ids(event) != {settings.skill_id}:
            raise BadRequest("the request is for another skill")
        try:
            return adapter.dispatch_request()
        except BadRequest as refused:
            raise BadRequest(_verification_reason(refused)) from None
        except InternalServerError as failed:
            if isinstance(failed.__context__, UnreadableEnvelope):
                raise BadRequest(_unreadable_reason(event)) from None
            raise InternalServerError("internal error") from None  # the adapter has logged it

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        reason = (error.description or error.name)[:MAX_REASON_CHARS]
        log.info(
            "refused %s %s: %d %s",
            for_log(request.method),
            for_log(request.path[:MAX_REASON_CHARS]),
            error.code,
            for_log(reason),
        )
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


class UnreadableEnvelope(SerializationException):
    """The SDK's deserializer could not read the envelope (its own error is not kept: its
    message quotes the body)."""


class EnvelopeSerializer(DefaultSerializer):
    """The SDK's serializer, whose deserializer failing is told apart from any other failure."""

    def deserialize(self, payload, obj_type):
        try:
            return super().deserialize(payload, obj_type)
        except Exception as error:
            raise UnreadableEnvelope(type(error).__name__) from None


def for_log(text: str) -> str:
    """``text`` on one line: newlines, other control characters and non-ASCII escaped, so that
    no request can write a line of its own into the log."""
    return text.encode("unicode_escape").decode("ascii")


def _not_the_adapters_refusal(record: logging.LogRecord) -> bool:
    """The adapter logs each refusal, and each envelope it cannot read, as an error with a
    traceback (which may quote the body); http_error logs them in one line instead."""
    if record.msg == "Request verification failed":
        return False
    return not (record.exc_info and isinstance(record.exc_info[1], UnreadableEnvelope))


def _unreadable_reason(event) -> str:
    """Which field the SDK could not read, for the 400."""
    try:
        envelope.readable(event)
    except envelope.EnvelopeProblem as problem:
        return str(problem)
    return "the request envelope could not be read"


def _read_json_body() -> object:
    """The request's body parsed as JSON, or a 4xx saying what is wrong with it.

    The body is read with Flask's cache, so the adapter reads the same bytes without reading
    the stream again."""
    if request.mimetype != "application/json":
        raise UnsupportedMediaType("the body must be JSON (Content-Type: application/json)")
    try:
        body = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise RequestEntityTooLarge(f"the body is over {MAX_BODY_BYTES // 1024} KB") from None
    if not body:
        raise BadRequest("the body is empty")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the body is not UTF-8") from None
    try:
        event = json.loads(text, parse_constant=_not_json)
    except ValueError:
        raise BadRequest("the body is not valid JSON") from None
    except RecursionError:
        raise BadRequest("the body is nested too deeply") from None
    if nested_too_deeply(event):
        raise BadRequest("the body is nested too deeply")
    return event


def _not_json(constant: str):
    """NaN and Infinity: Python's json reads them, but they are not JSON."""
    raise ValueError(f"{constant} is not JSON")


def _verification_reason(refused: BadRequest) -> str:
    """The adapter says only "failed verification"; the verifier's own message says why."""
    cause = refused.__context__
    if isinstance(cause, VerificationException):
        reason = cause.args[0] if cause.args else "unknown reason"
        return f"request verification failed: {reason}"
    return refused.description or "request verification failed"
