"""Alexa request envelopes as Alexa sends them (JSON-shaped dicts), for the console and tests."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from console.nlu import Match

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
API_ENDPOINT = "https://api.amazonalexa.com"
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Session:
    """One Alexa session: its ids, and the attributes the skill hands back each turn.

    ``clock`` gives each request's timestamp: the real time, or a fixed one in tests, so that no
    test depends on the time of day.
    """

    skill_id: str = DEFAULT_SKILL_ID
    user_id: str = field(default_factory=lambda: f"amzn1.ask.account.{uuid.uuid4().hex}")
    session_id: str = field(default_factory=lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    device_id: str = field(default_factory=lambda: f"amzn1.ask.device.{uuid.uuid4().hex}")
    attributes: dict = field(default_factory=dict)
    new: bool = True
    locale: str = "en-US"
    clock: Callable[[], datetime] = utc_now
    # Where the skill reaches Alexa's APIs, the token it calls them with (none: the console has
    # no Alexa service behind it), and the permissions the person has granted it.
    api_endpoint: str = API_ENDPOINT
    api_access_token: str | None = None
    permissions: tuple[str, ...] = ()


def launch_request(session: Session) -> dict:
    return _envelope(session, {"type": "LaunchRequest"})


def intent_request(session: Session, match: Match, dialog_state: str = "COMPLETED") -> dict:
    """An IntentRequest: every declared slot is present; filled ones carry value and resolution,
    or for a built-in type (AMAZON.TIME) the value Alexa resolved it to. An answer to a question
    the skill asked with Dialog.ElicitSlot comes with the dialog IN_PROGRESS."""
    slots = {name: {"name": name, "confirmationStatus": "NONE"} for name in match.declared_slots}
    for name, slot in match.slots.items():
        slots[name] = {
            "name": name,
            "value": slot.spoken,
            "confirmationStatus": "NONE",
            "source": "USER",
            "resolutions": {"resolutionsPerAuthority": [_resolution(session, slot)]},
        }
        if slot.slot_type.startswith("AMAZON."):
            slots[name] = {**slots[name], "value": slot.value_id}
            del slots[name]["resolutions"]
    intent = {"name": match.intent, "confirmationStatus": "NONE"}
    if slots:
        intent["slots"] = slots
    return _envelope(
        session, {"type": "IntentRequest", "dialogState": dialog_state, "intent": intent}
    )


def permission_response(session: Session, token: str, status: str) -> dict:
    """Alexa's answer after asking the person for the reminders permission (AskFor, version 2):
    status ACCEPTED, DENIED or NOT_ANSWERED, and the token the skill sent with its request."""
    payload = {
        "permissionScopes": [{"permissionScope": REMINDERS_SCOPE, "consentLevel": "ACCOUNT"}],
        "status": status,
    }
    request = {
        "type": "Connections.Response",
        "name": "AskFor",
        "status": {"code": "200", "message": "OK"},
        "token": token,
        "payload": payload,
    }
    return _envelope(session, request)


def session_ended_request(session: Session, reason: str = "USER_INITIATED") -> dict:
    return _envelope(session, {"type": "SessionEndedRequest", "reason": reason})


def skill_disabled_event(user_id: str, skill_id: str = DEFAULT_SKILL_ID) -> dict:
    """What Alexa sends, outside any session, when a person disables the skill."""
    now = _timestamp(utc_now())
    return {
        "version": "1.0",
        "context": {
            "System": {
                "application": {"applicationId": skill_id},
                "user": {"userId": user_id},
                "apiEndpoint": API_ENDPOINT,
            }
        },
        "request": {
            "type": "AlexaSkillEvent.SkillDisabled",
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": now,
            "eventCreationTime": now,
            "eventPublishingTime": now,
            "body": {"userInformationPersistenceStatus": "PERSISTED"},
        },
    }


def _timestamp(moment: datetime) -> str:
    """A request timestamp as Alexa writes it: UTC, to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _resolution(session: Session, slot) -> dict:
    authority = f"amzn1.er-authority.echo-sdk.{session.skill_id}.{slot.slot_type}"
    if slot.value_id is None:
        return {"authority": authority, "status": {"code": "ER_SUCCESS_NO_MATCH"}}
    return {
        "authority": authority,
        "status": {"code": "ER_SUCCESS_MATCH"},
        "values": [{"value": {"name": slot.value_name, "id": slot.value_id}}],
    }


def _envelope(session: Session, request: dict) -> dict:
    """Session and context each get their own ``application`` and ``user`` objects, as in the
    JSON Alexa sends, so that a test can change one without the other."""
    user = {"userId": session.user_id}
    if session.permissions:
        user["permissions"] = {
            "consentToken": session.api_access_token or "",
            "scopes": {scope: {"status": "GRANTED"} for scope in session.permissions},
        }
    system = {
        "application": {"applicationId": session.skill_id},
        "user": user,
        "device": {"deviceId": session.device_id, "supportedInterfaces": {}},
        "apiEndpoint": session.api_endpoint,
    }
    if session.api_access_token:
        system["apiAccessToken"] = session.api_access_token
    request = {
        **request,
        "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
        "timestamp": _timestamp(session.clock()),
        "locale": session.locale,
    }
    return {
        "version": "1.0",
        "session": {
            "new": session.new,
            "sessionId": session.session_id,
            "application": {"applicationId": session.skill_id},
            "attributes": dict(session.attributes),
            "user": {"userId": session.user_id},
        },
        "context": {"System": system},
        "request": request,
    }
