"""SSML back into text: what the console prints and what the tests measure.

Kept out of skill/ so that the Lambda artifact, which never reads its own speech back, does not
carry it.
"""

import re

_TAG = re.compile(r"<[^>]+>")
_BREAK = re.compile(r'<break time="(\d+(?:\.\d+)?)(ms|s)"\s*/>')
_SPACES = re.compile(r"\s+")


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
