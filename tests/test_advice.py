"""The longer advice, as people ask for it: prevention, causes, when to see a doctor, the stretch
routine and tips. Every response here is also held to Alexa's rules (tests/alexa_rules.py)."""

import pytest
from alexa_rules import check_response
from helpers import person, request_file
from helpers import said as words

from console import envelopes, transcript
from console.nlu import Match, SlotMatch, Understanding
from console.repl import Device
from skill import persistence, speech
from skill.app import handle_event
from skill.state import ROUTINE, START

TURN_SECONDS = 30


@pytest.fixture
def say(device):
    """Say something to the device and check the response against Alexa's rules."""

    def said(utterance: str):
        turn = device.say(utterance)
        check_response(turn.response)
        return turn

    return said


def attributes(turn) -> dict:
    return turn.response["sessionAttributes"]


def page_words(page) -> list[str]:
    return [page.intro, *page.items]


def slot_values(language_model, slot_type: str) -> list[dict]:
    return next(t["values"] for t in language_model["types"] if t["name"] == slot_type)


def ask(device, intent: str, slot: str, slot_type: str, value: dict):
    """Send an intent with a slot resolved the way Alexa would, as an envelope."""
    name = value["name"]["value"]
    filled = SlotMatch(slot, name, value["id"], name, slot_type)
    turn = device.send_intent(name, Match(intent, {slot: filled}, (slot,)))
    check_response(turn.response)
    return turn


def without_disclaimer(turn, content) -> str:
    return words(turn).replace(content.phrase("disclaimer"), "").strip()


# --- every intent and topic, by the way people ask ---------------------------------------------


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [
        ("how can I prevent cramps", "PreventionIntent"),
        ("tips to prevent cramps", "PreventionIntent"),
        ("what can I do to prevent cramps", "PreventionIntent"),
        ("why do my feet cramp", "CausesIntent"),
        ("what causes foot spasms", "CausesIntent"),
        ("can flat feet cause cramps", "CausesIntent"),
        ("when should I see a doctor", "SeeDoctorIntent"),
        ("is this an emergency", "SeeDoctorIntent"),
        ("my calf is swollen and red", "SeeDoctorIntent"),
        ("guide me through my stretches", "StretchRoutineIntent"),
        ("start my stretching routine", "StretchRoutineIntent"),
        ("give me a tip", "TipIntent"),
        ("tip of the day", "TipIntent"),
        ("more", "AMAZON.MoreIntent"),
        ("pause", "AMAZON.PauseIntent"),
        ("resume", "AMAZON.ResumeIntent"),
        ("continue my stretches", "AMAZON.ResumeIntent"),
        ("why do I get cramps at night", "CausesIntent"),
        ("why does my foot cramp", "CausesIntent"),
        ("why do my calves cramp", "CausesIntent"),
        ("prevention", "PreventionIntent"),
        ("how do I stop leg cramps", "PreventionIntent"),
        ("tips", "PreventionIntent"),
        ("give me tips", "PreventionIntent"),
        ("stretches", "StretchRoutineIntent"),
        ("start stretching", "StretchRoutineIntent"),
        ("show me some stretches", "StretchRoutineIntent"),
        ("thank you", "AMAZON.NoIntent"),
        ("thanks", "AMAZON.NoIntent"),
        ("no thank you", "AMAZON.NoIntent"),
    ],
)
def test_natural_phrasings_reach_their_intent(utterance, intent):
    assert Understanding().understand(utterance).intent == intent


@pytest.mark.parametrize(
    ("utterance", "topic"),
    [
        ("how do I prevent night cramps", "NIGHT"),
        ("does drinking water help with cramps", "HYDRATION"),
        ("tips on stretching", "STRETCHING"),
        ("advice on exercise", "EXERCISE"),
        ("what about flat feet", "FOOTWEAR"),
        ("do insoles help with cramps", "FOOTWEAR"),
        ("tips about sitting at a desk", "SITTING"),
        ("should I eat bananas", "FOOD"),
        ("does vitamin D help prevent cramps", "FOOD"),
        ("how can calcium help with cramps", "FOOD"),
        ("advice on bedtime", "NIGHT"),
        ("tips for night cramps", "NIGHT"),
        ("tips for sitting at a desk", "SITTING"),
    ],
)
def test_a_named_topic_goes_straight_to_it(say, content, utterance, topic):
    turn = say(utterance)
    page = content.prevention.pages[content.prevention.page_for_topic(topic)]
    assert page.topic == topic
    assert without_disclaimer(turn, content).startswith(page.intro)
    for item in page.items:
        assert item in words(turn)


def test_every_topic_in_the_model_has_its_page(content, language_model):
    topic_ids = {value["id"] for value in slot_values(language_model, "PREVENTION_TOPIC")}
    assert topic_ids == {page.topic for page in content.prevention.pages if page.topic}


def test_every_symptom_in_the_model_has_a_red_flag(content, language_model):
    symptom_ids = {value["id"] for value in slot_values(language_model, "SYMPTOM")}
    assert symptom_ids == set(content.symptoms)


def answer_to(skill, name: str) -> tuple[dict, str]:
    """The checked response to a saved envelope, and what it says."""
    response = handle_event(skill, request_file(name))
    check_response(response)
    return response, transcript.to_text(response["response"]["outputSpeech"]["ssml"])


def test_saved_envelope_for_a_topic_goes_to_its_page(skill, content):
    _, said = answer_to(skill, "prevention_bananas_one_shot")
    food = content.prevention.pages[content.prevention.page_for_topic("FOOD")]
    assert said.startswith(f"{content.phrase('disclaimer')} {food.intro}")


def test_saved_envelope_for_chest_pain_says_call_the_emergency_number_first(skill, content):
    response, said = answer_to(skill, "see_doctor_chest_pain_one_shot")
    assert said.startswith(content.urgency["emergency"])
    assert response["response"]["shouldEndSession"] is True


def test_saved_envelope_without_a_symptom_reads_the_red_flags(skill, content):
    response, said = answer_to(skill, "see_doctor_without_symptom")
    assert content.red_flags.pages[0].intro in said
    assert response["response"]["shouldEndSession"] is False


def test_saved_envelope_resumes_a_paused_routine(skill, content):
    response, said = answer_to(skill, "resume_paused_routine")
    assert said.startswith(content.routine.stretches[1].name)
    assert response["sessionAttributes"]["routine_paused"] is False


# --- prevention --------------------------------------------------------------------------------


def test_prevention_from_the_overview_to_the_end(say, content):
    pages = content.prevention.pages
    first = say("how can I prevent cramps")
    assert first.card["title"] == content.prevention.title
    turns = [first]
    for answer in ["yes", "more", "next", "yes please", "sure", "tell me more", "keep reading"]:
        turns.append(say(answer))
    assert len(turns) == len(pages)
    for turn, page in zip(turns, pages, strict=True):
        assert without_disclaimer(turn, content).startswith(page.intro)
        assert len(page.items) <= 3
        assert transcript.spoken_seconds(speech.sentences(without_disclaimer(turn, content))) <= (
            TURN_SECONDS
        )
    for turn in turns[:-1]:
        assert words(turn).endswith(content.advice_text("want_more"))
        assert not turn.session_ended
    last = turns[-1]
    assert words(last).endswith(content.reminder_text("offer_after_tips"))  # once: see below
    assert not last.session_ended
    for page in pages:
        for item in page.items:
            assert item in last.card["content"]
    no_reminder = say("no")
    assert words(no_reminder) == content.phrase("goodbye")
    assert no_reminder.session_ended


def test_a_named_topic_then_more_goes_round_every_other_topic_once(say, content):
    pages = content.prevention.pages
    night = content.prevention.page_for_topic("NIGHT")
    heard = [say("how do I prevent night cramps")]
    while words(heard[-1]).endswith(content.advice_text("want_more")):
        heard.append(say("yes"))
    intros = [without_disclaimer(turn, content) for turn in heard]
    expected = [pages[night], *[page for page in pages[1:] if page is not pages[night]]]
    assert len(heard) == len(expected)
    for said, page in zip(intros, expected, strict=True):
        assert said.startswith(page.intro)
    assert not any(said.startswith(pages[0].intro) for said in intros)


def test_a_topic_asked_for_mid_list_jumps_to_it(say, content):
    say("how can I prevent cramps")
    turn = say("what about shoes")
    assert words(turn).startswith(content.prevention.pages[4].intro)
    assert content.prevention.pages[4].topic == "FOOTWEAR"


def test_no_ends_the_list_kindly(say, content):
    say("how can I prevent cramps")
    turn = say("no thanks")
    assert words(turn) == content.phrase("goodbye")
    assert turn.session_ended


def test_back_start_over_repeat_help_and_fallback_in_a_list(say, content):
    pages = content.prevention.pages
    say("how can I prevent cramps")
    back = say("back")
    assert words(back).startswith(f"{content.advice_text('first_part_already')} {pages[0].intro}")
    say("yes")
    second = say("yes")
    assert words(second).startswith(pages[2].intro)
    assert words(say("back")).startswith(pages[1].intro)
    assert say("repeat").speech == say("say that again").speech
    assert words(say("start over")).startswith(pages[0].intro)
    helped = say("help")
    assert words(helped) == content.advice_text("help_list")
    assert transcript.to_text(helped.reprompt) == content.advice_text("want_more_reprompt")
    lost = say("play some music")
    assert words(lost) == content.advice_text("fallback_list")
    assert not lost.session_ended
    assert words(say("yes")).startswith(pages[1].intro)


def test_stop_in_a_list_leaves_the_whole_list_on_a_card(say, content):
    say("what causes cramps")
    say("yes")
    turn = say("stop")
    assert words(turn) == content.phrase("stop")
    assert turn.session_ended
    assert turn.card["title"] == content.causes.title


# --- causes ------------------------------------------------------------------------------------


def test_causes_three_at_a_time_as_possibilities_ending_with_a_doctor(say, content):
    pages = content.causes.pages
    turns = [say("why do my feet cramp")]
    while not turns[-1].session_ended:
        turns.append(say("more"))
    assert len(turns) == len(pages)
    for turn, page in zip(turns, pages, strict=True):
        assert len(page.items) <= 3
        for item in page.items:
            assert item in words(turn)
    assert "can" in pages[0].intro.split()
    assert words(turns[-1]).endswith(content.causes.closing)
    assert "doctor" in content.causes.closing
    assert {page.title for page in pages} == {
        "Everyday causes",
        "Body chemistry",
        "Nerves and circulation",
        "Conditions and medicines",
    }


def test_causes_are_never_listed_during_a_cramp(say, content):
    say("my calf is cramping")
    turn = say("what causes cramps")
    assert (
        words(turn) == f"{content.advice_text('ease_cramp_first')} {content.phrase('next_prompt')}"
    )
    for page in content.causes.pages:
        assert not any(item in words(turn) for item in page.items)
    assert not turn.session_ended
    assert attributes(turn)["stage"] == "relief"
    assert words(say("next")).startswith(content.sequences["calf"].steps[1].do)


@pytest.mark.parametrize(
    "utterance",
    ["how can I prevent cramps", "guide me through my stretches", "give me a tip"],
)
def test_other_longer_advice_also_waits_until_the_cramp_has_gone(say, content, utterance):
    say("my foot is cramping")
    turn = say(utterance)
    assert (
        words(turn) == f"{content.advice_text('ease_cramp_first')} {content.phrase('next_prompt')}"
    )
    assert attributes(turn)["stage"] == "relief"


def test_after_the_cramp_has_gone_yes_leads_into_prevention(say, content):
    say("my calf is cramping")
    say("it's gone")
    turn = say("yes")
    assert without_disclaimer(turn, content).startswith(content.prevention.pages[0].intro)
    assert not turn.session_ended
    assert words(say("yes")).startswith(content.prevention.pages[1].intro)


# --- when to see a doctor ----------------------------------------------------------------------


def test_every_red_flag_symptom_gets_its_urgency_first(device, content, language_model):
    for value in slot_values(language_model, "SYMPTOM"):
        device.say("open cramp coach")
        turn = ask(device, "SeeDoctorIntent", "symptom", "SYMPTOM", value)
        sign = content.sign_for(value["id"])
        assert words(turn).startswith(f"{content.urgency[sign.level]} {sign.why}"), value["id"]
        assert turn.session_ended
        assert turn.card["title"] == content.red_flags.title


@pytest.mark.parametrize(
    ("utterance", "level"),
    [
        ("I have chest pain", "emergency"),
        ("what if I have trouble breathing", "emergency"),
        ("I have cramps and weakness on one side", "emergency"),
        ("my calf is swollen and red", "same_day"),
        ("my leg feels warm to the touch", "same_day"),
        ("cramps with a puncture wound", "emergency"),
        ("I've got pins and needles", "soon"),
        ("my foot is numb", "soon"),
        ("I get cramps every night", "soon"),
        ("my cramps keep coming back", "soon"),
        ("what if the cramp won't go away", "soon"),
        ("should I see a doctor about new medication", "soon"),
        ("my calf hurts when I walk", "soon"),
        ("I started a new medicine", "soon"),
        ("I'm diabetic", "soon"),
        ("cramps every night", "soon"),
        ("I stepped on a nail", "emergency"),
        ("I cut my foot", "emergency"),
    ],
)
def test_a_symptom_said_naturally_gets_its_urgency_first(say, content, utterance, level):
    turn = say(utterance)
    assert words(turn).startswith(content.urgency[level])


def test_an_emergency_symptom_mid_cramp_still_comes_first(say, content):
    say("my calf is cramping")
    turn = say("I have chest pain")
    assert words(turn).startswith(content.urgency["emergency"])
    assert turn.session_ended


def test_red_flags_most_urgent_first_through_to_the_end(say, content):
    pages = content.red_flags.pages
    turns = [say("when should I see a doctor")]
    while not turns[-1].session_ended:
        turns.append(say("yes"))
    assert len(turns) == len(pages)
    said = " ".join(without_disclaimer(turn, content) for turn in turns)
    assert said.index("nine one one") < said.index("same day") < said.index("soon")
    assert words(turns[-1]).endswith(content.red_flags.closing)
    assert turns[-1].card["title"] == content.red_flags.title


# --- the stretch routine -----------------------------------------------------------------------


def test_routine_forwards_with_timed_holds_then_finishes_with_a_card(say, content):
    stretches = content.routine.stretches
    assert 3 <= len(stretches) <= 4
    first = say("guide me through my stretches")
    assert content.routine.intro in words(first)
    assert first.card["title"] == content.routine.title
    turns = [first] + [say("next") for _ in stretches[1:]]
    for turn, stretch in zip(turns, stretches, strict=True):
        assert f"{stretch.name}. {stretch.do}" in words(turn)
        assert '<prosody rate="90%">' in turn.speech
        holds = [hold for hold in stretch.holds for _ in range(hold.seconds // 10)]
        assert transcript.break_seconds(turn.speech) == [10] * len(holds) + [1]
        spoken_holds = " ".join(
            transcript.to_text(speech.timed_hold(h.seconds, h.cue, h.release, content.count_words))
            for h in stretch.holds
        )
        assert spoken_holds in words(turn)
        assert not turn.session_ended
    assert words(turns[-1]).endswith(content.advice_text("last_stretch_prompt"))
    assert "next stretch" not in transcript.to_text(turns[-1].reprompt)
    assert "next stretch" not in transcript.to_text(say("help").reprompt)
    assert "next stretch" not in transcript.to_text(say("play some music").reprompt)
    done = say("next")
    assert words(done) == f"{content.routine.finish} {content.reminder_text('offer_after_routine')}"
    assert not done.session_ended  # a daily reminder is offered, once
    for stretch in stretches:
        assert stretch.do in done.card["content"]
    assert attributes(done)["routine_step"] == 0


def test_routine_backwards_repeat_and_start_over(say, content):
    stretches = content.routine.stretches
    say("let's do my stretches")
    first_again = say("back")
    assert words(first_again).startswith(
        f"{content.advice_text('first_stretch_already')} {stretches[0].name}"
    )
    for stretch in stretches[1:]:
        assert words(say("next")).startswith(stretch.name)
    for stretch in reversed(stretches[:-1]):
        assert words(say("go back")).startswith(stretch.name)
    say("next")
    assert words(say("repeat")).startswith(stretches[1].name)
    assert words(say("start over")).startswith(stretches[0].name)


def test_routine_pauses_and_resumes_where_it_was(say, content):
    stretches = content.routine.stretches
    say("guide me through my stretches")
    say("next")
    paused = say("pause")
    assert words(paused) == content.advice_text("paused")
    assert not paused.session_ended
    assert attributes(paused)["routine_paused"] is True
    resumed = say("resume")
    assert words(resumed).startswith(stretches[1].name)
    assert attributes(resumed)["routine_paused"] is False
    assert words(say("wait")) == content.advice_text("paused")
    assert words(say("I'm ready")).startswith(stretches[1].name)
    assert words(say("no")) == content.advice_text("paused")
    assert words(say("yes")).startswith(stretches[1].name)
    assert words(say("yes")).startswith(stretches[2].name)


def test_routine_help_fallback_and_stop(say, content):
    say("guide me through my stretches")
    helped = say("help")
    assert words(helped) == content.advice_text("help_routine")
    assert not helped.session_ended
    lost = say("play some music")
    assert words(lost) == content.advice_text("fallback_routine")
    assert not lost.session_ended
    say("next")
    stopped = say("stop")
    assert words(stopped) == content.phrase("stop")
    assert stopped.session_ended
    assert stopped.card["title"] == content.routine.title
    assert attributes(stopped)["routine_step"] == 1


def test_a_routine_left_part_way_resumes_in_a_later_session(skill, content):
    """What a later session sees once the routine position is remembered."""
    session = envelopes.Session(attributes={"routine_resume_at": 2})
    response = handle_event(skill, envelopes.intent_request(session, Match("AMAZON.ResumeIntent")))
    check_response(response)
    said = transcript.to_text(response["response"]["outputSpeech"]["ssml"])
    assert said.startswith(f"{content.phrase('disclaimer')} {content.routine.stretches[2].name}")
    assert content.routine.intro not in said
    assert response["sessionAttributes"]["stage"] == ROUTINE


@pytest.fixture
def sqlite_store(tmp_path):
    return persistence.SqliteAdapter(tmp_path / "memory.sqlite3")


def checked(device: Device, utterance: str):
    turn = device.say(utterance)
    check_response(turn.response)
    return turn


def test_a_routine_left_part_way_resumes_through_the_store(sqlite_store, content):
    """Through a real store: each session on a skill built afresh, as a new Lambda container."""
    stretches = content.routine.stretches
    user_id = "amzn1.ask.account.routine-test"
    first = person(sqlite_store, user_id)
    checked(first, "guide me through my stretches")
    checked(first, "next")
    checked(first, "stop")
    between = person(sqlite_store, user_id)
    checked(between, "open cramp coach")
    checked(between, "my calf is cramping")  # a cramp in between leaves the routine's place
    checked(between, "it's gone")
    checked(between, "no")
    later = person(sqlite_store, user_id)
    checked(later, "open cramp coach")
    resumed = checked(later, "resume")
    assert words(resumed).startswith(stretches[1].name)
    assert content.routine.intro not in words(resumed)
    assert attributes(resumed)["stage"] == ROUTINE
    for stretch in stretches[2:]:
        assert words(checked(later, "next")).startswith(stretch.name)
    checked(later, "next")  # the routine is done: nothing left to resume
    again = person(sqlite_store, user_id)
    checked(again, "open cramp coach")
    assert words(checked(again, "resume")).startswith(content.phrase("nothing_to_move_through"))


def test_tips_differ_across_sessions_through_the_store(sqlite_store, content):
    user_id = "amzn1.ask.account.tips-test"
    heard = []
    for _ in range(len(content.tips) + 1):
        device = person(sqlite_store, user_id)
        turn = checked(device, "ask cramp coach for a tip")
        assert turn.session_ended
        heard.append(next(tip for tip in content.tips if tip in words(turn)))
    assert sorted(heard[:-1]) == sorted(content.tips)
    assert heard[-1] in content.tips


def test_resume_or_pause_with_nothing_going_on(say, content):
    say("open cramp coach")
    say("help")
    nothing = say("resume")
    assert words(nothing).startswith(content.phrase("nothing_to_move_through"))
    assert attributes(nothing)["stage"] == START
    assert words(say("pause")) == content.phrase("nothing_asked")


def test_pause_during_relief_waits_counted_and_resume_goes_on(say, content):
    say("my calf is cramping")
    wait = say("hold on")
    assert words(wait).startswith(content.phrase("keep_going"))
    assert content.count_words[30] in words(wait)
    assert words(wait).endswith(content.phrase("next_prompt"))
    assert words(say("resume")).startswith(content.sequences["calf"].steps[1].do)


def test_every_stretch_keeps_the_toes_toward_the_shin(content):
    for stretch in content.routine.stretches:
        for text in [stretch.do, *(hold.cue for hold in stretch.holds)]:
            if "pull" in text.lower() and "toes" in text.lower():
                assert "toward your shin" in text, text


# --- tips --------------------------------------------------------------------------------------


def test_a_tip_is_short_and_closes_the_session(say, content):
    turn = say("give me a tip")
    assert turn.session_ended
    tip = without_disclaimer(turn, content).removeprefix(content.advice_text("tip_opener")).strip()
    assert tip in content.tips


def test_tips_differ_every_time_until_all_have_been_heard(skill, content):
    """Across sessions, with the remembered list carried over as persistence will."""
    heard_in_order = []
    remembered: dict = {}
    for _ in range(len(content.tips) + 1):
        session = envelopes.Session(attributes=remembered)
        response = handle_event(skill, envelopes.intent_request(session, Match("TipIntent")))
        check_response(response)
        said = transcript.to_text(response["response"]["outputSpeech"]["ssml"])
        heard_in_order.append(next(tip for tip in content.tips if tip in said))
        remembered = {"tips_heard": response["sessionAttributes"]["tips_heard"]}
    assert sorted(heard_in_order[:-1]) == sorted(content.tips)
    assert remembered["tips_heard"] == [content.tips.index(heard_in_order[-1])]


def test_unreadable_remembered_tips_are_ignored(skill, content):
    session = envelopes.Session(attributes={"tips_heard": ["x", True, -1, 999]})
    response = handle_event(skill, envelopes.intent_request(session, Match("TipIntent")))
    check_response(response)
    assert len(response["sessionAttributes"]["tips_heard"]) == 1


# --- the disclaimer, help and what the skill teaches -------------------------------------------


def test_the_first_advice_in_a_session_carries_the_disclaimer_once(say, content):
    say("open cramp coach")
    first = say("what causes cramps")
    assert words(first).startswith(content.phrase("disclaimer"))
    say("no")
    say("open cramp coach")
    say("how can I prevent cramps")
    again = say("guide me through my stretches")
    assert content.phrase("disclaimer") not in words(again)


def test_help_at_the_start_names_the_advice(say, content):
    say("open cramp coach")
    helped = words(say("help"))
    for path in ("prevent", "causes", "doctor", "stretch routine", "tip"):
        assert path in helped


def test_phrases_the_skill_teaches_are_understood(content):
    understanding = Understanding()
    stretching = content.prevention.pages[content.prevention.page_for_topic("STRETCHING")]
    assert any("guide me through my stretches" in item for item in stretching.items)
    assert understanding.understand("guide me through my stretches").intent == (
        "StretchRoutineIntent"
    )
    night = content.prevention.pages[content.prevention.page_for_topic("NIGHT")]
    assert any("tell Cramp Coach my calf is cramping" in item for item in night.items)
    assert understanding.understand("my calf is cramping").intent == "CrampNowIntent"
