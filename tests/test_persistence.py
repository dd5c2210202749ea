"""Memory between sessions on the local SQLite store, and how every store's failures are contained.

The DynamoDB store runs the same conversations against a real DynamoDB API server in
test_persistence_dynamodb.py.
"""

import json
import logging
import sqlite3
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

from skill import content, envelopes, persistence, transcript
from skill.app import create_skill, handle_event
from skill.console import CONSOLE_USER_ID, Device, main
from skill.state import LAST_VISIT, Conversation

ROOT = Path(__file__).resolve().parent.parent
TEXT = content.load("en")
DISCLAIMER = TEXT.phrase("disclaimer")
FIRST_CALF_STEP = TEXT.sequences["calf"].steps[0].do


def said(turn) -> str:
    return transcript.to_text(turn.speech)


def person(store, user_id: str | None = None) -> Device:
    """A device for one person, with a freshly built skill on ``store``: a new Lambda container."""
    return Device(create_skill(persistence_adapter=store), user_id=user_id or new_user_id())


def new_user_id() -> str:
    return f"amzn1.ask.account.{uuid.uuid4().hex}"


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
    assert set(record) == {*Conversation.REMEMBERED, LAST_VISIT}
    assert record["disclaimer_heard"] is True
    assert len(record[LAST_VISIT]) == len("2026-01-31")


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


def test_forget_me_by_voice_deletes_the_record(store):
    user_id = new_user_id()
    hears_disclaimer(person(store, user_id))
    turn = person(store, user_id).say("forget me")
    assert said(turn) == TEXT.phrase("forgotten")
    assert turn.session_ended
    assert store.get_attributes(key(user_id)) == {}
    assert hears_disclaimer(person(store, user_id))


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


def test_a_locked_file_costs_only_the_memory(tmp_path, caplog):
    path = tmp_path / "memory.sqlite3"
    user_id = new_user_id()
    hears_disclaimer(person(persistence.SqliteAdapter(path), user_id))
    holder = sqlite3.connect(path)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        device = person(persistence.SqliteAdapter(path, timeout=0.05), user_id)
        with caplog.at_level(logging.WARNING, logger="skill.persistence"):
            assert said(device.say("my calf is cramping")).startswith(f"Okay. {FIRST_CALF_STEP}")
            device.say("it's gone")
            assert DISCLAIMER in said(device.say("yes"))  # nothing recalled: said again
        assert "could not read the stored record" in caplog.text
    finally:
        holder.rollback()
        holder.close()
    record = persistence.SqliteAdapter(path).get_attributes(key(user_id))
    assert record["disclaimer_heard"] is True  # the record it could not read was left alone


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
