"""Every handler, answered from request envelopes as Alexa sends them."""

import copy
import logging

import lambda_function
import pytest
from alexa_rules import check_response
from ask_sdk_core.exceptions import AskSdkException
from helpers import HOSTILE_LOCALES, request_file, said

from skill import content as skill_content
from skill.app import create_skill, handle_event
from skill.handlers import RelieveAnywayExceptionHandler


def test_launch_asks_one_question_and_stays_open(skill, content):
    response = handle_event(skill, request_file("launch"))
    check_response(response)
    assert said(response) == content.phrase("launch")
    assert response["response"]["shouldEndSession"] is False
    assert response["sessionAttributes"]["question"] == "cramp_now"


def test_charley_horse_resolves_to_the_calf_steps(skill, content):
    response = handle_event(skill, request_file("cramp_calf_one_shot"))
    check_response(response)
    first = content.sequences["calf"].steps[0]
    assert said(response).startswith(f"{content.phrase('first_step_opener')} {first.do}")
    assert response["sessionAttributes"]["sequence"] == "calf"


def test_a_cramp_without_a_body_part_gets_the_general_steps(skill, content):
    response = handle_event(skill, request_file("cramp_without_slot"))
    check_response(response)
    assert content.sequences["general"].steps[0].do in said(response)
    assert response["sessionAttributes"]["sequence"] == "general"


def test_a_body_part_that_is_not_a_foot_or_leg_gets_no_leg_steps(skill, content):
    """ "My elbow is cramping": Alexa heard a value that matched no body part."""
    response = handle_event(skill, request_file("cramp_unknown_body_part"))
    check_response(response)
    assert said(response) == (
        f"{content.phrase('not_a_leg_cramp')} {content.phrase('where_is_the_cramp')}"
    )
    assert not any(seq.steps[0].do in said(response) for seq in content.sequences.values())
    assert response["response"]["shouldEndSession"] is False
    assert response["sessionAttributes"]["stage"] == "start"
    assert response["sessionAttributes"]["sequence"] == ""


def test_next_moves_on_from_saved_session_attributes(skill, content):
    response = handle_event(skill, request_file("next_during_foot_relief"))
    check_response(response)
    assert said(response).startswith(content.sequences["foot"].steps[1].do)
    assert response["sessionAttributes"]["step"] == 1


def test_an_intent_the_skill_does_not_know_is_treated_as_fallback(skill, content):
    response = handle_event(skill, request_file("unknown_intent"))
    check_response(response)
    assert said(response) == content.phrase("fallback_start")
    assert response["response"]["shouldEndSession"] is False


def test_session_ended_says_nothing_and_logs_the_reason(skill, caplog):
    with caplog.at_level(logging.INFO, logger="skill.handlers"):
        response = handle_event(skill, request_file("session_ended_error"))
    check_response(response, "SessionEndedRequest")
    assert "INVALID_RESPONSE" in caplog.text


def test_a_request_nobody_hears_gets_no_speech_and_is_logged(skill, caplog):
    with caplog.at_level(logging.INFO, logger="skill.handlers"):
        response = handle_event(skill, request_file("exception_encountered"))
    assert response["response"] == {}
    assert "System.ExceptionEncountered" in caplog.text and "INVALID_RESPONSE" in caplog.text


def test_lambda_entry_answers_a_cramp(content):
    response = lambda_function.lambda_handler(request_file("cramp_calf_one_shot"), None)
    check_response(response)
    assert content.sequences["calf"].steps[0].do in said(response)


def test_a_failing_handler_still_gives_the_first_instruction(skill, content, monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database on fire")

    monkeypatch.setattr("skill.replies.start_relief", broken)
    request = request_file("cramp_calf_one_shot")
    with caplog.at_level(logging.ERROR):
        response = handle_event(skill, request)
    check_response(response)
    first = content.sequences["general"].steps[0]
    assert said(response).startswith(first.do)
    assert "database on fire" not in said(response)
    assert request["request"]["requestId"] in caplog.text
    assert "database on fire" in caplog.text


def test_corrupt_session_attributes_go_on_with_the_general_steps(skill, content, caplog):
    request = request_file("next_during_foot_relief")
    request["session"]["attributes"] = {"stage": "relief", "sequence": "elbow", "step": "two"}
    with caplog.at_level(logging.ERROR):
        response = handle_event(skill, request)
    check_response(response)
    # The general steps go on; the next one rubs, so the safety check comes first.
    assert said(response) == content.phrase("check_question")
    assert response["sessionAttributes"]["sequence"] == "general"
    assert caplog.text == ""


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"request": {}},
        {"version": "1.0", "request": {"type": "IntentRequest", "intent": 7}},
        {"version": "1.0", "session": "nope", "request": {"type": "LaunchRequest"}},
    ],
)
def test_unreadable_events_get_the_relief_instruction(skill, content, event):
    response = handle_event(skill, copy.deepcopy(event))
    check_response(response)
    assert said(response).startswith(content.sequences["general"].steps[0].do)
    assert response["response"]["shouldEndSession"] is True


def with_locale(request: dict, locale) -> dict:
    request = copy.deepcopy(request)
    request["request"]["locale"] = locale
    return request


@pytest.mark.parametrize("locale", HOSTILE_LOCALES)
def test_any_locale_still_gets_the_relief_steps(skill, content, locale):
    response = handle_event(skill, with_locale(request_file("cramp_calf_one_shot"), locale))
    check_response(response)
    assert said(response).startswith(f"Okay. {content.sequences['calf'].steps[0].do}")


@pytest.mark.parametrize("locale", HOSTILE_LOCALES)
def test_the_lambda_entry_gives_relief_whatever_the_locale(content, locale):
    response = lambda_function.lambda_handler(
        with_locale(request_file("cramp_calf_one_shot"), locale), None
    )
    check_response(response)
    assert content.sequences["calf"].steps[0].do in said(response)


def test_odd_locales_never_grow_the_content_cache(skill):
    for number in range(200):
        handle_event(skill, with_locale(request_file("launch"), f"x{number}-../{number}"))
    assert skill_content.load.cache_info().currsize <= len(skill_content.shipped())


def test_no_content_for_the_locale_still_gives_relief_in_english(skill, content, monkeypatch):
    def broken(locale):
        raise skill_content.ContentError("no such content")

    monkeypatch.setattr(skill_content, "for_locale", broken)
    response = handle_event(skill, request_file("cramp_calf_one_shot"))
    check_response(response)
    assert said(response).startswith(content.sequences["general"].steps[0].do)
    assert response["response"]["shouldEndSession"] is True


def test_a_failing_exception_handler_still_gives_relief(skill, content, monkeypatch, caplog):
    def broken(*args):
        raise RuntimeError("the safety net tore")

    monkeypatch.setattr("skill.replies.start_relief", broken)
    monkeypatch.setattr(RelieveAnywayExceptionHandler, "handle", broken)
    request = request_file("cramp_calf_one_shot")
    with caplog.at_level(logging.ERROR):
        response = handle_event(skill, request)
    check_response(response)
    assert said(response).startswith(content.sequences["general"].steps[0].do)
    assert request["request"]["requestId"] in caplog.text
    assert "the safety net tore" in caplog.text


def test_a_request_for_another_skill_is_still_refused():
    other = create_skill(skill_id="amzn1.ask.skill.00000000-0000-0000-0000-000000000000")
    with pytest.raises(AskSdkException, match="Skill ID Verification failed"):
        handle_event(other, request_file("cramp_calf_one_shot"))
