"""Property-based fuzzing: malformed and random envelopes never crash either door.

Envelopes start from real ones (launch, intents from the model, session end), built afresh at
each example so that their timestamps are current, and get fields removed, retyped or replaced,
hostile locales, and session attributes for every field of the conversation state (skill/state.py:
positions, advice, routine and memory alike), near-valid values as well as random JSON. Random
JSON and random bytes come too. The Lambda handler must always answer with a valid response; the
HTTP endpoint, with verification on, must answer 200 with a valid response or a 4xx with a short
reason, never a 500. Every envelope sent to it is signed by a test certificate authority the
endpoint trusts, so the ones that are well formed get past the checks and reach the skill.

A valid response alone cannot show a bug in the skill: any exception inside it becomes relief
speech. So for an envelope the endpoint accepts, the skill must also not have logged a failure.

Replaying a failure: hypothesis prints the failing example and a ``@reproduce_failure`` blob, and
keeps failing examples in ``.hypothesis/`` to try first next time. On CI (``.ci/run`` sets
HYPOTHESIS_PROFILE=ci) the examples come from a fixed seed instead, so a CI run is repeatable.
FUZZ_EXAMPLES=3000 hunts longer than make test's 150.
"""

import json
import logging
import os
import re
from contextlib import contextmanager

import lambda_function
import pytest
from alexa_signing import CHAIN_URL
from ask_sdk_model import RequestEnvelope
from helpers import HOSTILE_LOCALES
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from web_helpers import check_refusal, post_signed

from console import envelopes
from console.nlu import Understanding
from skill import content as skill_content
from skill.app import create_skill
from skill.state import LAST_VISIT, MAX_COUNT, MAX_TEXT, REVISION, Conversation
from webserver import envelope as envelope_checks
from webserver.app import Settings, create_app
from webserver.envelope import KNOWN_REQUEST_TYPES

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
SKILL_FAILURE = re.compile(r"request .* failed|unreadable request envelope")
UTTERANCES = (
    "my calf is cramping", "next", "repeat", "it's gone", "it still hurts", "yes", "no", "stop",
    "how can I prevent cramps", "guide me through my stretches", "pause", "resume", "give me a tip",
    "my calf is swollen", "forget me", "blah",
)  # fmt: skip
UNDERSTANDING = Understanding("en-US")
MATCHES = tuple(UNDERSTANDING.understand(utterance) for utterance in UTTERANCES)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)  # JSON has neither
    | st.text(max_size=12)
    | st.sampled_from(["", "relief", "calf", "IntentRequest", "2030-01-01T00:00:00Z"]),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)

# --- the conversation state, field by field ------------------------------------------------------

_CONTENT = skill_content.for_locale("en-US")
_WORDS = sorted(
    {word for words in Conversation.CHOICES.values() for word in words}
    | set(_CONTENT.sequences)
    | {"x" * (MAX_TEXT + 1), "<speak>", "calf "}
)
counts = st.integers(min_value=-5, max_value=40) | st.sampled_from(
    [MAX_COUNT, MAX_COUNT + 1, -(10**20), 10**20]
)
near_valid = counts | st.booleans() | st.sampled_from(_WORDS) | st.lists(counts, max_size=5)
records = st.dictionaries(
    st.sampled_from([*Conversation.REMEMBERED, LAST_VISIT, REVISION, "unknown"]),
    near_valid | json_values,
    max_size=4,
)
field_values = near_valid | records | json_values
#: Session attributes: any of the state's fields (every one of them, as skill/state.py lists
#: them), and a name that is not one.
session_attributes = st.dictionaries(
    st.sampled_from([*Conversation.FIELDS, "unknown"]), field_values, max_size=8
)


# --- envelopes -----------------------------------------------------------------------------------


def _paths(value, prefix=()):
    """Every key path into nested dicts and lists."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        yield (*prefix, key)
        if isinstance(child, dict | list):
            yield from _paths(child, (*prefix, key))


@st.composite
def real_envelopes(draw) -> dict:
    """A real envelope of a new or continuing session, timestamped now, as Alexa sends it."""
    session = envelopes.Session(attributes=draw(session_attributes), new=draw(st.booleans()))
    kind = draw(st.sampled_from(["launch", "end", "intent", "intent", "intent"]))
    if kind == "launch":
        return envelopes.launch_request(session)
    if kind == "end":
        return envelopes.session_ended_request(session)
    return envelopes.intent_request(session, draw(st.sampled_from(MATCHES)))


@st.composite
def mutated_envelopes(draw) -> dict:
    event = draw(real_envelopes())
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        event["request"]["type"] = draw(st.sampled_from(sorted(KNOWN_REQUEST_TYPES)))
    if draw(st.integers(min_value=0, max_value=4)) == 0:
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


# --- checks --------------------------------------------------------------------------------------


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


def _check_http_reply(reply, event) -> None:
    if reply.status_code == 200:
        _check_valid_reply(reply.get_json(), event)
    else:
        check_refusal(reply, 400)


# --- the Lambda door -----------------------------------------------------------------------------


@FUZZ
@given(event=events)
def test_the_lambda_handler_always_answers_validly(event):
    with skill_failures() as failures:
        _check_valid_reply(lambda_function.lambda_handler(event, None), event)
    if well_typed(event):
        assert failures == [], "the skill failed on a well-typed envelope"


@FUZZ
@given(event=real_envelopes())
def test_whatever_state_a_session_carries_the_skill_answers_without_failing(event):
    with skill_failures() as failures:
        _check_valid_reply(lambda_function.lambda_handler(event, None), event)
    assert failures == []


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
        {"stage": "relief", "sequence": "calf", "escalation": -4},
        {"stage": "relief", "sequence": "calf", "escalation": -1},
        {"stage": "causes", "advice_step": 99},
        {"stage": "prevention", "advice_first": -2},
        {"stage": "routine", "routine_step": -1},
        {"stage": "routine", "routine_resume_at": 10**20},
        {"tips_heard": [[[[]]]], "kept": {"kept": {"kept": {}}}, "memory": "kept"},
    ],
)
def test_the_skill_reads_back_a_position_the_content_does_not_have(attributes):
    session = envelopes.Session(attributes=attributes, new=False)
    for utterance in ("next", "repeat", "back", "yes", "it still hurts", "give me a tip"):
        event = envelopes.intent_request(session, UNDERSTANDING.understand(utterance))
        with skill_failures() as failures:
            _check_valid_reply(lambda_function.lambda_handler(event, None), event)
        assert failures == [], utterance


_SDK = create_skill().serializer


@FUZZ
@given(event=mutated_envelopes())
def test_what_the_endpoint_accepts_the_sdk_can_read(event):
    """The endpoint's check stands in for deserializing: what it accepts, the SDK reads."""
    assume(well_typed(event))
    assert _SDK.deserialize(json.dumps(event), RequestEnvelope).request is not None


# --- the HTTP door, verification on ------------------------------------------------------------


@pytest.fixture(scope="module")
def signed_client(authority, alexa_certificate):
    """Production settings (signature, timestamp and skill id checked), trusting the test
    authority, whose certificate signs every fuzzed envelope."""
    app = create_app(
        Settings(skill_id=envelopes.DEFAULT_SKILL_ID),
        signature_verifier=authority.verifier({CHAIN_URL: alexa_certificate.chain}),
    )
    return app.test_client()


@pytest.fixture(scope="module")
def verified_client(authority):
    """Production settings; no chain is served for any URL, so nothing verifies."""
    return create_app(Settings(), signature_verifier=authority.verifier({})).test_client()


def test_signed_fresh_envelopes_reach_the_skill_and_are_answered_or_refused(
    signed_client, alexa_certificate
):
    """The fuzz through every check the endpoint makes; at least some of it must get through,
    or the fuzz would be testing the refusals only."""
    answered = []

    @FUZZ
    @given(event=events)
    def signed_and_sent(event):
        with skill_failures() as failures:
            reply = post_signed(signed_client, alexa_certificate, event)
        _check_http_reply(reply, event)
        if reply.status_code == 200:
            assert failures == [], "the skill failed on an envelope the endpoint accepted"
            answered.append(event)

    signed_and_sent()
    assert answered, "no fuzzed envelope reached the skill"


def test_a_signed_real_envelope_with_any_state_is_answered(signed_client, alexa_certificate):
    """Well-formed, signed and current: every one is answered, whatever the state it carries."""

    @FUZZ
    @given(event=real_envelopes())
    def signed_and_sent(event):
        with skill_failures() as failures:
            reply = post_signed(signed_client, alexa_certificate, event)
        assert reply.status_code == 200, reply.get_json()
        _check_valid_reply(reply.get_json(), event)
        assert failures == []

    signed_and_sent()


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
    body = json.dumps(event)
    reply = verified_client.post(
        "/", data=body, headers={"Content-Type": "application/json", **headers}
    )
    check_refusal(reply, 400)


@pytest.fixture(scope="module")
def open_client():
    """Verification off: random bytes reach the body checks whatever their headers."""
    return create_app(Settings(verify_signature=False, verify_timestamp=False)).test_client()


@pytest.mark.parametrize("locale", ["../../interaction_model/skill", "../en"])
def test_the_endpoint_refuses_a_locale_that_is_not_a_language_tag(
    signed_client, alexa_certificate, locale
):
    event = envelopes.launch_request(envelopes.Session())
    event["request"]["locale"] = locale
    reply = post_signed(signed_client, alexa_certificate, event)
    assert "not a language tag" in check_refusal(reply, 400)


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
