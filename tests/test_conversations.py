"""Whole conversations, typed the way people talk, through the console's understanding."""

import re

import pytest
from alexa_rules import check_response
from helpers import said as words

from console import transcript
from console.nlu import Match, SlotMatch, Understanding


def step(content, sequence: str, index: int):
    return content.sequences[sequence].steps[index]


def next_past_the_check(device, content, utterance: str = "next"):
    """Say next; if the safety check is asked first, answer no, as most people will."""
    turn = device.say(utterance)
    if words(turn) == content.phrase("check_question"):
        turn = device.say("no")
        assert words(turn).startswith(content.phrase("check_clear"))
    return turn


def step_words(turn, content) -> str:
    """What was said, without the "good, let's carry on" after the safety check."""
    return words(turn).removeprefix(content.phrase("check_clear")).strip()


def test_one_shot_cramp_starts_with_what_to_do(device, content):
    turn = device.say("tell cramp coach my foot is cramping")
    first = step(content, "foot", 0)
    assert turn.request["session"]["new"] is True
    assert words(turn).startswith(f"{content.phrase('first_step_opener')} {first.do}")
    assert not turn.session_ended
    assert transcript.to_text(turn.reprompt) == content.phrase("step_reprompt")


@pytest.mark.parametrize(
    ("utterance", "sequence"),
    [
        ("my foot is cramping", "foot"),
        ("the bottom of my foot is cramping", "foot"),
        ("my toes are curling up", "toes"),
        ("cramp in my instep", "arch"),
        ("I've got cramp in my calf", "calf"),
        ("charley horse", "calf"),
        ("my quad is cramping", "thigh_front"),
        ("the front of my thigh is cramping", "thigh_front"),
        ("my shin is cramping", "shin"),
        ("the top of my foot is cramping", "top_of_foot"),
        ("my achilles is cramping", "calf"),
        ("my heel is cramping", "foot"),
        ("cramp in my sole", "foot"),
        ("both legs are cramping", "both_legs"),
        ("my legs are cramping", "both_legs"),
        ("the back of my leg is cramping", "back_of_leg"),
        ("ow my hamstring", "hamstring"),
        ("my leg is cramping", "general"),
        ("I have a cramp", "general"),
        ("how do I stop a foot cramp", "foot"),
    ],
)
def test_each_body_part_gets_its_own_steps(device, content, utterance, sequence):
    turn = device.say(utterance)
    assert step(content, sequence, 0).do in words(turn)
    assert turn.response["sessionAttributes"]["sequence"] == sequence


def test_at_most_six_words_come_before_the_first_instruction(device, content):
    for opening in (["tell cramp coach my calf is cramping"], ["open cramp coach", "yes"]):
        for utterance in opening:
            turn = device.say(utterance)
        sequence = turn.response["sessionAttributes"]["sequence"]
        before = words(turn).split(step(content, sequence, 0).do)[0]
        assert len(before.split()) <= 6, before
        device.say("stop")


def test_holds_are_timed_in_speech_and_spoken_slowly(device, content):
    turn = device.say("my calf is cramping")
    first = step(content, "calf", 0)
    assert transcript.break_seconds(turn.speech) == [10, 10, 10, 1]
    for seconds in (10, 20, 30):
        assert content.count_words[seconds] in words(turn)
    assert '<prosody rate="90%">' in turn.speech
    assert words(turn).index(first.cue) < words(turn).index(first.release)


def test_launch_then_cramp(device, content):
    launch = device.say("open cramp coach")
    assert words(launch) == content.phrase("launch")
    assert not launch.session_ended
    turn = device.say("my calf is cramping")
    assert turn.request["session"]["new"] is False
    assert step(content, "calf", 0).do in words(turn)


def test_launch_then_yes_gives_the_general_steps(device, content):
    device.say("open cramp coach")
    assert step(content, "general", 0).do in words(device.say("yes"))


def test_launch_then_no_gives_prevention_tips_after_the_disclaimer(device, content):
    device.say("open cramp coach")
    turn = device.say("no")
    overview = content.prevention.pages[0]
    assert words(turn).startswith(f"{content.phrase('disclaimer')} {overview.intro}")
    assert words(turn).endswith(content.advice_text("want_more"))
    assert not turn.session_ended


def test_next_back_and_repeat_past_both_ends(device, content):
    steps = content.sequences["toes"].steps
    device.say("my toes are cramping")
    back = device.say("back")
    assert words(back).startswith(f"{content.phrase('first_step_already')} {steps[0].do}")
    assert steps[0].do in words(device.say("repeat"))
    for index in range(1, len(steps)):
        assert step_words(next_past_the_check(device, content), content).startswith(steps[index].do)
    assert words(device.say("repeat")).startswith(steps[-1].do)
    end = device.say("next")
    assert words(end) == content.phrase("last_step_reached")
    assert not end.session_ended
    again = device.say("next")
    assert words(again) == content.phrase("last_step_reached")
    assert words(device.say("back")).startswith(steps[-2].do)


def test_start_over_goes_back_to_the_first_step(device, content):
    device.say("my hamstring is cramping")
    next_past_the_check(device, content)
    next_past_the_check(device, content)
    turn = device.say("start over")
    assert words(turn).startswith(step(content, "hamstring", 0).do)
    assert turn.response["sessionAttributes"]["step"] == 0


def test_yes_during_steps_moves_on_and_no_waits(device, content):
    device.say("my calf is cramping")
    assert words(device.say("yes")).startswith(step(content, "calf", 1).do)
    wait = device.say("no")
    assert words(wait).startswith(content.phrase("keep_going"))
    assert not wait.session_ended
    assert step_words(next_past_the_check(device, content), content).startswith(
        step(content, "calf", 2).do
    )


def test_gone_ends_kindly_with_the_steps_card_and_offers_tips(device, content):
    device.say("my foot is cramping")
    turn = device.say("it's gone")
    assert words(turn) == f"{content.phrase('gone')} {content.phrase('offer_tips')}"
    assert content.phrase("disclaimer") not in words(turn)
    assert turn.card["title"] == content.relief_text("card_title", area="foot")
    for foot_step in content.sequences["foot"].steps:
        assert foot_step.do in turn.card["content"]
    assert content.relief_text("card_disclaimer") in turn.card["content"]
    tips = device.say("yes")
    assert words(tips).startswith(content.phrase("disclaimer"))
    assert content.prevention.pages[0].intro in words(tips)
    assert not tips.session_ended


def test_gone_then_no_says_goodbye(device, content):
    device.say("my foot is cramping")
    device.say("that helped")
    turn = device.say("no thanks")
    assert words(turn) == content.phrase("goodbye")
    assert turn.session_ended


def test_last_step_then_yes_means_gone_and_no_means_it_still_hurts(device, content):
    device.say("my hamstring is cramping")
    for _ in content.sequences["hamstring"].steps:
        next_past_the_check(device, content)
    assert words(device.say("no")).startswith(content.phrase("persists_opener"))
    device.say("start over")
    for _ in content.sequences["hamstring"].steps:
        device.say("next")
    assert words(device.say("yes")).startswith(content.phrase("gone"))


def test_it_still_hurts_escalates_then_gives_the_red_flags_once_and_asks(device, content):
    steps = content.sequences["calf"].steps
    device.say("my calf is cramping")
    assert words(device.say("it still hurts")) == content.phrase("check_question")
    heard = [words(device.say("no"))]
    assert heard[0].startswith(f"{content.phrase('check_clear')} {steps[1].do}")
    for later in steps[2:]:
        heard.append(words(device.say("it still hurts")))
        assert heard[-1].startswith(f"{content.phrase('persists_opener')} {later.do}")
    for measure in content.persists:
        turn = device.say("it still hurts")
        assert words(turn).startswith(f"{content.phrase('persists_opener')} {measure.do}")
        assert not turn.session_ended
        heard.append(words(turn))
    red_flags = device.say("it's getting worse")
    assert words(red_flags) == f"{content.phrase('red_flags')} {content.phrase('keep_going_ask')}"
    assert not red_flags.session_ended
    assert not any(content.phrase("red_flags") in sentence for sentence in heard)
    again = device.say("it still hurts")
    assert words(again).startswith(f"{content.phrase('persists_opener')} {content.persists[0].do}")
    for _ in range(len(content.persists) * 2):
        turn = device.say("it still hurts")
        assert content.phrase("red_flags") not in words(turn)
        assert not turn.session_ended


def test_the_relief_red_flags_are_most_urgent_first_in_one_breath_with_the_full_card(
    device, content
):
    device.say("my calf is cramping")
    device.say("it still hurts")
    device.say("no")
    turn = device.say("it still hurts")
    while content.phrase("red_flags") not in words(turn):
        turn = device.say("it still hurts")
    said = words(turn)
    assert said.index("nine one one") < said.index("today") < said.index("soon")
    assert len(said.split()) <= 40, said
    assert said.endswith("?")
    assert turn.card["title"] == content.red_flags.title
    for page in content.red_flags.pages:
        for item in page.items:
            assert item in turn.card["content"]
    assert content.relief_text("card_disclaimer") in turn.card["content"]


def test_warmth_is_counted_for_a_minute_so_nobody_loses_the_session_fetching_a_towel(
    device, content
):
    device.say("my foot is cramping")
    turn = device.say("next")
    while "warm" not in step_words(turn, content).split(".")[0]:
        turn = next_past_the_check(device, content)
    assert "not hot" in words(turn) and "hand" in words(turn)
    assert transcript.break_seconds(turn.speech) == [10] * 6 + [1]
    assert content.count_words[60] in words(turn)


def test_it_still_hurts_before_any_steps_starts_relief(device, content):
    turn = device.say("tell cramp coach it still hurts")
    assert step(content, "general", 0).do in words(turn)


def test_help_when_asked_if_the_cramp_has_gone_answers_that(device, content):
    device.say("my toes are cramping")
    for _ in content.sequences["toes"].steps:
        next_past_the_check(device, content)
    helped = device.say("help")
    assert words(helped) == content.phrase("help_is_it_gone")
    assert "say yes" in words(helped) and "no if it still hurts" in words(helped)
    assert not helped.session_ended
    assert words(device.say("yes")).startswith(content.phrase("gone"))


def test_help_in_the_steps_is_one_breath(content):
    assert len(re.findall(r"[.?!]", content.phrase("help_relief"))) == 1
    assert len(content.phrase("help_relief").split()) <= 20


def test_help_depends_on_where_you_are(device, content):
    assert words(device.say("open cramp coach"))
    start = device.say("help")
    assert words(start) == content.phrase("help_start")
    assert not start.session_ended
    device.say("my foot is cramping")
    relief = device.say("what can I say")
    assert words(relief) == content.phrase("help_relief")
    assert not relief.session_ended
    device.say("it's gone")
    offer = device.say("help")
    assert words(offer) == content.phrase("help_offer")
    assert not offer.session_ended


@pytest.mark.parametrize("utterance", ["stop", "cancel", "go home"])
def test_stop_cancel_and_home_end_at_once(device, content, utterance):
    device.say("open cramp coach")
    turn = device.say(utterance)
    assert words(turn) == content.phrase("stop")
    assert turn.session_ended
    assert turn.card is None


def test_stop_during_relief_leaves_the_steps_on_a_card(device, content):
    device.say("my arch is cramping")
    turn = device.say("stop")
    assert words(turn) == content.phrase("stop")
    assert turn.session_ended
    assert content.sequences["arch"].steps[0].do in turn.card["content"]


def test_fallback_reorients_in_one_sentence_and_keeps_the_reprompt(device, content):
    launch = device.say("open cramp coach")
    lost = device.say("what's the weather in paris")
    assert words(lost) == content.phrase("fallback_cramp_now")
    assert lost.reprompt == launch.reprompt
    device.say("help")
    assert words(device.say("play some music")) == content.phrase("fallback_start")
    relief = device.say("my calf is cramping")
    lost = device.say("play some music")
    assert words(lost) == content.phrase("fallback_relief")
    assert lost.reprompt == relief.reprompt
    assert words(device.say("next")).startswith(step(content, "calf", 1).do)


def test_repeat_outside_the_steps_repeats_the_last_answer(device, content):
    launch = device.say("open cramp coach")
    assert device.say("say that again").speech == launch.speech


def test_next_before_any_steps_explains(device, content):
    device.say("open cramp coach")
    turn = device.say("next")
    assert words(turn).startswith(content.phrase("nothing_to_move_through"))
    assert not turn.session_ended


def test_session_end_sends_no_speech(device):
    device.say("my calf is cramping")
    turn = device.end_session("EXCEEDED_MAX_REPROMPTS")
    check_response(turn.response, "SessionEndedRequest")
    assert device.session is None


def test_the_disclaimer_is_on_the_card_in_a_cramp_and_heard_once_per_session(device, content):
    first = device.say("my calf is cramping")
    gone = device.say("it's gone")
    for turn in (first, gone):
        assert content.phrase("disclaimer") not in words(turn)
        assert content.relief_text("card_disclaimer") in turn.card["content"]
    tips = device.say("yes")
    assert content.phrase("disclaimer") in words(tips)
    device.say("my calf is cramping")
    device.say("it's gone")
    again = device.say("yes")
    assert content.phrase("disclaimer") not in words(again)


def test_fallback_fits_the_question_just_asked(device, content):
    device.say("my calf is cramping")
    offer = device.say("it's gone")
    lost = device.say("what's the weather in paris")
    assert words(lost) == content.phrase("fallback_offer")
    assert "tips" in words(lost) and "where the cramp is" not in words(lost)
    assert lost.reprompt == offer.reprompt
    device.say("my calf is cramping")
    for _ in content.sequences["calf"].steps:
        next_past_the_check(device, content)
    assert words(device.say("play some music")) == content.phrase("fallback_is_it_gone")


@pytest.mark.parametrize(
    "key",
    [
        "fallback_start",
        "fallback_cramp_now",
        "fallback_relief",
        "fallback_is_it_gone",
        "fallback_offer",
        "fallback_check",
        "fallback_side",
        "fallback_ready",
        "fallback_keep_going",
        "nothing_asked",
    ],
)
def test_every_fallback_is_one_sentence(content, key):
    assert len(re.findall(r"[.?!]", content.phrase(key))) == 1, key


@pytest.mark.parametrize("key", ["fallback_list", "fallback_routine"])
def test_every_advice_fallback_is_one_sentence(content, key):
    assert len(re.findall(r"[.?!]", content.advice_text(key))) == 1, key


@pytest.mark.parametrize("utterance", ["yes", "pause"])
def test_yes_or_pause_when_nothing_was_asked_is_not_misheard(device, content, utterance):
    device.say("open cramp coach")
    device.say("help")
    turn = device.say(utterance)
    assert words(turn) == content.phrase("nothing_asked")
    assert "catch" not in words(turn)
    assert not turn.session_ended


# --- launch: a cramp now, or tips ----------------------------------------------------------


def test_launch_offers_a_cramp_now_or_tips(device, content):
    launch = device.say("open cramp coach")
    assert "tips" in words(launch) and "yes" in words(launch)
    tips = device.say("tips")
    assert tips.request["request"]["intent"]["name"] == "PreventionIntent"
    assert without_disclaimer(tips, content).startswith(content.prevention.pages[0].intro)


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [
        ("yes", "AMAZON.YesIntent"),
        ("no", "AMAZON.NoIntent"),
        ("tips", "PreventionIntent"),
        ("give me tips", "PreventionIntent"),
        ("say tips", "AMAZON.FallbackIntent"),
        ("tip", "TipIntent"),
        ("my calf", "CrampNowIntent"),
    ],
)
def test_the_launch_words_route_where_they_promise(content, utterance, intent):
    assert Understanding(exact_only=True).understand(utterance).intent == intent


def test_launch_reprompt_words_route_too(device, content):
    device.say("open cramp coach")
    assert "say tips" in content.phrase("launch_reprompt")
    assert "like my calf" in content.phrase("launch_reprompt")
    turn = device.say("my calf")
    assert turn.response["sessionAttributes"]["sequence"] == "calf"


def without_disclaimer(turn, content) -> str:
    return words(turn).replace(content.phrase("disclaimer"), "").strip()


# --- safety: emergencies, calls, body parts that are not a leg ---------------------------------


@pytest.mark.parametrize(
    ("utterance", "symptom"),
    [
        ("I can't breathe", "BREATHING"),
        ("I'm short of breath", "BREATHING"),
        ("my chest hurts", "CHEST_PAIN"),
        ("I have chest pain and a cramp", "CHEST_PAIN"),
        ("is it a blood clot", "BLOOD_CLOT"),
        ("could it be a blood clot", "BLOOD_CLOT"),
        ("my calf hurts and it's swollen", "SWOLLEN"),
    ],
)
def test_emergency_statements_get_their_urgency_first(device, content, utterance, symptom):
    device.say("my calf is cramping")
    turn = device.say(utterance)
    intent = turn.request["request"]["intent"]
    assert intent["name"] == "SeeDoctorIntent"
    resolution = intent["slots"]["symptom"]["resolutions"]["resolutionsPerAuthority"][0]
    assert resolution["values"][0]["value"]["id"] == symptom
    sign = content.sign_for(symptom)
    assert words(turn).startswith(content.urgency[sign.level])
    assert turn.session_ended


def test_an_emergency_answer_does_not_repeat_itself_with_the_disclaimer(device, content):
    turn = device.say("I can't breathe")
    sign = content.sign_for("BREATHING")
    assert words(turn) == f"{content.urgency['emergency']} {sign.why}"
    assert turn.response["sessionAttributes"]["disclaimer_heard"] is False
    assert content.relief_text("card_disclaimer") in turn.card["content"]


CALLS = [
    "call nine one one",
    "call an ambulance",
    "call for help",
    "call a doctor",
    "get me help",
    "phone an ambulance",
]


@pytest.mark.parametrize("utterance", CALLS)
def test_call_for_help_routes_to_its_intent(utterance):
    assert Understanding().understand(utterance).intent == "CallForHelpIntent"


@pytest.mark.parametrize(
    "opening",
    [
        [],
        ["open cramp coach"],
        ["my calf is cramping"],
        ["my calf is cramping", "it's gone"],
        ["how can I prevent cramps"],
        ["guide me through my stretches"],
        ["open cramp coach", "help"],
    ],
)
def test_asked_to_call_it_says_it_cannot_and_to_call_the_emergency_number(device, content, opening):
    for utterance in opening:
        device.say(utterance)
    turn = device.say("call an ambulance")
    check_response(turn.response)
    said = words(turn)
    assert said == content.phrase("cannot_call")
    assert "can't" in said and "nine one one now" in said
    assert len(re.findall(r"[.?!]", said)) == 1
    assert turn.session_ended
    assert turn.card["title"] == content.red_flags.title
    assert content.red_flags.pages[0].items[0] in turn.card["content"]


def unknown_body_part(device, spoken: str):
    filled = SlotMatch("bodyPart", spoken, None, None, "BODY_PART")
    return device.send_intent(
        f"my {spoken} is cramping", Match("CrampNowIntent", {"bodyPart": filled}, ("bodyPart",))
    )


@pytest.mark.parametrize("spoken", ["chest", "elbow"])
def test_a_cramp_that_is_not_in_a_leg_gets_no_leg_steps(device, content, spoken):
    turn = unknown_body_part(device, spoken)
    check_response(turn.response)
    said = words(turn)
    assert said == f"{content.phrase('not_a_leg_cramp')} {content.phrase('where_is_the_cramp')}"
    assert "feet and legs" in said and "nine one one" in said
    for sequence in content.sequences.values():
        assert sequence.steps[0].do not in said
    assert not turn.session_ended
    assert turn.response["sessionAttributes"]["stage"] == "start"
    assert words(device.say("my calf")).startswith(
        f"{content.phrase('first_step_opener')} {step(content, 'calf', 0).do}"
    )


def test_pain_is_not_a_cramp(content):
    understanding = Understanding()
    assert understanding.understand("my calf hurts").intent != "CrampNowIntent"
    assert understanding.understand("my foot is killing me").intent != "CrampNowIntent"
    assert understanding.understand("ow my calf").intent == "CrampNowIntent"


def test_the_steps_card_carries_the_disclaimer_when_stopped(device, content):
    device.say("my calf is cramping")
    turn = device.say("stop")
    assert content.relief_text("card_disclaimer") in turn.card["content"]
    assert content.phrase("disclaimer") not in words(turn)


# --- the steps themselves ------------------------------------------------------------------


def test_every_sequence_starts_with_the_stretch_itself(content):
    for name, sequence in content.sequences.items():
        first = sequence.steps[0]
        assert first.hold >= 30, name
        assert "pull" in f"{first.do} {first.cue}".lower(), name


def test_the_hamstring_stretch_sits_down_and_sits_back_up(content):
    first = content.sequences["hamstring"].steps[0]
    assert first.do.startswith("Stop, sit") and "lie" not in first.do
    assert "sit back up" in first.release


def test_no_step_is_an_alternative_dressed_as_a_next_step(content):
    for name, sequence in content.sequences.items():
        for later in sequence.steps[1:]:
            assert "?" not in later.do, (name, later.do)


def test_it_still_hurts_after_its_gone_restarts_that_body_parts_steps(device, content):
    device.say("my hamstring is cramping")
    device.say("it's gone")
    turn = device.say("it still hurts")
    assert words(turn).startswith(
        f"{content.phrase('first_step_opener')} {step(content, 'hamstring', 0).do}"
    )
    assert turn.response["sessionAttributes"]["sequence"] == "hamstring"
    assert turn.response["sessionAttributes"]["stage"] == "relief"


@pytest.mark.parametrize("utterance", ["it's getting better", "it's easing", "a little better"])
def test_partly_better_means_keep_going(device, content, utterance):
    device.say("my calf is cramping")
    turn = device.say(utterance)
    said = words(turn)
    assert said.startswith(content.phrase("easing"))
    assert said.index(content.count_words[20]) < said.index(content.phrase("hold_on_release"))
    assert said.endswith(content.phrase("next_prompt"))
    assert not turn.session_ended
    assert turn.response["sessionAttributes"]["stage"] == "relief"
    assert words(device.say("next")).startswith(step(content, "calf", 1).do)


# --- the ways people say it ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("utterance", "sequence"),
    [
        ("my calf cramped", "calf"),
        ("my foot is cramped", "foot"),
        ("my calf keeps cramping", "calf"),
        ("my toes won't stop cramping", "toes"),
        ("my quad is cramping again", "thigh_front"),
        ("calf cramping", "calf"),
        ("cramping in my arch", "arch"),
        ("foot cramps", "foot"),
        ("I have cramps in my hamstring", "hamstring"),
        ("I have a charley horse in my calf", "calf"),
        ("I woke up with a calf cramp", "calf"),
        ("it's in my foot", "foot"),
        ("yes my calf", "calf"),
        ("help my toes", "toes"),
        ("charlie horse", "calf"),
        ("I got a cramp", "general"),
        ("I'm getting a cramp", "general"),
        ("help me with a cramp", "general"),
        ("I have a muscle spasm", "general"),
        ("ow", "general"),
        ("ouch", "general"),
    ],
)
def test_more_ways_to_say_a_cramp(device, content, utterance, sequence):
    turn = device.say(utterance)
    assert turn.request["request"]["intent"]["name"] == "CrampNowIntent"
    assert words(turn).startswith(
        f"{content.phrase('first_step_opener')} {step(content, sequence, 0).do}"
    )


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [
        ("gone", "CrampGoneIntent"),
        ("it's going away", "CrampGoneIntent"),
        ("it stopped hurting", "CrampGoneIntent"),
        ("that's better", "CrampGoneIntent"),
        ("okay it's gone", "CrampGoneIntent"),
        ("it hurts", "CrampPersistsIntent"),
        ("it's not getting better", "CrampPersistsIntent"),
        ("the cramp won't go away", "CrampPersistsIntent"),
        ("make it stop", "CrampPersistsIntent"),
        ("stop the cramp", "CrampPersistsIntent"),
        ("it's getting better", "CrampEasingIntent"),
        ("it's easing", "CrampEasingIntent"),
        ("a little better", "CrampEasingIntent"),
    ],
)
def test_gone_still_hurts_and_easing_said_naturally(utterance, intent):
    assert Understanding(exact_only=True).understand(utterance).intent == intent
