"""A CanFulfillIntentRequest through the self-hosted endpoint: signed, verified, answered."""

import json
from pathlib import Path

from web_helpers import aged, body_of, check_refusal, post_signed

REQUEST = Path(__file__).resolve().parent.parent / "requests" / "can_fulfill_cramp_calf.json"


def asking() -> dict:
    return aged(json.loads(REQUEST.read_text(encoding="utf-8")), seconds=0)


def test_a_signed_can_fulfill_request_is_answered_yes(client, alexa_certificate):
    reply = post_signed(client, alexa_certificate, asking())
    assert reply.status_code == 200
    assert reply.get_json()["response"] == {
        "canFulfillIntent": {
            "canFulfill": "YES",
            "slots": {"bodyPart": {"canUnderstand": "YES", "canFulfill": "YES"}},
        }
    }


def test_an_unsigned_can_fulfill_request_is_refused(client):
    event = asking()
    reply = client.post("/", data=body_of(event), content_type="application/json")
    check_refusal(reply, 400)


def test_a_can_fulfill_request_without_an_intent_is_refused(client, alexa_certificate):
    event = asking()
    del event["request"]["intent"]
    assert "request.intent is missing" in check_refusal(
        post_signed(client, alexa_certificate, event), 400
    )
