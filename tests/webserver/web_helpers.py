"""Envelopes, bodies and checks shared by the web server tests."""

import json
from datetime import UTC, datetime, timedelta

from alexa_signing import CHAIN_URL

from console import envelopes


def launch(skill_id: str = envelopes.DEFAULT_SKILL_ID) -> dict:
    return envelopes.launch_request(envelopes.Session(skill_id=skill_id))


def permission_answer(status: str) -> dict:
    """Alexa's Connections.Response to the skill asking for the reminders permission."""
    return envelopes.permission_response(envelopes.Session(), "stretch-reminder@21:00", status)


def aged(event: dict, seconds: int) -> dict:
    """The same envelope, sent ``seconds`` ago."""
    moment = datetime.now(UTC) - timedelta(seconds=seconds)
    event["request"]["timestamp"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return event


def body_of(event) -> bytes:
    return json.dumps(event).encode("utf-8")


def post_signed(client, certificate, event, url: str = CHAIN_URL):
    """POST ``event`` as Alexa would: signed by ``certificate``, its chain at ``url``."""
    body = body_of(event)
    return client.post("/", data=body, headers=certificate.headers(body, url))


def check_reply(envelope: dict, request_type: str) -> None:
    """A reply Alexa accepts: version 1.0 and, unless it ends a session, SSML speech."""
    assert envelope["version"] == "1.0"
    response = envelope["response"]
    if request_type == "SessionEndedRequest":
        assert "outputSpeech" not in response
        return
    ssml = response["outputSpeech"]["ssml"]
    assert response["outputSpeech"]["type"] == "SSML"
    assert ssml.startswith("<speak>") and ssml.endswith("</speak>")
    assert isinstance(response["shouldEndSession"], bool)


def check_refusal(reply, status: int) -> str:
    """A short JSON reason and no stack trace; returns the reason."""
    assert reply.status_code == status, reply.get_data(as_text=True)
    reason = reply.get_json()["error"]
    assert 0 < len(reason) <= 200
    assert "Traceback" not in reply.get_data(as_text=True)
    return reason
