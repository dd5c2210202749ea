"""Relief that is safe for a real person in pain, and never lets go of them (issue 8).

Whole conversations through real request envelopes, typed the way people talk; every answer is
also held to Alexa's rules (tests/alexa_rules.py). The safety words a person must hear are
written here, not read back from the content file.
"""

import logging
import re

import pytest
from alexa_rules import check_response

from console import envelopes, transcript
from console.nlu import Understanding
from skill.app import handle_event

# A sequence per way of naming the place, as people say it.
CRAMPS = {
    "general": "my leg is cramping",
    "foot": "my foot is cramping",
    "arch": "my arch is cramping",
    "toes": "my toes are cramping",
    "calf": "my calf is cramping",
    "thigh_front": "the front of my thigh is cramping",
    "hamstring": "my hamstring is cramping",
    "shin": "my shin is cramping",
    "top_of_foot": "the top of my foot is cramping",
    "both_legs": "my legs are cramping",
    "back_of_leg": "the back of my leg is cramping",
}
# What must not come before the safety check: rubbing, weight on the leg, walking, warmth.
UNCHECKED = re.compile(r"\b(rub\w*|walk\w*|warm\w*|weight)\b", re.I)
TEN_MINUTES = 600


@pytest.fixture
def say(device):
    def said(utterance: str):
        turn = device.say(utterance)
        check_response(turn.response)
        return turn

    return said


def words(turn) -> str:
    return transcript.to_text(turn.speech)


def attributes(turn) -> dict:
    return turn.response["sessionAttributes"]


def instruction(turn) -> str:
    """What the person is told to do: the speech before any count."""
    return words(turn).split(" ten seconds.")[0]


# --- a possible clot, a tear, heat illness: the check before rubbing, walking or warmth ---------


@pytest.mark.parametrize("sequence", CRAMPS)
def test_nothing_rubs_walks_or_warms_before_the_safety_check(say, content, sequence):
    first = say(CRAMPS[sequence])
    assert attributes(first)["sequence"] == sequence
    assert not UNCHECKED.search(instruction(first))
    turn = say("next")
    while words(turn) != content.phrase("check_question"):
        assert not UNCHECKED.search(instruction(turn)), instruction(turn)
        assert not turn.session_ended
        turn = say("next")
    assert not turn.session_ended
    assert transcript.to_text(turn.reprompt).endswith("Say yes or no.")
    carried_on = say("no")
    assert words(carried_on).startswith("Good, let's carry on.")
    for _ in range(len(content.sequences[sequence].steps) + 2):
        assert words(say("next")) != content.phrase("check_question")


def test_the_first_it_still_hurts_asks_the_check_in_one_breath(say, content):
    say("my calf is cramping")
    check = say("it still hurts")
    said = words(check)
    for sign in ("swollen", "red", "hot", "bruised", "pop", "faint", "confused"):
        assert sign in said
    assert said.endswith("?") and len(said.split()) <= 25
    assert attributes(check)["step"] == 0
    assert not check.session_ended


def test_yes_to_the_check_stops_rubbing_and_stretching_and_gets_help(say, content):
    say("my calf is cramping")
    say("it still hurts")
    turn = say("yes")
    said = words(turn)
    assert "don't rub" in said and "stop the stretches" in said
    assert said.index("nine one one now") < said.index("get seen today")
    assert "chest pain or trouble breathing" in said
    assert turn.session_ended
    assert "swollen, red, warm or tender" in turn.card["content"]
    assert not UNCHECKED.search(said.replace("don't rub or warm it", ""))


@pytest.mark.parametrize(
    ("answer", "level", "meant"),
    [
        ("it's swollen", "same_day", "don't rub"),
        ("yes it's red and hot", "same_day", "blood clot"),
        ("I felt a pop", "same_day", "no heat or rubbing"),
        ("it's bruised", "same_day", "tear"),
        ("I can't put weight on it", "same_day", "tear"),
        ("I'm confused", "emergency", "somewhere cool"),
        ("I feel faint", "emergency", "heat"),
        ("it's swollen and short of breath", "emergency", "lungs"),
    ],
)
def test_naming_the_sign_instead_of_yes_takes_over_with_its_urgency(
    say, content, answer, level, meant
):
    say("my calf is cramping")
    say("it still hurts")
    turn = say(answer)
    assert turn.request["request"]["intent"]["name"] == "SeeDoctorIntent"
    assert words(turn).startswith(content.urgency[level])
    assert meant in words(turn)
    assert turn.session_ended


@pytest.mark.parametrize("answer", ["no", "it's not swollen", "none of those", "no swelling"])
def test_no_to_the_check_carries_on_and_it_is_never_asked_again(say, content, answer):
    say("my calf is cramping")
    say("it still hurts")
    turn = say(answer)
    assert words(turn).startswith(f"Good, let's carry on. {content.sequences['calf'].steps[1].do}")
    for _ in range(12):
        turn = say("it still hurts")
        assert "Quick check" not in words(turn)
        assert not turn.session_ended


def test_the_check_waits_for_its_answer_whatever_else_is_said(say, content):
    say("my calf is cramping")
    say("it still hurts")
    for utterance in ("next", "it still hurts", "repeat", "I'm ready", "not yet", "almost"):
        turn = say(utterance)
        assert "swollen, red, hot or bruised" in words(turn), utterance
        assert attributes(turn)["question"] == "safety_check"
    assert words(say("play some music")) == content.phrase("fallback_check")
    assert words(say("help")) == content.phrase("help_check")
    assert attributes(say("give me a minute"))["question"] == "safety_check"
    assert words(say("no")).startswith("Good, let's carry on.")


# --- the right direction for every muscle ------------------------------------------------------


def test_thigh_alone_asks_front_or_back_before_any_stretch(say, content):
    turn = say("my thigh is cramping")
    said = words(turn)
    assert (
        said
        == "Okay. Stop, and sit or lie down. Is the cramp in the front of your thigh, or the back?"
    )
    for sequence in content.sequences.values():
        assert sequence.steps[0].do not in said
    assert transcript.to_text(turn.reprompt).startswith("Say front or back")
    assert not turn.session_ended


@pytest.mark.parametrize(
    ("answer", "sequence", "stretch"),
    [
        ("front", "thigh_front", "heel back toward your bottom"),
        ("the front", "thigh_front", "heel back toward your bottom"),
        ("it's at the front", "thigh_front", "heel back toward your bottom"),
        ("front of my thigh", "thigh_front", "heel back toward your bottom"),
        ("back", "hamstring", "lean forward from your hips"),
        ("the back", "hamstring", "lean forward from your hips"),
        ("back of my thigh", "hamstring", "lean forward from your hips"),
        ("behind", "hamstring", "lean forward from your hips"),
    ],
)
def test_the_answer_gives_the_stretch_that_lengthens_that_side(say, answer, sequence, stretch):
    say("my thigh is cramping")
    turn = say(answer)
    assert attributes(turn)["sequence"] == sequence
    assert stretch in words(turn)
    assert turn.card is not None and stretch in turn.card["content"]


def test_hamstring_and_back_of_the_thigh_lean_forward_with_the_leg_straight(say):
    for utterance in ("my hamstring is cramping", "the back of my thigh is cramping"):
        said = instruction(say(utterance))
        assert "leg out straight" in said and "lean forward from your hips" in said
        assert "heel" not in said
        say("stop")


def test_a_thigh_answer_that_is_not_front_or_back_asks_again(say, content):
    say("my thigh is cramping")
    assert words(say("play some music")) == content.phrase("fallback_side")
    for utterance in ("next", "yes", "no", "it still hurts", "repeat"):
        again = say(utterance)
        assert "front of your thigh, or the back?" in words(again), utterance
    assert words(say("help")) == content.phrase("help_side")
    assert attributes(say("back"))["sequence"] == "hamstring"


@pytest.mark.parametrize(("answer", "sequence"), [("front", "top_of_foot"), ("back", "calf")])
def test_the_ankle_asks_too(say, answer, sequence):
    asked = say("my ankle is cramping")
    assert "front of your ankle, or the back" in words(asked)
    assert attributes(say(answer))["sequence"] == sequence


@pytest.mark.parametrize("utterance", ["my shin is cramping", "the top of my foot is cramping"])
def test_shin_and_top_of_the_foot_point_the_foot_down_never_toward_the_shin(
    say, content, utterance
):
    turn = say(utterance)
    assert "point your foot" in words(turn) and "down" in words(turn)
    assert "toward your shin" not in turn.card["content"]
    for _ in range(8):
        turn = say("no") if words(turn) == content.phrase("check_question") else say("next")
        assert "toward your shin" not in words(turn)
        assert not re.search(r"pull (?:your|the) toes", words(turn))


def test_calf_arch_sole_heel_and_achilles_pull_the_toes_back(say):
    for place in ("calf", "arch", "sole", "heel", "achilles"):
        assert "toward your shin" in instruction(say(f"my {place} is cramping")), place
        say("stop")


def test_both_legs_one_at_a_time_sitting_down(say, content):
    first = say("both legs are cramping")
    assert "sit down" in instruction(first) and "one foot" in instruction(first)
    assert "other leg" in instruction(say("next"))


# --- falls and driving -------------------------------------------------------------------------


@pytest.mark.parametrize("sequence", CRAMPS)
def test_the_first_words_are_stop_inside_the_first_step(say, sequence):
    said = words(say(CRAMPS[sequence]))
    assert said.startswith("Okay. Stop,")


@pytest.mark.parametrize("sequence", CRAMPS)
def test_every_step_that_stands_or_walks_sits_or_holds_on_first(say, content, sequence):
    say(CRAMPS[sequence])
    turn = say("next")
    for _ in range(len(content.sequences[sequence].steps) + 1):
        if words(turn) == content.phrase("check_question"):
            turn = say("no")
        said = instruction(turn)
        if re.search(r"\b(stand|walk)\b", said):
            assert re.search(r"hold(?:ing)? on to", said), said
        if re.search(r"\bstand\b", said):
            assert re.search(r"\b(sit|sitting|lying)\b", said, re.I), said
        turn = say("next")


@pytest.mark.parametrize(
    ("opening", "sequence"),
    [
        (["tell cramp coach I'm driving"], "general"),
        (["I'm driving and my calf is cramping"], "calf"),
        (["my foot is cramping", "I'm driving"], "foot"),
        (["my thigh is cramping", "I'm in the car"], "thigh"),
    ],
)
def test_a_driver_hears_to_pull_over_first_then_the_first_step(say, content, opening, sequence):
    for utterance in opening:
        turn = say(utterance)
    said = words(turn)
    assert said.startswith("Pull over as soon as it's safe")
    assert transcript.break_seconds(turn.speech)[:3] == [10, 10, 10]
    assert said.endswith("say ready.")
    assert transcript.to_text(turn.reprompt) == "Once you've stopped somewhere safe, say ready."
    assert attributes(turn)["sequence"] == sequence
    assert not turn.session_ended
    waited = say("no")
    assert words(waited).startswith("Pull over")
    ready = say("I'm ready")
    if sequence in content.which_side:
        assert "front of your thigh, or the back?" in words(ready)
    else:
        assert instruction(ready).startswith(content.sequences[sequence].steps[0].do)
        assert ready.card is not None


# --- warmth, holding until it lets go, nothing untimed -----------------------------------------


def test_a_stretch_is_held_until_the_muscle_lets_go(say):
    said = words(say("my calf is cramping"))
    assert said.index("thirty.") < said.index("If it's still tight, keep holding.")
    assert said.index("keep holding") < said.index("Once it lets go, ease off slowly.")
    assert "And let it ease." not in said


def test_walking_is_counted_like_a_hold_in_pauses_of_ten_seconds_at_most(say, content):
    say("my calf is cramping")
    turn = say("next")
    while "walk slowly" not in words(turn):
        turn = say("no") if words(turn) == content.phrase("check_question") else say("next")
    assert "holding on to the wall" in words(turn)
    assert transcript.break_seconds(turn.speech) == [10] * 6 + [1]
    assert "a minute" in words(turn)


@pytest.mark.parametrize("sequence", CRAMPS)
def test_every_warmth_step_says_warm_not_hot_and_test_it_with_your_hand(say, content, sequence):
    say(CRAMPS[sequence])
    turn = say("next")
    while "Warmth" not in words(turn):
        assert words(turn) != content.phrase("last_step_reached")
        turn = say("no") if words(turn) == content.phrase("check_question") else say("next")
    assert "not hot" in words(turn) and "test it with your hand first" in words(turn)
    assert max(transcript.break_seconds(turn.speech)) <= 10
    assert sum(transcript.break_seconds(turn.speech)) >= 60


@pytest.mark.parametrize("utterance", ["give me a minute", "hold on", "wait", "no"])
def test_give_me_a_minute_is_a_counted_wait_and_the_step_stays(say, utterance):
    say("my calf is cramping")
    turn = say(utterance)
    assert words(turn).startswith("Okay, take your time.")
    assert transcript.break_seconds(turn.speech)[:3] == [10, 10, 10]
    assert attributes(turn)["step"] == 0
    assert not turn.session_ended


def test_no_response_in_relief_waits_longer_than_ten_seconds_in_silence(say, content):
    """Every pause is a counted one: a break of at most 10 s, then words."""
    turns = [say("my calf is cramping")]
    for utterance in ("it still hurts", "no", "not yet", "almost", "give me a minute", "next"):
        turns.append(say(utterance))
    for turn in turns:
        parts = re.split(r"<break[^>]*/>", turn.speech)
        assert all(transcript.to_text(part) for part in parts[1:]), words(turn)


# --- red flags ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("utterance", "level"),
    [
        ("my leg is cold and pale", "emergency"),
        ("my foot is blue", "emergency"),
        ("my leg is suddenly numb", "emergency"),
        ("I have a swollen leg and chest pain", "emergency"),
        ("cramps with a puncture wound", "emergency"),
        ("I feel faint", "emergency"),
        ("I felt a pop", "same_day"),
        ("I have dark urine", "same_day"),
        ("my calf is bruised", "same_day"),
        ("my calf is swollen", "same_day"),
        ("I'm diabetic", "soon"),
        ("cramps for no reason", "soon"),
    ],
)
def test_the_new_red_flags_answer_a_named_symptom_with_their_urgency_first(
    say, content, utterance, level
):
    turn = say(utterance)
    assert turn.request["request"]["intent"]["name"] == "SeeDoctorIntent"
    assert words(turn).startswith(content.urgency[level])
    assert turn.session_ended


def test_the_red_flags_list_reads_the_emergencies_first(say, content):
    turns = [say("when should I see a doctor")]
    while not turns[-1].session_ended:
        turns.append(say("yes"))
    said = " ".join(words(turn) for turn in turns)
    for sign in ("breathlessness or chest pain", "suddenly cold, pale or blue", "tetanus", "heat"):
        assert said.index(sign) < said.index("Get seen the same day"), sign
    assert said.index("like cola") < said.index("See a doctor soon")
    assert "keep coming back with no obvious cause" in said


# --- questions mid-cramp do not derail relief --------------------------------------------------


def test_is_this_serious_mid_cramp_is_one_sentence_and_next_carries_on(say, content):
    say("my calf is cramping")
    say("next")
    turn = say("is this serious")
    said = words(turn)
    assert said.startswith("Most cramps pass within minutes;")
    assert said.endswith(content.phrase("next_prompt"))
    assert len(re.findall(r"[.?!]", said.removesuffix(content.phrase("next_prompt")))) == 1
    assert (attributes(turn)["stage"], attributes(turn)["step"]) == ("relief", 1)
    assert not turn.session_ended
    after = say("next")
    assert words(after) == content.phrase("check_question")
    assert content.red_flags.pages[1].intro not in words(after)


@pytest.mark.parametrize(
    ("utterance", "heard"),
    [
        ("I'm diabetic", "warm, not hot"),
        ("my foot is numb", "if it came on suddenly, call nine one one now"),
        ("my cramps keep coming back", "worth having checked"),
        ("I started a new medicine", "Don't stop taking it"),
    ],
)
def test_a_see_a_doctor_soon_sign_mid_cramp_gets_one_sentence_and_the_step_goes_on(
    say, content, utterance, heard
):
    say("my calf is cramping")
    turn = say(utterance)
    assert heard in words(turn)
    assert words(turn).endswith(content.phrase("next_prompt"))
    assert not turn.session_ended
    assert (attributes(turn)["sequence"], attributes(turn)["step"]) == ("calf", 0)
    assert words(say("next")).startswith(content.sequences["calf"].steps[1].do)


@pytest.mark.parametrize("utterance", ["I have chest pain", "my leg is cold and pale"])
def test_an_emergency_sign_mid_cramp_takes_over(say, content, utterance):
    say("my calf is cramping")
    turn = say(utterance)
    assert words(turn).startswith(content.urgency["emergency"])
    assert turn.session_ended


@pytest.mark.parametrize("utterance", ["ouch", "ow", "ow my calf", "my calf is cramping"])
def test_ouch_eases_off_and_never_loses_the_body_part_or_the_step(say, content, utterance):
    say("my calf is cramping")
    say("next")
    turn = say(utterance)
    assert words(turn).startswith("Ease off a little")
    assert (attributes(turn)["sequence"], attributes(turn)["step"]) == ("calf", 1)
    assert not turn.session_ended


def test_a_cramp_somewhere_else_mid_relief_gets_that_place_s_steps(say, content):
    say("my calf is cramping")
    turn = say("my foot is cramping")
    assert instruction(turn).startswith(f"Okay. {content.sequences['foot'].steps[0].do}")
    assert attributes(turn)["sequence"] == "foot"


# --- the steps card, the gone reply, escalation that asks --------------------------------------


@pytest.mark.parametrize("sequence", CRAMPS)
def test_the_steps_card_comes_with_the_first_step(say, content, sequence):
    turn = say(CRAMPS[sequence])
    card = turn.card["content"]
    for number, step in enumerate(content.sequences[sequence].steps, start=1):
        assert f"{number}. {step.do}" in card
    assert "not medical advice" in card and "nine one one" in card
    assert "swollen, red, hot or bruised" in card
    assert "not medical advice" not in words(turn)


def test_its_gone_is_one_breath_and_leaves_the_disclaimer_on_the_card(say):
    say("my calf is cramping")
    turn = say("it's gone")
    said = words(turn)
    assert len(said.split()) <= 30
    assert "medical advice" not in said and "emergency" not in said
    assert "not medical advice" in turn.card["content"]


@pytest.mark.parametrize("sequence", CRAMPS)
def test_escalation_never_closes_and_lasts_past_ten_minutes_before_the_red_flags(
    say, content, sequence
):
    turn = say(CRAMPS[sequence])
    heard_seconds = transcript.spoken_seconds(turn.speech)
    while "This cramp is lasting." not in words(turn):
        turn = say("no") if words(turn) == content.phrase("check_question") else say("it hurts")
        assert not turn.session_ended, words(turn)
        heard_seconds += transcript.spoken_seconds(turn.speech)
    assert heard_seconds >= TEN_MINUTES
    assert words(turn).endswith("?")
    assert turn.card["title"] == content.red_flags.title
    for _ in range(8):
        turn = say("yes") if words(turn).endswith("?") else say("it still hurts")
        assert not turn.session_ended
        assert "This cramp is lasting." not in words(turn)


def test_after_the_red_flags_no_ends_with_the_steps_card(say, content):
    say("my calf is cramping")
    turn = say("it still hurts")
    while "This cramp is lasting." not in words(turn):
        turn = say("no") if words(turn) == content.phrase("check_question") else say("it hurts")
    end = say("no")
    assert end.session_ended
    assert content.sequences["calf"].steps[0].do in end.card["content"]


# --- the words people use mid-cramp ------------------------------------------------------------


@pytest.mark.parametrize(
    ("utterance", "intent"),
    [
        ("not yet", "NotYetIntent"),
        ("not quite", "NotYetIntent"),
        ("almost", "CrampEasingIntent"),
        ("nearly there", "CrampEasingIntent"),
        ("I'm ready", "AMAZON.ResumeIntent"),
        ("ready", "AMAZON.ResumeIntent"),
        ("done", "StepDoneIntent"),
        ("now what", "StepDoneIntent"),
        ("what do I do now", "StepDoneIntent"),
        ("give me a minute", "AMAZON.PauseIntent"),
        ("ouch", "CrampNowIntent"),
        ("I'm driving", "DrivingIntent"),
        ("I'm diabetic", "SeeDoctorIntent"),
        ("is this serious", "SeeDoctorIntent"),
        ("front", "SideIntent"),
        ("the back", "SideIntent"),
        ("it's not swollen", "AMAZON.NoIntent"),
        ("none of those", "AMAZON.NoIntent"),
    ],
)
def test_the_in_relief_words_are_in_the_interaction_model(utterance, intent):
    assert Understanding().understand(utterance).intent == intent


def test_not_yet_keeps_the_step_going_counted(say, content):
    say("my calf is cramping")
    turn = say("not yet")
    said = words(turn)
    assert said.startswith("That's okay. Keep going, gently.")
    assert said.index("thirty.") < said.index("Once it lets go, ease off slowly.")
    assert attributes(turn)["step"] == 0 and not turn.session_ended


def test_almost_is_encouragement_and_a_little_more_time(say):
    say("my calf is cramping")
    turn = say("almost")
    assert words(turn).startswith("Good, it's starting to let go.")
    assert transcript.break_seconds(turn.speech)[:2] == [10, 10]
    assert attributes(turn)["step"] == 0


@pytest.mark.parametrize("utterance", ["I'm ready", "done", "now what", "next"])
def test_ready_done_and_now_what_go_on_to_the_next_step(say, content, utterance):
    say("my calf is cramping")
    turn = say(utterance)
    assert words(turn).startswith(content.sequences["calf"].steps[1].do)


def test_not_yet_to_has_it_gone_means_it_still_hurts(say, content):
    say("my toes are cramping")
    turn = say("next")
    while words(turn) != content.phrase("last_step_reached"):
        turn = say("no") if words(turn) == content.phrase("check_question") else say("next")
    assert words(say("not yet")).startswith(content.phrase("persists_opener"))


def test_whatever_fails_the_first_relief_instruction_is_still_spoken(say, monkeypatch, content):
    def broken(*args, **kwargs):
        raise RuntimeError("the check broke")

    monkeypatch.setattr("skill.replies._ask_check", broken)
    say("my calf is cramping")
    turn = say("it still hurts")
    assert words(turn).startswith(content.sequences["general"].steps[0].do)
    assert "pull your toes back toward your shin" in words(turn).lower()


@pytest.mark.parametrize("question", ["safety_check", "which_side", "ready", "keep_going"])
def test_a_relief_question_sent_back_outside_relief_is_closed(
    skill, en_us_understanding, caplog, question
):
    """Session attributes come from the device: a relief question outside relief is ignored."""
    attributes = {"stage": "finished_relief", "sequence": "both_legs", "question": question}
    for utterance in ("back", "front", "yes", "no", "help", "banana", "not yet"):
        session = envelopes.Session(attributes=dict(attributes), new=False)
        request = envelopes.intent_request(session, en_us_understanding.understand(utterance))
        with caplog.at_level(logging.ERROR):
            response = handle_event(skill, request)
        check_response(response)
        assert response["sessionAttributes"].get("question", "") != question, utterance
    assert caplog.text == ""
