"""What a device with a screen (Echo Show, Echo Spot, Fire TV) shows beside a reply.

A reply that has something to show carries a ``Screen``: which document, and what to fill it
with. The documents are data, ``skill/screens/<document>.json``, with the drawings beside them in
``skill/screens/drawings/<pose>.json``; the words on them come from the content. Only when the
request says the device supports APL is a file read and the RenderDocument directive made, so a
device without a screen pays for nothing but building the small ``Screen`` tuple.

A hold's progress bar is one segment per spoken count ("ten seconds... twenty..."). The device
cannot tell a document where the speech is, so each segment's start is worked out from the words
said before it (``spoken_ms``, an estimate at the relief's slower rate) and the exact length of
each pause; the voice stays the clock, and the bar follows it to within a second or two.
"""

import json
import logging
import os
from functools import cache
from typing import NamedTuple

log = logging.getLogger(__name__)

APL_INTERFACE = "Alexa.Presentation.APL"
RENDER_DOCUMENT = "Alexa.Presentation.APL.RenderDocument"
USER_EVENT = "Alexa.Presentation.APL.UserEvent"
SCREENS_DIR = os.path.join(os.path.dirname(__file__), "screens")
DRAWINGS_DIR = os.path.join(SCREENS_DIR, "drawings")
TOKEN_PREFIX = "cramp-coach-"

# The documents.
STEP = "step"  # one relief step or one stretch: its drawing, the instruction, the hold's progress
PAGE = "page"  # a page of longer advice: a heading and up to three points

# Every button is an intent: a tap sends the intent's name and is answered as if it were said.
NEXT = "AMAZON.NextIntent"
BACK = "AMAZON.PreviousIntent"
GONE = "CrampGoneIntent"
BUTTONS = (BACK, NEXT, GONE)
RELIEF_BUTTONS = (BACK, NEXT, GONE)
MOVE_BUTTONS = (BACK, NEXT)

# An instruction longer than this many characters gets the document's smaller type, so that it
# still fits beside its drawing.
LONG_TEXT_CHARACTERS = 90
# The pauses of a spoken hold (skill/speech.timed_hold): a count every ten seconds.
COUNT_INTERVAL_SECONDS = 10
# Speech time, for placing a hold's progress: Alexa speaks about 150 words a minute at its
# normal rate, relief at 90 % of it, and pauses briefly at the end of a sentence or clause.
WORDS_PER_MINUTE = 150
RELIEF_RATE = 0.9
SENTENCE_PAUSE_MS = 350
CLAUSE_PAUSE_MS = 150


class Hold(NamedTuple):
    """A timed hold on a screen: the words said before it starts (since the last hold), and its
    length in seconds."""

    said_before: str
    seconds: int


class Screen(NamedTuple):
    """What a screen shows with a reply; all text is plain content text."""

    document: str
    heading: str = ""
    text: str = ""
    items: tuple[str, ...] = ()
    pose: str = ""
    holds: tuple[Hold, ...] = ()
    buttons: tuple[str, ...] = ()


def supported(handler_input) -> bool:
    """True only when the request says the device supports APL: anything else must get none."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    device = getattr(system, "device", None)
    interfaces = getattr(device, "supported_interfaces", None)
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def touched_intent(handler_input) -> str | None:
    """The intent a tapped button stands for (its UserEvent's first argument); None for any
    other request, or for an event that is not one of our buttons."""
    request = handler_input.request_envelope.request
    if getattr(request, "object_type", None) != USER_EVENT:
        return None
    arguments = getattr(request, "arguments", None)
    if not isinstance(arguments, list) or not arguments:
        return None
    return arguments[0] if arguments[0] in BUTTONS else None


def directive_for(screen: Screen, content):
    """The RenderDocument directive for a screen, or None if it cannot be made: a screen that
    fails is left out, and the reply is said as it would be without one."""
    try:
        return render_directive(screen, content)
    except Exception:
        log.exception("no screen for %s %r", screen.document, screen.pose or screen.heading)
        return None


def render_directive(screen: Screen, content):
    """The RenderDocument directive for a screen: its document, the drawing it needs, its data."""
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    document = load_document(screen.document)
    if screen.pose:
        document = {**document, "graphics": {"pose": load_drawing(screen.pose)}}
    return RenderDocumentDirective(
        token=TOKEN_PREFIX + screen.document,
        document=document,
        datasources={"screen": screen_data(screen, content)},
    )


def screen_data(screen: Screen, content) -> dict:
    """The data a document is filled from."""
    return {
        "heading": screen.heading,
        "text": screen.text,
        "long": len(screen.text) > LONG_TEXT_CHARACTERS,
        "items": list(screen.items),
        "pose": screen.pose,
        "segments": progress_segments(screen.holds, content.count_words),
        "buttons": [
            {"label": button_label(content, intent), "intent": intent} for intent in screen.buttons
        ],
    }


def button_label(content, intent: str) -> str:
    if intent == NEXT:
        return content.screen_text("next")
    if intent == BACK:
        return content.screen_text("back")
    return content.screen_text("gone")


def progress_segments(holds: tuple[Hold, ...], count_words: dict[int, str]) -> list[dict]:
    """One segment per spoken count of every hold: its label (the seconds counted), when it
    starts after the speech begins, and how long it fills, both in milliseconds."""
    segments = []
    elapsed_ms = 0
    for hold in holds:
        elapsed_ms += spoken_ms(hold.said_before)
        counted = 0
        while counted < hold.seconds:
            pause = min(COUNT_INTERVAL_SECONDS, hold.seconds - counted)
            counted += pause
            segments.append({"label": str(counted), "start": elapsed_ms, "ms": pause * 1000})
            elapsed_ms += pause * 1000 + spoken_ms(count_words[counted] + ".")
    return segments


def spoken_ms(text: str) -> int:
    """About how long Alexa takes to say plain text at the relief's rate, in milliseconds."""
    words = len(text.split())
    sentences = sum(text.count(mark) for mark in ".?!")
    clauses = text.count(",")
    speaking = words * 60_000 / (WORDS_PER_MINUTE * RELIEF_RATE)
    return round(speaking + sentences * SENTENCE_PAUSE_MS + clauses * CLAUSE_PAUSE_MS)


def poses() -> frozenset[str]:
    """Every drawing there is, by pose id."""
    return frozenset(name[: -len(".json")] for name in os.listdir(DRAWINGS_DIR))


@cache
def load_document(name: str) -> dict:
    with open(os.path.join(SCREENS_DIR, f"{name}.json"), encoding="utf-8") as stream:
        return json.load(stream)


@cache
def load_drawing(pose: str) -> dict:
    if pose not in poses():
        raise LookupError(f"no drawing for the pose {pose!r}")
    with open(os.path.join(DRAWINGS_DIR, f"{pose}.json"), encoding="utf-8") as stream:
        return json.load(stream)
