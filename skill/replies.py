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
    ASKED_WANT_TIPS,
    RELIEF,
    Conversation,
)


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
    does not have (an unknown sequence, a step past the end) starts those steps again, or the
    general ones, rather than failing."""
    if not conversation.in_relief:
        return
    sequence = content.sequences.get(conversation.sequence)
    if sequence is None:
        conversation.start_relief("general")
    elif not 0 <= conversation.step < len(sequence.steps):
        conversation.start_relief(conversation.sequence)


def launch(content: Content, conversation: Conversation) -> Reply:
    conversation.return_to_start()
    conversation.question = ASKED_CRAMP_NOW
    return Reply(
        speech=speech.sentences(content.phrase("launch")),
        reprompt=speech.sentences(content.phrase("launch_reprompt")),
    )


def start_relief(content: Content, conversation: Conversation, body_part_id: str | None) -> Reply:
    """The first relief step for a body part: its instruction comes first, after one word."""
    conversation.start_relief(content.sequence_for(body_part_id))
    return _first_step(content, conversation)


def next_step(content: Content, conversation: Conversation) -> Reply:
    steps = content.sequences[conversation.sequence].steps
    if conversation.step + 1 >= len(steps):
        conversation.step = len(steps) - 1
        return _ask_is_it_gone(content, conversation)
    conversation.step += 1
    return _step(content, conversation)


def previous_step(content: Content, conversation: Conversation) -> Reply:
    if conversation.step == 0:
        return _step(content, conversation, lead=content.phrase("first_step_already"))
    conversation.step -= 1
    return _step(content, conversation)


def current_step(content: Content, conversation: Conversation) -> Reply:
    return _step(content, conversation)


def start_over(content: Content, conversation: Conversation) -> Reply:
    conversation.start_relief(conversation.sequence)
    return _step(content, conversation)


def restart_relief(content: Content, conversation: Conversation) -> Reply:
    """The cramp is back after it had gone: the same body part's steps again, from the first."""
    sequence = conversation.sequence if conversation.sequence in content.sequences else "general"
    conversation.start_relief(sequence)
    return _first_step(content, conversation)


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
    """Partly better: encouragement, and carry on with the steps."""
    conversation.question = ""
    return Reply(
        speech=speech.slow(
            speech.sentences(content.phrase("easing"), content.phrase("next_prompt"))
        ),
        reprompt=speech.sentences(content.phrase("step_reprompt")),
    )


def still_hurts(content: Content, conversation: Conversation) -> Reply:
    """Escalate one measure at a time (warmth, stretch and rub, walk), then the red flags once."""
    if conversation.escalation < len(content.persists):
        step = content.persists[conversation.escalation]
        conversation.escalation += 1
        conversation.question = ""
        return _timed(content, step, lead=content.phrase("persists_opener"))
    return _red_flags_reply(content, content.phrase("red_flags"))


def gone(content: Content, conversation: Conversation) -> Reply:
    """Close the relief kindly, offer prevention tips; the steps go to the card."""
    had_steps = conversation.stage == RELIEF
    conversation.finish_relief()
    conversation.question = ASKED_WANT_TIPS
    reply = Reply(
        speech=speech.sentences(
            content.phrase("gone"),
            disclaimer_once(content, conversation),
            content.phrase("offer_tips"),
        ),
        reprompt=speech.sentences(content.phrase("offer_tips_reprompt")),
    )
    if not had_steps:
        return reply
    return Reply(
        speech=reply.speech,
        reprompt=reply.reprompt,
        card_title=content.relief_text("card_title", area=_area(content, conversation)),
        card_text=_steps_card_text(content, conversation),
    )


def keep_going(content: Content, conversation: Conversation) -> Reply:
    conversation.question = ""
    return Reply(
        speech=speech.slow(speech.sentences(content.phrase("keep_going"))),
        reprompt=speech.sentences(content.phrase("step_reprompt")),
    )


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
    stopped = speech.sentences(content.phrase("stop"))
    if conversation.stage != RELIEF:
        return Reply(speech=stopped)
    return Reply(
        speech=stopped,
        card_title=content.relief_text("card_title", area=_area(content, conversation)),
        card_text=_steps_card_text(content, conversation),
    )


def help_for(content: Content, conversation: Conversation) -> Reply:
    if conversation.question == ASKED_IS_IT_GONE:
        return Reply(
            speech=speech.sentences(content.phrase("help_is_it_gone")),
            reprompt=speech.sentences(content.phrase("last_step_reprompt")),
        )
    if conversation.stage == RELIEF:
        return Reply(
            speech=speech.sentences(content.phrase("help_relief")),
            reprompt=speech.sentences(content.phrase("help_relief_reprompt")),
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
    if conversation.question == ASKED_CRAMP_NOW:
        sentence = content.phrase("fallback_cramp_now")
    elif conversation.question == ASKED_IS_IT_GONE:
        sentence = content.phrase("fallback_is_it_gone")
    elif conversation.question == ASKED_WANT_TIPS:
        sentence = content.phrase("fallback_offer")
    elif conversation.stage == RELIEF:
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
    if conversation.stage == RELIEF:
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


def _first_step(content: Content, conversation: Conversation) -> Reply:
    """The first step, and the steps on a card with the disclaimer: a lost session still leaves
    them, and someone who has never heard the skill (routed in without its name) reads the
    disclaimer there instead of hearing it before what to do."""
    return _step(content, conversation, lead=content.phrase("first_step_opener"))._replace(
        card_title=content.relief_text("card_title", area=_area(content, conversation)),
        card_text=_steps_card_text(content, conversation),
    )


def _step(content: Content, conversation: Conversation, lead: str = "") -> Reply:
    conversation.question = ""
    step = content.sequences[conversation.sequence].steps[conversation.step]
    return _timed(content, step, lead=lead)


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


def _area(content: Content, conversation: Conversation) -> str:
    return content.sequences[conversation.sequence or "general"].area


def _steps_card_text(content: Content, conversation: Conversation) -> str:
    steps = content.sequences[conversation.sequence or "general"].steps
    lines = [f"{number}. {step.do}" for number, step in enumerate(steps, start=1)]
    lines.append(content.relief_text("card_footer"))
    lines.append(content.relief_text("card_disclaimer"))
    return "\n".join(lines)


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
