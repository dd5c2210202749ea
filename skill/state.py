"""The conversation's state: the one place that reads and writes session attributes.

Holds only where the person is in the conversation, never anything about their health.
"""

from dataclasses import MISSING, asdict, dataclass, fields
from typing import ClassVar

# Stages of a session.
START = "start"
RELIEF = "relief"
FINISHED_RELIEF = "finished_relief"

# The yes/no question the skill is waiting on, if any.
ASKED_CRAMP_NOW = "cramp_now"
ASKED_IS_IT_GONE = "is_it_gone"
ASKED_WANT_TIPS = "want_tips"


@dataclass
class Conversation:
    # Fields worth keeping between sessions (see skill/persistence); nothing about health.
    REMEMBERED: ClassVar[tuple[str, ...]] = ("disclaimer_heard",)

    stage: str = START
    sequence: str = ""
    step: int = 0
    escalation: int = 0
    question: str = ""
    disclaimer_heard: bool = False
    last_speech: str = ""
    last_reprompt: str = ""

    @classmethod
    def from_attributes(cls, attributes: dict | None) -> "Conversation":
        """Read the state back; unknown or mistyped attributes fall back to the defaults."""
        attributes = attributes or {}
        values = {}
        for field in fields(cls):
            default = field.default if field.default is not MISSING else field.default_factory()
            value = attributes.get(field.name)
            if isinstance(value, type(default)):
                values[field.name] = value
        return cls(**values)

    def save_to(self, attributes: dict) -> None:
        attributes.clear()
        attributes.update(asdict(self))

    def start_relief(self, sequence: str) -> None:
        self.stage = RELIEF
        self.sequence = sequence
        self.step = 0
        self.escalation = 0
        self.question = ""

    @property
    def in_relief(self) -> bool:
        return self.stage == RELIEF
