"""Hostile edges of both doors: each a 4xx or relief speech, never a 500, a leak or a forged log."""

import logging
from datetime import datetime

import pytest
from dateutil.parser import parse as sdk_parse
from web_helpers import aged, body_of, check_refusal, check_reply, launch, post_signed

from console import envelopes
from skill.app import create_skill, handle_event
from skill.nesting import MAX_NESTING, nested_too_deeply
from webserver import envelope as envelope_checks


def nested(depth: int) -> list:
    """Lists ``depth`` deep: [[[...]]] (built without recursion, as a parser would)."""
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


def deep_body(event: dict, depth: int) -> bytes:
    """``event``'s body with a field the SDK does not read, so that it nests ``depth`` deep."""
    inner = depth - 1  # the envelope itself is 1
    return b'{"Extra": ' + b"[" * inner + b"]" * inner + b", " + body_of(event)[1:]


# --- Timestamps: one strict form -----------------------------------------------------------


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-11-29T16:03:10WZ",
        "2026-11-29T16:03:10 Z",
        "2026-11-29 16:03:10Z",
        "2026-11-29T16:03Z",
        "2026-11-29T16:03:10+0100",
        "2026-11-29T16:03:10.Z",
        "2026-11-29T16:03:10.1234567Z",
        "2026-13-29T16:03:10Z",
        "2026-11-29T16:03:61Z",
        "\u0662\u0660\u0662\u0666-11-29T16:03:10Z",
        "1764432190",
    ],
)
def test_a_timestamp_not_in_alexas_form_is_refused(client, alexa_certificate, timestamp):
    event = launch()
    event["request"]["timestamp"] = timestamp
    reply = post_signed(client, alexa_certificate, event)
    assert "request.timestamp is not an ISO 8601 time" in check_refusal(reply, 400)


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-11-29T16:03:10Z",
        "2026-11-29T16:03:10.5Z",
        "2026-11-29T16:03:10.123456Z",
        "2026-11-29T17:03:10+01:00",
        "2026-11-29T11:33:10.250-04:30",
    ],
)
def test_an_accepted_timestamp_is_read_the_same_by_the_check_and_by_the_sdk(timestamp):
    event = launch()
    event["request"]["timestamp"] = timestamp
    envelope_checks.fields(event)
    assert datetime.fromisoformat(timestamp) == sdk_parse(timestamp)
    assert sdk_parse(timestamp).tzinfo is not None


def test_a_current_timestamp_with_an_offset_is_answered(client, alexa_certificate):
    event = launch()
    moment = datetime.fromisoformat(event["request"]["timestamp"]).astimezone()
    event["request"]["timestamp"] = moment.isoformat(timespec="milliseconds")
    assert post_signed(client, alexa_certificate, event).status_code == 200


@pytest.mark.parametrize(("age", "status"), [(30 * 60, 200), (61 * 60, 400)])
def test_skill_events_get_the_sdks_hour_long_timestamp_window(
    client, alexa_certificate, age, status
):
    event = aged(envelopes.skill_disabled_event(user_id="amzn1.ask.account.OLD"), seconds=age)
    reply = post_signed(client, alexa_certificate, event)
    assert reply.status_code == status


# --- Nesting: one bound, at both doors -----------------------------------------------------


def test_the_bound_counts_containers_only():
    assert not nested_too_deeply("[" * 5000)
    assert not nested_too_deeply(nested(MAX_NESTING))
    assert nested_too_deeply(nested(MAX_NESTING + 1))
    assert nested_too_deeply({"a": [{"b": nested(MAX_NESTING - 2)}]})
    assert not nested_too_deeply({"a": [{"b": nested(MAX_NESTING - 3)}]})


def test_a_body_nested_to_the_bound_is_answered(client, alexa_certificate):
    body = deep_body(launch(), MAX_NESTING)
    reply = client.post("/", data=body, headers=alexa_certificate.headers(body))
    assert reply.status_code == 200
    check_reply(reply.get_json(), "LaunchRequest")


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 500, 979, 985, 995, 5000])
def test_a_body_nested_past_the_bound_is_refused_and_not_logged(
    client, alexa_certificate, caplog, depth
):
    caplog.set_level(logging.DEBUG)
    event = launch()
    body = deep_body(event, depth)
    reply = client.post("/", data=body, headers=alexa_certificate.headers(body))
    assert check_refusal(reply, 400) == "the body is nested too deeply"
    assert event["session"]["sessionId"] not in caplog.text
    assert event["session"]["user"]["userId"] not in caplog.text


@pytest.mark.parametrize("depth", [MAX_NESTING + 1, 979, 991])
def test_the_lambda_door_gives_relief_and_logs_no_body(caplog, depth):
    caplog.set_level(logging.DEBUG)
    event = launch()
    event["session"]["attributes"] = {"deep": nested(depth - 3)}
    reply = handle_event(create_skill(), event)
    check_reply(reply, "LaunchRequest")
    assert reply["response"]["shouldEndSession"] is True
    assert "amzn1.ask.account" not in caplog.text
    assert event["session"]["sessionId"] not in caplog.text
    assert "nested more than" in caplog.text


def test_the_lambda_door_names_an_unreadable_envelope_without_quoting_it(caplog):
    caplog.set_level(logging.DEBUG)
    event = launch()
    event["request"]["timestamp"] = "not a time at all"
    reply = handle_event(create_skill(), event)
    check_reply(reply, "LaunchRequest")
    assert "not a time at all" not in caplog.text
    assert event["session"]["sessionId"] not in caplog.text
    assert "unreadable request envelope: SerializationException" in caplog.text


# --- The SDK reads first; the field walk names what it could not read ----------------------


@pytest.fixture
def walks(monkeypatch):
    """Each time the endpoint walks an envelope field by field."""
    seen = []
    readable = envelope_checks.readable

    def counting(event):
        seen.append(event)
        return readable(event)

    monkeypatch.setattr(envelope_checks, "readable", counting)
    return seen


def test_a_readable_envelope_is_not_walked_field_by_field(client, alexa_certificate, say, walks):
    for event in (launch(), say("my calf is cramping")):
        assert post_signed(client, alexa_certificate, event).status_code == 200
    assert walks == []


def test_an_envelope_the_sdk_cannot_read_is_named_and_not_logged(
    client, alexa_certificate, say, walks, caplog
):
    caplog.set_level(logging.DEBUG)
    event = say("my calf is cramping")
    event["request"]["intent"]["confirmationStatus"] = "MAYBE_SO"
    reply = post_signed(client, alexa_certificate, event)
    assert check_refusal(reply, 400) == "request.intent.confirmationStatus is not a known value"
    assert len(walks) == 1
    assert "MAYBE_SO" not in caplog.text
    assert event["session"]["sessionId"] not in caplog.text
    assert not [record for record in caplog.records if record.exc_info]


# --- Logs cannot be forged ----------------------------------------------------------------


def refusal_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("refused")]


def test_a_newline_in_the_path_stays_on_the_refusal_line(client, caplog):
    caplog.set_level(logging.INFO)
    client.post("/x%0A2026-01-01 INFO webserver.app healthy%0D", json={})
    [line] = refusal_lines(caplog)
    assert "\n" not in line and "\r" not in line
    assert "/x\\n2026-01-01 INFO webserver.app healthy\\r" in line


def test_a_newline_in_a_json_key_stays_on_the_refusal_line(client, alexa_certificate, say, caplog):
    caplog.set_level(logging.INFO)
    event = say("my calf is cramping")
    slots = event["request"]["intent"]["slots"]
    slots["x\nINFO webserver.app forged"] = {"name": "x", "confirmationStatus": "MAYBE_SO"}
    reply = post_signed(client, alexa_certificate, event)
    assert "forged" in check_refusal(reply, 400)
    [line] = refusal_lines(caplog)
    assert "\n" not in line
    assert "x\\nINFO webserver.app forged" in line


# --- Methods -------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/healthz"])
def test_options_is_not_allowed(client, path):
    check_refusal(client.options(path), 405)


def test_head_of_the_health_check_answers(client):
    assert client.head("/healthz").status_code == 200
