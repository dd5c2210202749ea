"""The Flask app: the skill behind flask-ask-sdk's SkillAdapter, with clear answers to bad input.

POST / takes Alexa requests; GET /healthz answers load balancers. Before the adapter sees a
request, the body is checked (content type, size, UTF-8 JSON, the envelope's fields, the skill
id). The adapter then checks the timestamp and the signature, and dispatches to the skill.
Every refusal is a 4xx with a short JSON reason; a 500 means a bug, and shows no stack trace.
"""

import json
import logging
from dataclasses import dataclass

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_model import RequestEnvelope
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
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

from skill.app import create_skill
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
    # flask-ask-sdk reads these once, when the SkillAdapter is created: set them first. The
    # SDK's own RequestVerifier is replaced by the hardened one passed in as a custom verifier.
    app.config[VERIFY_TIMESTAMP_APP_CONFIG] = settings.verify_timestamp
    app.config[VERIFY_SIGNATURE_APP_CONFIG] = False
    verifiers = []
    if settings.verify_signature:
        verifiers.append(signature_verifier or AlexaRequestVerifier())
    warn_if_unverified(settings)
    app.logger.addFilter(_not_the_adapters_refusal)

    skill = create_skill(skill_id=settings.skill_id, persistence_adapter=store)
    adapter = SkillAdapter(skill=skill, skill_id=settings.skill_id, verifiers=verifiers, app=app)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.post("/")
    def alexa():
        text, event = _read_json_body()
        try:
            envelope.check(event)
            skill.serializer.deserialize(text, RequestEnvelope)
        except envelope.EnvelopeProblem as problem:
            raise BadRequest(str(problem)) from None
        except SerializationException:
            raise BadRequest("the request envelope could not be read") from None
        if settings.skill_id and envelope.application_ids(event) != {settings.skill_id}:
            raise BadRequest("the request is for another skill")
        try:
            return adapter.dispatch_request()
        except BadRequest as refused:
            raise BadRequest(_verification_reason(refused)) from None

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


def _not_the_adapters_refusal(record: logging.LogRecord) -> bool:
    """The adapter logs each refusal as an error with a traceback; http_error logs it in a line."""
    return record.msg != "Request verification failed"


def _read_json_body() -> tuple[str, object]:
    """The request's body as text and as parsed JSON, or a 4xx saying what is wrong with it."""
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
        return text, json.loads(text)
    except ValueError:
        raise BadRequest("the body is not valid JSON") from None
    except RecursionError:
        raise BadRequest("the body is nested too deeply") from None


def _verification_reason(refused: BadRequest) -> str:
    """The adapter says only "failed verification"; the verifier's own message says why."""
    cause = refused.__context__
    if isinstance(cause, VerificationException) and cause.args:
        return f"request verification failed: {cause.args[0]}"
    return refused.description or "request verification failed"
