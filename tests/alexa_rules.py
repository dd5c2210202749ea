"""Alexa's published limits on a response, as assertions every test can apply.

Sources: the Alexa Skills Kit response format and SSML reference, as summed up in
shared/voice-design.md (8,000 SSML characters, breaks of at most 10 s, 240 s of audio in the
speech and 90 s in the reprompt, under 24 KB in all).
"""

import json
import re
import xml.etree.ElementTree as ElementTree

from console import transcript

MAX_SSML_CHARACTERS = 8000
MAX_BREAK_SECONDS = 10
MAX_SPEECH_SECONDS = 240
MAX_REPROMPT_SECONDS = 90
MAX_RESPONSE_BYTES = 24 * 1024
MAX_CARD_CHARACTERS = 8000
# The one permission the skill asks for (interaction_model/skill.json).
REMINDERS_SCOPE = "alexa::alerts:reminders:skill:readwrite"
SSML_TAGS = {
    "speak", "break", "prosody", "p", "s", "emphasis", "say-as", "sub",
    "phoneme", "audio", "lang", "voice", "w",
}  # fmt: skip


def check_ssml(ssml: str, max_seconds: float) -> None:
    assert ssml.startswith("<speak>") and ssml.endswith("</speak>"), ssml
    assert len(ssml) <= MAX_SSML_CHARACTERS, f"SSML is {len(ssml)} characters"
    root = ElementTree.fromstring(ssml)
    for element in root.iter():
        assert element.tag in SSML_TAGS, f"unknown SSML tag <{element.tag}>"
    for seconds in transcript.break_seconds(ssml):
        assert seconds <= MAX_BREAK_SECONDS, f"a {seconds} s break is longer than Alexa allows"
    assert len(re.findall(r"<break", ssml)) == len(transcript.break_seconds(ssml)), (
        "unreadable break"
    )
    assert transcript.to_text(ssml), "nothing is said"
    seconds = transcript.spoken_seconds(ssml)
    assert seconds <= max_seconds, f"about {seconds:.0f} s of audio, over {max_seconds} s"


def check_response(envelope: dict, request_type: str = "IntentRequest") -> None:
    """Every rule a response must keep; SessionEndedRequest answers must say nothing."""
    assert envelope["version"] == "1.0"
    assert len(json.dumps(envelope).encode()) < MAX_RESPONSE_BYTES
    response = envelope["response"]
    if request_type == "SessionEndedRequest":
        assert "outputSpeech" not in response and "reprompt" not in response
        return
    output = response["outputSpeech"]
    assert output["type"] == "SSML"
    check_ssml(output["ssml"], MAX_SPEECH_SECONDS)
    stays_open = response.get("shouldEndSession") is False
    if stays_open:
        reprompt = response["reprompt"]["outputSpeech"]
        assert reprompt["type"] == "SSML"
        check_ssml(reprompt["ssml"], MAX_REPROMPT_SECONDS)
    else:
        assert response.get("shouldEndSession") is True, "the session must end explicitly"
        assert "reprompt" not in response, "a reprompt on a closing response"
    card = response.get("card")
    if card and card["type"] == "AskForPermissionsConsent":  # the app's permissions page
        assert card["permissions"] == [REMINDERS_SCOPE] and set(card) == {"type", "permissions"}
    elif card:
        assert card["type"] == "Simple"
        assert card["title"] and card["content"]
        assert len(card["title"]) + len(card["content"]) <= MAX_CARD_CHARACTERS
        assert "<" not in card["content"], "markup in a card"
