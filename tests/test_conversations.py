"""Whole conversations, typed the way people talk, through the console's understanding."""

import pytest
from alexa_rules import check_response

from skill import transcript


def words(turn) -> str:
    return transcript.to_text(turn.speech)


def step(content, sequence: str, index: int):
    return content.sequences[sequence].steps[index]


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
        ("my quad is cramping", "thigh"),
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
        assert words(device.say("next")).startswith(steps[index].do)
    assert words(device.say("repeat")).startswith(steps[-1].do)
    end = device.say("next")
    assert words(end) == content.phrase("last_step_reached")
    assert not end.session_ended
    again = device.say("next")
    assert words(again) == content.phrase("last_step_reached")
    assert words(device.say("back")).startswith(steps[-2].do)


def test_start_over_goes_back_to_the_first_step(device, content):
    device.say("my thigh is cramping")
    device.say("next")
    device.say("next")
    turn = device.say("start over")
    assert words(turn).startswith(step(content, "thigh", 0).do)
    assert turn.response["sessionAttributes"]["step"] == 0


def test_yes_during_steps_moves_on_and_no_waits(device, content):
    device.say("my calf is cramping")
    assert words(device.say("yes")).startswith(step(content, "calf", 1).do)
    wait = device.say("no")
    assert words(wait) == content.phrase("keep_going")
    assert not wait.session_ended
    assert words(device.say("next")).startswith(step(content, "calf", 2).do)


def test_gone_ends_kindly_with_the_steps_card_and_offers_tips(device, content):
    device.say("my foot is cramping")
    turn = device.say("it's gone")
    assert words(turn).startswith(content.phrase("gone"))
    assert words(turn).endswith(content.phrase("offer_tips"))
    assert content.phrase("disclaimer") in words(turn)
    assert turn.card["title"] == content.relief_text("card_title", area="foot")
    for foot_step in content.sequences["foot"].steps:
        assert foot_step.do in turn.card["content"]
    tips = device.say("yes")
    assert words(tips).startswith(content.prevention.pages[0].intro)
    assert content.phrase("disclaimer") not in words(tips)
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
        device.say("next")
    assert words(device.say("no")).startswith(content.phrase("persists_opener"))
    for _ in content.sequences["hamstring"].steps:
        device.say("next")
    assert words(device.say("yes")).startswith(content.phrase("gone"))


def test_it_still_hurts_escalates_then_gives_the_red_flags_once(device, content):
    device.say("my calf is cramping")
    heard = []
    for measure in content.persists:
        turn = device.say("it still hurts")
        assert words(turn).startswith(f"{content.phrase('persists_opener')} {measure.do}")
        assert not turn.session_ended
        heard.append(words(turn))
    red_flags = device.say("it's getting worse")
    assert words(red_flags) == content.phrase("red_flags")
    assert red_flags.session_ended
    assert red_flags.card["title"] == content.phrase("red_flags_title")
    assert not any(content.phrase("red_flags") in sentence for sentence in heard)


def test_it_still_hurts_before_any_steps_starts_relief(device, content):
    turn = device.say("tell cramp coach it still hurts")
    assert step(content, "general", 0).do in words(turn)


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
    assert words(lost) == content.phrase("fallback_start")
    assert lost.reprompt == launch.reprompt
    relief = device.say("my calf is cramping")
    lost = device.say("banana")
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


def test_the_disclaimer_is_heard_once_per_session(device, content):
    device.say("my calf is cramping")
    first = device.say("it's gone")
    device.say("my calf is cramping")
    second = device.say("it's gone")
    assert content.phrase("disclaimer") in words(first)
    assert content.phrase("disclaimer") not in words(second)
