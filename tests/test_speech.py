import pytest

from console import transcript
from skill import speech

COUNTS = {10: "ten seconds", 20: "twenty", 30: "thirty"}


def test_escape_makes_text_safe_for_ssml():
    assert speech.escape('Tom & Jerry\'s <b> "x"') == (
        "Tom &amp; Jerry&apos;s &lt;b&gt; &quot;x&quot;"
    )


@pytest.mark.parametrize(
    ("seconds", "ssml"),
    [
        (1, '<break time="1s"/>'),
        (0.5, '<break time="500ms"/>'),
        (2.5, '<break time="2500ms"/>'),
        (25, '<break time="10s"/>'),
    ],
)
def test_pause_is_capped_at_ten_seconds(seconds, ssml):
    assert speech.pause(seconds) == ssml


def test_sentences_skip_empty_parts_and_escape():
    assert speech.sentences("Okay.", "", "Rock & roll.") == "Okay. Rock &amp; roll."


def test_slow_wraps_in_a_slower_rate():
    assert speech.slow("Hi.") == '<prosody rate="90%">Hi.</prosody>'


def test_timed_hold_counts_every_ten_seconds():
    ssml = speech.timed_hold(30, "Hold it.", "Relax.", COUNTS)
    assert transcript.break_seconds(ssml) == [10, 10, 10]
    assert transcript.to_text(ssml) == "Hold it. ten seconds. twenty. thirty. Relax."


def test_timed_hold_with_a_short_remainder():
    ssml = speech.timed_hold(25, "Hold.", "Done.", {10: "ten", 20: "twenty", 25: "twenty-five"})
    assert transcript.break_seconds(ssml) == [10, 10, 5]
    assert transcript.to_text(ssml) == "Hold. ten. twenty. twenty-five. Done."


def test_text_and_transcript_of_ssml():
    ssml = '<prosody rate="90%">Hold &amp; breathe. <break time="10s"/> ten seconds.</prosody>'
    assert transcript.to_text(ssml) == "Hold & breathe. ten seconds."
    assert transcript.to_transcript(ssml) == "Hold & breathe. [10 s] ten seconds."


def test_spoken_seconds_counts_words_rate_and_breaks():
    plain = transcript.spoken_seconds("one two three four five")
    assert plain == pytest.approx(2.0)
    assert transcript.spoken_seconds(speech.slow("one two three four five")) == pytest.approx(
        2 / 0.9
    )
    assert transcript.spoken_seconds('a <break time="10s"/>') == pytest.approx(10.4)
