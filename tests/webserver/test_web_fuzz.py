"""Property-based fuzzing: malformed and random envelopes never crash either door.

Envelopes start from real ones (launch, intents from the model, session end, a saved state) and
get fields removed, retyped or replaced, and hostile locales; random JSON and random bytes come
too. The Lambda handler must always answer with a valid response; the HTTP endpoint must answer
200 with a valid response or a 4xx with a short reason, never a 500.

A valid response alone cannot show a bug in the skill: any exception inside it becomes relief
speech. So for a well-typed envelope (one the endpoint's checks accept) the skill must also not
have logged a failure ("request ... failed", "unreadable request envelope").
"""

import copy
import json
import logging
import os
import re
from contextlib import contextmanager

import lambda_function
import pytest
from ask_sdk_model import RequestEnvelope
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from web_helpers import check_refusal

from console import envelopes
from console.nlu import Understanding
from skill.app import create_skill
from webserver import envelope as envelope_checks
from webserver.app import Settings, create_app
from webserver.envelope import KNOWN_REQUEST_TYPES

#: FUZZ_EXAMPLES=3000 for a longer hunt than make test's. On CI (CI set) the examples are drawn
#: from a fixed seed, so a run there is repeatable; elsewhere every run draws new ones.
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
    derandomize=bool(os.environ.get("CI")),
)
#: Locales no Alexa sends; each must still be answered (the endpoint refuses the ones that are
#: not language tags).
HOSTILE_LOCALES = ("../../x", "", "zz-ZZ", "x" * 5_000, "en_US", "EN-us", "-", "en\x00", "../en")
SKILL_FAILURE = re.compile(r"request .* failed|unreadable request envelope")
UTTERANCES = ("my calf is cramping", "next", "repeat", "it's gone", "yes", "no", "stop", "blah")
STATE_FIELDS = ("stage", "sequence", "step", "escalation", "question", "disclaimer_heard")

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.sampled_from(["", "relief", "calf", "IntentRequest", "2030-01-01T00:00:00Z"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


def _real_envelopes() -> list[dict]:
    understanding = Understanding("en-US")
    session = envelopes.Session()
    found = [envelopes.launch_request(session), envelopes.session_ended_request(session)]
    found += [envelopes.intent_request(session, understanding.understand(u)) for u in UTTERANCES]
    return found


REAL_ENVELOPES = _real_envelopes()


def _paths(value, prefix=()):
    """Every key path into nested dicts and lists."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        yield (*prefix, key)
        if isinstance(child, dict | list):
            yield from _paths(child, (*prefix, key))


@st.composite
def mutated_envelopes(draw) -> dict:
    event = copy.deepcopy(draw(st.sampled_from(REAL_ENVELOPES)))
    event["session"]["attributes"] = draw(
        st.dictionaries(st.sampled_from(STATE_FIELDS), json_values, max_size=4)
    )
    if draw(st.booleans()):
        event["request"]["type"] = draw(st.sampled_from(sorted(KNOWN_REQUEST_TYPES)))
    if draw(st.integers(min_value=0, max_value=3)) == 0:
        event["request"]["locale"] = draw(st.sampled_from(HOSTILE_LOCALES) | st.text(max_size=20))
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        paths = list(_paths(event))
        if not paths:
            break
        *parents, last = draw(st.sampled_from(paths))
        target = event
        for key in parents:
            target = target[key]
        if draw(st.booleans()):
            del target[last]
        else:
            target[last] = draw(json_values)
    return event


events = mutated_envelopes() | json_values


class _Failures(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.messages: list[str] = []

    def emit(self, record):
        if SKILL_FAILURE.search(record.getMessage()):
            self.messages.append(record.getMessage())


@contextmanager
def skill_failures():
    """The skill's failure log lines while the block runs (caplog does not fit hypothesis)."""
    handler = _Failures()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler.messages
    finally:
        root.removeHandler(handler)


def well_typed(event) -> bool:
    """What the endpoint's checks accept, with any string as the locale."""
    try:
        envelope_checks.check(event, language_tags=False)
    except envelope_checks.EnvelopeProblem:
        return False
    return True


def _check_valid_reply(reply: dict, event) -> None:
    assert reply["version"] == "1.0"
    response = reply["response"]
    request = event.get("request") if isinstance(event, dict) else None
    asked = isinstance(request, dict) and request.get("type") in ("LaunchRequest", "IntentRequest")
    if "outputSpeech" not in response:
        assert not asked, "a person who asks something always hears an answer"
        return
    ssml = response["outputSpeech"]["ssml"]
    assert ssml.startswith("<speak>") and ssml.endswith("</speak>")
    assert isinstance(response["shouldEndSession"], bool)
    json.dumps(reply)


@FUZZ
@given(event=events)
def test_the_lambda_handler_always_answers_validly(event):
    with skill_failures() as failures:
        _check_valid_reply(lambda_function.lambda_handler(event, None), event)
    if well_typed(event):
        assert failures == [], "the skill failed on a well-typed envelope"


@pytest.mark.parametrize("locale", ["../../interaction_model/skill", "../en", "x" * 5_000])
def test_the_lambda_handler_answers_a_hostile_locale(locale):
    event = envelopes.launch_request(envelopes.Session())
    event["request"]["locale"] = locale
    with skill_failures() as failures:
        _check_valid_reply(lambda_function.lambda_handler(event, None), event)
    assert failures == []


@pytest.mark.parametrize(
    "attributes",
    [
        {"stage": "relief"},
        {"stage": "relief", "sequence": "x"},
        {"stage": "relief", "sequence": "calf", "step": 99},
        {"stage": "causes", "advice_step": 99},
        {"stage": "routine", "routine_step": -1},
    ],
)
def test_the_skill_reads_back_a_position_the_content_does_not_have(attributes):
    session = envelopes.Session()
    session.attributes, session.new = attributes, False
    for utterance in ("next", "repeat", "back", "yes"):
        event = envelopes.intent_request(session, Understanding("en-US").understand(utterance))
        with skill_failures() as failures:
            _check_valid_reply(lambda_function.lambda_handler(event, None), event)
        assert failures == [], utterance


@pytest.mark.parametrize("locale", ["../../interaction_model/skill", "../en"])
def test_the_endpoint_refuses_a_locale_that_is_not_a_language_tag(open_client, locale):
    event = envelopes.launch_request(envelopes.Session())
    event["request"]["locale"] = locale
    reply = open_client.post("/", data=json.dumps(event), content_type="application/json")
    assert "not a language tag" in check_refusal(reply, 400)


_SDK = create_skill().serializer


@FUZZ
@given(event=mutated_envelopes())
def test_what_the_endpoint_accepts_the_sdk_can_read(event):
    """The endpoint's check stands in for deserializing: what it accepts, the SDK reads."""
    assume(well_typed(event))
    assert _SDK.deserialize(json.dumps(event), RequestEnvelope).request is not None


@pytest.fixture(scope="module")
def open_client():
    """Verification off, so fuzzed envelopes reach the skill, not just the verifiers."""
    return create_app(Settings(verify_signature=False, verify_timestamp=False)).test_client()


@pytest.fixture(scope="module")
def verified_client(authority):
    return create_app(Settings(), signature_verifier=authority.verifier({})).test_client()


def _check_http_reply(reply, event) -> None:
    if reply.status_code == 200:
        _check_valid_reply(reply.get_json(), event)
    else:
        check_refusal(reply, 400)


@FUZZ
@given(event=events)
def test_the_endpoint_answers_or_refuses_every_envelope(open_client, event):
    with skill_failures() as failures:
        reply = open_client.post("/", data=json.dumps(event), content_type="application/json")
    _check_http_reply(reply, event)
    if reply.status_code == 200:
        assert failures == [], "the skill failed on an envelope the endpoint accepted"


@FUZZ
@given(
    event=mutated_envelopes(),
    headers=st.dictionaries(
        st.sampled_from(["Signature-256", "SignatureCertChainUrl"]),
        # What can travel in a header: printable ASCII (a newline ends the header).
        st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
        | st.just("https://s3.amazonaws.com/echo.api/x.pem"),
    ),
)
def test_the_verified_endpoint_refuses_unsigned_envelopes(verified_client, event, headers):
    """No chain is served for any URL, so nothing verifies: a 400 each time, never a 500."""
    body = json.dumps(event)
    reply = verified_client.post(
        "/", data=body, headers={"Content-Type": "application/json", **headers}
    )
    check_refusal(reply, 400)


@FUZZ
@given(
    body=st.binary(max_size=300),
    content_type=st.sampled_from(
        ["application/json", "application/json; charset=utf-8", "text/plain", ""]
    ),
)
def test_the_endpoint_refuses_random_bytes(open_client, body, content_type):
    reply = open_client.post("/", data=body, headers={"Content-Type": content_type})
    assert reply.status_code in (200, 400, 415)
    if reply.status_code != 200:
        check_refusal(reply, reply.status_code)
