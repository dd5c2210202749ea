"""Daily stretch reminders, as whole conversations, against an HTTPS imitation of the Reminders API.

The skill reaches the imitation (tests/reminders_api.py) the way it reaches Alexa's: through the
request's context.System.apiEndpoint and apiAccessToken, with ask-sdk-model's reminder client and
ask-sdk-core's DefaultApiClient, trusting the imitation's certificate authority only through
REQUESTS_CA_BUNDLE. Nothing in the skill or the SDK is mocked.
"""

import json
import re
import sys
import types
import uuid

import pytest
from alexa_rules import check_response

from console import envelopes, transcript
from console.repl import Device
from skill import content as skill_content
from skill import persistence, reminders
from skill.app import create_skill, handle_event
from skill.handlers import PERMISSION_TOKEN
from skill.reminder_replies import spoken_time
from skill.reminders import ClockTime

SCOPE = "alexa::alerts:reminders:skill:readwrite"


@pytest.fixture
def token(api):
    """A person the Reminders API knows: their access token."""
    token = f"token-{uuid.uuid4()}"
    api.person(token)
    return token


@pytest.fixture
def person(skill, api, token):
    """A device whose requests carry the imitation's endpoint and the person's token."""
    return Device(skill=skill, api_endpoint=api.url, api_access_token=token)


@pytest.fixture
def allowed(person):
    """The same device, once the person has let Cramp Coach set reminders."""
    person.permissions.add(SCOPE)
    return person


def say(device: Device, utterance: str):
    turn = device.say(utterance)
    if turn.asks_permission:
        check_asks_permission(turn.response)
    else:
        check_response(turn.response)
    return turn


def words(turn) -> str:
    return transcript.to_text(turn.speech)


def check_asks_permission(envelope: dict) -> None:
    """Connections.SendRequest AskFor, version 2, for the reminders scope: and nothing else,
    since Alexa speaks the question itself and the answer comes back as Connections.Response."""
    response = envelope["response"]
    assert "outputSpeech" not in response and "reprompt" not in response
    assert response.get("shouldEndSession") is not False
    (directive,) = response["directives"]
    assert directive["type"] == "Connections.SendRequest"
    assert directive["name"] == "AskFor"
    assert directive["payload"] == {
        "@type": "AskForPermissionsConsentRequest",
        "@version": "2",
        "permissionScopes": [{"permissionScope": SCOPE, "consentLevel": "ACCOUNT"}],
    }
    assert directive["token"].startswith(PERMISSION_TOKEN)


def elicited_slot(turn) -> tuple[str, str] | None:
    directive = turn.directive("Dialog.ElicitSlot")
    return directive and (directive["updatedIntent"]["name"], directive["slotToElicit"])


def kept(api, token) -> list[dict]:
    return list(api.reminders.get(token, {}).values())


def daily_time(reminder: dict) -> str:
    (rule,) = reminder["trigger"]["recurrence"]["recurrenceRules"]
    return rule


# --- setting one -------------------------------------------------------------------------------


def test_a_reminder_is_set_once_the_person_agrees_to_it_and_allows_reminders(
    person, api, token, content
):
    asked = say(person, "remind me to stretch every evening at nine p.m.")
    assert words(asked) == content.reminder_text("confirm", time="nine p.m.")
    assert not asked.session_ended
    assert api.calls == []  # nothing is set before the person says yes to that one reminder

    permission = say(person, "yes")
    assert permission.asks_permission
    assert api.calls == []

    done = say(person, "I approve")
    assert done.request["request"]["type"] == "Connections.Response"
    said = content.reminder_text("set", time="nine p.m.")
    assert words(done) == f"{said} {content.reminder_text('cancel_by_voice')}"
    assert done.session_ended
    (reminder,) = kept(api, token)
    assert daily_time(reminder) == "FREQ=DAILY;BYHOUR=21;BYMINUTE=0;BYSECOND=0;INTERVAL=1;"
    assert reminder["trigger"]["timeZoneId"] == "America/New_York"
    assert reminder["trigger"]["scheduledTime"].endswith("T21:00:00")
    assert reminder["alertInfo"]["spokenInfo"]["content"] == [
        {"locale": "en-US", "text": content.reminder_words("alert")["bedtime"]}
    ]
    assert [call.method for call in api.calls] == ["GET", "GET", "POST"]


def test_with_the_permission_already_given_yes_sets_it_at_once(allowed, api, token, content):
    say(allowed, "set a reminder to stretch at seven thirty a.m.")
    done = say(allowed, "yes")
    assert not done.asks_permission
    assert words(done).startswith(content.reminder_text("set", time="seven thirty a.m."))
    (reminder,) = kept(api, token)
    assert "BYHOUR=7;BYMINUTE=30;" in daily_time(reminder)
    assert (
        reminder["alertInfo"]["spokenInfo"]["content"][0]["text"]
        == (content.reminder_words("alert")["morning"])
    )


def test_without_a_time_it_asks_for_one_and_alexa_listens_for_a_time(person, content):
    asked = say(person, "set a daily stretch reminder")
    assert words(asked) == content.reminder_text("ask_time")
    assert elicited_slot(asked) == ("SetReminderIntent", "time")
    confirm = say(person, "eight fifteen p.m.")
    assert confirm.request["request"]["dialogState"] == "IN_PROGRESS"
    assert words(confirm) == content.reminder_text("confirm", time="eight fifteen p.m.")


def test_a_part_of_the_day_is_not_a_time_so_it_asks_for_the_time_exactly(person, content):
    say(person, "set a daily stretch reminder")
    vague = say(person, "in the evening")
    assert vague.request["request"]["intent"]["slots"]["time"]["value"] == "EV"
    assert words(vague) == content.reminder_text("ask_exact_time")
    assert elicited_slot(vague) == ("SetReminderIntent", "time")


def test_no_to_the_time_asks_for_another_and_no_reminder_is_set(person, api, content):
    say(person, "remind me to stretch every evening at nine")  # Alexa hears nine a.m.
    other = say(person, "no")
    assert words(other) == content.reminder_text("other_time")
    assert elicited_slot(other) == ("SetReminderIntent", "time")
    confirm = say(person, "nine p.m.")
    assert words(confirm) == content.reminder_text("confirm", time="nine p.m.")
    assert api.calls == []


@pytest.mark.parametrize("answer", ["no", "mumble"])
def test_permission_refused_or_not_answered_sets_nothing_and_sends_the_permissions_card(
    person, api, content, answer
):
    say(person, "remind me to stretch at nine p.m.")
    say(person, "yes")
    refused = say(person, answer)
    status = refused.request["request"]["payload"]["status"]
    assert status == ("DENIED" if answer == "no" else "NOT_ANSWERED")
    assert words(refused) == content.reminder_text("no_permission")
    assert refused.card == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert refused.session_ended
    assert api.calls == []


def test_the_permission_answer_needs_no_session_attributes_the_token_carries_the_time(
    skill, api, token, content
):
    """However Alexa hands the answer back, in the same session or a new one."""
    session = envelopes.Session(
        api_endpoint=api.url, api_access_token=token, permissions=(SCOPE,), new=True
    )
    request = envelopes.permission_response(session, f"{PERMISSION_TOKEN}06:05", "ACCEPTED")
    response = handle_event(skill, request)
    check_response(response)
    said = transcript.to_text(response["response"]["outputSpeech"]["ssml"])
    assert said.startswith(content.reminder_text("set", time="six oh five a.m."))
    (reminder,) = kept(api, token)
    assert "BYHOUR=6;BYMINUTE=5;" in daily_time(reminder)


# --- never a duplicate, and cancelling ---------------------------------------------------------


def test_a_reminder_already_at_that_time_is_left_as_it_is(allowed, api, token, content):
    api.add_daily(token, 21, 0)
    say(allowed, "remind me to stretch at nine p.m.")
    same = say(allowed, "yes")
    assert words(same).startswith(content.reminder_text("already_set", time="nine p.m."))
    assert content.reminder_text("cancel_by_voice") in words(same)
    assert len(kept(api, token)) == 1
    assert api.calls_to("POST") == [] and [c for c in api.calls if c.method == "PUT"] == []


def test_a_reminder_at_another_time_is_moved_never_doubled(allowed, api, token, content):
    api.add_daily(token, 20, 0)
    say(allowed, "change my stretch reminder to nine thirty p.m.")
    moved = say(allowed, "yes")
    assert words(moved).startswith(
        content.reminder_text("moved", time="nine thirty p.m.", old_time="eight p.m.")
    )
    (reminder,) = kept(api, token)
    assert "BYHOUR=21;BYMINUTE=30;" in daily_time(reminder)
    assert api.calls_to("POST") == []


def test_cancel_deletes_the_reminder(allowed, api, token, content):
    api.add_daily(token, 21, 0)
    cancelled = say(allowed, "stop reminding me to stretch")
    assert words(cancelled) == content.reminder_text("cancelled")
    assert cancelled.session_ended
    assert kept(api, token) == []
    again = say(allowed, "cancel my stretch reminder")
    assert words(again) == content.reminder_text("nothing_to_cancel")


def test_cancel_without_the_permission_asks_nothing_of_the_api(person, api, content):
    said = say(person, "cancel my stretch reminder")
    assert words(said) == content.reminder_text("nothing_to_cancel")
    assert api.calls == []


def test_cancel_that_fails_says_so(allowed, api, token, content):
    api.add_daily(token, 21, 0)
    api.fail_next(500, "DELETE")
    failed = say(allowed, "cancel my stretch reminder")
    assert words(failed) == content.reminder_text("cancel_failed")
    assert len(kept(api, token)) == 1


# --- when the API says no ----------------------------------------------------------------------


def test_401_asks_for_the_permission_again(allowed, api, token):
    api.fail_next(401, "GET", "/v1/alerts/reminders")
    say(allowed, "remind me to stretch at nine p.m.")
    lapsed = say(allowed, "yes")
    assert lapsed.asks_permission
    assert kept(api, token) == []


def test_401_right_after_the_person_allowed_it_is_not_asked_again(person, api, token, content):
    say(person, "remind me to stretch at nine p.m.")
    assert say(person, "yes").asks_permission
    api.fail_next(401, "GET", "/v1/alerts/reminders")
    refused = say(person, "I approve")
    assert words(refused) == content.reminder_text("no_permission")
    assert refused.card["type"] == "AskForPermissionsConsent"
    assert kept(api, token) == []


def test_403_this_device_cannot_have_reminders(allowed, api, token, content):
    api.fail_next(403, "POST")
    say(allowed, "remind me to stretch at nine p.m.")
    refused = say(allowed, "yes")
    assert words(refused) == content.reminder_text("not_on_this_device")
    assert kept(api, token) == []


@pytest.mark.parametrize(
    ("status", "method", "path"),
    [
        (500, "POST", "/v1/alerts/reminders"),
        (503, "POST", "/v1/alerts/reminders"),
        (429, "POST", "/v1/alerts/reminders"),
        (500, "GET", "/v1/alerts/reminders"),
        (500, "PUT", "/v1/alerts/reminders"),
    ],
)
def test_any_other_failure_is_a_clear_sorry_and_nothing_half_made(
    allowed, api, token, content, status, method, path
):
    if method == "PUT":
        api.add_daily(token, 20, 0)
    before = [dict(reminder) for reminder in kept(api, token)]
    api.fail_next(status, method, path)
    say(allowed, "remind me to stretch at nine p.m.")
    failed = say(allowed, "yes")
    assert words(failed) == content.reminder_text("set_failed")
    assert failed.session_ended
    assert kept(api, token) == before
    if method == "GET":
        assert api.calls_to("POST") == []  # unread reminders: nothing is created blind


def test_a_slow_api_gets_a_sorry_within_the_requests_budget(
    allowed, api, token, content, monkeypatch
):
    monkeypatch.setattr(reminders, "API_BUDGET_SECONDS", 0.6)
    monkeypatch.setattr(reminders, "CALL_TIMEOUT", (0.3, 0.3))
    api.delay_seconds = 5
    say(allowed, "remind me to stretch at nine p.m.")
    failed = say(allowed, "yes")
    assert words(failed) == content.reminder_text("set_failed")


def test_without_the_devices_time_zone_the_reminder_takes_the_devices_own(allowed, api, token):
    api.fail_next(500, "GET", "/v2/devices/")
    say(allowed, "remind me to stretch at nine p.m.")
    say(allowed, "yes")
    (reminder,) = kept(api, token)
    assert "timeZoneId" not in reminder["trigger"]


def test_an_endpoint_that_is_not_https_is_refused_by_the_sdk(skill, api, token, content):
    plain = Device(
        skill=skill,
        api_endpoint=api.url.replace("https://", "http://"),
        api_access_token=token,
    )
    plain.permissions.add(SCOPE)
    say(plain, "remind me to stretch at nine p.m.")
    failed = say(plain, "yes")
    assert words(failed) == content.reminder_text("set_failed")
    assert api.calls == []


# --- a person in a cramp -----------------------------------------------------------------------


def test_relief_never_touches_the_reminders_api_even_when_it_is_down_or_slow(
    allowed, api, content, monkeypatch
):
    monkeypatch.setattr(reminders, "API_BUDGET_SECONDS", 0.6)
    api.delay_seconds = 5
    for status in (500, 500, 500):
        api.fail_next(status)
    say(allowed, "remind me to stretch at nine p.m.")
    turn = say(allowed, "my calf is cramping")
    assert words(turn).startswith(content.phrase("first_step_opener"))
    asked = say(allowed, "remind me to stretch at nine p.m.")
    assert words(asked).startswith(content.advice_text("ease_cramp_first"))
    cancel = say(allowed, "cancel my stretch reminder")
    assert words(cancel).startswith(content.advice_text("ease_cramp_first"))
    assert say(allowed, "next").response["sessionAttributes"]["stage"] == "relief"
    assert api.calls == []


def test_a_cramp_answers_before_the_reminders_client_is_ever_imported():
    """requests (and the SDK's DefaultApiClient) are imported only when a reminder is set."""
    import subprocess

    probe = (
        "import sys\n"
        "from console.repl import Device\n"
        "Device().say('my calf is cramping')\n"
        "print(sorted({'requests', 'ask_sdk_core.api_client'} & set(sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


# --- the offer, help and fallback --------------------------------------------------------------


def finish_routine(device: Device):
    turn = say(device, "guide me through my stretches")
    while turn.response["sessionAttributes"].get("stage") == "routine":
        turn = say(device, "next")
    return turn


def test_the_end_of_the_routine_offers_a_reminder_once_ever(tmp_path, api, token, content):
    store = persistence.SqliteAdapter(tmp_path / "memory.sqlite3")
    device = Device(skill=create_skill(persistence_adapter=store), api_endpoint=api.url)
    offered = finish_routine(device)
    assert words(offered).endswith(content.reminder_text("offer_after_routine"))
    asked = say(device, "yes")
    assert words(asked) == content.reminder_text("ask_time")
    assert elicited_slot(asked) == ("SetReminderIntent", "time")
    say(device, "stop")
    device.end_session()
    again = finish_routine(device)
    assert words(again) == content.routine.finish
    assert again.session_ended


def test_no_to_the_offer_says_goodbye(person, content):
    finish_routine(person)
    goodbye = say(person, "no")
    assert words(goodbye) == content.phrase("goodbye")
    assert goodbye.session_ended


def test_help_and_fallback_answer_the_reminder_question_that_is_open(person, content):
    say(person, "remind me to stretch at nine p.m.")
    helped = say(person, "help")
    assert words(helped) == content.reminder_text("help_confirm", time="nine p.m.")
    lost = say(person, "bananas")
    assert words(lost) == content.reminder_text("fallback_confirm", time="nine p.m.")
    say(person, "no")
    helped = say(person, "help")
    assert words(helped) == content.reminder_text("help_time")
    assert elicited_slot(helped) == ("SetReminderIntent", "time")
    lost = say(person, "bananas")
    assert words(lost) == content.reminder_text("fallback_time")
    assert elicited_slot(lost) == ("SetReminderIntent", "time")


# --- reading reminders back: ask-sdk-model's AlertInfo --------------------------------------------


def test_listed_reminders_are_read_back_despite_ask_sdk_models_alert_info(allowed, api, token):
    """The duplicate check reads the reminders back: AlertInfo names a module ask-sdk-model no
    longer ships, which skill/reminders.py works around (see _read_back_spoken_info)."""
    api.add_daily(token, 21, 0, text="Time for your bedtime stretches.")
    say(allowed, "remind me to stretch at nine p.m.")
    say(allowed, "yes")
    assert api.calls_to("POST") == []  # the listed reminder was read, and is the same time


def test_the_alert_info_workaround_does_nothing_once_ask_sdk_model_ships_the_module(monkeypatch):
    from ask_sdk_model.services.reminder_management import AlertInfo

    named = AlertInfo.deserialized_types["spoken_info"]
    module_name = named.rpartition(".")[0]
    shipped = types.ModuleType(module_name)
    shipped.__spec__ = types.SimpleNamespace(name=module_name)
    monkeypatch.setitem(sys.modules, module_name, shipped)
    monkeypatch.setattr(AlertInfo, "deserialized_types", {"spoken_info": named})
    reminders._read_back_spoken_info.__wrapped__()
    assert AlertInfo.deserialized_types == {"spoken_info": named}


def test_a_reminder_request_serialises_as_the_api_expects(content):
    envelope = json.loads(
        json.dumps(envelopes.intent_request(envelopes.Session(), _match_nothing()))
    )
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    serializer = DefaultSerializer()
    request_envelope = serializer.deserialize(json.dumps(envelope), RequestEnvelope)
    budget = reminders.Budget(1.0)
    body = serializer.serialize(
        reminders.daily_request(
            reminders.ClockTime(18, 5), "Time to stretch.", request_envelope, budget
        )
    )
    assert body["trigger"]["recurrence"]["recurrenceRules"] == [
        "FREQ=DAILY;BYHOUR=18;BYMINUTE=5;BYSECOND=0;INTERVAL=1;"
    ]
    assert "timeZoneId" not in body["trigger"]  # the console's request: no API to ask
    assert body["alertInfo"] == {
        "spokenInfo": {"content": [{"locale": "en-US", "text": "Time to stretch."}]}
    }
    assert body["pushNotification"] == {"status": "ENABLED"}


def _match_nothing():
    from console.nlu import Match

    return Match("SetReminderIntent", {}, ("time",))


@pytest.mark.parametrize("locale", sorted(name for name in skill_content.shipped() if "-" in name))
def test_every_minute_of_the_day_is_said_in_every_locale(locale):
    """The clock's words cover the whole day: every period starts from an hour, the first at
    midnight, and every time of day comes out as words with no field left unfilled."""
    content = skill_content.for_locale(locale)
    starts = [start for start, _ in content.reminder_words("clock")["periods"]]
    assert starts[0] == 0 and starts == sorted(set(starts)) and starts[-1] <= 23
    said = {
        spoken_time(content, ClockTime(hour, minute)) for hour in range(24) for minute in range(60)
    }
    assert len(said) == 24 * 60
    assert not any(re.search(r"[{}\d]", words) for words in said)
