"""The conversation's state: the one place that reads and writes session attributes.

Holds only where the person is in the conversation, never anything about their health.
"""

import copy
from dataclasses import MISSING, asdict, dataclass, fields
from dataclasses import field as dataclass_field
from typing import ClassVar

# Stages of a session.
START = "start"
RELIEF = "relief"
FINISHED_RELIEF = "finished_relief"

# The yes/no question the skill is waiting on, if any.
ASKED_CRAMP_NOW = "cramp_now"
ASKED_IS_IT_GONE = "is_it_gone"
ASKED_WANT_TIPS = "want_tips"

# The one thing kept between sessions besides the REMEMBERED fields: the day of the last visit.
LAST_VISIT = "last_visit"


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
    # Memory between sessions (skill/persistence.py): the record as the store holds it, as far as
    # this session knows, and whether the store may be written (not after a failed read or write).
    kept: dict = dataclass_field(default_factory=dict)
    keeping: bool = False

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

    def recall(self, record: dict) -> None:
        """At the start of a session, take the REMEMBERED fields from the person's stored record.

        A value of the wrong type (a record from an older version, say) keeps the default.
        """
        defaults = Conversation()
        for name in self.REMEMBERED:
            value = record.get(name)
            if isinstance(value, type(getattr(defaults, name))):
                setattr(self, name, copy.deepcopy(value))
        last_visit = record.get(LAST_VISIT)
        self.kept = self._record(last_visit if isinstance(last_visit, str) else "")
        self.keeping = True

    def record_to_keep(self, today: str, session_ending: bool) -> dict | None:
        """The record to store now, or None when the store already holds what matters.

        A remembered field that changed is stored at once; the day of the visit is stored only
        when the session ends, so the turns in between (the relief steps) never wait on a write.
        """
        if not self.keeping:
            return None
        record = self._record(today)
        if any(record[name] != self.kept.get(name) for name in self.REMEMBERED):
            return record
        if session_ending and self.kept.get(LAST_VISIT) != today:
            return record
        return None

    def kept_as(self, record: dict) -> None:
        """The store now holds ``record``."""
        self.kept = copy.deepcopy(record)

    def stop_keeping(self) -> None:
        """Write nothing more this session (the store failed, or the person asked to forget)."""
        self.keeping = False

    def forget(self) -> None:
        """Drop what was remembered about the person, and keep nothing more this session."""
        defaults = Conversation()
        for name in self.REMEMBERED:
            setattr(self, name, getattr(defaults, name))
        self.kept = {}
        self.stop_keeping()

    def _record(self, last_visit: str) -> dict:
        record = {name: copy.deepcopy(getattr(self, name)) for name in self.REMEMBERED}
        record[LAST_VISIT] = last_visit
        return record
