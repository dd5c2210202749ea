"""The endpoint's trust checks at their exact edges, and the relief it speaks when the skill fails.

- The skill id: session and context each name a skill, in their own ``application`` object; a
  request is ours only when both name us, whichever of the two names another skill.
- The timestamp: Alexa allows 150 seconds either way. The verifier's clock is held still here, so
  149 seconds is accepted and 151 refused, in the past and in the future, on every run.
- Whatever fails inside the skill, the person hears the first relief step, not only valid SSML.
"""

from datetime import UTC, datetime, timedelta

import pytest
from ask_sdk_webservice_support import verifier as sdk_verifier
from helpers import said
from web_helpers import check_refusal, check_reply, launch, post_signed

from skill import content as skill_content
from skill import handlers

OURS = "amzn1.ask.skill.22222222-2222-2222-2222-222222222222"
ANOTHER = "amzn1.ask.skill.11111111-1111-1111-1111-111111111111"
#: Alexa's window for a request's timestamp, either way (host-a-custom-skill-as-a-web-service).
WINDOW_SECONDS = 150


# --- the skill id --------------------------------------------------------------------------------


def naming(session_skill: str, context_skill: str) -> dict:
    event = launch(skill_id=OURS)
    event["session"]["application"]["applicationId"] = session_skill
    event["context"]["System"]["application"]["applicationId"] = context_skill
    return event


def test_session_and_context_each_have_their_own_application():
    event = launch(skill_id=OURS)
    assert event["session"]["application"] is not event["context"]["System"]["application"]


@pytest.mark.parametrize(
    ("session_skill", "context_skill"),
    [(ANOTHER, OURS), (OURS, ANOTHER), (ANOTHER, ANOTHER)],
    ids=["session names another skill", "context names another skill", "both do"],
)
def test_a_request_naming_another_skill_anywhere_is_refused(
    make_client, alexa_certificate, session_skill, context_skill
):
    client = make_client(skill_id=OURS)
    reply = post_signed(client, alexa_certificate, naming(session_skill, context_skill))
    assert "another skill" in check_refusal(reply, 400)


def test_a_request_naming_us_in_both_places_is_answered(make_client, alexa_certificate):
    reply = post_signed(make_client(skill_id=OURS), alexa_certificate, naming(OURS, OURS))
    assert reply.status_code == 200


# --- the timestamp window ------------------------------------------------------------------------


@pytest.fixture
def now(monkeypatch) -> datetime:
    """The moment the SDK's timestamp verifier takes for now, held still for the test."""
    moment = datetime.now(UTC).replace(microsecond=0)

    class Still(datetime):
        @classmethod
        def now(cls, tz=None):
            return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)

    monkeypatch.setattr(sdk_verifier, "datetime", Still)
    return moment


def sent(moment: datetime) -> dict:
    event = launch()
    event["request"]["timestamp"] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return event


@pytest.mark.parametrize("seconds", [-149, 0, 149, WINDOW_SECONDS, -WINDOW_SECONDS])
def test_a_request_inside_the_window_is_answered(client, alexa_certificate, now, seconds):
    """``seconds`` before now; a negative number is a clock ahead of ours."""
    reply = post_signed(client, alexa_certificate, sent(now - timedelta(seconds=seconds)))
    assert reply.status_code == 200, reply.get_json()


@pytest.mark.parametrize("seconds", [151, -151, 300, -300])
def test_a_request_outside_the_window_is_refused(client, alexa_certificate, now, seconds):
    reply = post_signed(client, alexa_certificate, sent(now - timedelta(seconds=seconds)))
    assert "Timestamp verification failed" in check_refusal(reply, 400)


# --- relief when the skill fails -----------------------------------------------------------------


def first_relief_step() -> str:
    return skill_content.for_locale("en-US").sequences["general"].steps[0].do


def check_relief_spoken(reply) -> None:
    assert reply.status_code == 200
    answer = reply.get_json()
    check_reply(answer, "LaunchRequest")
    assert said(answer).startswith(first_relief_step()), said(answer)
    assert answer["response"]["shouldEndSession"] is True


def broken(*args):
    raise RuntimeError("a bug")


def test_a_handler_that_fails_still_speaks_the_first_relief_step(
    client, alexa_certificate, monkeypatch
):
    monkeypatch.setattr(handlers.LaunchHandler, "handle", broken)
    check_relief_spoken(post_signed(client, alexa_certificate, launch()))


def test_a_failure_past_the_exception_handler_still_speaks_the_first_relief_step(
    client, alexa_certificate, monkeypatch
):
    monkeypatch.setattr(handlers.LaunchHandler, "handle", broken)
    monkeypatch.setattr(handlers.RelieveAnywayExceptionHandler, "handle", broken)
    check_relief_spoken(post_signed(client, alexa_certificate, launch()))


def test_a_failing_content_lookup_still_speaks_the_first_relief_step_in_english(
    client, alexa_certificate, monkeypatch
):
    """Even the locale's content failing to load: relief in English, the one that always loads."""
    for_locale = skill_content.for_locale
    monkeypatch.setattr(handlers.LaunchHandler, "handle", broken)
    monkeypatch.setattr(skill_content, "for_locale", broken)
    reply = post_signed(client, alexa_certificate, launch())
    monkeypatch.setattr(skill_content, "for_locale", for_locale)
    check_relief_spoken(reply)


@pytest.mark.parametrize("application", [None, "amzn1.ask.skill.ours", []])
def test_a_session_application_that_is_not_an_object_is_refused(
    make_client, alexa_certificate, application
):
    """Found by the signed fuzz: a null session application was a 500 before the skill id check."""
    event = naming(OURS, OURS)
    event["session"]["application"] = application
    reply = post_signed(make_client(skill_id=OURS), alexa_certificate, event)
    assert check_refusal(reply, 400) in (
        "the request is for another skill",
        "session.application must be an object",
    )
