"""Try Cramp Coach without a device: type what you would say, read what Alexa would say.

    python -m console                                           # interactive
    python -m console "my foot is cramping" "next" "it's gone"
    python -m console --intents "my calf's all knotted up" "play music"   # understanding only

Each line goes through the same interaction model Alexa gets (console/nlu.py): exact matching
first, then a generalised understanding built from the same samples (console/generalise.py). It
becomes a real request envelope, and is answered by the same skill object the Lambda entry uses.
With --intents, nothing is answered: each utterance is printed with the intent and the slots it
is understood as, tab-separated (``my calf hurts<TAB>CrampNowIntent<TAB>bodyPart=CALF``).

The console remembers you between runs the way the skill does on Alexa (skill/persistence.py):
in an SQLite file unless CRAMP_COACH_STORE says otherwise, or not at all with --no-store.
"""

import argparse
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from console import envelopes, transcript
from console.generalise import language_words
from console.nlu import Match, Understanding, model_locales, normalize, shared_understanding
from skill import persistence
from skill.app import create_skill, handle_event

EXIT_WORDS = {"/quit", "/exit"}
# One person at this keyboard: the same user id every run, so the skill can remember them.
CONSOLE_USER_ID = "amzn1.ask.account.cramp-coach-console"


@dataclass
class Turn:
    said: str
    request: dict
    response: dict

    @property
    def output(self) -> dict:
        return self.response.get("response", {})

    @property
    def speech(self) -> str:
        return self.output.get("outputSpeech", {}).get("ssml", "")

    @property
    def reprompt(self) -> str:
        return self.output.get("reprompt", {}).get("outputSpeech", {}).get("ssml", "")

    @property
    def card(self) -> dict | None:
        return self.output.get("card")

    @property
    def session_ended(self) -> bool:
        return self.output.get("shouldEndSession") is not False

    def directive(self, kind: str) -> dict | None:
        """The response's directive of type ``kind`` (such as Dialog.ElicitSlot), if any."""
        return next((d for d in self.output.get("directives", []) if d.get("type") == kind), None)

    @property
    def asks_permission(self) -> bool:
        """Alexa is to ask the person for a permission (Connections.SendRequest AskFor)."""
        ask = self.directive("Connections.SendRequest")
        return ask is not None and ask.get("name") == "AskFor"


class Device:
    """Plays the part of an Echo and the Alexa service around one skill."""

    def __init__(
        self,
        skill=None,
        locale: str = "en-US",
        skill_id: str | None = None,
        user_id: str | None = None,
        clock: Callable[[], datetime] = envelopes.utc_now,
        exact_only: bool = False,
        api_endpoint: str = envelopes.API_ENDPOINT,
        api_access_token: str | None = None,
    ):
        self.skill = skill or create_skill()
        self.clock = clock
        # Alexa's APIs as the skill sees them; the console has none (no token: the skill says so).
        self.api_endpoint = api_endpoint
        self.api_access_token = api_access_token
        self.permissions: set[str] = set()
        # What the last answer left Alexa waiting for: a slot's value, or a permission.
        self._eliciting: tuple[str, str] | None = None
        self._permission_token: str | None = None
        self.understanding = shared_understanding(locale, exact_only)
        self.locale = locale
        self.skill_id = skill_id or envelopes.DEFAULT_SKILL_ID
        self.session: envelopes.Session | None = None
        self._user_id = user_id
        words = language_words(locale.partition("-")[0])
        opens, asks, joins = (_any_of(words["invocation"][way]) for way in ("open", "ask", "joins"))
        invocation = re.escape(self.understanding.invocation_name)
        self._launch = re.compile(rf"(?:alexa )?{opens} {invocation}")
        self._one_shot = re.compile(rf"(?:alexa )?{asks} {invocation} (?:{joins} )?(?P<rest>.+)")
        #: How the person answers Alexa's own permission question, which Alexa asks in the
        #: locale's language; the first of each is what the console suggests.
        self.approvals: list[str] = words["permission"]["approve"]
        self.refusals: list[str] = words["permission"]["refuse"]
        self._approving = {normalize(answer) for answer in self.approvals}
        self._refusing = {normalize(answer) for answer in self.refusals}
        #: What the console's greeting suggests trying first.
        self.examples: list[str] = words["examples"]

    def say(self, utterance: str) -> Turn:
        """One thing the person says; a launch or one-shot phrase starts a new session."""
        text = normalize(utterance)
        if self._permission_token is not None:
            approved, refused = text in self._approving, text in self._refusing
            status = "ACCEPTED" if approved else "DENIED" if refused else ""
            return self.answer_permission(status or "NOT_ANSWERED", utterance)
        eliciting, self._eliciting = self._eliciting, None
        if eliciting and self.session and not self._one_shot.fullmatch(text):
            match = self.understanding.understand_answer(text, *eliciting)
            if match.intent == eliciting[0]:
                request = envelopes.intent_request(self.session, match, "IN_PROGRESS")
                return self._send(utterance, request)
        if self._launch.fullmatch(text):
            self._open_session()
            return self._send(utterance, envelopes.launch_request(self.session))
        one_shot = self._one_shot.fullmatch(text)
        if one_shot:
            self._open_session()
            text = one_shot.group("rest")
        elif self.session is None:
            self._open_session()
        return self.send_intent(utterance, self.understanding.understand(text))

    def answer_permission(self, status: str, said: str = "") -> Turn:
        """The person's answer to Alexa asking for the permission the skill asked for: ACCEPTED,
        DENIED or NOT_ANSWERED, handed to the skill as Alexa does (Connections.Response)."""
        token, self._permission_token = self._permission_token, None
        if status == "ACCEPTED":
            self.permissions.add(envelopes.REMINDERS_SCOPE)
            self.session.permissions = tuple(sorted(self.permissions))
        return self._send(said, envelopes.permission_response(self.session, token or "", status))

    def send_intent(self, said: str, match: Match) -> Turn:
        if self.session is None:
            self._open_session()
        return self._send(said, envelopes.intent_request(self.session, match))

    def end_session(self, reason: str = "USER_INITIATED") -> Turn | None:
        """What Alexa sends when the person walks away or stays silent past the reprompt."""
        if self.session is None:
            return None
        turn = self._send("", envelopes.session_ended_request(self.session, reason))
        self.session = None
        return turn

    def _open_session(self) -> None:
        self.session = envelopes.Session(
            skill_id=self.skill_id,
            locale=self.locale,
            clock=self.clock,
            api_endpoint=self.api_endpoint,
            api_access_token=self.api_access_token,
            permissions=tuple(sorted(self.permissions)),
        )
        if self._user_id is None:
            self._user_id = self.session.user_id
        self.session.user_id = self._user_id

    def _send(self, said: str, request: dict) -> Turn:
        response = handle_event(self.skill, request)
        turn = Turn(said, request, response)
        if request["request"]["type"] == "SessionEndedRequest":
            return turn
        elicit = turn.directive("Dialog.ElicitSlot")
        if elicit:
            self._eliciting = (elicit["updatedIntent"]["name"], elicit["slotToElicit"])
        if turn.asks_permission:  # Alexa asks, then answers the skill in the same session
            self._permission_token = turn.directive("Connections.SendRequest").get("token")
            self.session.attributes = response.get("sessionAttributes") or {}
            self.session.new = False
        elif turn.session_ended:
            self.session = None
        else:
            self.session.attributes = response.get("sessionAttributes") or {}
            self.session.new = False
        return turn


def _any_of(phrases: list[str]) -> str:
    """A regular expression for any one of the phrases, as the console reads what is typed."""
    return f"(?:{'|'.join(re.escape(normalize(phrase)) for phrase in phrases)})"


def describe(turn: Turn, device: Device) -> str:
    """The turn as the console prints it: speech, reprompt, card, and whether the session ended."""
    lines = []
    if turn.speech:
        lines.append(f"Alexa: {transcript.to_transcript(turn.speech)}")
    if turn.asks_permission:
        lines.append(
            "  [Alexa asks, in its own words, whether you give Cramp Coach permission to update"
            f" your reminders: say {device.approvals[0]}, or {device.refusals[0]}]"
        )
    if turn.reprompt:
        lines.append(f"  (if you say nothing) {transcript.to_transcript(turn.reprompt)}")
    if turn.card:
        lines.append(f"  [card] {turn.card.get('title', '')}")
        lines.extend(f"         {line}" for line in turn.card.get("content", "").splitlines())
    if turn.session_ended and not turn.asks_permission:
        lines.append("  (session closed)")
    return "\n".join(lines)


def run_script(device: Device, utterances: list[str], out=sys.stdout) -> None:
    for utterance in utterances:
        print(f"You: {utterance}", file=out)
        print(describe(device.say(utterance), device), file=out)


def print_intents(understanding: Understanding, utterances: list[str], out=sys.stdout) -> None:
    """Each utterance, the intent it is understood as and its resolved slots, tab-separated."""
    for utterance in utterances:
        match = understanding.understand(utterance)
        print(f"{utterance}\t{match.intent}\t{match.resolved()}", file=out)


def run_interactive(device: Device) -> None:
    *some, last = (f'"{example}"' for example in device.examples)
    print(
        f"Cramp Coach console ({device.locale}). Type what you would say to Alexa, such as\n"
        f"{', '.join(some)} or {last}.\n"
        "Press Enter on an empty line to stay silent; Ctrl-D or /quit leaves."
    )
    silent_turns = 0
    last_turn = None
    while True:
        try:
            line = input("You: ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            break
        if line in EXIT_WORDS:
            break
        if line:
            silent_turns = 0
            last_turn = device.say(line)
            print(describe(last_turn, device))
            continue
        silent_turns += 1
        if device.session and silent_turns == 1:
            print(f"Alexa: {transcript.to_transcript(last_turn.reprompt)}")
        elif device.session:
            device.end_session("EXCEEDED_MAX_REPROMPTS")
            print("  (session closed)")
    device.end_session()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m console", description=__doc__.split("\n")[0])
    parser.add_argument("utterances", nargs="*", help="say these in order and exit")
    parser.add_argument("--locale", default="en-US", choices=model_locales())
    parser.add_argument(
        "--intents",
        action="store_true",
        help="print how each utterance is understood (intent, slots) without running the skill",
    )
    parser.add_argument(
        "--exact-only",
        action="store_true",
        help="understand only what matches a sample exactly, as the console once did",
    )
    memory = parser.add_mutually_exclusive_group()
    memory.add_argument(
        "--store-path",
        metavar="PATH",
        help="remember between runs in this SQLite file"
        " (default: $CRAMP_COACH_SQLITE_PATH, else ~/.local/state/cramp-coach/memory.sqlite3)",
    )
    memory.add_argument("--no-store", action="store_true", help="remember nothing between runs")
    args = parser.parse_args(argv)
    if args.intents:
        print_intents(shared_understanding(args.locale, args.exact_only), args.utterances)
        return 0
    if args.no_store:
        store = None
    elif args.store_path:
        store = persistence.SqliteAdapter(args.store_path)
    else:
        store = persistence.store_from_environment(os.environ, default="sqlite")
    skill = create_skill(persistence_adapter=store)
    device = Device(skill, locale=args.locale, user_id=CONSOLE_USER_ID, exact_only=args.exact_only)
    if args.utterances:
        run_script(device, args.utterances)
        device.end_session()  # the person stops talking, as Alexa tells the skill
    else:
        run_interactive(device)
    return 0
