"""Memory between sessions on DynamoDB, against a real DynamoDB API server on 127.0.0.1.

dynalite (tests/node, installed by `make test` with npm) serves the DynamoDB API; these tests
start and stop it. A missing dynalite fails the tests: it is part of what `make test` installs.
Throttling is the one failure dynalite cannot produce; botocore's Stubber stands in for it.
"""

import contextlib
import json
import logging
import runpy
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from ask_sdk_model import RequestEnvelope
from helpers import new_user_id, person, said

from console import envelopes
from console.repl import Device
from skill import content, persistence
from skill.app import create_skill, handle_event
from skill.state import LAST_VISIT, REVISION, Conversation

ROOT = Path(__file__).resolve().parent.parent
DYNALITE = ROOT / "tests" / "node" / "node_modules" / ".bin" / "dynalite"
TEXT = content.for_locale("en-US")
DISCLAIMER = TEXT.phrase("disclaimer")
FIRST_CALF_STEP = TEXT.sequences["calf"].steps[0].do
FIRST_FOOT_STEP = TEXT.sequences["foot"].steps[0].do
TABLE = "cramp-coach-memory"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dynalite:
    """One dynalite server on 127.0.0.1, in memory, with tables usable at once."""

    def __init__(self):
        if shutil.which("node") is None or not DYNALITE.exists():
            pytest.fail(
                f"dynalite is not installed at {DYNALITE}: run `make test`, which npm-installs it"
            )
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                str(DYNALITE),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--createTableMs",
                "0",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(200):  # up to about ten seconds for node to start listening
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        self.stop()
        pytest.fail("dynalite did not start listening")

    def create_table(self, name: str = TABLE) -> None:
        """The table as template.yaml declares it: partition key "id", a string."""
        import boto3

        client = boto3.client("dynamodb", endpoint_url=self.endpoint)
        client.create_table(
            TableName=name,
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        client.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 0.05})

    def item(self, user_id: str, table: str = TABLE) -> dict | None:
        import boto3

        client = boto3.client("dynamodb", endpoint_url=self.endpoint)
        return client.get_item(TableName=table, Key={"id": {"S": user_id}}).get("Item")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


@pytest.fixture(scope="module", autouse=True)
def aws_offline():
    """A region and dummy credentials, and no instance metadata: nothing leaves 127.0.0.1.

    boto3 is imported and its DynamoDB model loaded once, here: on a loaded machine that takes
    longer than a store call's deadline, which would then fail the first test to build a client.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        patch.setenv("AWS_CONFIG_FILE", "/dev/null")
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        patch.delenv("AWS_PROFILE", raising=False)
        import boto3

        boto3.client("dynamodb", endpoint_url="http://127.0.0.1:9")
        yield


@pytest.fixture(scope="module")
def shared_server():
    server = Dynalite()
    server.create_table()
    yield server
    server.stop()


@pytest.fixture
def server(shared_server, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", shared_server.endpoint)
    return shared_server


@pytest.fixture
def own_server(monkeypatch):
    """A server of the test's own, to stop in the middle of a conversation."""
    server = Dynalite()
    server.create_table()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", server.endpoint)
    yield server
    if server.process.poll() is None:
        server.stop()


def store(table: str = TABLE):
    """The store as the Lambda entry builds it, from TABLE_NAME."""
    adapter = persistence.store_from_environment({"TABLE_NAME": table})
    assert adapter is not None
    return adapter


def hears_disclaimer(device: Device) -> bool:
    """A calf cramp, "it's gone", the tips, no more: was the disclaimer said (with the tips)?"""
    device.say("my calf is cramping")
    device.say("it's gone")
    tips = device.say("yes")
    device.say("no")
    return DISCLAIMER in said(tips)


def test_the_disclaimer_is_heard_once_across_sessions(server):
    user_id = new_user_id()
    assert hears_disclaimer(person(store(), user_id))
    assert not hears_disclaimer(person(store(), user_id))


def test_the_item_holds_only_remembered_fields_and_the_day(server):
    user_id = new_user_id()
    hears_disclaimer(person(store(), user_id))
    item = server.item(user_id)
    assert set(item) == {"id", "attributes"}
    remembered = item["attributes"]["M"]
    assert set(remembered) == {*Conversation.REMEMBERED, LAST_VISIT, REVISION}
    assert remembered["disclaimer_heard"] == {"BOOL": True}


def test_two_people_never_see_each_others_record(server):
    first, second = new_user_id(), new_user_id()
    assert hears_disclaimer(person(store(), first))
    assert hears_disclaimer(person(store(), second))
    person(store(), first).say("forget me")
    assert server.item(first) is None
    assert server.item(second) is not None
    assert not hears_disclaimer(person(store(), second))


def test_forget_me_by_voice_deletes_the_item(server):
    user_id = new_user_id()
    hears_disclaimer(person(store(), user_id))
    assert said(person(store(), user_id).say("forget about me")) == TEXT.phrase("forgotten")
    assert server.item(user_id) is None


def test_forget_me_wins_over_another_open_session_of_the_same_person(server):
    """The kitchen's session is open when the bedroom's says "forget me": what the kitchen's
    session learns after that must not bring the deleted item back."""
    user_id = new_user_id()
    person(store(), user_id).say("give me a tip")  # the disclaimer and a tip, stored
    assert server.item(user_id)["attributes"]["M"]["tips_heard"]["L"]
    kitchen = person(store(), user_id)
    kitchen.say("open cramp coach")  # the item is read
    assert said(person(store(), user_id).say("forget me")) == TEXT.phrase("forgotten")
    kitchen.say("give me a tip")  # would write the kitchen's record back
    assert server.item(user_id) is None
    assert said(person(store(), user_id).say("give me a tip")).endswith(DISCLAIMER)


def test_a_session_never_writes_over_a_newer_item(server):
    user_id = new_user_id()
    first, second = person(store(), user_id), person(store(), user_id)
    first.say("open cramp coach")
    second.say("open cramp coach")
    first.say("give me a tip")
    written = server.item(user_id)
    second.say("give me a tip")  # read before the first session wrote: it keeps nothing
    assert server.item(user_id) == written


def test_an_item_written_by_the_ask_sdk_adapter_is_read_and_updated(server):
    """Tables filled before revisions (by ask-sdk-dynamodb-persistence-adapter) keep working."""
    import boto3

    user_id = new_user_id()
    item = {"id": {"S": user_id}, "attributes": {"M": {"disclaimer_heard": {"BOOL": True}}}}
    boto3.client("dynamodb", endpoint_url=server.endpoint).put_item(TableName=TABLE, Item=item)
    device = person(store(), user_id)
    assert DISCLAIMER not in said(device.say("give me a tip"))
    assert server.item(user_id)["attributes"]["M"]["tips_heard"]["L"]


def test_disabling_the_skill_deletes_the_item(server):
    user_id = new_user_id()
    hears_disclaimer(person(store(), user_id))
    handle_event(create_skill(persistence_adapter=store()), envelopes.skill_disabled_event(user_id))
    assert server.item(user_id) is None


def test_the_lambda_entry_remembers_in_the_table_it_is_given(server, monkeypatch):
    monkeypatch.setenv("TABLE_NAME", TABLE)
    monkeypatch.setenv("SKILL_ID", envelopes.DEFAULT_SKILL_ID)
    entry = runpy.run_path(str(ROOT / "lambda" / "lambda_function.py"))
    user_id = new_user_id()
    session = envelopes.Session(user_id=user_id)
    launch = entry["lambda_handler"](envelopes.launch_request(session), None)
    assert launch["response"]["shouldEndSession"] is False
    session.new = False
    session.attributes = launch["sessionAttributes"]
    entry["lambda_handler"](envelopes.session_ended_request(session), None)
    assert server.item(user_id)["attributes"]["M"]["last_visit"]["S"]


def test_a_missing_table_costs_only_the_memory(server, caplog):
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        assert hears_disclaimer(person(store("no-such-table"), new_user_id()))
    assert "could not read the stored record" in caplog.text


def test_the_server_stopped_in_the_middle_of_a_conversation(own_server, caplog):
    user_id = new_user_id()
    device = person(store(), user_id)
    device.say("open cramp coach")  # the record is read
    assert said(device.say("my calf is cramping")).startswith(f"Okay. {FIRST_CALF_STEP}")
    device.say("next")
    own_server.stop()
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        assert said(device.say("previous")).startswith(FIRST_CALF_STEP)
        gone = device.say("it's gone")
        assert said(gone).startswith(TEXT.phrase("gone"))
        assert DISCLAIMER in said(device.say("yes"))  # the disclaimer is heard: the write fails
        device.say("no")
        again = person(store(), user_id)
        assert said(again.say("open cramp coach")) == TEXT.phrase("launch")  # the read fails
        assert said(again.say("my foot is cramping")).startswith(f"Okay. {FIRST_FOOT_STEP}")
    assert "could not store the record" in caplog.text
    assert "could not read the stored record" in caplog.text


def test_throttling_costs_only_the_memory(server, caplog):
    from botocore.stub import Stubber

    adapter = store()
    stubber = Stubber(adapter.client)
    stubber.add_client_error(
        "get_item", "ProvisionedThroughputExceededException", http_status_code=400
    )
    with stubber, caplog.at_level(logging.WARNING, logger="skill.persistence"):
        device = person(adapter, new_user_id())
        assert said(device.say("my calf is cramping")).startswith(f"Okay. {FIRST_CALF_STEP}")
        assert said(device.say("it's gone")).startswith(TEXT.phrase("gone"))  # read throttled
        device.say("no")
    stubber.assert_no_pending_responses()
    assert "ProvisionedThroughputExceededException" in caplog.text
    assert "could not store the record" not in caplog.text  # no write after a failed read


def test_a_server_that_never_answers_times_out(monkeypatch, caplog):
    """A store that accepts a connection and says nothing: the read gives up after one attempt,
    the answer comes, and nothing more is asked of the store that session (the store budget)."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []

    def accept_and_stay_silent():
        with contextlib.suppress(OSError):
            while len(accepted) < 4:
                accepted.append(listener.accept()[0])

    threading.Thread(target=accept_and_stay_silent, daemon=True).start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{listener.getsockname()[1]}")
    quick = {**persistence.DYNAMODB_CLIENT_CONFIG, "read_timeout": 0.2, "connect_timeout": 0.2}
    monkeypatch.setattr(persistence, "DYNAMODB_CLIENT_CONFIG", quick)
    try:
        adapter = store()
        assert adapter.client  # built first, with its timeouts: the client's, not the deadline
        device = person(adapter, new_user_id())
        with caplog.at_level(logging.WARNING, logger="skill.persistence"):
            assert said(device.say("my calf is cramping")).startswith(f"Okay. {FIRST_CALF_STEP}")
            assert caplog.text == ""  # relief never asked the store
            assert said(device.say("it's gone")).startswith(TEXT.phrase("gone"))
            device.say("no")
        assert "timeout" in caplog.text.lower()
        assert "could not read the stored record" in caplog.text
        assert len(accepted) == 1  # one attempt at the read, no retry, and no write after it
    finally:
        listener.close()
        for connection in accepted:
            connection.close()


class Trickle:
    """A DynamoDB endpoint that sends its answer's headers at once, then the body a byte every
    ``gap`` seconds: each byte well inside the client's read timeout, the whole far outside."""

    def __init__(self, gap: float = 0.1, size: int = 200):
        self.gap, self.size = gap, size
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.endpoint = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.requests = 0
        self.finished = threading.Event()  # a whole answer was sent
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                connection = self.listener.accept()[0]
                self.connections.append(connection)
                threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with contextlib.suppress(OSError):
            received = b""
            while b"\r\n\r\n" not in received:
                received += connection.recv(65536)
            self.requests += 1
            body = b"{" + b" " * (self.size - 2) + b"}"
            connection.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body)
            )
            for byte in body:
                connection.sendall(bytes([byte]))
                time.sleep(self.gap)
            self.finished.set()

    def stop(self) -> None:
        self.listener.close()
        for connection in self.connections:
            connection.close()


def test_a_server_that_trickles_its_answer_is_abandoned_at_the_deadline(monkeypatch, caplog):
    """The store's budget is a deadline for the whole call: an answer trickled a byte at a time
    never trips the client's read timeout, yet the person is answered, mid-trickle."""
    trickle = Trickle()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", trickle.endpoint)
    try:
        adapter = store()
        assert adapter.client  # built first: boto3's import is not what is measured here
        device = person(adapter, new_user_id())
        with caplog.at_level(logging.WARNING, logger="skill.persistence"):
            assert said(device.say("my calf is cramping")).startswith(f"Okay. {FIRST_CALF_STEP}")
            assert said(device.say("it's gone")).startswith(TEXT.phrase("gone"))
            assert trickle.requests == 1
            assert not trickle.finished.is_set()  # answered while the store was still trickling
            device.say("no")
        assert "the call is abandoned" in caplog.text
        assert trickle.requests == 1  # nothing more asked of the store that session
    finally:
        trickle.stop()


def test_numbers_come_back_as_python_numbers(server):
    user_id = new_user_id()
    envelope = create_skill().serializer.deserialize(
        json.dumps(envelopes.launch_request(envelopes.Session(user_id=user_id))),
        RequestEnvelope,
    )
    memory = persistence.Forgiving(store())
    assert memory.save_attributes(envelope, {"position": 3, "seen": [1, 2]})
    assert memory.get_attributes(envelope) == {"position": 3, "seen": [1, 2]}
    assert type(memory.get_attributes(envelope)["position"]) is int


@pytest.mark.parametrize("stored", [{"L": [{"S": "disclaimer_heard"}]}, {"S": "yes"}, {"N": "7"}])
def test_an_item_that_is_not_a_mapping_counts_as_a_failed_read(server, stored, caplog):
    import boto3

    user_id = new_user_id()
    item = {"id": {"S": user_id}, "attributes": stored}
    boto3.client("dynamodb", endpoint_url=server.endpoint).put_item(TableName=TABLE, Item=item)
    device = person(store(), user_id)
    with caplog.at_level(logging.WARNING, logger="skill.persistence"):
        assert said(device.say("open cramp coach")) == TEXT.phrase("launch")
        assert said(device.say("what causes cramps")).startswith(DISCLAIMER)
        device.say("no")
    assert "not a mapping" in caplog.text
    assert server.item(user_id) == item  # never written over
