"""Small pure functions that turn plain content text into SSML, and SSML back into text.

Content is plain text; only this module writes markup, so escaping happens in one place.
The SDK's response builder adds the outer ``<speak>`` element itself.
"""

import re

MAX_BREAK_SECONDS = 10
RELIEF_RATE = "90%"
HOLD_COUNT_INTERVAL = 10

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r'<break time="(\d+(?:\.\d+)?)(ms|s)"\s*/>')
_SPACES = re.compile(r"\s+")


def escape(text: str) -> str:
    """Escape plain text for SSML (``&``, ``<``, ``>`` and quotes).

    Done by hand: xml.sax.saxutils would pull in urllib, http and ssl, a third of a cold start.
    """
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def pause(seconds: float) -> str:
    """A silent break, capped at Alexa's 10 second maximum."""
    seconds = max(0.0, min(float(seconds), MAX_BREAK_SECONDS))
    if seconds == int(seconds):
        return f'<break time="{int(seconds)}s"/>'
    return f'<break time="{int(seconds * 1000)}ms"/>'


def sentences(*texts: str) -> str:
    """Join plain-text sentences into escaped SSML, skipping empty ones."""
    return " ".join(escape(text) for text in texts if text)


def slow(ssml: str, rate: str = RELIEF_RATE) -> str:
    """Wrap SSML in a slightly slower speaking rate, for instructions given during a cramp."""
    return f'<prosody rate="{rate}">{ssml}</prosody>'


def timed_hold(seconds: int, cue: str, release: str, count_words: dict[int, str]) -> str:
    """Speak a stretch hold: the cue, a pause and a spoken count every ten seconds, the release.

    ``count_words`` maps elapsed seconds to what is said then ("ten seconds", "twenty"...), so
    the listener can follow the time without a clock.
    """
    parts = [escape(cue)]
    elapsed = 0
    while elapsed < seconds:
        step = min(HOLD_COUNT_INTERVAL, seconds - elapsed)
        elapsed += step
        parts.append(pause(step))
        parts.append(escape(count_words[elapsed]) + ".")
    parts.append(escape(release))
    return " ".join(parts)


def to_text(ssml: str) -> str:
    """Plain text of SSML: what a card or a transcript shows. Breaks vanish."""
    return _unescape(_SPACES.sub(" ", _TAG.sub(" ", ssml))).strip()


def to_transcript(ssml: str) -> str:
    """Readable text of SSML for the console: breaks become ``[10 s]`` markers."""

    def marker(match: re.Match) -> str:
        value, unit = float(match.group(1)), match.group(2)
        seconds = value / 1000 if unit == "ms" else value
        return f" [{seconds:g} s] "

    return to_text(_BREAK.sub(marker, ssml)).replace(" .", ".")


def break_seconds(ssml: str) -> list[float]:
    """Length in seconds of every ``<break>`` in the SSML."""
    return [
        float(value) / 1000 if unit == "ms" else float(value)
        for value, unit in _BREAK.findall(ssml)
    ]


def spoken_seconds(ssml: str, words_per_minute: int = 150) -> float:
    """Rough audio length of SSML: words at a normal pace, slowed by any prosody rate, plus breaks.

    Used by tests to keep responses inside Alexa's audio limits; it errs on the long side.
    """
    rate = 1.0
    rate_match = re.search(r'<prosody rate="(\d+)%"', ssml)
    if rate_match:
        rate = int(rate_match.group(1)) / 100
    words = len(to_text(ssml).split())
    return words / words_per_minute * 60 / rate + sum(break_seconds(ssml))


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&apos;", "'")
        .replace("&amp;", "&")
    )
