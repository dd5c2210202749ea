"""What to say about daily stretch reminders: pure functions from content and state to a Reply.

In the style of skill/replies.py; every word comes from the ``reminders`` section of the content
file. The calls to the Reminders API are skill/reminders.py's; the handlers make them and hand
the outcome here.
"""

from skill import reminders, speech
from skill.content import Content
from skill.reminders import ClockTime, Result
from skill.replies import Reply
from skill.state import (
    ASKED_REMINDER_OK,
    ASKED_REMINDER_TIME,
    ASKED_WANT_REMINDER,
    Conversation,
)

# Which reminder text goes with which hours (the first whose hour has come): morning from 4 a.m.
PARTS_OF_THE_DAY = ((21, "bedtime"), (17, "evening"), (12, "afternoon"), (4, "morning"))
QUESTIONS = (ASKED_WANT_REMINDER, ASKED_REMINDER_TIME, ASKED_REMINDER_OK)


def may_offer(conversation: Conversation) -> bool:
    """A reminder is offered once, ever (the offer is remembered between sessions)."""
    return not conversation.reminder_offered


def offer(content: Content, conversation: Conversation, said: str, after_tips: bool) -> Reply:
    """``said`` (SSML), then "would you like a daily reminder to stretch?"."""
    conversation.reminder_offered = True
    _ask(conversation, ASKED_WANT_REMINDER)
    if after_tips:
        question = content.reminder_text("offer_after_tips")
    else:
        question = content.reminder_text("offer_after_routine")
    return Reply(
        speech=f"{said} {speech.sentences(question)}".strip(),
        reprompt=speech.sentences(content.reminder_text("offer_reprompt")),
    )


def ask_time(content: Content, conversation: Conversation, exact: bool = False) -> Reply:
    """What time each day? (``exact``: the person gave a part of the day, not a time.)"""
    _ask(conversation, ASKED_REMINDER_TIME)
    if exact:
        question = content.reminder_text("ask_exact_time")
    else:
        question = content.reminder_text("ask_time")
    return Reply(
        speech=speech.sentences(question),
        reprompt=speech.sentences(content.reminder_text("ask_time_reprompt")),
    )


def other_time(content: Content, conversation: Conversation) -> Reply:
    """No to "shall I set it for that time?": ask for another."""
    _ask(conversation, ASKED_REMINDER_TIME)
    return Reply(
        speech=speech.sentences(content.reminder_text("other_time")),
        reprompt=speech.sentences(content.reminder_text("ask_time_reprompt")),
    )


def confirm(content: Content, conversation: Conversation, at: ClockTime) -> Reply:
    """The reminder restated, time and "every day", before anything is set."""
    _ask(conversation, ASKED_REMINDER_OK)
    conversation.reminder_time = str(at)
    time = spoken_time(content, at)
    return Reply(
        speech=speech.sentences(content.reminder_text("confirm", time=time)),
        reprompt=speech.sentences(content.reminder_text("confirm_reprompt", time=time)),
    )


def after_setting(
    content: Content, conversation: Conversation, result: Result, at: ClockTime | None
) -> Reply:
    """What came of setting the reminder at ``at``: once set, restated with its time, "every
    day", and how to cancel it. The session ends."""
    conversation.question = ""
    conversation.reminder_time = ""
    if result.outcome == reminders.NEEDS_PERMISSION:
        return Reply(speech=speech.sentences(content.reminder_text("no_permission")))
    if result.outcome == reminders.NOT_ON_THIS_DEVICE:
        return Reply(speech=speech.sentences(content.reminder_text("not_on_this_device")))
    if at is None or result.outcome not in (reminders.SET, reminders.ALREADY_SET, reminders.MOVED):
        return Reply(speech=speech.sentences(content.reminder_text("set_failed")))
    time = spoken_time(content, at)
    if result.outcome == reminders.MOVED and result.previous is not None:
        old_time = spoken_time(content, result.previous)
        said = content.reminder_text("moved", time=time, old_time=old_time)
    elif result.outcome == reminders.ALREADY_SET:
        said = content.reminder_text("already_set", time=time)
    else:
        said = content.reminder_text("set", time=time)
    return Reply(speech=speech.sentences(said, content.reminder_text("cancel_by_voice")))


def after_cancelling(content: Content, conversation: Conversation, result: Result) -> Reply:
    conversation.question = ""
    if result.outcome == reminders.CANCELLED:
        said = content.reminder_text("cancelled")
    elif result.outcome == reminders.NONE_TO_CANCEL:
        said = content.reminder_text("nothing_to_cancel")
    else:
        said = content.reminder_text("cancel_failed")
    return Reply(speech=speech.sentences(said))


def help_for(content: Content, conversation: Conversation) -> Reply:
    """Help while a reminder question is open: what was asked, and what to say."""
    at = asked_time(conversation)
    if at is not None:
        time = spoken_time(content, at)
        return Reply(
            speech=speech.sentences(content.reminder_text("help_confirm", time=time)),
            reprompt=speech.sentences(content.reminder_text("confirm_reprompt", time=time)),
        )
    if conversation.question == ASKED_REMINDER_TIME:
        return Reply(
            speech=speech.sentences(content.reminder_text("help_time")),
            reprompt=speech.sentences(content.reminder_text("ask_time_reprompt")),
        )
    return Reply(
        speech=speech.sentences(content.reminder_text("help_offer")),
        reprompt=speech.sentences(content.reminder_text("offer_reprompt")),
    )


def fallback(content: Content, conversation: Conversation) -> Reply:
    """One short sentence about the reminder question just asked, and its reprompt."""
    at = asked_time(conversation)
    if at is not None:
        time = spoken_time(content, at)
        return Reply(
            speech=speech.sentences(content.reminder_text("fallback_confirm", time=time)),
            reprompt=speech.sentences(content.reminder_text("confirm_reprompt", time=time)),
        )
    if conversation.question == ASKED_REMINDER_TIME:
        return Reply(
            speech=speech.sentences(content.reminder_text("fallback_time")),
            reprompt=speech.sentences(content.reminder_text("ask_time_reprompt")),
        )
    return Reply(
        speech=speech.sentences(content.reminder_text("fallback_offer")),
        reprompt=speech.sentences(content.reminder_text("offer_reprompt")),
    )


def alert_text(content: Content, at: ClockTime) -> str:
    """What the reminder says when it goes off: its part of the day, nothing about health."""
    part = next((name for hour, name in PARTS_OF_THE_DAY if at.hour >= hour), "bedtime")
    return content.reminder_words("alert")[part]


def spoken_time(content: Content, at: ClockTime) -> str:
    """A time of day as people say it: "nine p.m.", "seven thirty a.m.", "noon"."""
    words = content.reminder_words("clock")
    if at == ClockTime(12, 0):
        return words["noon"]
    if at == ClockTime(0, 0):
        return words["midnight"]
    # Twelve hour names and a period ("nine p.m."), or twenty-four ("vingt et une heures",
    # "einundzwanzig Uhr").
    hour = words["hours"][at.hour % len(words["hours"])]
    period = next(said for start, said in reversed(words["periods"]) if at.hour >= start)
    if at.minute == 0:
        return words["on_the_hour"].format(hour=hour, period=period)
    minutes = _minute_words(words, at.minute)
    return words["with_minutes"].format(hour=hour, minutes=minutes, period=period)


def _minute_words(words: dict, minute: int) -> str:
    numbers = words["numbers"]
    if minute < 10:
        return words["under_ten"].format(ones=numbers[minute])
    if minute < len(numbers):
        return numbers[minute]
    tens = words["tens"][minute // 10 - 2]
    if minute % 10 == 0:
        return tens
    return words["tens_and_ones"].format(tens=tens, ones=numbers[minute % 10])


def _ask(conversation: Conversation, question: str) -> None:
    """A reminder question is a conversation of its own: whatever was going on is left (a
    routine keeps its place to resume)."""
    conversation.return_to_start()
    conversation.question = question


def asked_time(conversation: Conversation) -> ClockTime | None:
    """The time of the reminder the person is being asked to confirm, if that is the question."""
    if conversation.question != ASKED_REMINDER_OK:
        return None
    return ClockTime.parse(conversation.reminder_time)
