"""Small pure functions that turn plain content text into SSML.

Content is plain text; only this module writes markup, so escaping happens in one place.
The SDK's response builder adds the outer ``<speak>`` element itself.
"""

MAX_BREAK_SECONDS = 10
RELIEF_RATE = "90%"
HOLD_COUNT_INTERVAL = 10


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
    """Speak a stretch hold: the cue, a pause and a spoken count every ten seconds, the release
    (if any).

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
    if release:
        parts.append(escape(release))
    return " ".join(parts)
