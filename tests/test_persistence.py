"""Memory between sessions on the local SQLite store, and how every store's failures are contained.

The DynamoDB store runs the same conversations against a real DynamoDB API server in
test_persistence_dynamodb.py.
"""

import json
import logging
import re
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope
from helpers import Clock, new_user_id, person, said

from console import envelopes, transcript
from console.repl import CONSOLE_USER_ID, Device, main
from skill import content, persistence
from skill.app import create_skill, handle_event
from skill.state import LAST_VISIT, REVISION, Conversation

ROOT = Path(__file__).resolve().parent.parent
TEXT = content.for_locale("en-US")
DISCLAIMER = TEXT.phrase("disclaimer")
FIRST_CALF_STEP = TEXT.sequences["calf"].steps[0].do


def hears_disclaimer(device: Device) -> bool:
    """One whole session: a calf cramp, "it's gone", the tips, then no more. Was the disclaimer
    said? (Never in the cramp itself: there it is on the card.)"""
    device.say("my calf is cramping")
    device.say("it's gone")
    tips = device.say("yes")
    device.say("no")
    return DISCLAIMER in said(tips)


def key(user_id: str):
    """A request envelope as the stores see it, for reading a record directly."""
    session = envelopes.Session(user_id=user_id)
    return create_skill().serializer.deserialize(
        json.dumps(envelopes.launch_request(session)), RequestEnvelope
    )


class Counting(AbstractPersistenceAdapter):
    """A store that counts what the skill asks of it, and can be told to fail."""

    def __init__(self, store, fail: tuple[str, ...] = ()):
        self.store = store
        self.fail = fail
        self.calls: list[str] = []

    def _call(self, name, *args):
        self.calls.append(name)
        if name in self.fail:
            raise PersistenceException(f"{name} failed on purpose")
        return getattr(self.store, name)(*args)

    def get_attributes(self, request_envelope):
        return self._call("get_attributes", request_envelope)

    def save_attributes(self, request_envelope, attributes):
        return self._call("save_attributes", request_envelope, attributes)

    def delete_attributes(self, request_envelope):
        return self._call("delete_attributes", request_envelope)


@pytest.fixture
def store(tmp_path):
    return persistence.SqliteAdapter(tmp_path / "state" / "memory.sqlite3")


def test_the_disclaimer_is_heard_once_across_sessions(store):
    user_id = new_user_id()
    assert hears_disclaimer(person(store, user_id))
    assert not hears_disclaimer(person(store, user_id))


def test_the_record_holds_only_remembered_fields_and_the_day(store):
    user_id = new_user_id()
    hears_disclaimer(person(store, user_id))
    record = store.get_attributes(key(user_id))
    assert set(record) == {*Conversation.REMEMBERED, LAST_VISIT, REVISION}
    assert record["disclaimer_heard"] is True
    assert len(record[LAST_VISIT]) == len("2026-01-31")
    assert re.fullmatch("[0-9a-f]{16}", record[REVISION])  # a random token, not a count


def test_two_people_never_see_each_others_record(store):
    first, second = new_user_id(), new_user_id()
    assert hears_disclaimer(person(store, first))
    assert hears_disclaimer(person(store, second))
    store.delete_attributes(key(first))
    assert store.get_attributes(key(first)) == {}
    assert store.get_attributes(key(second))["disclaimer_heard"] is True


def test_relief_turns_never_touch_the_store(store):
    counting = Counting(store)
    device = person(counting)
    for utterance in ("my calf is cramping", "next", "back", "repeat", "help", "it still hurts"):
        device.say(utterance)
    assert counting.calls == []
    device.say("it's gone")  # the record is read; nothing remembered has changed
    device.say("no")  # the session ends on a new day: written
    assert counting.calls == ["get_attributes", "save_attributes"]


def test_the_record_is_read_when_the_relief_ends_with_yes(store):
    user_id = new_user_id()
    assert hears_disclaimer(person(store, user_id))
    counting = Counting(store)
    device = person(counting, user_id)
    device.say("my toes are cramping")
    for _ in TEXT.sequences["toes"].steps:
        if said(device.say("next")) == TEXT.phrase("check_question"):
            device.say("no")
    assert counting.calls == []
    gone = device.say("yes")  # "has the cramp gone?" "yes"
    assert counting.calls == ["get_attributes"]
    assert DISCLAIMER not in said(gone)


def test_a_launch_reads_the_record_at_once(store):
    counting = Counting(store)
    person(counting).say("open cramp coach")
    assert counting.calls == ["get_attributes"]


def test_what_a_session_set_before_the_read_is_kept():
    conversation = Conversation(disclaimer_heard=True)
    conversation.recall({"disclaimer_heard": False, "tips_heard": [2], LAST_VISIT: "2026-11-01"})
    assert conversation.disclaimer_heard is True
    assert conversation.tips_heard == [2]
    assert conversation.record_to_keep("2026-11-23", session_ending=False)["disclaimer_heard"]


def test_a_session_that_changes_nothing_stores_the_day_when_it_ends(store):
    user_id = new_user_id()
    counting = Counting(store)
    device = person(counting, user_id)
    device.say("my calf is cramping")
    device.end_session()
    assert counting.calls == ["get_attributes", "save_attributes"]
    assert LAST_VISIT in store.get_attributes(key(user_id))


def test_a_conversation_across_utc_midnight_stores_the_new_day_when_it_ends(store):
    """The day of a visit is the request's (UTC): a session that ends after midnight writes it
    again, once, at its end; the relief turns on either side of midnight still write nothing."""
    user_id = new_user_id()
    counting = Counting(store)
    clock = Clock(datetime(2026, 11, 23, 23, 59, 50, tzinfo=UTC))
    device = person(counting, user_id, clock)
    device.say("my calf is cramping")
    device.say("it's gone")  # read
    device.say("yes")  # the tips, and the disclaimer heard: stored with 23 November
    assert store.get_attributes(key(user_id))[LAST_VISIT] == "2026-11-23"
    clock.advance(20)
    device.say("it still hurts")  # a relief turn after midnight: no store
    device.say("my calf is cramping")
    assert counting.calls == ["get_attributes", "save_attributes"]
    device.end_session()
    assert counting.calls == ["get_attributes", "save_attributes", "save_attributes"]
    assert store.get_attributes(key(user_id))[LAST_VISIT] == "2026-11-24"


def test_forget_me_by_voice_deletes_the_record(store):
    user_id = new_user_id()
    hears_disclaimer(person(store, user_id))
    turn = person(store, user_id).say("forget me")
    assert said(turn) == TEXT.phrase("forgotten")
    assert turn.session_ended
    assert store.get_attributes(key(user_id)) == {}
    assert hears_disclaimer(person(store, user_id))


def test_forget_me_wins_over_another_open_session_of_the_same_person(store):
    """Two devices, one person: the kitchen's session is open when the bedroom's says "forget me";
    what the kitchen's session then learns must not bring the deleted record back."""
    user_id = new_user_id()
    earlier = person(store, user_id)
    earlier.say("give me a tip")  # the disclaimer and a tip heard, and stored
    assert store.get_attributes(key(user_id))["tips_heard"]
    kitchen = person(store, user_id)
    kitchen.say("open cramp coach")  # the record is read
    assert said(person(store, user_id).say("forget me")) == TEXT.phrase("forgotten")
    kitchen.say("give me a tip")  # a tip heard: the kitchen's session would write its record
    assert store.get_attributes(key(user_id)) == {}
    assert said(person(store, user_id).say("give me a tip")).endswith(DISCLAIMER)


def test_a_session_never_writes_over_a_newer_record(store):
    user_id = new_user_id()
    first, second = person(store, user_id), person(store, user_id)
    first.say("open cramp coach")
    second.say("open cramp coach")
    first.say("give me a tip")
    written = store.get_attributes(key(user_id))
    second.say("give me a tip")  # read before the first session wrote: it keeps nothing
    assert store.get_attributes(key(user_id)) == written


def test_forget_me_in_the_middle_of_a_session_writes_nothing_after(store):
    user_id = new_user_id()
    device = person(store, user_id)
    device.say("my calf is cramping")
    device.say("it's gone")
    device.say("please delete my data")
    assert store.get_attributes(key(user_id)) == {}


def test_a_failed_delete_is_said_honestly(store):
    device = person(Counting(store, fail=("delete_attributes",)))
    assert said(device.say("delete my data")) == TEXT.phrase("forget_failed")


def test_forget_me_without_a_store_has_nothing_to_delete():
    device = Device(create_skill())
    assert said(device.say("forget me")) == TEXT.phrase("forgotten")


def without_user_id(shape: str):
    """Turns a request into one that names no user, in one of the ways that can happen."""

    def strip(request: dict) -> dict:
        holders = [request["context"]["System"], request.get("session") or {}]
        for holder in holders:
            if shape == "no user":
                holder.pop("user", None)
            else:
                holder["user"] = {"userId": None if shape == "null id" else ""}
        return request

    return strip


class Nameless(Device):
    """A device whose every request names no user."""

    def __init__(self, skill, shape: str):
        super().__init__(skill)
        self.strip = without_user_id(shape)

    def _send(self, said, request):
        return super()._send(said, self.strip(request))


@pytest.mark.parametrize("shape", ["null id", "empty id", "no user"])
def test_nobody_is_remembered_without_a_user_id(tmp_path, shape, caplog):
    path = tmp_path / "memory.sqlite3"
    store = persistence.SqliteAdapter(path)
    someone = new_user_id()
    hears_disclaimer(person(store, someone))
    for _ in range(2):
        device = Nameless(create_skill(persistence_adapter=store), shape)
        with caplog.at_level(logging.WARNING, logger="skill.persistence"):
            assert said(device.say("my calf is cramping")).startswith(f"Okay. {FIRST_CALF_STEP}")
            device.say("it's gone")
            assert DISCLAIMER in said(device.say("yes"))  # nothing recalled, nor kept
            device.say("no")
    assert "no user id" in caplog.text
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT id FROM people").fetchall() == [(someone,)]
    turn = Nameless(create_skill(persistence_adapter=store), shape).say("forget me")
    assert said(turn) == TEXT.phrase("forget_failed")  # nothing was deleted, and it says so
    assert store.get_attributes(key(someone))["disclaimer_heard"] is True
    response = handle_event(
        create_skill(persistence_adapter=store),
        without_user_id(shape)(envelopes.skill_disabled_event(someone)),
    )
    assert "outputSpeech" not in response.get("response", {})
    assert store.get_attributes(key(someone))["disclaimer_heard"] is True


def test_disabling_the_skill_deletes_the_record(store):
    user_id, other = new_user_id(), new_user_id()
    hears_disclaimer(person(store, user_id))
    hears_disclaimer(person(store, other))
    response = handle_event(
        create_skill(persistence_adapter=store), envelopes.skill_disabled_event(user_id)
    )
    assert "outputSpeech" not in response.get("response", {})
    assert store.get_attributes(key(user_id)) == {}
    assert store.get_attributes(key(other))["disclaimer_heard"] is True


def test_a_replayed_skill_disabled_event_only_ever_deletes(tmp_path):
    """Skill events are accepted for an hour (the SDK's timestamp window for them), so one may
    come again, even after the person has enabled the skill again and been remembered since. It
    may delete their record; it never creates a row or a file, never answers, and never stops the
    skill remembering them afterwards."""
    path = tmp_path / "memory.sqlite3"
    store = persistence.SqliteAdapter(path)
    user_id = new_user_id()
    event = envelopes.skill_disabled_event(user_id)
    skill = create_skill(persistence_adapter=store)
    assert handle_event(skill, event)["response"] == {}
    assert not path.exists()  # nothing stored yet: a deletion creates nothing
    hears_disclaimer(person(store, user_id))
    for _ in range(3):
        assert handle_event(skill, json.loads(json.dumps(event)))["response"] == {}
        assert store.get_attributes(key(user_id)) == {}
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM people").fetchone() == (0,)
    assert hears_disclaimer(person(store, user_id))  # remembered again, from scratch
    assert not hears_disclaimer(person(store, user_id))


def test_a_file_locked_for_reading_costs_only_the_memory(tmp_path, caplog):
    path = tmp_path / "memory.sqlite3"
    user_id = new_user_id()
    hears_disclaimer(person(persistence.SqliteAdapter(path), user_id))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")  # nobody else may even read
    holder.execute("BEGIN EXCLUSIVE")
    try:
        device = person(persistence.SqliteAdapter(path, timeout=0.05), user_id)
        with caplog.at_level(logging.WARNING, logger="skill.persistence"):
            assert said(device.say("my calf is cramping")).startswith(f"Okay. {FIRST_CALF_STEP}")
            device.say("it's gone")
            assert DISCLAIMER in said(device.say("yes"))  # nothing recalled: said again
        assert "could not read the stored record" in caplog.text
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    record = persistence.SqliteAdapter(path).get_attributes(key(user_id))
    assert record["disclaimer_heard"] is True  # the record it could not read was left alone


def test_reads_go_on_while_another_process_writes_and_a_write_waits_only_so_long(tmp_path, caplog):
    """Write-ahead logging: a write lock held elsewhere (another worker process, say) never stops
    a read; a write that cannot get the lock in time costs only the memory."""
    path = tmp_path / "memory.sqlite3"
    known, new = new_user_id(), new_user_id()
    hears_disclaimer(person(persistence.SqliteAdapter(path), known))
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # the write lock
    try:
        store = persistence.SqliteAdapter(path, timeout=0.05)
        with caplog.at_level(logging.WARNING, logger="skill.persistence"):
            assert not hears_disclaimer(person(store, known))  # read as usual
            assert "could not" not in caplog.text
            assert hears_disclaimer(person(store, new))  # the write of "heard it" fails
        assert "could not store the record" in caplog.text
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert persistence.SqliteAdapter(path).get_attributes(key(new)) == {}


def test_an_unwritable_file_costs_only_the_memory(tmp_path, caplog):
    (tmp_path / "not-a-directory").write_text("")
    store = persistence.SqliteAdapter(tmp_path / "not-a-directory" / "memory.sqlite3")
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        assert hears_disclaimer(person(store))
    assert "could not read the stored record" in caplog.text
    with pytest.raises(PersistenceException):
        store.save_attributes(key(new_user_id()), {})


def test_a_store_that_cannot_be_read_is_never_written(store):
    user_id = new_user_id()
    hears_disclaimer(person(store, user_id))
    before = store.get_attributes(key(user_id))
    counting = Counting(store, fail=("get_attributes",))
    device = person(counting, user_id)
    assert said(device.say("my calf is cramping")).startswith(f"Okay. {FIRST_CALF_STEP}")
    device.say("it's gone")
    device.say("no")
    assert counting.calls == ["get_attributes"]
    assert store.get_attributes(key(user_id)) == before


def test_after_a_failed_write_the_session_stops_writing(store):
    counting = Counting(store, fail=("save_attributes",))
    device = person(counting)
    device.say("my calf is cramping")
    device.say("it's gone")
    assert DISCLAIMER in said(device.say("yes"))
    device.say("no")
    assert counting.calls == ["get_attributes", "save_attributes"]


def test_numbers_come_back_as_plain_python_numbers():
    class Decimals(AbstractPersistenceAdapter):
        def get_attributes(self, request_envelope):
            return {"position": Decimal(3), "ratio": Decimal("0.5"), "seen": [Decimal(1)]}

        def save_attributes(self, request_envelope, attributes):
            raise NotImplementedError

        def delete_attributes(self, request_envelope):
            raise NotImplementedError

    record = persistence.Forgiving(Decimals()).get_attributes(key(new_user_id()))
    assert record == {"position": 3, "ratio": 0.5, "seen": [1]}
    assert type(record["position"]) is int


def test_recall_keeps_defaults_for_values_of_the_wrong_type():
    conversation = Conversation()
    conversation.recall({"disclaimer_heard": "yes", LAST_VISIT: 20260101, "stage": "relief"})
    assert conversation.disclaimer_heard is False
    assert conversation.stage == Conversation().stage
    assert conversation.kept[LAST_VISIT] == ""
    assert conversation.record_to_keep("2026-11-01", session_ending=False) is None


def test_only_remembered_fields_are_ever_stored():
    conversation = Conversation.from_attributes({"stage": "relief", "sequence": "calf", "step": 2})
    conversation.recall({"stage": "relief", "symptom": "cramp", "sequence": "calf"})
    conversation.last_speech = "something said during a cramp"
    record = conversation.record_to_keep("2026-11-01", session_ending=True)
    assert set(record) == {*Conversation.REMEMBERED, LAST_VISIT}


@pytest.mark.parametrize(
    ("environ", "kind"),
    [
        ({}, type(None)),
        ({"CRAMP_COACH_STORE": "none", "TABLE_NAME": "memory"}, type(None)),
        ({"CRAMP_COACH_STORE": "sqlite"}, persistence.SqliteAdapter),
        ({"CRAMP_COACH_STORE": "dynamodb"}, type(None)),  # no table: logged, runs without
        ({"CRAMP_COACH_STORE": "elsewhere"}, type(None)),  # unknown: logged, runs without
    ],
)
def test_the_store_is_chosen_by_configuration(environ, kind, caplog):
    with caplog.at_level(logging.ERROR, logger="skill.persistence"):
        assert type(persistence.store_from_environment(environ)) is kind
    assert bool(caplog.records) == (environ.get("CRAMP_COACH_STORE") in ("dynamodb", "elsewhere"))


def test_the_sqlite_path_is_configurable(tmp_path):
    path = tmp_path / "elsewhere.sqlite3"
    environ = {"CRAMP_COACH_STORE": "sqlite", "CRAMP_COACH_SQLITE_PATH": str(path)}
    assert persistence.store_from_environment(environ).path == path
    assert persistence.store_from_environment({}, default="sqlite").path == Path(
        persistence.default_sqlite_path()
    )


def test_the_console_remembers_in_the_file_it_is_given(tmp_path, monkeypatch):
    given, from_environment = tmp_path / "given.sqlite3", tmp_path / "environment.sqlite3"
    monkeypatch.setenv("CRAMP_COACH_SQLITE_PATH", str(from_environment))
    main(["--no-store", "my calf is cramping", "it's gone", "yes", "no"])
    assert not from_environment.exists()
    main(["--store-path", str(given), "my calf is cramping", "it's gone", "yes", "no"])
    record = persistence.SqliteAdapter(given).get_attributes(key(CONSOLE_USER_ID))
    assert record["disclaimer_heard"] is True
    main(["my calf is cramping"])
    assert persistence.SqliteAdapter(from_environment).get_attributes(key(CONSOLE_USER_ID))


def test_the_skill_imports_no_store_library_until_one_is_configured():
    probe = (
        "import sys, lambda_function; "
        "print(sorted({'boto3', 'botocore', 'sqlite3', 'flask', 'yaml'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        env={"PYTHONPATH": f"{ROOT}:{ROOT / 'lambda'}", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("stored", [["disclaimer_heard"], "disclaimer_heard", 7, None, True])
def test_a_record_that_is_not_a_mapping_counts_as_a_failed_read(store, stored, caplog):
    user_id = new_user_id()
    store.save_attributes(key(user_id), stored)
    counting = Counting(store)
    device = person(counting, user_id)
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        assert said(device.say("open cramp coach")) == TEXT.phrase("launch")
        assert said(device.say("what causes cramps")).startswith(DISCLAIMER)
        device.say("no")
    assert "not a mapping" in caplog.text
    assert counting.calls == ["get_attributes"]  # nothing written this session
    assert store.get_attributes(key(user_id)) == stored


STRETCHES = TEXT.routine.stretches


def leave_the_routine_at_the_third_stretch(device: Device) -> None:
    device.say("guide me through my stretches")
    device.say("next")
    device.say("next")
    device.say("stop")


def test_a_cramp_after_a_launch_never_touches_the_store_nor_the_routine_position(store):
    user_id = new_user_id()
    leave_the_routine_at_the_third_stretch(person(store, user_id))
    assert store.get_attributes(key(user_id))["routine_resume_at"] == 2
    counting = Counting(store)
    device = person(counting, user_id)
    device.say("open cramp coach")
    assert counting.calls == ["get_attributes"]
    assert said(device.say("my calf is cramping")).startswith(f"Okay. {FIRST_CALF_STEP}")
    device.say("next")
    assert counting.calls == ["get_attributes"]  # nothing written on the relief turns
    device.say("it's gone")
    device.say("no")
    assert store.get_attributes(key(user_id))["routine_resume_at"] == 2
    later = person(store, user_id)
    later.say("open cramp coach")
    assert said(later.say("resume")).startswith(STRETCHES[2].name)


def test_a_change_seen_on_a_relief_turn_is_written_at_the_next_turn(store):
    user_id = new_user_id()
    counting = Counting(store)
    device = person(counting, user_id)
    device.say("open cramp coach")
    device.session.attributes["tips_heard"] = [1]  # as if something remembered had changed
    device.say("yes")  # "are you having a cramp now?" "yes": the first relief step
    device.say("next")
    assert counting.calls == ["get_attributes"]
    device.say("it's gone")
    assert counting.calls == ["get_attributes", "save_attributes"]
    assert store.get_attributes(key(user_id))["tips_heard"] == [1]


def test_forget_me_never_reads_before_it_deletes(store):
    counting = Counting(store)
    person(counting).say("forget me")
    assert counting.calls == ["delete_attributes"]


class SlowReads(Counting):
    """Reads that take ``seconds`` on a clock of the test's own: no test waits for them."""

    def __init__(self, store, clock: list[float], seconds: float):
        super().__init__(store)
        self.clock, self.seconds = clock, seconds

    def get_attributes(self, request_envelope):
        self.clock[0] += self.seconds
        return super().get_attributes(request_envelope)


@pytest.mark.parametrize(("read_seconds", "written_at_once"), [(0.1, True), (0.8, False)])
def test_a_slow_read_leaves_the_write_to_the_next_request(
    store, monkeypatch, caplog, read_seconds, written_at_once
):
    now = [0.0]
    monkeypatch.setattr(persistence, "clock", lambda: now[0])
    counting = SlowReads(store, now, read_seconds)
    device = person(counting)
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        assert said(device.say("what causes cramps")).startswith(DISCLAIMER)
    if written_at_once:
        assert counting.calls == ["get_attributes", "save_attributes"]
        assert "store budget" not in caplog.text
    else:
        assert counting.calls == ["get_attributes"]
        assert "store budget" in caplog.text
        device.say("no")  # the next request writes what the slow one could not
        assert counting.calls == ["get_attributes", "save_attributes"]


class Hanging(Counting):
    """A store whose calls of ``kind`` never finish until the test lets them: a stand-in for a
    server that trickles its answer a byte at a time, inside every timeout of its client."""

    def __init__(self, store, kind: str):
        super().__init__(store)
        self.kind = kind
        self.let_go, self.finished = threading.Event(), threading.Event()

    def _call(self, name, *args):
        if name != self.kind:
            return super()._call(name, *args)
        self.calls.append(name)
        self.let_go.wait()
        self.finished.set()
        return getattr(self.store, name)(*args)


@pytest.mark.parametrize("kind", ["get_attributes", "save_attributes"])
def test_a_store_call_that_never_ends_is_abandoned_at_its_deadline(store, caplog, kind):
    hanging = Hanging(store, kind)
    device = person(hanging)
    try:
        with caplog.at_level(logging.WARNING, logger="skill.persistence"):
            assert said(device.say("what causes cramps")).startswith(DISCLAIMER)
            assert not hanging.finished.is_set()  # answered while the call still hung
            device.say("no")
        assert "the call is abandoned" in caplog.text
        # Nothing more asked of the store this session: no write after a failed read or write.
        asked = ["get_attributes"] if kind == "get_attributes" else ["get_attributes", kind]
        assert hanging.calls == asked
    finally:
        hanging.let_go.set()


def test_forget_me_that_cannot_finish_in_time_says_so(store):
    hanging = Hanging(store, "delete_attributes")
    try:
        assert said(person(hanging).say("forget me")) == TEXT.phrase("forget_failed")
        assert not hanging.finished.is_set()
    finally:
        hanging.let_go.set()


def test_store_calls_still_running_are_bounded(store, monkeypatch, caplog):
    """Abandoned calls that never end hold a thread each; past MAX_STORE_CALLS no more start."""
    monkeypatch.setattr(persistence, "STORE_CALL_SECONDS", 0.01)
    monkeypatch.setattr(persistence, "_store_calls", threading.BoundedSemaphore(2))
    hanging = Hanging(store, "get_attributes")
    try:
        for _ in range(3):
            with caplog.at_level(logging.WARNING, logger="skill.persistence"):
                said(person(hanging).say("open cramp coach"))
        assert hanging.calls == ["get_attributes"] * 2  # the third never started
        assert "store calls are still running" in caplog.text
    finally:
        hanging.let_go.set()


def test_the_store_budget_holds_for_every_store():
    config = persistence.DYNAMODB_CLIENT_CONFIG
    assert config["retries"]["total_max_attempts"] == 1
    one_call = config["connect_timeout"] + config["read_timeout"]
    assert one_call <= persistence.STORE_CALL_SECONDS
    assert persistence.SQLITE_TIMEOUT_SECONDS <= persistence.STORE_CALL_SECONDS
    assert persistence.STORE_BUDGET_SECONDS <= 1.5


def test_a_record_from_before_the_resume_point_still_resumes(store):
    user_id = new_user_id()
    store.save_attributes(key(user_id), {"disclaimer_heard": True, "routine_step": 1})
    device = person(store, user_id)
    device.say("open cramp coach")
    assert said(device.say("resume")).startswith(STRETCHES[1].name)


# One process of the web server with its threads: each thread, for several people, a session that
# stores a record ("give me a tip"), then "forget me". Prints what the forget-mes answered. What
# is tested is the file's locking, not how a loaded machine schedules 32 threads: the deadline of
# a store call is lifted (the SQLite busy timeout is not).
WORKER = """
import json, sys, threading, uuid
from skill import persistence
from skill.app import create_skill, handle_event
from skill.persistence import SqliteAdapter

persistence.STORE_CALL_SECONDS = 60

path, threads, people = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
skill = create_skill(persistence_adapter=SqliteAdapter(path))
answers, start = [], threading.Barrier(threads)

def said(user_id, intent):
    user = {"userId": user_id}
    application = {"applicationId": "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"}
    session = {"new": True, "sessionId": f"amzn1.echo-api.session.{uuid.uuid4()}",
               "application": application, "user": user, "attributes": {}}
    request = {"type": "IntentRequest", "requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
               "timestamp": "2026-11-29T10:00:00Z", "locale": "en-US",
               "intent": {"name": intent, "confirmationStatus": "NONE"}}
    event = {"version": "1.0", "session": session, "request": request,
             "context": {"System": {"application": application, "user": user}}}
    return handle_event(skill, event)["response"]["outputSpeech"]["ssml"]

def run():
    start.wait()
    for _ in range(people):
        user_id = f"amzn1.ask.account.{uuid.uuid4().hex}"
        said(user_id, "TipIntent")
        answers.append(said(user_id, "DeleteDataIntent"))

workers = [threading.Thread(target=run) for _ in range(threads)]
for worker in workers:
    worker.start()
for worker in workers:
    worker.join()
print(json.dumps(answers))
"""


def test_forget_me_never_fails_on_a_file_shared_by_two_processes_of_sixteen_threads(tmp_path):
    """As the web server's workers share the file: every "forget me" is done, none says it failed
    because the file was locked (before write-ahead logging and one-statement writes, half did)."""
    path = tmp_path / "memory.sqlite3"
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(path), "16", "3"],
            cwd=ROOT,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    answers, failures = [], []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        failures += [line for line in err.splitlines() if line.startswith("skill.persistence")]
        answers += json.loads(out)
    assert failures == []
    assert len(answers) == 2 * 16 * 3
    assert {transcript.to_text(answer) for answer in answers} == {TEXT.phrase("forgotten")}
    with sqlite3.connect(path) as connection:
        assert connection.execute("SELECT count(*) FROM people").fetchone() == (0,)
