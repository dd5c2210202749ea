"""Alexa request envelopes as Alexa sends them (JSON-shaped dicts), for the console and tests."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from console.nlu import Match

DEFAULT_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
API_ENDPOINT = "https://api.amazonalexa.com"


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


def launch_request(session: Session) -> dict:
    return _envelope(session, {"type": "LaunchRequest"})


def intent_request(session: Session, match: Match) -> dict:
    """An IntentRequest: every declared slot is present; filled ones carry value and resolution."""
    slots = {name: {"name": name, "confirmationStatus": "NONE"} for name in match.declared_slots}
    for name, slot in match.slots.items():
        slots[name] = {
            "name": name,
            "value": slot.spoken,
            "confirmationStatus": "NONE",
            "source": "USER",
            "resolutions": {"resolutionsPerAuthority": [_resolution(session, slot)]},
        }
    intent = {"name": match.intent, "confirmationStatus": "NONE"}
    if slots:
        intent["slots"] = slots
    return _envelope(
        session, {"type": "IntentRequest", "dialogState": "COMPLETED", "intent": intent}
    )


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
        "context": {
            "System": {
                "application": {"applicationId": session.skill_id},
                "user": {"userId": session.user_id},
                "device": {"deviceId": session.device_id, "supportedInterfaces": {}},
                "apiEndpoint": API_ENDPOINT,
            }
        },
        "request": request,
    }
