"""The self-hosted endpoint remembers people in the store it is given (SQLite by default)."""

import json

from ask_sdk_model import RequestEnvelope
from web_helpers import body_of

from console import envelopes
from skill.app import create_skill
from skill.persistence import SqliteAdapter
from webserver.app import Settings, create_app


def test_a_session_through_the_endpoint_is_remembered_in_its_store(tmp_path, understanding):
    store = SqliteAdapter(tmp_path / "memory.sqlite3")
    client = create_app(Settings(verify_signature=False), store=store).test_client()
    session = envelopes.Session()
    for utterance in ("my calf is cramping", "it's gone", "yes", "no"):
        event = envelopes.intent_request(session, understanding.understand(utterance))
        reply = client.post("/", data=body_of(event), content_type="application/json").get_json()
        session.attributes = reply.get("sessionAttributes") or {}
        session.new = False
    launch = envelopes.launch_request(envelopes.Session(user_id=session.user_id))
    envelope = create_skill().serializer.deserialize(json.dumps(launch), RequestEnvelope)
    assert store.get_attributes(envelope)["disclaimer_heard"] is True
