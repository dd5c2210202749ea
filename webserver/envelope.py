"""Checks that a request body is an Alexa request envelope this skill can answer.

Two kinds of check, each giving a short reason for a 400:

- ``fields``: the fields the skill and the verifiers read, with the types Alexa sends (with the
  clearest reasons), the request's ``locale`` as a language tag and its ``timestamp`` in the one
  form Alexa sends. Cheap; the endpoint runs it on every request.
- ``readable``: every field the SDK's model knows, against the types its deserializer turns them
  into. It mirrors ask_sdk_core's DefaultSerializer without building objects, so it can say which
  field the SDK could not read. The endpoint runs it only when the SDK's deserializer has failed:
  on the happy path an envelope is read once, by the SDK.

``check`` is both: what the endpoint accepts.
"""

import importlib
import re
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any

from ask_sdk_model import Request, RequestEnvelope
from dateutil.parser import parse as parse_time

#: Every request type the SDK's model knows (LaunchRequest, IntentRequest, events, ...).
KNOWN_REQUEST_TYPES = frozenset(Request.discriminator_value_class_map)
#: Requests that always come in a session (Alexa leaves it out only for AudioPlayer, VideoApp,
#: PlaybackController requests and skill events).
SESSION_REQUEST_TYPES = frozenset({"LaunchRequest", "IntentRequest", "SessionEndedRequest"})
#: A BCP 47 language tag as Alexa sends it ("en-US"): letters, then short letter-digit parts.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,4}")
#: An ISO 8601 time as Alexa sends it ("2026-11-29T16:03:10Z", perhaps with a fraction of a
#: second or an offset): the one form accepted, read the same by this check and by the SDK.
TIMESTAMP = re.compile(
    r"(?P<time>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?)(?P<zone>Z|[+-]\d\d:\d\d)?", re.ASCII
)

_MISSING = object()


class EnvelopeProblem(ValueError):
    """The body is JSON but not a request envelope this endpoint accepts."""


def application_ids(event: dict) -> set[str | None]:
    """The skill ids an envelope names (context, and session when there is one); a session
    application that is not an object names None, which is no skill's id."""
    ids = {event["context"]["System"]["application"]["applicationId"]}
    session = event.get("session")
    if session and "application" in session:
        application = session["application"]
        ids.add(application.get("applicationId") if isinstance(application, dict) else None)
    return ids


def check(event: Any, language_tags: bool = True) -> None:
    """Raise EnvelopeProblem with a short reason unless ``event`` is a usable envelope: the
    ``fields`` the skill reads, and ``readable`` by the SDK."""
    fields(event, language_tags)
    readable(event)


def fields(event: Any, language_tags: bool = True) -> None:
    """Raise EnvelopeProblem unless the fields the skill and the verifiers read are usable.

    ``language_tags=False`` lets any string be the locale
    (the tests use it to send hostile locales to the skill itself).
    """
    if not isinstance(event, dict):
        raise EnvelopeProblem("the body is not a JSON object")
    _field(event, "version", str)
    request = _field(event, "request", dict)
    request_type = _field(request, "type", str, where="request")
    if request_type not in KNOWN_REQUEST_TYPES:
        raise EnvelopeProblem("unknown request type")
    _field(request, "requestId", str, where="request")
    _timestamp(_field(request, "timestamp", str, where="request"))
    locale = _field(request, "locale", str, where="request", required=False)
    if language_tags and locale is not None and not LANGUAGE_TAG.fullmatch(locale):
        raise EnvelopeProblem("request.locale is not a language tag")
    system = _field(_field(event, "context", dict), "System", dict, where="context")
    application = _field(system, "application", dict, where="context.System")
    _field(application, "applicationId", str, where="context.System.application")
    required = request_type in SESSION_REQUEST_TYPES
    session = _field(event, "session", dict, required=required)
    if session is not None:
        _session(session)
    if request_type in ("IntentRequest", "CanFulfillIntentRequest"):
        _intent(_field(request, "intent", dict, where="request"))


def readable(event: dict) -> None:
    """Raise EnvelopeProblem where the SDK could not deserialize ``event`` as a RequestEnvelope."""
    try:
        _readable(event, RequestEnvelope, "")
    except RecursionError:  # slot values can nest lists in lists
        raise EnvelopeProblem("the body is nested too deeply") from None


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
        resolutions = _field(
            slot, "resolutions", dict, where="request.intent.slots", required=False
        )
        if resolutions is not None:
            _resolutions(resolutions)


def _resolutions(resolutions: dict) -> None:
    """Entity resolution, as the skill reads it: each authority's status code and value ids."""
    authorities = _field(
        resolutions, "resolutionsPerAuthority", list, where=_RESOLUTIONS, required=False
    )
    where = f"{_RESOLUTIONS}.resolutionsPerAuthority"
    for authority in authorities or []:
        if not isinstance(authority, dict):
            raise EnvelopeProblem(f"{where} holds an entry that is not an object")
        status = _field(authority, "status", dict, where=where)
        _field(status, "code", str, where=f"{where}.status")
        for value in _field(authority, "values", list, where=where, required=False) or []:
            if not isinstance(value, dict):
                raise EnvelopeProblem(f"{where}.values holds an entry that is not an object")
            inner = _field(value, "value", dict, where=f"{where}.values")
            _field(inner, "id", str, where=f"{where}.values.value")


_RESOLUTIONS = "request.intent.slots.resolutions"


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


def _timestamp(text: str) -> datetime:
    parts = TIMESTAMP.fullmatch(text)
    if not parts:
        raise EnvelopeProblem("request.timestamp is not an ISO 8601 time")
    if not parts["zone"]:
        raise EnvelopeProblem("request.timestamp has no time zone")
    try:
        return datetime.fromisoformat(text)
    except ValueError:  # the right form, but no such time (month 13, second 61)
        raise EnvelopeProblem("request.timestamp is not an ISO 8601 time") from None


_KIND_NAMES = {str: "a string", dict: "an object", bool: "true or false", list: "a list"}


# --- What the SDK's deserializer accepts -------------------------------------------------------

#: ask_sdk_core.serialize.DefaultSerializer's names for built-in types.
_NATIVE_TYPES = {
    "int": int,
    "long": int,
    "float": float,
    "str": str,
    "bool": bool,
    "date": date,
    "datetime": datetime,
    "object": object,
}


@cache
def _model_class(name: str) -> type:
    module, _, class_name = name.rpartition(".")
    return getattr(importlib.import_module(module), class_name)


@cache
def _fields(model: type) -> tuple[tuple[str, str], ...]:
    """(JSON key, type name) for each attribute the deserializer reads from a model's JSON."""
    names = getattr(model, "attribute_map", {})
    return tuple((names.get(attr, attr), kind) for attr, kind in model.deserialized_types.items())


def _readable(value: Any, kind: str | type, path: str) -> None:
    """Follows DefaultSerializer.__deserialize: where it would raise, raise EnvelopeProblem."""
    if value is None:
        return
    if isinstance(kind, str):
        if kind.startswith("list["):
            if not isinstance(value, list):
                raise EnvelopeProblem(f"{path} must be a list")
            for item in value:
                _readable(item, kind[5:-1].strip(), f"{path}[]")
            return
        if kind.startswith("dict("):
            if not isinstance(value, dict):
                raise EnvelopeProblem(f"{path} must be an object")
            item_kind = kind[5:-1].split(",", 1)[1].strip()
            for key, item in value.items():
                _readable(item, item_kind, _join(path, key))
            return
        kind = _NATIVE_TYPES.get(kind) or _model_class(kind)
    if kind is object:
        return
    if kind in (date, datetime):
        try:
            parse_time(value)
        except Exception:  # the SDK's parse fails on non-text with errors of many kinds
            raise EnvelopeProblem(f"{path} is not a time") from None
        return
    if kind in (str, int, float, bool):
        try:
            kind(value)
        except (TypeError, UnicodeEncodeError):  # the SDK keeps such a value as it is
            pass
        except Exception:
            raise EnvelopeProblem(f"{path} is not {kind.__name__}") from None
        return
    if issubclass(kind, Enum):
        try:
            kind(value)
        except (ValueError, TypeError):
            raise EnvelopeProblem(f"{path} is not a known value") from None
        return
    if not hasattr(kind, "deserialized_types"):
        return
    if not isinstance(value, dict):
        raise EnvelopeProblem(f"{path or 'the body'} must be an object")
    if hasattr(kind, "get_real_child_model"):
        try:
            child = kind.get_real_child_model(value)
        except (KeyError, TypeError):
            child = None
        if not child:
            raise EnvelopeProblem(f"{path} has no known type")
        kind = _model_class(child)
    for key, item_kind in _fields(kind):
        if key in value:
            _readable(value[key], item_kind, _join(path, key))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
