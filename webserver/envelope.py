"""Checks that a request body is an Alexa request envelope this skill can answer.

Only the fields the skill, the SDK and the verifiers read are checked, with the types Alexa
sends; everything else is left to the SDK. Each check gives a short reason for a 400.
"""

from datetime import datetime
from typing import Any

from ask_sdk_model import Request

#: Every request type the SDK's model knows (LaunchRequest, IntentRequest, events, ...).
KNOWN_REQUEST_TYPES = frozenset(Request.discriminator_value_class_map)

_MISSING = object()


class EnvelopeProblem(ValueError):
    """The body is JSON but not a request envelope this endpoint accepts."""


def application_ids(event: dict) -> set[str]:
    """The skill ids an envelope names (context, and session when there is one)."""
    ids = {event["context"]["System"]["application"]["applicationId"]}
    session = event.get("session")
    if session and "application" in session:
        ids.add(session["application"]["applicationId"])
    return ids


def check(event: Any) -> None:
    """Raise EnvelopeProblem with a short reason unless ``event`` is a usable envelope."""
    if not isinstance(event, dict):
        raise EnvelopeProblem("the body is not a JSON object")
    _field(event, "version", str)
    request = _field(event, "request", dict)
    request_type = _field(request, "type", str, where="request")
    if request_type not in KNOWN_REQUEST_TYPES:
        raise EnvelopeProblem("unknown request type")
    _field(request, "requestId", str, where="request")
    _timestamp(_field(request, "timestamp", str, where="request"))
    _field(request, "locale", str, where="request", required=False)
    system = _field(_field(event, "context", dict), "System", dict, where="context")
    application = _field(system, "application", dict, where="context.System")
    _field(application, "applicationId", str, where="context.System.application")
    session = _field(event, "session", dict, required=False)
    if session is not None:
        _session(session)
    if request_type == "IntentRequest":
        _intent(_field(request, "intent", dict, where="request"))


def _session(session: dict) -> None:
    _field(session, "new", bool, where="session", required=False)
    _field(session, "sessionId", str, where="session", required=False)
    _field(session, "attributes", dict, where="session", required=False)
    application = _field(session, "application", dict, where="session", required=False)
    if application is not None:
        _field(application, "applicationId", str, where="session.application")


def _intent(intent: dict) -> None:
    _field(intent, "name", str, where="request.intent")
    slots = _field(intent, "slots", dict, where="request.intent", required=False) or {}
    for slot in slots.values():
        if not isinstance(slot, dict):
            raise EnvelopeProblem("request.intent.slots holds a slot that is not an object")
        _field(slot, "name", str, where="request.intent.slots")
        _field(slot, "value", str, where="request.intent.slots", required=False)
        _field(slot, "resolutions", dict, where="request.intent.slots", required=False)


def _field(parent: dict, name: str, kind: type, where: str = "", required: bool = True):
    """``parent[name]`` if it has type ``kind``; None if optional and absent or null."""
    path = f"{where}.{name}" if where else name
    value = parent.get(name, _MISSING)
    if value is _MISSING or (value is None and not required):
        if required:
            raise EnvelopeProblem(f"{path} is missing")
        return None
    if not isinstance(value, kind):
        raise EnvelopeProblem(f"{path} must be {_KIND_NAMES[kind]}")
    return value


def _timestamp(text: str) -> None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise EnvelopeProblem("request.timestamp is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise EnvelopeProblem("request.timestamp has no time zone")


_KIND_NAMES = {str: "a string", dict: "an object", bool: "true or false"}
