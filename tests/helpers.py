"""What many test files share: how to read a reply, a person with a store, a clock, odd locales.

Imported by name (``from helpers import said``): ``tests/`` is on pytest's ``pythonpath``, so it
works whichever test files are selected.
"""

import json
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from console import transcript
from console.nlu import MODELS_DIR
from console.repl import Device
from skill.app import create_skill

REQUESTS = Path(__file__).parent / "requests"
#: Midday UTC, far from midnight: the day of a visit cannot change within a test.
NOON = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)
#: Locales no Alexa sends: paths, empty, odd case and separators, a NUL, 5,000 characters.
HOSTILE_LOCALES = (
    "../../interaction_model/skill",
    "../content/en",
    "../en",
    "/etc/passwd",
    "en/../../../lambda/lambda_function",
    "",
    "-",
    "xx-YY",
    "zz-ZZ",
    "it-IT",
    "EN-gb",
    "EN-us",
    "en_US",
    "é-FR",
    "en\x00",
    "\x00",
    "a" * 5000,
)


#: How people in each market say their emergency number, written from ../shared/medical-notes.md
#: ("Each market"), never read from the content; a locale may name either of two.
EMERGENCY_NUMBERS = {
    "en-US": ("nine one one",),
    "en-CA": ("nine one one",),
    "en-GB": ("nine nine nine",),
    "en-AU": ("triple zero",),
    "en-IN": ("one one two",),
    "es-ES": ("uno uno dos",),
    "es-MX": ("nueve uno uno",),
    "es-US": ("nueve uno uno",),
    "de-DE": ("eins eins zwei",),
    # With the article, as it is said: on its own "quinze" is fifteen ("à quinze heures").
    "fr-FR": ("le quinze", "le cent douze"),
    "fr-CA": ("neuf un un",),
}


def language_model_of(locale: str) -> dict:
    """The languageModel of a locale's interaction model."""
    model = json.loads((MODELS_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    return model["interactionModel"]["languageModel"]


def said(reply) -> str:
    """What a reply says, as plain text: a console Turn, or a response envelope (a dict)."""
    ssml = reply["response"]["outputSpeech"]["ssml"] if isinstance(reply, dict) else reply.speech
    return transcript.to_text(ssml)


def request_file(name: str) -> dict:
    """A request envelope saved as Alexa sends it (tests/requests/<name>.json)."""
    return json.loads((REQUESTS / f"{name}.json").read_text(encoding="utf-8"))


def new_user_id() -> str:
    return f"amzn1.ask.account.{uuid.uuid4().hex}"


class Clock:
    """A clock for request timestamps that moves only when told to."""

    def __init__(self, now: datetime = NOON):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def person(
    store=None, user_id: str | None = None, clock: Clock | None = None, locale: str = "en-US"
) -> Device:
    """A device for one person, with a freshly built skill on ``store`` (a new Lambda container),
    talking at a fixed time of day unless given a clock.

    Its requests carry ``locale``; what is typed is understood with that locale's interaction
    model, or the en-US one where the locale has none of its own.
    """
    has_model = (MODELS_DIR / f"{locale}.json").is_file()
    device = Device(
        create_skill(persistence_adapter=store),
        locale=locale if has_model else "en-US",
        user_id=user_id or new_user_id(),
        clock=clock or Clock(),
    )
    device.locale = locale
    return device
