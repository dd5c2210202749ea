"""The conversation's state: the one place that reads and writes session attributes.

Holds only where the person is in the conversation, never anything about their health.
"""

import copy
from typing import ClassVar

# Stages of a session.
START = "start"
RELIEF = "relief"
FINISHED_RELIEF = "finished_relief"
# Longer advice read a page at a time, and the guided stretch routine.
PREVENTION = "prevention"
CAUSES = "causes"
RED_FLAGS = "red_flags"
ADVICE_LISTS = (PREVENTION, CAUSES, RED_FLAGS)
ROUTINE = "routine"
STAGES = (START, RELIEF, FINISHED_RELIEF, *ADVICE_LISTS, ROUTINE)

# The yes/no question the skill is waiting on, if any.
ASKED_CRAMP_NOW = "cramp_now"
ASKED_IS_IT_GONE = "is_it_gone"
ASKED_WANT_TIPS = "want_tips"
# During relief: the check for a clot, a tear or heat illness; front or back (the sequence is then
# a name of the content's which_side); "say ready" once pulled over; carry on after the red flags.
ASKED_SAFETY_CHECK = "safety_check"
ASKED_WHICH_SIDE = "which_side"
ASKED_READY = "ready"
ASKED_KEEP_GOING = "keep_going"
# Daily stretch reminders: "would you like one?", "what time?", "shall I set it for nine p.m.?"
ASKED_WANT_REMINDER = "want_reminder"
ASKED_REMINDER_TIME = "reminder_time"
ASKED_REMINDER_OK = "reminder_ok"
QUESTIONS = (
    "",
    ASKED_CRAMP_NOW,
    ASKED_IS_IT_GONE,
    ASKED_WANT_TIPS,
    ASKED_SAFETY_CHECK,
    ASKED_WHICH_SIDE,
    ASKED_READY,
    ASKED_KEEP_GOING,
    ASKED_WANT_REMINDER,
    ASKED_REMINDER_TIME,
    ASKED_REMINDER_OK,
)

# Kept between sessions besides the REMEMBERED fields: the day of the last visit, and the
# record's revision, a random token that changes at every write, so that a session writes only
# over the record it read (skill/persistence.py): never over a newer one, never one deleted since.
LAST_VISIT = "last_visit"
REVISION = "revision"
KEPT_ALONGSIDE = (LAST_VISIT, REVISION)

# Where this session stands with the store: not read yet, read (so it may be written), or off
# (it failed, or the person asked to be forgotten: nothing more is written this session).
MEMORY_UNREAD = "unread"
MEMORY_KEPT = "kept"
MEMORY_OFF = "off"
MEMORIES = (MEMORY_UNREAD, MEMORY_KEPT, MEMORY_OFF)

# Bounds on what a field read back may hold. Every number in the state is a count or a position
# in the content, none of whose lists is anywhere near this long; the longest text is the longest
# speech Alexa takes (8,000 SSML characters).
MAX_COUNT = 1_000
MAX_TEXT = 8_000


class Conversation:
    """Where a session stands: each field of FIELDS, as an attribute.

    A plain class with slots rather than a dataclass: building a dataclass adds about two
    milliseconds to every Lambda cold start, and this one is built on each of them.
    """

    # Fields worth keeping between sessions (see skill/persistence); nothing about health.
    # Where a routine was left lets it be resumed in a later session: the resume point, not the
    # live position, so that nothing remembered changes when a cramp (or any other stage) begins.
    REMEMBERED: ClassVar[tuple[str, ...]] = (
        "disclaimer_heard",
        "tips_heard",
        "routine_resume_at",
        "reminder_offered",
    )
    # Where a record from an earlier version keeps a remembered field under another name.
    RENAMED: ClassVar[dict[str, str]] = {"routine_resume_at": "routine_step"}

    # Every field and its default. What a field may hold follows from its default (see settled).
    FIELDS: ClassVar[dict[str, object]] = {
        "stage": START,
        "sequence": "",
        "step": 0,
        # Measures given after the steps ran out ("it still hurts"); whether the safety check was
        # answered "no", and the red flags given, in this relief.
        "escalation": 0,
        "checked": False,
        "warned": False,
        "question": "",
        "disclaimer_heard": False,
        # Longer advice: the page a list was opened at, and how many pages along the person is.
        "advice_first": 0,
        "advice_step": 0,
        # The stretch the routine is at; outside the routine it rests at the resume point.
        "routine_step": 0,
        "routine_paused": False,
        # Where a routine left part-way resumes (0: nothing to resume). Only the routine moves it:
        # start_routine, its own moves (taken up in save_to) and finish_routine.
        "routine_resume_at": 0,
        # Indexes of the tips already given, so the next one is new.
        "tips_heard": [],
        # Whether a daily stretch reminder has been offered (it is, once), and the time of day
        # ("21:00") of the one the person is being asked to confirm.
        "reminder_offered": False,
        "reminder_time": "",
        "last_speech": "",
        "last_reprompt": "",
        # Memory between sessions (skill/persistence.py): the record as the store holds it, as
        # far as this session knows, and where the session stands with the store (MEMORY_*).
        "kept": {},
        "memory": MEMORY_UNREAD,
    }
    # Text fields that hold one of a few words.
    CHOICES: ClassVar[dict[str, tuple[str, ...]]] = {
        "stage": STAGES,
        "question": QUESTIONS,
        "memory": MEMORIES,
    }
    __slots__ = tuple(FIELDS)

    def __init__(self, **values):
        unknown = values.keys() - self.FIELDS.keys()
        if unknown:
            raise TypeError(f"no such conversation fields: {sorted(unknown)}")
        for name, default in self.FIELDS.items():
            setattr(self, name, values[name] if name in values else copy.deepcopy(default))

    @classmethod
    def from_attributes(cls, attributes: dict | None) -> "Conversation":
        """Read the state back: every field settled (see settled), unknown attributes ignored.

        Session attributes come back from the device, not from us, and anyone who can call the
        skill can write them."""
        return cls(**cls.settled_attributes(attributes))

    @classmethod
    def settled_attributes(cls, attributes: object) -> dict:
        """Session attributes as the state reads them: each field settled, anything else dropped.

        Done once as a request comes in (skill/app.py), before the SDK copies the attributes: a
        crafted value, nested deeper than Python recurses, never reaches a copy."""
        if not isinstance(attributes, dict):
            return {}
        return {
            name: cls.settled(name, attributes[name]) for name in cls.FIELDS if name in attributes
        }

    @classmethod
    def settled(cls, name: str, value: object) -> object:
        """``value`` if the field ``name`` can hold it, else a fresh copy of the field's default.

        A field holds what its default is: a bool (only a bool); a count or position, 0 to
        MAX_COUNT; text of at most MAX_TEXT characters, one of its CHOICES if it has them; a list
        of counts (the tips heard); or a record of REMEMBERED fields, the last visit and the
        revision (KEPT_ALONGSIDE), each settled in turn. Values are built afresh, never copied,
        so however deep a crafted value is nested, nothing reads further into it than one level.
        """
        default = "" if name in KEPT_ALONGSIDE else cls.FIELDS[name]
        kind = type(default)
        if type(value) is not kind:
            return copy.deepcopy(default)
        if kind is int:
            return value if _is_count(value) else default
        if kind is str:
            fits = len(value) <= MAX_TEXT and value in cls.CHOICES.get(name, (value,))
            return value if fits else default
        if kind is list:
            return [item for item in value[:MAX_COUNT] if _is_count(item)]
        if kind is dict:
            return {
                key: cls.settled(key, value[key])
                for key in (*cls.REMEMBERED, *KEPT_ALONGSIDE)
                if key in value
            }
        return value

    def save_to(self, attributes: dict) -> None:
        if self.in_routine:  # the routine's own moves (skill/advice.py) move its resume point
            self.routine_resume_at = self.routine_step
        attributes.clear()
        attributes.update({name: copy.deepcopy(getattr(self, name)) for name in self.FIELDS})

    def start_relief(self, sequence: str) -> None:
        self._begin(RELIEF)
        self.sequence = sequence

    def finish_relief(self) -> None:
        """The cramp has gone; the sequence stays, for the card."""
        sequence = self.sequence
        self._begin(FINISHED_RELIEF)
        self.sequence = sequence

    def return_to_start(self) -> None:
        """Back at the beginning; a routine left part-way can still be resumed."""
        self._begin(START)

    def open_advice(self, advice_list: str, first_page: int = 0) -> None:
        self._begin(advice_list)
        self.advice_first = first_page

    def start_routine(self, at_stretch: int = 0) -> None:
        self._begin(ROUTINE)
        self.routine_step = self.routine_resume_at = at_stretch

    def finish_routine(self) -> None:
        """The routine is done: nothing is left to resume."""
        self.routine_resume_at = 0
        self._begin(START)

    @property
    def resume_point(self) -> int:
        """The stretch a routine left part-way resumes at, in this session or a later one; 0 if
        there is nothing to resume."""
        return self.routine_resume_at

    def _begin(self, stage: str) -> None:
        """A new stage: every position in the previous one goes back to its start, except the
        routine's, which rests where the routine was left (see resume_point)."""
        self.stage = stage
        self.sequence = ""
        self.step = 0
        self.escalation = 0
        self.checked = False
        self.warned = False
        self.question = ""
        self.advice_first = 0
        self.advice_step = 0
        self.routine_step = self.routine_resume_at
        self.routine_paused = False

    @property
    def in_relief(self) -> bool:
        return self.stage == RELIEF

    @property
    def in_advice_list(self) -> bool:
        return self.stage in ADVICE_LISTS

    @property
    def in_routine(self) -> bool:
        return self.stage == ROUTINE

    @property
    def memory_unread(self) -> bool:
        return self.memory == MEMORY_UNREAD

    def recall(self, record: dict) -> None:
        """Take the REMEMBERED fields from the person's stored record.

        The record may be read a few turns into a session (never during the relief steps), so a
        field this session has already set keeps its newer value, and is stored at the next write.
        A stored value the field cannot hold (a record from an older version, say) counts as
        unset.
        """
        stored = {}
        for name in (*self.REMEMBERED, *KEPT_ALONGSIDE):
            value = record.get(name, record.get(self.RENAMED.get(name, name)))
            stored[name] = self.settled(name, value)
            if name in self.REMEMBERED and getattr(self, name) == self.FIELDS[name]:
                setattr(self, name, copy.deepcopy(stored[name]))
        if not self.in_routine:
            self.routine_step = self.routine_resume_at
        self.kept = stored
        self.memory = MEMORY_KEPT

    def record_to_keep(self, today: str, session_ending: bool) -> dict | None:
        """The record to store now, or None when the store already holds what matters.

        A remembered field that changed is stored at once; the day of the visit is stored only
        when the session ends, so the turns in between (the relief steps) never wait on a write.
        """
        if self.memory != MEMORY_KEPT:
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
        self.memory = MEMORY_OFF

    def forget(self) -> None:
        """Drop what was remembered about the person, and keep nothing more this session."""
        defaults = Conversation()
        for name in self.REMEMBERED:
            setattr(self, name, getattr(defaults, name))
        if not self.in_routine:
            self.routine_step = self.routine_resume_at
        self.kept = {}
        self.stop_keeping()

    def _record(self, last_visit: str) -> dict:
        record = {name: copy.deepcopy(getattr(self, name)) for name in self.REMEMBERED}
        record[LAST_VISIT] = last_visit
        return record


def _is_count(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_COUNT
