"""Each locale speaks its own language, with its own country's emergency number.

The numbers below are written here from ../shared/medical-notes.md ("Each market"), not read from
the content, so a locale that names another country's number fails.
"""

import re

import pytest
from helpers import EMERGENCY_NUMBERS, said

from skill import content as skill_content
from skill.app import create_skill, handle_event

EVERY_NUMBER = {number for numbers in EMERGENCY_NUMBERS.values() for number in numbers}
SHIPPED_LOCALES = sorted(name for name in skill_content.shipped() if "-" in name)
SHIPPED_LANGUAGES = sorted(name for name in skill_content.shipped() if "-" not in name)
FACT = re.compile(r"\{(\w+)\}")


def strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def keys(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield (*path, key)
            yield from keys(item, (*path, key))


def one_shot(intent: str, locale: str) -> dict:
    return {
        "version": "1.0",
        "session": {
            "new": True,
            "sessionId": "amzn1.echo-api.session.locale-test",
            "application": {"applicationId": "amzn1.ask.skill.locale-test"},
            "user": {"userId": "amzn1.ask.account.locale-test"},
            "attributes": {},
        },
        "context": {
            "System": {
                "application": {"applicationId": "amzn1.ask.skill.locale-test"},
                "user": {"userId": "amzn1.ask.account.locale-test"},
                "device": {"deviceId": "amzn1.ask.device.locale-test", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": {
            "type": "IntentRequest",
            "requestId": "amzn1.echo-api.request.locale-test",
            "timestamp": "2026-11-29T12:00:00Z",
            "locale": locale,
            "dialogState": "COMPLETED",
            "intent": {"name": intent, "confirmationStatus": "NONE", "slots": {}},
        },
    }


def test_every_shipped_locale_is_one_we_know_the_emergency_number_of():
    assert "en-US" in SHIPPED_LOCALES
    assert set(SHIPPED_LOCALES) <= set(EMERGENCY_NUMBERS)


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_a_locale_overlay_only_changes_what_its_language_has(locale):
    language = skill_content.read_source(locale.partition("-")[0])
    overlay = skill_content.read_source(locale)
    assert set(keys(overlay)) <= set(keys(language)), "an overlay key its language lacks"


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_every_fact_of_a_locale_is_filled_in(locale):
    data = skill_content.composed(locale, skill_content.read_source)
    for text in strings(data):
        assert not set(FACT.findall(text)) & set(data["facts"]), text


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_a_locale_names_its_own_emergency_number_and_never_another_countrys(locale):
    content = skill_content.for_locale(locale)
    own = EMERGENCY_NUMBERS[locale]
    for text in (
        content.phrase("cannot_call"),
        content.phrase("red_flags"),
        content.urgency["emergency"],
        content.relief_text("card_disclaimer"),
    ):
        assert any(number in text for number in own), text
    everything = " ".join(strings(skill_content.composed(locale, skill_content.read_source)))
    assert "emergency number" not in everything.replace("emergency_number", "")
    for number in EVERY_NUMBER - set(own):
        assert not re.search(rf"\b{number}\b", everything), f"{locale} names {number}"


@pytest.mark.parametrize("locale", SHIPPED_LOCALES)
def test_asking_to_call_for_help_answers_with_the_locales_number(locale):
    response = handle_event(create_skill(), one_shot("CallForHelpIntent", locale))
    assert any(number in said(response) for number in EMERGENCY_NUMBERS[locale])
    assert response["response"]["shouldEndSession"] is True


@pytest.mark.parametrize("language", SHIPPED_LANGUAGES)
def test_a_locale_we_do_not_ship_falls_back_to_its_own_language(language):
    assert skill_content.for_locale(f"{language}-ZZ") is skill_content.load(language)


def test_a_language_we_do_not_ship_gets_english_relief():
    assert skill_content.for_locale("ja-JP") is skill_content.load("en")


@pytest.mark.parametrize("locale", ["en-us", "EN-us", "en-GB"])
def test_the_locale_is_matched_whatever_its_case(locale):
    expected = locale.partition("-")[0].lower() + "-" + locale.partition("-")[2].upper()
    assert skill_content.for_locale(locale) is skill_content.load(expected)
