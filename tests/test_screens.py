"""Screens on Echo Show, Echo Spot and Fire TV: APL documents beside the voice (skill/display.py).

Conversations go through real request envelopes from a device that says it supports APL, and
from one that does not. Every document the skill sends is checked by apl-suggester, Amazon's
APL authoring checks (npm, installed in tests/apl by `make test`); the documents' choices per
viewport profile are worked out here from their own `when` conditions.
"""

import copy
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
from alexa_rules import MAX_RESPONSE_BYTES, check_response
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from console import envelopes, transcript
from console.nlu import Match, SlotMatch
from console.repl import Device
from skill import content as skill_content
from skill import display
from skill.app import create_skill

APL_DIR = Path(__file__).resolve().parent / "apl"
VALIDATOR = APL_DIR / "validate.js"

# The drawings the relief steps may name (issue 8's fixed vocabulary), each drawn for this skill.
RELIEF_POSES = {
    "toes_to_shin", "towel_pull", "wall_calf", "stand_press", "toes_up_spread",
    "foot_point_down", "heel_to_bottom", "heel_to_bottom_lying", "hamstring_seated",
    "rub_foot", "rub_calf", "rub_thigh", "walk", "warmth", "cold_pack",
}  # fmt: skip

# Alexa's viewport profiles, in dp, with the device each is measured on (alexa-viewport-profiles).
PROFILES = {
    "hubRoundSmall": {"width": 480, "height": 480, "shape": "round", "mode": "hub"},
    "hubLandscapeSmall": {"width": 960, "height": 480, "shape": "rectangle", "mode": "hub"},
    "hubLandscapeMedium": {"width": 960, "height": 600, "shape": "rectangle", "mode": "hub"},
    "hubLandscapeLarge": {"width": 1280, "height": 800, "shape": "rectangle", "mode": "hub"},
    "hubLandscapeXLarge": {"width": 1920, "height": 1080, "shape": "rectangle", "mode": "hub"},
    "tvLandscapeXLarge": {"width": 960, "height": 540, "shape": "rectangle", "mode": "tv"},
}
# The instruction's type on each profile, in dp: the least we allow for reading it across a room,
# and for an instruction long enough to get the smaller type (display.LONG_TEXT_CHARACTERS).
SEVEN_FOOT_TEXT = {
    "hubRoundSmall": (26, 22),
    "hubLandscapeSmall": (36, 32),
    "hubLandscapeMedium": (40, 34),
    "hubLandscapeLarge": (52, 44),
    "hubLandscapeXLarge": (72, 60),
    "tvLandscapeXLarge": (36, 32),
}
# For fitting text: Amazon Ember's letters average about half an em; allow a little more.
AVERAGE_LETTER_EM = 0.55
LINE_HEIGHT = 1.2
ECHO_SHOW_8 = PROFILES["hubLandscapeMedium"]


# --- devices with and without a screen -----------------------------------------------------


def with_screen(request: dict, viewport: dict = ECHO_SHOW_8) -> dict:
    """The request as a device with a screen sends it: APL in its interfaces, and its viewport."""
    system = request["context"]["System"]
    system["device"]["supportedInterfaces"]["Alexa.Presentation.APL"] = {
        "runtime": {"maxVersion": "2024.2"}
    }
    request["context"]["Viewport"] = {
        "experiences": [{"canRotate": False, "canResize": False}],
        "mode": viewport["mode"].upper(),
        "shape": viewport["shape"].upper(),
        "pixelWidth": viewport["width"],
        "pixelHeight": viewport["height"],
        "currentPixelWidth": viewport["width"],
        "currentPixelHeight": viewport["height"],
        "dpi": 160,
        "touch": ["SINGLE"] if viewport["mode"] == "hub" else [],
    }
    return request


class ScreenDevice(Device):
    """An Echo Show: every request says it supports APL, and its buttons can be tapped."""

    def _send(self, said: str, request: dict):
        return super()._send(said, with_screen(request))

    def tap(self, argument: str):
        """A tap on a button whose SendEvent carries ``argument``."""
        request = envelopes.launch_request(self.session)
        request["request"] = {
            "type": display.USER_EVENT,
            "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
            "timestamp": request["request"]["timestamp"],
            "locale": self.locale,
            "token": "cramp-coach-step",
            "arguments": [argument],
            "source": {"type": "TouchWrapper", "handler": "Press", "id": ""},
            "components": {},
        }
        return self._send(f"(taps {argument})", request)


@pytest.fixture
def show(skill):
    return ScreenDevice(skill=skill)


def directives(turn) -> list[dict]:
    return turn.output.get("directives", [])


def shown(turn) -> dict:
    """The one RenderDocument directive of a turn."""
    (directive,) = directives(turn)
    assert directive["type"] == display.RENDER_DOCUMENT
    return directive


def cramp_in(body_part_id: str) -> Match:
    spoken = body_part_id.lower()
    slot = SlotMatch("bodyPart", spoken, body_part_id, spoken, "BODY_PART")
    return Match("CrampNowIntent", {"bodyPart": slot}, ("bodyPart",))


def symptom(symptom_id: str) -> Match:
    spoken = symptom_id.lower()
    slot = SlotMatch("symptom", spoken, symptom_id, spoken, "SYMPTOM")
    return Match("SeeDoctorIntent", {"symptom": slot}, ("symptom",))


def every_screen_conversation(device) -> list:
    """Every relief step of every body part, every "it still hurts", the routine, every page of
    longer advice, every named symptom and "call an ambulance": the turns, with or without a
    screen."""
    turns = []
    text = skill_content.for_locale("en-US")
    for body_part in text.body_parts:
        device.session = None
        turns.append(device.send_intent("my cramp", cramp_in(body_part)))
        for said in ["next"] * 8 + ["it still hurts"] * (len(text.persists) + 1):
            spoken = transcript.to_text(turns[-1].speech)
            if text.phrase("check_question") in spoken:
                said = "no"
            elif any(sides.ask in spoken for sides in text.which_side.values()):
                said = "the back"
            turns.append(device.say(said))
    for opening in (
        "guide me through my stretches",
        "how can I prevent cramps",
        "why do my feet cramp",
    ):
        device.session = None
        turns.append(device.say(opening))
        for _ in range(8):
            if turns[-1].session_ended:
                break
            turns.append(device.say("next"))
    device.session = None
    turns.append(device.say("when should I see a doctor"))
    turns.append(device.say("yes"))
    turns.append(device.say("yes"))
    for symptom_id in ("CHEST_PAIN", "SWOLLEN", "LASTING"):
        device.session = None
        turns.append(device.send_intent("symptom", symptom(symptom_id)))
    device.session = None
    turns.append(device.say("call an ambulance"))
    return turns


# --- without a screen nothing changes ----------------------------------------------------------


def test_without_apl_no_response_has_a_directive(device):
    for turn in every_screen_conversation(device):
        assert "directives" not in turn.output, turn.said


def test_with_apl_the_answers_are_the_same_plus_a_screen(skill):
    plain = every_screen_conversation(Device(skill=skill, user_id="amzn1.ask.account.same"))
    screen = every_screen_conversation(ScreenDevice(skill=skill, user_id="amzn1.ask.account.same"))
    assert len(plain) == len(screen)
    for without, with_ in zip(plain, screen, strict=True):
        answer = {key: value for key, value in with_.output.items() if key != "directives"}
        assert answer == without.output, with_.said
        assert with_.response.get("sessionAttributes") == without.response.get("sessionAttributes")


def test_a_device_that_supports_apl_only_in_its_viewport_gets_no_directive(skill):
    """Only supportedInterfaces counts: a Viewport alone is not a promise that APL renders."""
    session = envelopes.Session()
    request = with_screen(envelopes.intent_request(session, cramp_in("CALF")))
    del request["context"]["System"]["device"]["supportedInterfaces"]["Alexa.Presentation.APL"]
    from skill.app import handle_event

    assert "directives" not in handle_event(skill, request)["response"]


# --- what each screen shows --------------------------------------------------------------------


def past_the_check(show, turn, content):
    """Answer no to the safety check before rubbing, walking or warmth, whenever it is asked."""
    while screen_of(turn).get("heading") == content.phrase("check_question"):
        turn = show.say("no")
    return turn


def screen_of(turn) -> dict:
    return shown(turn)["datasources"]["screen"]


STEP_SEQUENCES = sorted(
    {(body_part, name) for body_part, name in skill_content.for_locale("en-US").body_parts.items()
     if name in skill_content.for_locale("en-US").sequences}
)  # fmt: skip


@pytest.mark.parametrize(("body_part", "sequence"), STEP_SEQUENCES)
def test_every_relief_step_shows_its_instruction_drawing_and_hold(
    show, content, body_part, sequence
):
    steps = content.sequences[sequence].steps
    turn = show.send_intent("cramp", cramp_in(body_part))
    for index, step in enumerate(steps):
        if index:
            turn = past_the_check(show, show.say("next"), content)
        directive = shown(turn)
        data = directive["datasources"]["screen"]
        assert data["text"] == step.do
        assert data["pose"] == step.pose
        if step.pose:
            assert directive["document"]["graphics"] == {"pose": display.load_drawing(step.pose)}
        else:
            assert "graphics" not in directive["document"]
        assert [segment["label"] for segment in data["segments"]] == [
            str(seconds) for seconds in range(10, step.hold + 1, 10)
        ]
        assert [button["intent"] for button in data["buttons"]] == list(display.RELIEF_BUTTONS)
        assert transcript.to_text(turn.speech).count(step.do) == 1  # the voice is complete


@pytest.mark.parametrize("body_part", ["THIGH", "ANKLE"])
def test_front_or_back_is_asked_on_the_screen_too(show, content, body_part):
    data = screen_of(show.send_intent("cramp", cramp_in(body_part)))
    assert data["heading"] == content.which_side[body_part.lower()].ask
    assert data["buttons"] == []


def test_it_still_hurts_shows_the_check_each_step_and_measure_then_the_red_flags(show, content):
    steps = content.sequences["calf"].steps
    show.send_intent("cramp", cramp_in("CALF"))
    data = screen_of(show.say("it still hurts"))
    assert data["heading"] == content.phrase("check_question")
    shown_after = [screen_of(show.say("no"))["text"]]
    for _ in range(len(steps) - 2 + len(content.persists)):
        shown_after.append(screen_of(show.say("it still hurts"))["text"])
    assert shown_after == [step.do for step in steps[1:]] + [m.do for m in content.persists]
    data = screen_of(show.say("it still hurts"))
    assert data["heading"] == content.red_flags.pages[0].title
    assert data["items"] == list(content.red_flags.pages[0].items)


def test_every_stretch_of_the_routine_shows_its_name_drawing_and_holds(show, content):
    turn = show.say("guide me through my stretches")
    for index, stretch in enumerate(content.routine.stretches):
        if index:
            turn = show.say("next")
        directive = shown(turn)
        data = directive["datasources"]["screen"]
        assert (data["heading"], data["text"], data["pose"]) == (
            stretch.name,
            stretch.do,
            stretch.pose,
        )
        assert directive["document"]["graphics"] == {"pose": display.load_drawing(stretch.pose)}
        counts = [str(s) for hold in stretch.holds for s in range(10, hold.seconds + 1, 10)]
        assert [segment["label"] for segment in data["segments"]] == counts
    assert directives(show.say("next")) == []  # the routine is done: nothing more to show


@pytest.mark.parametrize("opening", ["how can I prevent cramps", "when should I see a doctor"])
def test_every_page_of_prevention_and_red_flags_is_shown(show, content, opening):
    advice_list = content.prevention if "prevent" in opening else content.red_flags
    turn = show.say(opening)
    for index, page in enumerate(advice_list.pages):
        if index:
            turn = show.say("yes")
        data = shown(turn)["datasources"]["screen"]
        assert (data["heading"], data["items"]) == (page.title, list(page.items))
        last = index == len(advice_list.pages) - 1
        assert bool(data["buttons"]) is not last  # the last page ends the session
        assert "graphics" not in shown(turn)["document"]


def test_a_named_symptom_shows_its_urgency_first(show, content):
    data = shown(show.send_intent("chest pain", symptom("CHEST_PAIN")))["datasources"]["screen"]
    sign = content.sign_for("CHEST_PAIN")
    assert data["heading"] == content.urgency[sign.level]
    assert data["items"] == [sign.why]


def test_a_hold_s_progress_starts_after_the_words_before_it_and_follows_each_pause(content):
    from skill.replies import step_screen

    step = content.sequences["calf"].steps[0]
    segments = display.progress_segments(step_screen(step, "Okay.").holds, content.count_words)
    assert [segment["ms"] for segment in segments] == [10_000] * (step.hold // 10)
    assert segments[0]["start"] == display.spoken_ms(f"Okay. {step.do} {step.cue}")
    for before, after in itertools.pairwise(segments):
        spoken_count = display.spoken_ms(content.count_words[int(before["label"])] + ".")
        assert after["start"] == before["start"] + before["ms"] + spoken_count


def test_speech_time_grows_with_words_and_pauses():
    assert display.spoken_ms("") == 0
    one = display.spoken_ms("Hold")
    assert abs(display.spoken_ms("Hold it there") - 3 * one) <= 1
    assert display.spoken_ms("Hold it, there.") > display.spoken_ms("Hold it there")
    # About two and a quarter words a second at the relief's rate.
    assert 4_000 < display.spoken_ms(" ".join(["word"] * 10)) < 5_000


# --- touch -------------------------------------------------------------------------------------


def answer(turn) -> tuple:
    attributes = dict(turn.response.get("sessionAttributes") or {})
    return turn.output.get("outputSpeech"), turn.output.get("reprompt"), attributes


def test_tapping_next_back_and_gone_is_answered_like_saying_them(skill):
    spoken, tapped = ScreenDevice(skill=skill), ScreenDevice(skill=skill)
    for device in (spoken, tapped):
        device.send_intent("cramp", cramp_in("FOOT"))
    pairs = [("next", display.NEXT), ("next", display.NEXT), ("back", display.BACK)]
    pairs += [("it's gone", display.GONE)]
    for said, intent in pairs:
        by_voice, by_touch = spoken.say(said), tapped.tap(intent)
        assert answer(by_touch) == answer(by_voice), said
        assert directives(by_touch) == directives(by_voice)
        check_response(by_touch.response)


def test_tapping_next_moves_through_the_routine_and_the_advice(show, content):
    show.say("guide me through my stretches")
    turn = show.tap(display.NEXT)
    assert shown(turn)["datasources"]["screen"]["heading"] == content.routine.stretches[1].name
    show.session = None
    show.say("how can I prevent cramps")
    turn = show.tap(display.NEXT)
    assert shown(turn)["datasources"]["screen"]["heading"] == content.prevention.pages[1].title


@pytest.mark.parametrize("argument", ["AMAZON.StopIntent", "", "next", "DeleteDataIntent"])
def test_an_event_that_is_not_one_of_our_buttons_gets_no_answer(show, argument):
    show.send_intent("cramp", cramp_in("CALF"))
    turn = show.tap(argument)
    assert "outputSpeech" not in turn.output
    assert turn.response.get("sessionAttributes", {}).get("step", 0) == 0


class CountingStore(AbstractPersistenceAdapter):
    def __init__(self):
        self.calls: list[str] = []

    def get_attributes(self, request_envelope):
        self.calls.append("get_attributes")
        return {}

    def save_attributes(self, request_envelope, attributes):
        self.calls.append("save_attributes")

    def delete_attributes(self, request_envelope):
        self.calls.append("delete_attributes")


def test_tapping_through_relief_never_touches_the_store():
    store = CountingStore()
    device = ScreenDevice(skill=create_skill(persistence_adapter=store))
    device.send_intent("cramp", cramp_in("CALF"))
    device.tap(display.NEXT)
    device.tap(display.BACK)
    assert store.calls == []
    device.tap(display.GONE)  # the relief is over: the record may be read now
    assert store.calls[0] == "get_attributes"


# --- failure, size, and cost -------------------------------------------------------------------


def test_a_screen_that_cannot_be_made_leaves_the_relief_spoken(show, content, monkeypatch, caplog):
    def broken(name):
        raise OSError("the document cannot be read")

    monkeypatch.setattr(display, "load_document", broken)
    turn = show.send_intent("cramp", cramp_in("CALF"))
    assert directives(turn) == []
    assert content.sequences["calf"].steps[0].do in transcript.to_text(turn.speech)
    assert "no screen for step" in caplog.text


def test_every_response_with_a_screen_keeps_alexa_s_limits(show):
    sizes = []
    for turn in every_screen_conversation(show):
        check_response(turn.response)
        sizes.append(len(json.dumps(turn.response).encode()))
    assert max(sizes) < MAX_RESPONSE_BYTES


def test_no_document_is_read_for_a_device_without_a_screen(device, monkeypatch):
    def unexpected(name):
        raise AssertionError(f"read {name} for a device without a screen")

    monkeypatch.setattr(display, "load_document", unexpected)
    monkeypatch.setattr(display, "load_drawing", unexpected)
    every_screen_conversation(device)


def test_importing_the_skill_loads_no_document():
    probe = (
        "import sys, builtins; opened = []; real = builtins.open\n"
        "builtins.open = lambda f, *a, **k: (opened.append(str(f)), real(f, *a, **k))[1]\n"
        "import skill.app, skill.handlers, skill.display\n"
        "print([f for f in opened if 'screens' in f])"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert result.stdout.strip() == "[]"


# --- drawings ----------------------------------------------------------------------------------


def test_every_relief_pose_has_a_drawing():
    assert display.poses() >= RELIEF_POSES


def test_every_pose_named_in_the_content_has_a_drawing(content):
    steps = [step for sequence in content.sequences.values() for step in sequence.steps]
    named = {step.pose for step in [*steps, *content.persists]} | {
        stretch.pose for stretch in content.routine.stretches
    }
    assert named - {""} <= display.poses()
    assert all(stretch.pose for stretch in content.routine.stretches)


def test_no_drawing_is_left_unused(content):
    routine = {stretch.pose for stretch in content.routine.stretches}
    assert display.poses() == RELIEF_POSES | routine


@pytest.mark.parametrize("pose", sorted(RELIEF_POSES | {"ankle_circles"}))
def test_each_drawing_is_a_small_line_drawing_with_nothing_fetched(pose):
    drawing = display.load_drawing(pose)
    assert drawing["type"] == "AVG"
    assert (drawing["width"], drawing["height"]) == (240, 240)
    assert drawing["items"] and all(item["type"] == "path" for item in drawing["items"])
    assert len(json.dumps(drawing, separators=(",", ":"))) < 2_000
    assert "http" not in json.dumps(drawing)


def test_an_unknown_pose_is_refused():
    with pytest.raises(LookupError):
        display.load_drawing("../step")


# --- the documents, per viewport profile -------------------------------------------------------


def evaluate(expression: str, viewport: dict):
    """An APL data-binding expression over the viewport, as the device evaluates it; only the
    operators the documents use (==, !=, <, >=, &&, ||) are understood."""
    body = re.fullmatch(r"\$\{(.*)\}", expression).group(1)
    assert re.fullmatch(r"[\w.' <>=!&|]+", body), f"an expression this test cannot read: {body}"
    python = body.replace("&&", " and ").replace("||", " or ")
    return eval(python, {"__builtins__": {}}, {"viewport": SimpleNamespace(**viewport)})


def resolved(document: dict, viewport: dict) -> dict:
    """The resources a device with this viewport ends up with: later blocks win when they apply."""
    values: dict = {}
    for block in document["resources"]:
        if "when" in block and not evaluate(block["when"], viewport):
            continue
        for kind in ("dimensions", "strings", "colors"):
            values.update(block.get(kind, {}))
    return values


@pytest.mark.parametrize("name", ["step", "page"])
def test_each_profile_gets_a_layout_of_its_own(name):
    document = display.load_document(name)
    layouts = {profile: json.dumps(resolved(document, PROFILES[profile])) for profile in PROFILES}
    assert len(set(layouts.values())) == len(PROFILES)


def test_the_round_screen_stacks_and_centres_the_rest_side_by_side():
    document = display.load_document("step")
    for profile, viewport in PROFILES.items():
        values = resolved(document, viewport)
        round_screen = viewport["shape"] == "round"
        assert values["direction"] == ("column" if round_screen else "row"), profile
        assert values["align"] == ("center" if round_screen else "left"), profile


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_the_instruction_is_large_enough_to_read_across_a_room(profile):
    values = resolved(display.load_document("step"), PROFILES[profile])
    least, least_long = SEVEN_FOOT_TEXT[profile]
    assert values["textSize"] >= least
    assert values["textSizeLong"] >= least_long
    assert values["textSize"] > values["textSizeLong"] > values["headingSize"]
    assert values["headingSize"] > values["labelSize"]


def test_only_a_long_instruction_gets_the_smaller_type(content):
    from skill.replies import step_screen

    for step in content.sequences["calf"].steps:
        data = display.screen_data(step_screen(step), content)
        assert data["long"] is (len(step.do) > display.LONG_TEXT_CHARACTERS)
    text = display.load_document("step")["mainTemplate"]["items"][0]["items"][0]["items"][1]
    assert text["items"][1]["fontSize"] == "${screen.long ? @textSizeLong : @textSize}"


def text_height(text: str, size: float, width: float) -> float:
    letters_per_line = max(1, int(width / (size * AVERAGE_LETTER_EM)))
    lines = 0
    for paragraph in text.split("\n"):
        line = ""
        lines += 1
        for word in paragraph.split():
            if line and len(line) + 1 + len(word) > letters_per_line:
                lines += 1
                line = word
            else:
                line = f"{line} {word}".strip()
    return lines * size * LINE_HEIGHT


def step_screens(content) -> list[display.Screen]:
    from skill.advice import stretch_screen
    from skill.replies import step_screen

    steps = [step for sequence in content.sequences.values() for step in sequence.steps]
    return [step_screen(step) for step in [*steps, *content.persists]] + [
        stretch_screen(stretch) for stretch in content.routine.stretches
    ]


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_every_step_and_stretch_fits_on_the_screen(content, profile):
    viewport = PROFILES[profile]
    values = resolved(display.load_document("step"), viewport)
    inner_width = viewport["width"] - 2 * values["marginX"]
    inner_height = viewport["height"] - 2 * values["marginY"]
    buttons = 0
    if viewport["shape"] != "round":
        buttons = values["barGap"] + values["buttonTextSize"] * LINE_HEIGHT
        buttons += 2 * values["buttonPaddingY"] + 4
    for screen in step_screens(content):
        drawing = values["drawingSize"]  # every step has a drawing once issue 8 names them
        if values["direction"] == "row":
            width = inner_width - drawing - values["gap"]
        else:  # a round screen: the text sits in the middle of the circle
            width = inner_width * 0.85
        long = len(screen.text) > display.LONG_TEXT_CHARACTERS
        height = text_height(screen.text, values["textSizeLong" if long else "textSize"], width)
        if screen.heading:
            height += text_height(screen.heading, values["headingSize"], width)
        if screen.holds:
            height += values["gap"] + values["barHeight"] + values["labelSize"] * LINE_HEIGHT
        if values["direction"] == "column":
            height += drawing + values["gap"]
        room = inner_height - buttons
        assert drawing <= room, profile
        assert height <= room, f"{profile}: {screen.text!r} needs {height:.0f} dp of {room:.0f}"


# --- apl-suggester ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def validate():
    """Runs tests/apl/validate.js (apl-suggester) over directives; installs it once if needed."""
    node = shutil.which("node")
    if not (APL_DIR / "node_modules" / "apl-suggester").is_dir():
        npm = shutil.which("npm")
        if npm is None or node is None:
            message = "npm and node are needed to install apl-suggester (make test does it)"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=APL_DIR,
            check=True,
            stdin=subprocess.DEVNULL,
        )

    def run(named: dict[str, dict]) -> dict[str, list]:
        batch = [
            {"name": name, "document": d["document"], "datasources": d.get("datasources", {})}
            for name, d in named.items()
        ]
        result = subprocess.run(
            [node, str(VALIDATOR)],
            input=json.dumps(batch),
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(result.stdout)

    return run


def test_apl_suggester_finds_a_broken_document(validate):
    """The check can fail: a value a property cannot take, and a property that does not exist."""
    broken = copy.deepcopy(display.load_document("page"))
    broken["mainTemplate"]["items"][0]["items"][0]["textAlign"] = "middle"
    broken["mainTemplate"]["items"][0]["items"][1]["marginTop"] = 10
    report = validate({"broken": {"document": broken}})
    assert len(report["broken"]) >= 2


def test_every_document_the_skill_sends_passes_apl_suggester(validate, show):
    sent = {}
    for turn in every_screen_conversation(show):
        for directive in directives(turn):
            sent.setdefault(json.dumps(directive, sort_keys=True), directive)
    named = {}
    for index, directive in enumerate(sent.values()):
        data = directive["datasources"]["screen"]
        named[f"{index}: {data['text'] or data['heading']}"] = directive
    assert len(named) > 40
    report = validate(named)
    assert report == {name: [] for name in named}


def test_every_drawing_passes_apl_suggester(validate):
    document = display.load_document("step")
    named = {
        pose: {"document": {**document, "graphics": {"pose": display.load_drawing(pose)}}}
        for pose in sorted(display.poses())
    }
    report = validate(named)
    assert report == {pose: [] for pose in named}


@pytest.mark.parametrize("name", ["step", "page"])
def test_no_document_imports_a_package(name):
    """apl-suggester cannot check an imported package offline, and a device would fetch it."""
    assert "import" not in display.load_document(name)
