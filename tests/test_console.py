"""The text console as a person uses it: from the command line and interactively."""

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import person

from console.nlu import FALLBACK_INTENT, MODELS_DIR

ROOT = Path(__file__).resolve().parent.parent


def run_console(*args: str, stdin: str = "") -> str:
    result = subprocess.run(
        [sys.executable, "-m", "console", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout


def test_scripted_conversation_prints_every_turn(content):
    out = run_console("my calf is cramping", "next", "it's gone", "no")
    assert out.count("You: ") == 4
    assert content.sequences["calf"].steps[0].do in out
    assert content.sequences["calf"].steps[1].do in out
    assert "[10 s]" in out
    assert f"[card] {content.relief_text('card_title', area='calf')}" in out
    assert content.phrase("goodbye") in out
    assert out.rstrip().endswith("(session closed)")


def test_a_reminder_is_talked_through_but_the_console_has_no_reminders_api(content):
    said = ["remind me to stretch at nine p.m.", "yes", "I approve"]
    out = run_console("--no-store", *said)
    assert content.reminder_text("confirm", time="nine p.m.") in out
    assert "permission to update your reminders: say I approve, or no]" in out
    assert out.rstrip().endswith(f"{content.reminder_text('set_failed')}\n  (session closed)")


def test_interactive_silence_reprompts_then_ends_the_session(content):
    out = run_console(stdin="open cramp coach\n\n\n/quit\n")
    assert content.phrase("launch") in out
    assert content.phrase("launch_reprompt") in out
    assert "(session closed)" in out


def test_interactive_console_leaves_on_end_of_input(content):
    out = run_console(stdin="my foot is cramping\nstop\n")
    assert content.sequences["foot"].steps[0].do in out
    assert content.phrase("stop") in out


def test_intents_prints_how_each_utterance_is_understood_without_running_the_skill():
    out = run_console("--intents", "my calff is cramping", "my hand is cramping", "play music")
    assert out.splitlines() == [
        "my calff is cramping\tCrampNowIntent\tbodyPart=CALF",
        "my hand is cramping\tCrampNowIntent\tbodyPart=?hand",
        "play music\tAMAZON.FallbackIntent\t",
    ]


def test_exact_only_understands_only_the_samples():
    out = run_console("--intents", "--exact-only", "my calff is cramping")
    assert out == "my calff is cramping\tAMAZON.FallbackIntent\t\n"


@pytest.mark.parametrize("locale", sorted(path.stem for path in MODELS_DIR.glob("*.json")))
def test_the_greeting_suggests_what_the_locale_understands(locale):
    """The examples the console's greeting offers open the skill or are understood in the
    locale's own language, never English ones it would not understand."""
    device = person(locale=locale)
    kinds = []
    for example in device.examples:
        request = device.say(example).request["request"]
        kinds.append(request["type"])
        assert request.get("intent", {}).get("name") != FALLBACK_INTENT, example
    assert "LaunchRequest" in kinds and "IntentRequest" in kinds


@pytest.mark.parametrize(
    ("locale", "first_example"),
    [
        ("en-GB", "my calf is cramping"),
        ("es-MX", "tengo un calambre en la pantorrilla"),
        ("de-DE", "ich habe einen wadenkrampf"),
        ("fr-CA", "j'ai une crampe au mollet"),
    ],
)
def test_the_greeting_is_in_the_locales_language(locale, first_example):
    out = run_console("--locale", locale, "--no-store", stdin="/quit\n")
    assert f"Cramp Coach console ({locale})" in out
    assert f'such as\n"{first_example}", ' in out


def test_a_locale_without_a_model_is_refused_with_the_ones_there_are():
    result = subprocess.run(
        [sys.executable, "-m", "console", "--locale", "de-AT", "my calf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "invalid choice: 'de-AT'" in result.stderr and "'de-DE'" in result.stderr
