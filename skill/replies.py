"""What to say next: pure functions from content and conversation state to a Reply.

They hold no sentences of their own; every word comes from the content file.
"""

from typing import NamedTuple

from skill import speech
from skill.content import AdviceList, Content, Step
from skill.display import PAGE, RELIEF_BUTTONS, STEP, Hold, Screen
from skill.state import (
    ASKED_CRAMP_NOW,
    ASKED_IS_IT_GONE,
    ASKED_KEEP_GOING,
    ASKED_READY,
    ASKED_SAFETY_CHECK,
    ASKED_WANT_TIPS,
    ASKED_WHICH_SIDE,
    Conversation,
)

# Steps that are wrong for a clot, a tear or heat illness (rubbing, weight on the leg, walking,
# warmth): the safety check is asked before the first of them, by "pose" (see the content file).
CHECK_FIRST_POSES = frozenset(
    {"rub_foot", "rub_calf", "rub_thigh", "stand_press", "walk", "warmth", "cold_pack"}
)
# The questions only the relief steps ask.
RELIEF_QUESTIONS = (ASKED_SAFETY_CHECK, ASKED_WHICH_SIDE, ASKED_READY, ASKED_KEEP_GOING)
# The SIDE slot ids: which side of a thigh or an ankle the cramp is on.
FRONT = "FRONT"
BACK = "BACK"
# Counted waits mid-cramp, all inside Alexa's listening window: "give me a minute" and pulling
# over; "not yet"; "almost".
WAIT_SECONDS = 30
MORE_SECONDS = 30
EASING_SECONDS = 20


class Reply(NamedTuple):
    """One response. A reply with a reprompt keeps the session open; one without ends it.

    ``screen`` is what a device with a screen shows beside it (skill/display.py).
    """

    speech: str
    reprompt: str = ""
    card_title: str = ""
    card_text: str = ""
    screen: Screen | None = None

    @property
    def ends_session(self) -> bool:
        return not self.reprompt


def settle(content: Content, conversation: Conversation) -> None:
    """Session attributes come back from the device, not from us: a relief position the content
    does not have (an unknown sequence, a step past the end, a measure past the last) starts
    those steps again, or the general ones, rather than failing. A body part still waiting on
    "front or back?" is only ever at that question, or waiting for the person to pull over.
    Outside relief, none of the relief questions is open."""
    if not conversation.in_relief:
        if conversation.question in RELIEF_QUESTIONS:
            conversation.question = ""
        return
    if conversation.sequence in content.which_side:
        conversation.step = conversation.escalation = 0
        if conversation.question != ASKED_READY:
            conversation.question = ASKED_WHICH_SIDE
        return
    sequence = content.sequences.get(conversation.sequence)
    if sequence is None:
        conversation.start_relief("general")
    elif not 0 <= conversation.step < len(sequence.steps):
        conversation.start_relief(conversation.sequence)
    if not 0 <= conversation.escalation <= len(content.persists):
        conversation.escalation = 0
    if conversation.question == ASKED_WHICH_SIDE:
        conversation.question = ""


def launch(content: Content, conversation: Conversation) -> Reply:
    conversation.return_to_start()
    conversation.question = ASKED_CRAMP_NOW
    return Reply(
        speech=speech.sentences(content.phrase("launch")),
        reprompt=speech.sentences(content.phrase("launch_reprompt")),
    )


def start_relief(content: Content, conversation: Conversation, body_part_id: str | None) -> Reply:
    """The first relief step for a body part: its instruction comes first, after one word, and
    the card with all the steps comes with it. A thigh or an ankle asks front or back first."""
    conversation.start_relief(content.sequence_for(body_part_id))
    return _step(content, conversation, lead=content.phrase("first_step_opener"))


def cramp_again(content: Content, conversation: Conversation, body_part_id: str | None) -> Reply:
    """A cramp named during the steps: the same place (or none, as in "ouch") eases off and the
    step goes on; another place starts that place's steps."""
    name = content.sequence_for(body_part_id)
    sides = content.which_side.get(name)
    same = name == conversation.sequence or (
        sides is not None and conversation.sequence in (sides.front, sides.back)
    )
    if body_part_id is None or same:
        return aside(content, conversation, content.phrase("ouch"))
    return start_relief(content, conversation, body_part_id)


def choose_side(content: Content, conversation: Conversation, side: str | None) -> Reply:
    """ "Front" or "back", asked for a thigh or an ankle: that side's steps, from the first."""
    sides = content.which_side.get(conversation.sequence)
    if sides is None or conversation.question != ASKED_WHICH_SIDE or side not in (FRONT, BACK):
        return ask_again(content, conversation)
    conversation.sequence = sides.front if side == FRONT else sides.back
    conversation.step = 0
    return _step(content, conversation)


def next_step(content: Content, conversation: Conversation) -> Reply:
    """Next (or "done", "now what", "I'm ready"): an open question still waits for its answer;
    otherwise the next step, the next measure once the steps have run out, or, after the last
    step, "has it gone?"."""
    if conversation.question in (ASKED_SAFETY_CHECK, ASKED_WHICH_SIDE):
        return ask_again(content, conversation)
    if conversation.question == ASKED_READY:
        return ready(content, conversation)
    if conversation.question == ASKED_KEEP_GOING or conversation.escalation:
        return _escalate(content, conversation)
    steps = content.sequences[conversation.sequence].steps
    if conversation.step + 1 >= len(steps):
        conversation.step = len(steps) - 1
        return _ask_is_it_gone(content, conversation)
    return _escalate(content, conversation)


def previous_step(content: Content, conversation: Conversation) -> Reply:
    if conversation.question == ASKED_WHICH_SIDE:
        return choose_side(content, conversation, BACK)  # "back" is also Alexa's "previous"
    if conversation.escalation > 1:
        conversation.escalation -= 1
        return _measure(content, conversation)
    if conversation.escalation == 1:
        conversation.escalation = 0
        return _step(content, conversation)
    if conversation.step == 0:
        return _step(content, conversation, lead=content.phrase("first_step_already"))
    conversation.step -= 1
    return _step(content, conversation)


def current_step(content: Content, conversation: Conversation) -> Reply:
    if conversation.escalation:
        return _measure(content, conversation)
    return _step(content, conversation)


def start_over(content: Content, conversation: Conversation) -> Reply:
    """The first step again; the safety check, once answered, is not asked again."""
    checked = conversation.checked
    conversation.start_relief(conversation.sequence)
    conversation.checked = checked
    return _step(content, conversation)


def restart_relief(content: Content, conversation: Conversation) -> Reply:
    """The cramp is back after it had gone: the same body part's steps again, from the first."""
    sequence = conversation.sequence
    known = sequence in content.sequences or sequence in content.which_side
    conversation.start_relief(sequence if known else "general")
    return _step(content, conversation, lead=content.phrase("first_step_opener"))


def ready(content: Content, conversation: Conversation) -> Reply:
    """ "I'm ready": after pulling over, the first step; otherwise the next one."""
    if conversation.question != ASKED_READY:
        return next_step(content, conversation)
    return _step(content, conversation)


def driving(content: Content, conversation: Conversation, body_part_id: str | None) -> Reply:
    """ "I'm driving": pull over first, with a counted wait; then, on "ready", the steps for the
    body part named (or the one being eased) from the first, the stretch that helps most."""
    if body_part_id is not None or not conversation.in_relief:
        conversation.start_relief(content.sequence_for(body_part_id))
    else:
        conversation.start_relief(conversation.sequence)
    conversation.question = ASKED_READY
    reprompt = content.phrase("driving_reprompt")
    wait = speech.timed_hold(WAIT_SECONDS, content.phrase("driving"), reprompt, content.count_words)
    return Reply(speech=speech.slow(wait), reprompt=speech.sentences(reprompt))


def not_a_leg_cramp(content: Content, conversation: Conversation) -> Reply:
    """A body part Alexa heard but that is not a foot or a leg: no leg steps. What the skill is
    for and the one emergency line, then where is the cramp?"""
    conversation.return_to_start()
    return Reply(
        speech=speech.sentences(
            content.phrase("not_a_leg_cramp"), content.phrase("where_is_the_cramp")
        ),
        reprompt=speech.sentences(content.phrase("where_is_the_cramp_reprompt")),
    )


def cannot_call(content: Content) -> Reply:
    """ "Call an ambulance": the skill cannot call; the emergency number, and the red flags card."""
    return _red_flags_reply(content, content.phrase("cannot_call"))


def easing(content: Content, conversation: Conversation) -> Reply:
    """Partly better ("almost"): keep going a little longer, counted, then carry on."""
    return _more_time(content, conversation, content.phrase("easing"), EASING_SECONDS)


def not_yet(content: Content, conversation: Conversation) -> Reply:
    """ "Not yet": keep going, counted; asked whether it has gone, it is a no."""
    if conversation.question == ASKED_IS_IT_GONE:
        return still_hurts(content, conversation)
    return _more_time(content, conversation, content.phrase("not_yet"), MORE_SECONDS)


def still_hurts(content: Content, conversation: Conversation) -> Reply:
    """The safety check first, once; then the next step, then one measure at a time, then the
    red flags once, asking to carry on. Never closes on someone who may still be cramping."""
    if conversation.question in (ASKED_SAFETY_CHECK, ASKED_WHICH_SIDE, ASKED_READY):
        return ask_again(content, conversation)
    if not conversation.checked:
        return _ask_check(content, conversation)
    return _escalate(content, conversation, lead=content.phrase("persists_opener"))


def yes_in_relief(content: Content, conversation: Conversation) -> Reply:
    question = conversation.question
    if question == ASKED_SAFETY_CHECK:
        return _red_flags_reply(content, content.phrase("check_yes"))
    if question == ASKED_WHICH_SIDE:
        return ask_again(content, conversation)
    if question == ASKED_KEEP_GOING:
        return _escalate(content, conversation)
    return next_step(content, conversation)


def no_in_relief(content: Content, conversation: Conversation) -> Reply:
    question = conversation.question
    if question == ASKED_SAFETY_CHECK:
        conversation.checked = True
        return _escalate(content, conversation, lead=content.phrase("check_clear"))
    if question == ASKED_WHICH_SIDE:
        return ask_again(content, conversation)
    if question == ASKED_READY:
        return driving(content, conversation, None)
    if question == ASKED_KEEP_GOING:
        return stop(content, conversation)
    if question == ASKED_IS_IT_GONE:
        return still_hurts(content, conversation)
    return keep_going(content, conversation)


def gone(content: Content, conversation: Conversation) -> Reply:
    """Close the relief kindly and briefly, offer prevention tips; the steps, and the
    disclaimer, go to the card."""
    had_steps = _has_steps(content, conversation)
    conversation.finish_relief()
    conversation.question = ASKED_WANT_TIPS
    reply = Reply(
        speech=speech.sentences(content.phrase("gone"), content.phrase("offer_tips")),
        reprompt=speech.sentences(content.phrase("offer_tips_reprompt")),
    )
    return reply._replace(**_steps_card(content, conversation)) if had_steps else reply


def keep_going(content: Content, conversation: Conversation) -> Reply:
    """ "Give me a minute": a counted wait, so the session is still there, then the same step
    (or question) goes on."""
    wait = speech.timed_hold(WAIT_SECONDS, content.phrase("keep_going"), "", content.count_words)
    return _with_prompt(content, conversation, wait)


def aside(content: Content, conversation: Conversation, sentence: str) -> Reply:
    """A remark or question mid-cramp: one sentence, then the step (or question) goes on, with
    nothing moved."""
    return _with_prompt(content, conversation, speech.sentences(sentence))


def ask_again(content: Content, conversation: Conversation) -> Reply:
    """The question that is open, asked again in short."""
    prompt, reprompt = _prompt(content, conversation)
    return Reply(speech=speech.slow(speech.sentences(prompt)), reprompt=speech.sentences(reprompt))


def nothing_to_move_through(content: Content) -> Reply:
    return Reply(
        speech=speech.sentences(
            content.phrase("nothing_to_move_through"), content.phrase("help_start_reprompt")
        ),
        reprompt=speech.sentences(content.phrase("help_start_reprompt")),
    )


def goodbye(content: Content) -> Reply:
    return Reply(speech=speech.sentences(content.phrase("goodbye")))


def stop(content: Content, conversation: Conversation) -> Reply:
    """End at once; someone stopping mid-relief still gets the steps on a card."""
    stopped = Reply(speech=speech.sentences(content.phrase("stop")))
    if not _has_steps(content, conversation):
        return stopped
    return stopped._replace(**_steps_card(content, conversation))


def help_for(content: Content, conversation: Conversation) -> Reply:
    if conversation.in_relief:
        return _help_in_relief(content, conversation)
    if conversation.question == ASKED_IS_IT_GONE:
        return Reply(
            speech=speech.sentences(content.phrase("help_is_it_gone")),
            reprompt=speech.sentences(content.phrase("last_step_reprompt")),
        )
    if conversation.question == ASKED_WANT_TIPS:
        return Reply(
            speech=speech.sentences(content.phrase("help_offer")),
            reprompt=speech.sentences(content.phrase("offer_tips_reprompt")),
        )
    conversation.return_to_start()
    return Reply(
        speech=speech.sentences(content.phrase("help_start")),
        reprompt=speech.sentences(content.phrase("help_start_reprompt")),
    )


def fallback(content: Content, conversation: Conversation) -> Reply:
    """One short sentence about the question just asked, or where the person is, and the
    reprompt of wherever that is."""
    question = conversation.question
    if question == ASKED_CRAMP_NOW:
        sentence = content.phrase("fallback_cramp_now")
    elif question == ASKED_IS_IT_GONE:
        sentence = content.phrase("fallback_is_it_gone")
    elif question == ASKED_WANT_TIPS:
        sentence = content.phrase("fallback_offer")
    elif question == ASKED_SAFETY_CHECK:
        sentence = content.phrase("fallback_check")
    elif question == ASKED_WHICH_SIDE:
        sentence = content.phrase("fallback_side")
    elif question == ASKED_READY:
        sentence = content.phrase("fallback_ready")
    elif question == ASKED_KEEP_GOING:
        sentence = content.phrase("fallback_keep_going")
    elif conversation.in_relief:
        sentence = content.phrase("fallback_relief")
    else:
        sentence = content.phrase("fallback_start")
    reprompt = conversation.last_reprompt or speech.sentences(content.phrase("help_start_reprompt"))
    return Reply(speech=speech.sentences(sentence), reprompt=reprompt)


def nothing_asked(content: Content, conversation: Conversation) -> Reply:
    """Yes or pause with no question open: understood, so no "I didn't catch that"."""
    if conversation.question:
        return fallback(content, conversation)
    reprompt = conversation.last_reprompt or speech.sentences(content.phrase("help_start_reprompt"))
    return Reply(speech=speech.sentences(content.phrase("nothing_asked")), reprompt=reprompt)


def repeat(content: Content, conversation: Conversation) -> Reply:
    if conversation.in_relief and conversation.question:
        return ask_again(content, conversation)
    if conversation.in_relief:
        return current_step(content, conversation)
    if conversation.last_speech:
        return Reply(speech=conversation.last_speech, reprompt=conversation.last_reprompt)
    return help_for(content, conversation)


def forgotten(content: Content) -> Reply:
    return Reply(speech=speech.sentences(content.phrase("forgotten")))


def not_forgotten(content: Content) -> Reply:
    return Reply(speech=speech.sentences(content.phrase("forget_failed")))


def error(content: Content) -> Reply:
    """When anything inside fails: the first relief instruction still comes first."""
    first = content.sequences["general"].steps[0]
    return Reply(
        speech=speech.slow(speech.sentences(first.do, first.cue))
        + " "
        + speech.sentences(content.phrase("error"))
    )


def _step(content: Content, conversation: Conversation, lead: str = "") -> Reply:
    """The step the person is on; the first one brings the card with every step."""
    sides = content.which_side.get(conversation.sequence)
    if sides is not None:
        conversation.question = ASKED_WHICH_SIDE
        return Reply(
            speech=speech.slow(speech.sentences(lead, content.phrase("side_opener"), sides.ask)),
            reprompt=speech.sentences(content.phrase("side_reprompt")),
            screen=Screen(PAGE, heading=sides.ask),
        )
    conversation.question = ""
    step = content.sequences[conversation.sequence].steps[conversation.step]
    reply = _timed(content, step, lead=lead)
    if conversation.step == 0:
        return reply._replace(**_steps_card(content, conversation))
    return reply


def _measure(content: Content, conversation: Conversation, lead: str = "") -> Reply:
    """The measure for "it still hurts" the person is on, once the steps have run out."""
    conversation.question = ""
    return _timed(content, content.persists[conversation.escalation - 1], lead=lead)


def _escalate(content: Content, conversation: Conversation, lead: str = "") -> Reply:
    """On from where the person is: the next step, the safety check before the first step that
    rubs, warms, walks or stands, then the measures, then the red flags once; after that the
    measures come round again."""
    if conversation.sequence not in content.sequences:
        return _step(content, conversation)
    steps = content.sequences[conversation.sequence].steps
    within_steps = not conversation.escalation and conversation.step + 1 < len(steps)
    upcoming = steps[conversation.step + 1] if within_steps else None
    if not conversation.checked and (upcoming is None or upcoming.pose in CHECK_FIRST_POSES):
        return _ask_check(content, conversation)
    if upcoming is not None:
        conversation.step += 1
        return _step(content, conversation, lead=lead)
    measures = len(content.persists)
    if conversation.escalation >= measures and not conversation.warned:
        conversation.warned = True
        conversation.question = ASKED_KEEP_GOING
        return _red_flags_reply(content, content.phrase("red_flags"))._replace(
            speech=speech.sentences(content.phrase("red_flags"), content.phrase("keep_going_ask")),
            reprompt=speech.sentences(content.phrase("keep_going_reprompt")),
        )
    conversation.escalation = conversation.escalation % measures + 1
    return _measure(content, conversation, lead=lead)


def _ask_check(content: Content, conversation: Conversation) -> Reply:
    conversation.question = ASKED_SAFETY_CHECK
    return Reply(
        speech=speech.slow(speech.sentences(content.phrase("check_question"))),
        reprompt=speech.sentences(content.phrase("check_reprompt")),
        screen=Screen(PAGE, heading=content.phrase("check_question")),
    )


def _more_time(content: Content, conversation: Conversation, said: str, seconds: int) -> Reply:
    """Keep going with the step, counted; a question that is open is asked again instead."""
    if conversation.question in (ASKED_SAFETY_CHECK, ASKED_WHICH_SIDE, ASKED_READY):
        return ask_again(content, conversation)
    conversation.question = ""
    hold = speech.timed_hold(seconds, said, content.phrase("hold_on_release"), content.count_words)
    return _with_prompt(content, conversation, hold)


def _timed(content: Content, step: Step, lead: str = "") -> Reply:
    """A step spoken slowly: instruction, timed hold if it has one, then what to say next."""
    parts = [speech.sentences(lead, step.do)]
    if step.hold:
        parts.append(speech.timed_hold(step.hold, step.cue, step.release, content.count_words))
    parts.append(speech.pause(1))
    parts.append(speech.sentences(content.phrase("next_prompt")))
    return Reply(
        speech=speech.slow(" ".join(parts)),
        reprompt=speech.sentences(content.phrase("step_reprompt")),
        screen=step_screen(step, lead),
    )


def step_screen(step: Step, lead: str = "") -> Screen:
    """A relief step on a screen: its drawing, its instruction, and its hold's progress."""
    holds = (Hold(f"{lead} {step.do} {step.cue}", step.hold),) if step.hold else ()
    return Screen(STEP, text=step.do, pose=step.pose, holds=holds, buttons=RELIEF_BUTTONS)


def _with_prompt(content: Content, conversation: Conversation, said: str) -> Reply:
    """SSML said mid-cramp, spoken slowly, then the prompt of wherever the person is."""
    prompt, reprompt = _prompt(content, conversation)
    return Reply(
        speech=speech.slow(f"{said} {speech.pause(1)} {speech.sentences(prompt)}"),
        reprompt=speech.sentences(reprompt),
    )


def _prompt(content: Content, conversation: Conversation) -> tuple[str, str]:
    """What to say next, and its reprompt, for the question open during relief (or none)."""
    question = conversation.question
    if question == ASKED_SAFETY_CHECK:
        return content.phrase("check_reprompt"), content.phrase("check_reprompt")
    if question == ASKED_WHICH_SIDE:
        ask = content.which_side[conversation.sequence].ask
        return ask, content.phrase("side_reprompt")
    if question == ASKED_READY:
        return content.phrase("driving_reprompt"), content.phrase("driving_reprompt")
    if question == ASKED_KEEP_GOING:
        return content.phrase("keep_going_ask"), content.phrase("keep_going_reprompt")
    if question == ASKED_IS_IT_GONE:
        return content.phrase("last_step_reprompt"), content.phrase("last_step_reprompt")
    return content.phrase("next_prompt"), content.phrase("step_reprompt")


def _help_in_relief(content: Content, conversation: Conversation) -> Reply:
    question = conversation.question
    if question == ASKED_IS_IT_GONE:
        said, reprompt = content.phrase("help_is_it_gone"), content.phrase("last_step_reprompt")
    elif question == ASKED_SAFETY_CHECK:
        said, reprompt = content.phrase("help_check"), content.phrase("check_reprompt")
    elif question == ASKED_WHICH_SIDE:
        said, reprompt = content.phrase("help_side"), content.phrase("side_reprompt")
    elif question == ASKED_READY:
        said, reprompt = content.phrase("help_ready"), content.phrase("driving_reprompt")
    elif question == ASKED_KEEP_GOING:
        said, reprompt = content.phrase("help_keep_going"), content.phrase("keep_going_reprompt")
    else:
        said, reprompt = content.phrase("help_relief"), content.phrase("help_relief_reprompt")
    return Reply(speech=speech.sentences(said), reprompt=speech.sentences(reprompt))


def _ask_is_it_gone(content: Content, conversation: Conversation) -> Reply:
    conversation.question = ASKED_IS_IT_GONE
    return Reply(
        speech=speech.slow(speech.sentences(content.phrase("last_step_reached"))),
        reprompt=speech.sentences(content.phrase("last_step_reprompt")),
    )


def disclaimer_once(content: Content, conversation: Conversation) -> str:
    """The short disclaimer the first time advice is given in a session; after that, nothing."""
    if conversation.disclaimer_heard:
        return ""
    conversation.disclaimer_heard = True
    return content.phrase("disclaimer")


def _has_steps(content: Content, conversation: Conversation) -> bool:
    return conversation.in_relief and conversation.sequence in content.sequences


def _steps_card(content: Content, conversation: Conversation) -> dict[str, str]:
    """The card with every step of the sequence, the safety footer and the disclaimer."""
    sequence = content.sequences[conversation.sequence]
    lines = [f"{number}. {step.do}" for number, step in enumerate(sequence.steps, start=1)]
    lines.append(content.relief_text("card_footer"))
    lines.append(content.relief_text("card_disclaimer"))
    return {
        "card_title": content.relief_text("card_title", area=sequence.area),
        "card_text": "\n".join(lines),
    }


def _red_flags_reply(content: Content, said: str) -> Reply:
    """Said in one breath, and the session ends; the card lists every red flag, and a screen
    shows the most urgent ones."""
    most_urgent = content.red_flags.pages[0]
    return Reply(
        speech=speech.sentences(said),
        card_title=content.red_flags.title,
        card_text=red_flags_card_text(content),
        screen=Screen(PAGE, heading=most_urgent.title, items=most_urgent.items),
    )


def red_flags_card_text(content: Content) -> str:
    """Every red flag, most urgent first, and the disclaimer: cards are read, not heard."""
    return "\n\n".join([list_card_text(content.red_flags), content.relief_text("card_disclaimer")])


def list_card_text(advice_list: AdviceList) -> str:
    """Every point under its heading; pages that share a heading share it on the card too."""
    lines: list[str] = []
    heading = ""
    for page in advice_list.pages:
        if page.title != heading:
            heading = page.title
            lines += ["", heading] if lines else [heading]
        lines.extend(f"- {item}" for item in page.items)
    return "\n".join(lines)
