"""Longer advice on request: prevention, possible causes, when to get medical help, the daily
stretch routine and quick tips.

Pure functions from content and conversation state to a Reply, in the style of skill/replies.py;
every word comes from the content file. Lists are read a page at a time (three points at most),
each page ending in "want to hear more?", and the last one in the list's closing words.
"""

from skill import reminder_replies, speech
from skill.content import AdviceList, Content, Page, Stretch
from skill.display import MOVE_BUTTONS, PAGE, STEP, Hold, Screen
from skill.replies import Reply, aside, disclaimer_once, list_card_text, red_flags_card_text
from skill.state import CAUSES, PREVENTION, RED_FLAGS, Conversation

POINT_PAUSE_SECONDS = 0.5
# The level of urgency (a key of the content's red_flags.urgency) that means the emergency number.
EMERGENCY = "emergency"
# The level that, during the relief steps, is answered in one sentence while the steps go on.
SOON = "soon"


# --- entry points -----------------------------------------------------------------------------


def prevention(content: Content, conversation: Conversation, topic_id: str | None) -> Reply:
    """The three tips that matter most, or straight to a named topic; then a topic per turn."""
    if conversation.in_relief:
        return ease_cramp_first(content, conversation)
    conversation.open_advice(PREVENTION, content.prevention.page_for_topic(topic_id))
    return _page(content, conversation, lead=disclaimer_once(content, conversation))


def causes(content: Content, conversation: Conversation) -> Reply:
    """Possible causes, a group at a time; never listed while a cramp is being eased."""
    if conversation.in_relief:
        return ease_cramp_first(content, conversation)
    conversation.open_advice(CAUSES)
    return _page(content, conversation, lead=disclaimer_once(content, conversation))


def see_doctor(content: Content, conversation: Conversation, symptom_id: str | None) -> Reply:
    """A red-flag symptom gets its level of urgency first, in one breath, and the session ends;
    without one, the red flags are read most urgent first. Answered in every stage.

    During the relief steps only an emergency or same-day sign takes over: "is this serious?"
    or a see-a-doctor-soon sign gets one sentence, and the step goes on."""
    sign = content.sign_for(symptom_id)
    if conversation.in_relief and (sign is None or sign.level == SOON):
        said = content.phrase("serious_mid_cramp") if sign is None else sign.mid_cramp or sign.why
        return aside(content, conversation, said)
    if sign is None:
        conversation.open_advice(RED_FLAGS)
        return _page(content, conversation, lead=disclaimer_once(content, conversation))
    # After "call your local emergency number now", the disclaimer would only say it again.
    disclaimer = "" if sign.level == EMERGENCY else disclaimer_once(content, conversation)
    return Reply(
        speech=speech.sentences(content.urgency[sign.level], sign.why, disclaimer),
        card_title=content.red_flags.title,
        card_text=red_flags_card_text(content),
        screen=Screen(PAGE, heading=content.urgency[sign.level], items=(sign.why,)),
    )


def tip(content: Content, conversation: Conversation) -> Reply:
    """One short tip not heard before (until all have been), and the session ends."""
    if conversation.in_relief:
        return ease_cramp_first(content, conversation)
    heard = [index for index in conversation.tips_heard if index < len(content.tips)]
    fresh = [index for index in range(len(content.tips)) if index not in heard]
    if not fresh:
        heard, fresh = [], list(range(len(content.tips)))
    import random  # only tips need it: kept off the cold start of a cramp request

    index = random.choice(fresh)
    conversation.tips_heard = [*heard, index]
    return Reply(
        speech=speech.sentences(
            content.advice_text("tip_opener"),
            content.tips[index],
            disclaimer_once(content, conversation),
        )
    )


def ease_cramp_first(content: Content, conversation: Conversation) -> Reply:
    """Asked for longer advice mid-cramp: the relief carries on, where it was."""
    return aside(content, conversation, content.advice_text("ease_cramp_first"))


# --- moving through a list --------------------------------------------------------------------


def more(content: Content, conversation: Conversation) -> Reply:
    conversation.advice_step += 1
    return _page(content, conversation)


def previous_page(content: Content, conversation: Conversation) -> Reply:
    if conversation.advice_step <= 0:
        return _page(content, conversation, lead=content.advice_text("first_part_already"))
    conversation.advice_step -= 1
    return _page(content, conversation)


def list_from_the_top(content: Content, conversation: Conversation) -> Reply:
    conversation.advice_step = 0
    return _page(content, conversation)


# --- the stretch routine ----------------------------------------------------------------------


def start_routine(content: Content, conversation: Conversation, at_stretch: int = 0) -> Reply:
    """The routine from its first stretch, or from one left part-way in an earlier session."""
    if conversation.in_relief:
        return ease_cramp_first(content, conversation)
    conversation.start_routine(at_stretch)
    intro = content.routine.intro if at_stretch == 0 else ""
    return _stretch(content, conversation, disclaimer_once(content, conversation), intro)._replace(
        card_title=content.routine.title,
        card_text=_routine_card_text(content),
    )


def next_stretch(content: Content, conversation: Conversation) -> Reply:
    if conversation.routine_step + 1 >= len(content.routine.stretches):
        return _finish_routine(content, conversation)
    conversation.routine_step += 1
    return _stretch(content, conversation)


def previous_stretch(content: Content, conversation: Conversation) -> Reply:
    if conversation.routine_step <= 0:
        return _stretch(content, conversation, content.advice_text("first_stretch_already"))
    conversation.routine_step -= 1
    return _stretch(content, conversation)


def current_stretch(content: Content, conversation: Conversation) -> Reply:
    """Repeat, resume, or "yes" after a pause: the current stretch again, from its start."""
    return _stretch(content, conversation)


def routine_from_the_top(content: Content, conversation: Conversation) -> Reply:
    conversation.routine_step = 0
    return _stretch(content, conversation)


def pause_routine(content: Content, conversation: Conversation) -> Reply:
    """Hold on; the session stays open, and the position is remembered if it closes."""
    conversation.routine_paused = True
    return Reply(
        speech=speech.sentences(content.advice_text("paused")),
        reprompt=speech.sentences(content.advice_text("paused_reprompt")),
    )


# --- help, fallback and stop inside the advice ------------------------------------------------


def help_for(content: Content, conversation: Conversation) -> Reply:
    if conversation.in_routine:
        return Reply(
            speech=speech.sentences(content.advice_text("help_routine")),
            reprompt=speech.sentences(_routine_reprompt(content, conversation)),
        )
    return Reply(
        speech=speech.sentences(content.advice_text("help_list")),
        reprompt=speech.sentences(content.advice_text("want_more_reprompt")),
    )


def fallback(content: Content, conversation: Conversation) -> Reply:
    """One short sentence that re-orients, and the reprompt of wherever the person is."""
    if conversation.in_routine:
        sentence = content.advice_text("fallback_routine")
        reprompt = _routine_reprompt(content, conversation)
    else:
        sentence = content.advice_text("fallback_list")
        reprompt = content.advice_text("want_more_reprompt")
    return Reply(
        speech=speech.sentences(sentence),
        reprompt=conversation.last_reprompt or speech.sentences(reprompt),
    )


def stop(content: Content, conversation: Conversation) -> Reply:
    """End at once; what was being read or done stays on a card."""
    stopped = speech.sentences(content.phrase("stop"))
    if conversation.in_routine:
        return Reply(
            speech=stopped,
            card_title=content.routine.title,
            card_text=_routine_card_text(content),
        )
    advice_list = _list_of(content, conversation)
    return Reply(
        speech=stopped, card_title=advice_list.title, card_text=list_card_text(advice_list)
    )


def settle(content: Content, conversation: Conversation) -> None:
    """As replies.settle, for a list or the routine: a position past its end starts it again."""
    if conversation.in_advice_list:
        pages = len(_list_of(content, conversation).pages)
        first, step = conversation.advice_first, conversation.advice_step
        if not (0 <= first < pages and 0 <= step < len(_reading_order(pages, first))):
            conversation.open_advice(conversation.stage)
    elif conversation.in_routine and not (
        0 <= conversation.routine_step < len(content.routine.stretches)
    ):
        conversation.start_routine()


# --- building blocks --------------------------------------------------------------------------


def _list_of(content: Content, conversation: Conversation) -> AdviceList:
    return {PREVENTION: content.prevention, CAUSES: content.causes, RED_FLAGS: content.red_flags}[
        conversation.stage
    ]


def _reading_order(page_count: int, first: int) -> list[int]:
    """Pages in the order they are read: from the top, or from a named page round to the one
    before it. Opening at a named page skips page 0, which only sums up the rest."""
    if first == 0:
        return list(range(page_count))
    return [first, *range(first + 1, page_count), *range(1, first)]


def _page(content: Content, conversation: Conversation, lead: str = "") -> Reply:
    """The page the person is on: its points, then "want to hear more?", or the closing words.

    The card with the whole list comes with the first page and the last.
    """
    advice_list = _list_of(content, conversation)
    if not 0 <= conversation.advice_first < len(advice_list.pages):
        conversation.advice_first = 0
    order = _reading_order(len(advice_list.pages), conversation.advice_first)
    conversation.advice_step = min(max(conversation.advice_step, 0), len(order) - 1)
    page = advice_list.pages[order[conversation.advice_step]]
    said = _page_speech(page, lead)
    card = {"card_title": advice_list.title, "card_text": list_card_text(advice_list)}
    screen = Screen(PAGE, heading=page.title, items=page.items)
    if conversation.advice_step == len(order) - 1:
        if conversation.stage == PREVENTION and reminder_replies.may_offer(conversation):
            offer = reminder_replies.offer(content, conversation, said, after_tips=True)
            return offer._replace(screen=screen, **card)
        closing = speech.sentences(advice_list.closing)
        return Reply(speech=f"{said} {closing}", screen=screen, **card)
    reply = Reply(
        speech=f"{said} {speech.sentences(content.advice_text('want_more'))}",
        reprompt=speech.sentences(content.advice_text("want_more_reprompt")),
        screen=screen._replace(buttons=MOVE_BUTTONS),
    )
    return reply._replace(**card) if conversation.advice_step == 0 else reply


def _page_speech(page: Page, lead: str) -> str:
    """A short pause after the heading and between points, so each one lands."""
    gap = f" {speech.pause(POINT_PAUSE_SECONDS)} "
    points = gap.join(speech.sentences(item) for item in page.items)
    return f"{speech.sentences(lead, page.intro)}{gap}{points}{gap}"


def _stretch(content: Content, conversation: Conversation, *lead: str) -> Reply:
    """One stretch, spoken slowly: any lead-in, name, how, timed holds, then what to say next."""
    stretches = content.routine.stretches
    conversation.routine_step = min(max(conversation.routine_step, 0), len(stretches) - 1)
    conversation.routine_paused = False
    stretch = stretches[conversation.routine_step]
    if conversation.routine_step == len(stretches) - 1:
        prompt = content.advice_text("last_stretch_prompt")
    else:
        prompt = content.advice_text("next_stretch_prompt")
    reprompt = _routine_reprompt(content, conversation)
    parts = [speech.sentences(*lead, f"{stretch.name}.", stretch.do)]
    parts += [
        speech.timed_hold(hold.seconds, hold.cue, hold.release, content.count_words)
        for hold in stretch.holds
    ]
    parts += [speech.pause(1), speech.sentences(prompt)]
    return Reply(
        speech=speech.slow(" ".join(parts)),
        reprompt=speech.sentences(reprompt),
        screen=stretch_screen(stretch, " ".join(lead)),
    )


def stretch_screen(stretch: Stretch, lead: str = "") -> Screen:
    """A stretch on a screen: its name, drawing and instruction, and the progress of its holds."""
    holds = []
    said_before = f"{lead} {stretch.name}. {stretch.do}"
    for hold in stretch.holds:
        holds.append(Hold(f"{said_before} {hold.cue}", hold.seconds))
        said_before = hold.release
    return Screen(
        STEP,
        heading=stretch.name,
        text=stretch.do,
        pose=stretch.pose,
        holds=tuple(holds),
        buttons=MOVE_BUTTONS,
    )


def _routine_reprompt(content: Content, conversation: Conversation) -> str:
    """What to say next in the routine; on the last stretch there is no next stretch."""
    if conversation.routine_step >= len(content.routine.stretches) - 1:
        return content.advice_text("last_stretch_reprompt")
    return content.advice_text("routine_reprompt")


def _finish_routine(content: Content, conversation: Conversation) -> Reply:
    conversation.finish_routine()
    card = {"card_title": content.routine.title, "card_text": _routine_card_text(content)}
    finished = speech.sentences(content.routine.finish)
    if reminder_replies.may_offer(conversation):
        return reminder_replies.offer(content, conversation, finished, after_tips=False)._replace(
            **card
        )
    return Reply(speech=finished, **card)


def _routine_card_text(content: Content) -> str:
    lines: list[str] = []
    for number, stretch in enumerate(content.routine.stretches, start=1):
        lines.append(f"{number}. {stretch.name}: {stretch.do}")
        lines.extend(f"   - {hold.cue}" for hold in stretch.holds)
    lines.append(content.routine.card_note)
    return "\n".join(lines)
