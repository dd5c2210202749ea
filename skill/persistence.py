"""Memory between sessions: what Cramp Coach keeps about a person, where, and how it fails safely.

Per person (the Alexa user id) the store holds only the ``Conversation.REMEMBERED`` fields, the
day of the last visit and the record's revision; never a symptom, a cramp, or anything else about
their health, and nothing at all for a request without a user id. A write replaces only the
revision its session read (``revised``), so "forget me" wins over another open session.

Where it is kept is configuration, not code (``store_from_environment``):

    CRAMP_COACH_STORE        dynamodb, sqlite or none; unset means dynamodb when TABLE_NAME is set,
                             else the caller's default (none on Lambda, sqlite in the console)
    TABLE_NAME               the DynamoDB table (template.yaml creates it and sets this)
    CRAMP_COACH_SQLITE_PATH  the SQLite file (default: ~/.local/state/cramp-coach/memory.sqlite3)

boto3 and sqlite3 are imported only when their store is built, so a skill without a store starts
as fast as it would without this module.

Every store sits behind ``Forgiving``: a store that is missing, throttled, slow or locked costs
the person nothing but the memory of one session, and every call has a deadline. The request
interceptor reads the record once a session, at its first request that is not a relief step; the
response interceptor writes it only when a remembered field changed, or when the session ends on
a new day. A person in a cramp never waits on the store, nor on boto3 being imported.
"""

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import (
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type

from skill.state import REVISION, Conversation

log = logging.getLogger(__name__)

STORE_KINDS = ("dynamodb", "sqlite", "none")

# A person is waiting on every request, and Alexa gives up after about 8 s (the Lambda timeout is
# 7 s). The store gets at most STORE_BUDGET_SECONDS of any one request, whatever it does: each
# call has a deadline of STORE_CALL_SECONDS for the whole call, after which it is abandoned
# (within_deadline), and is one attempt, no retry; the clients' own timeouts (0.5 s to connect,
# 0.5 s without a byte read, an SQLite file locked for 0.5 s) usually end it sooner, but a server
# that trickles a byte at a time never trips them. A request makes at most two calls, a read and
# a write, and writes only if its read left the write its whole STORE_CALL_SECONDS within the
# budget. A read that failed writes nothing for the rest of the session; a write that would not
# fit waits for the next request. "Forget me" only deletes, one call. Importing boto3 on the first
# DynamoDB call of a container (about 0.3 s) counts against the deadline too.
STORE_BUDGET_SECONDS = 1.5
STORE_CALL_SECONDS = 1.0
# Store calls running at once, abandoned ones included: past this many, a call fails at once
# rather than start another thread (a store that never finishes cannot pile threads up).
MAX_STORE_CALLS = 32
DYNAMODB_CLIENT_CONFIG = {
    "connect_timeout": 0.5,
    "read_timeout": 0.5,
    "retries": {"mode": "standard", "total_max_attempts": 1},
}
# How long to wait for an SQLite file another process holds locked.
SQLITE_TIMEOUT_SECONDS = 0.5
# A write names the revision of the record it replaces (skill/state.py, REVISION); the store
# writes it only if it still holds that revision (see revised).
REPLACES = "replaces"
# SQLite: a record written whole; only over a record without a revision; only over a revision.
SQLITE_UPSERT = (
    "INSERT INTO people (id, attributes) VALUES (?, ?)"
    " ON CONFLICT (id) DO UPDATE SET attributes = excluded.attributes"
)
SQLITE_IF_NO_REVISION = f" WHERE json_extract(people.attributes, '$.{REVISION}') IS NULL"
SQLITE_UPDATE_REVISION = (
    "UPDATE people SET attributes = ?"
    f" WHERE id = ? AND json_extract(attributes, '$.{REVISION}') = ?"
)
# The item attribute that holds a person's record in the DynamoDB table.
DYNAMODB_RECORD = "attributes"
# Where RecallWhenNeeded leaves notes for KeepWhatChanged: the request's own attributes.
RELIEF_TURN = "cramp_coach.relief_turn"
READ_SECONDS = "cramp_coach.read_seconds"
# What the budget is measured with (a test may stand in its own clock).
clock = time.monotonic


def default_sqlite_path() -> str:
    state_home = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return os.path.join(state_home, "cramp-coach", "memory.sqlite3")


class NoUserId(PersistenceException):
    """The request names nobody: nothing is read, kept or deleted for it."""


def user_key(request_envelope) -> str:
    """The person's Alexa user id, the key of their record (as the DynamoDB adapter's default).

    Raises NoUserId when the request carries none (or an empty one): a record must never be kept
    for nobody in particular, where every request without an id would find it, and no deletion.
    """
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError:
        user_id = None
    if not isinstance(user_id, str) or not user_id:
        raise NoUserId("the request carries no user id")
    return user_id


class StoreTimeout(PersistenceException):
    """The store did not answer within the call's deadline; the call was abandoned."""


_store_calls = threading.BoundedSemaphore(MAX_STORE_CALLS)


def within_deadline(seconds: float, call: Callable, *args):
    """``call(*args)`` in a thread of its own, waited on for at most ``seconds``.

    Past the deadline the call is abandoned: StoreTimeout is raised and the thread is left to
    finish or fail on its own, unwatched. An abandoned write that lands late is conditional like
    any other (it replaces one revision), so it never writes over anything newer, nor a deletion.
    """
    running = _store_calls
    if not running.acquire(blocking=False):
        raise StoreTimeout(f"{MAX_STORE_CALLS} store calls are still running; not starting one")
    outcome: list[tuple[bool, object]] = []
    done = threading.Event()

    def run() -> None:
        try:
            outcome.append((True, call(*args)))
        except BaseException as error:
            outcome.append((False, error))
        finally:
            running.release()
            done.set()

    threading.Thread(target=run, name="cramp-coach-store", daemon=True).start()
    if not done.wait(seconds):
        raise StoreTimeout(f"the store did not answer within {seconds} s; the call is abandoned")
    succeeded, value = outcome[0]
    if not succeeded:
        raise value
    return value


class StaleRecord(PersistenceException):
    """The store no longer holds the revision a write replaces: another session wrote the record
    since this one read it, or "forget me" deleted it. The write is refused."""


def conditional(attributes) -> tuple[object, str | None]:
    """A write as a store makes it: the record to store, and the revision the store must still
    hold for it to be written ("" for no record, or one from before revisions; None for an
    unconditional write, which only a caller other than the skill makes)."""
    if isinstance(attributes, dict) and REPLACES in attributes:
        record = {name: value for name, value in attributes.items() if name != REPLACES}
        return record, attributes[REPLACES]
    return attributes, None


def revision_of(record) -> str:
    """The revision a stored record carries: "" for none (or not a record this skill wrote)."""
    revision = record.get(REVISION) if isinstance(record, dict) else None
    return revision if isinstance(revision, str) else ""


class SqliteAdapter(AbstractPersistenceAdapter):
    """Keeps each person's record as one JSON row in an SQLite file: the local store.

    Several processes may share the file (the console, the web server's workers, each with many
    threads). Every call is one SQL statement on a connection of its own, so the write lock is
    held for one statement and never while Python runs: a conditional write checks the revision
    and writes in that one statement. The file is in write-ahead-log mode, so reads never wait on
    a write, and a write waits up to ``timeout`` seconds for another's lock. A file still locked
    after that, or one that cannot be created or written, raises PersistenceException, as any ASK
    persistence adapter does; a write whose revision is stale raises StaleRecord.
    """

    def __init__(self, path: str | os.PathLike, timeout: float = SQLITE_TIMEOUT_SECONDS):
        from pathlib import Path  # not at import: pathlib costs every Lambda cold start

        self.path = Path(path)
        self.timeout = timeout
        self._ready = False

    def get_attributes(self, request_envelope) -> dict:
        user_id = user_key(request_envelope)
        rows, _ = self._run("SELECT attributes FROM people WHERE id = ?", user_id)
        return json.loads(rows[0][0]) if rows else {}

    def save_attributes(self, request_envelope, attributes: dict) -> None:
        user_id = user_key(request_envelope)
        record, replaces = conditional(attributes)
        text = json.dumps(record)
        if replaces is None:
            self._run(SQLITE_UPSERT, user_id, text)
        elif not replaces:  # no record, or one from before revisions
            _, written = self._run(SQLITE_UPSERT + SQLITE_IF_NO_REVISION, user_id, text)
            if written != 1:
                raise StaleRecord("the record has a revision, and this session read none")
        else:
            _, written = self._run(SQLITE_UPDATE_REVISION, text, user_id, replaces)
            if written != 1:
                raise StaleRecord(f"the record is no longer at revision {replaces!r}")

    def delete_attributes(self, request_envelope) -> None:
        user_id = user_key(request_envelope)
        if not self.path.exists():
            return  # nothing was ever stored here; deleting creates nothing
        self._run("DELETE FROM people WHERE id = ?", user_id)

    def _run(self, statement: str, *parameters: str) -> tuple[list, int]:
        """One statement on a connection of its own, committed at once: the rows it gives, and
        how many it changed."""
        import sqlite3

        try:
            if not self._ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            try:
                if not self._ready:  # kept in the file: every process then logs ahead
                    connection.execute("PRAGMA journal_mode = WAL")
                    connection.execute(
                        "CREATE TABLE IF NOT EXISTS people"
                        " (id TEXT PRIMARY KEY NOT NULL, attributes TEXT NOT NULL)"
                    )
                # Safe in WAL mode: a power cut may lose the last write, never the file.
                connection.execute("PRAGMA synchronous = NORMAL")
                cursor = connection.execute(statement, parameters)
                rows, changed = cursor.fetchall(), cursor.rowcount
            finally:
                connection.close()
        except (sqlite3.Error, OSError) as error:
            self._ready = False
            raise PersistenceException(f"SQLite store {self.path}: {error}") from error
        self._ready = True
        return rows, changed


class DynamoDbStore(AbstractPersistenceAdapter):
    """Each person's record as one item of an existing table, keyed by user id: ``{"id": user id,
    "attributes": the record}``, the item ask-sdk-dynamodb-persistence-adapter writes, so a table
    it filled still works. A conditional write is a put_item with a condition on the revision.

    The client is built when the store is first used, not when the skill is: importing boto3 and
    building a client takes about 300 ms, and a Lambda whose first request is a cramp never waits
    for that (relief turns never touch the store). Lambda always sets the region.
    """

    def __init__(self, table_name: str):
        self.table_name = table_name
        self._client = None
        self._building = threading.Lock()

    @property
    def client(self):
        with self._building:
            if self._client is None:
                import boto3
                from botocore.config import Config

                self._client = boto3.client("dynamodb", config=Config(**DYNAMODB_CLIENT_CONFIG))
            return self._client

    def get_attributes(self, request_envelope) -> object:
        from boto3.dynamodb.types import TypeDeserializer

        item = self.client.get_item(
            TableName=self.table_name, Key=self._key(request_envelope), ConsistentRead=True
        ).get("Item")
        if item is None:
            return {}
        stored = item.get(DYNAMODB_RECORD)
        return None if stored is None else TypeDeserializer().deserialize(stored)

    def save_attributes(self, request_envelope, attributes: dict) -> None:
        from boto3.dynamodb.types import TypeSerializer

        record, replaces = conditional(attributes)
        key = self._key(request_envelope)
        item = {**key, DYNAMODB_RECORD: TypeSerializer().serialize(record)}
        condition = {}
        if replaces is not None:
            names = {"#record": DYNAMODB_RECORD, "#revision": REVISION}
            condition = {"ExpressionAttributeNames": names}
            if replaces:
                condition["ConditionExpression"] = "#record.#revision = :revision"
                condition["ExpressionAttributeValues"] = {":revision": {"S": replaces}}
            else:
                condition["ConditionExpression"] = "attribute_not_exists(#record.#revision)"
        client = self.client
        try:
            client.put_item(TableName=self.table_name, Item=item, **condition)
        except client.exceptions.ConditionalCheckFailedException as error:
            raise StaleRecord(f"the record is no longer at revision {replaces!r}") from error

    def delete_attributes(self, request_envelope) -> None:
        self.client.delete_item(TableName=self.table_name, Key=self._key(request_envelope))

    @staticmethod
    def _key(request_envelope) -> dict:
        return {"id": {"S": user_key(request_envelope)}}


def open_store(
    kind: str, table_name: str | None = None, sqlite_path: str | os.PathLike | None = None
) -> AbstractPersistenceAdapter | None:
    """The store of a kind (see STORE_KINDS); None for "none". Raises ValueError if unusable."""
    if kind == "none":
        return None
    if kind == "sqlite":
        return SqliteAdapter(sqlite_path or default_sqlite_path())
    if kind == "dynamodb":
        if not table_name:
            raise ValueError("the dynamodb store needs TABLE_NAME")
        return DynamoDbStore(table_name)
    raise ValueError(f"unknown store {kind!r}: use one of {', '.join(STORE_KINDS)}")


def store_from_environment(environ=os.environ, default: str = "none"):
    """The store the environment asks for (see the module's docstring), or None.

    A configuration that cannot be used is logged as an error and the skill runs without memory:
    a person in a cramp still gets an answer from a misconfigured deployment.
    """
    table_name = environ.get("TABLE_NAME") or None
    kind = environ.get("CRAMP_COACH_STORE") or ("dynamodb" if table_name else default)
    try:
        return open_store(kind, table_name, environ.get("CRAMP_COACH_SQLITE_PATH") or None)
    except Exception:
        log.exception("the %s store cannot be used; running without memory", kind)
        return None


class Forgiving(AbstractPersistenceAdapter):
    """Wraps any store so that its failures never stop an answer.

    Every call runs against a deadline, STORE_CALL_SECONDS (see within_deadline). Reading and
    writing are background work for a nicer next session: when they fail (a missing table,
    throttling, a timeout, a deadline passed, a locked or unwritable file, a stored record that is
    not a mapping, a request with no user id, a write over a record that changed since it was
    read), the failure is logged and reported as a result, None or
    False, so the interceptors leave the store alone for the rest of the session and never write
    over a record they could not read. Deleting is what the person asked for, so a failed delete
    (a request with no user id included: nothing was deleted) is logged and raised as
    PersistenceException: the handler then tells them it did not work, rather than pretend it did.
    """

    def __init__(self, store: AbstractPersistenceAdapter):
        self.store = store

    def get_attributes(self, request_envelope) -> dict | None:
        try:
            record = _plain(
                within_deadline(STORE_CALL_SECONDS, self.store.get_attributes, request_envelope)
            )
        except NoUserId:
            log.warning("the request carries no user id; nothing recalled or kept")
            return None
        except Exception:
            log.warning("could not read the stored record; nothing recalled", exc_info=True)
            return None
        if not isinstance(record, dict):  # not a record this skill wrote: never write over it
            log.warning(
                "could not read the stored record: a %s, not a mapping; nothing recalled",
                type(record).__name__,
            )
            return None
        return record

    def save_attributes(self, request_envelope, attributes: dict) -> bool:
        try:
            within_deadline(
                STORE_CALL_SECONDS, self.store.save_attributes, request_envelope, attributes
            )
        except StaleRecord:
            log.warning(
                "the stored record changed since this session read it (another session wrote"
                " it, or it was deleted); keeping nothing more"
            )
            return False
        except Exception:
            log.warning("could not store the record; keeping nothing more", exc_info=True)
            return False
        return True

    def delete_attributes(self, request_envelope) -> None:
        try:
            within_deadline(STORE_CALL_SECONDS, self.store.delete_attributes, request_envelope)
        except NoUserId as error:
            log.warning("the request carries no user id; nothing deleted")
            raise PersistenceException("the request carries no user id") from error
        except Exception as error:
            log.error("could not delete the stored record", exc_info=True)
            raise PersistenceException("the stored record could not be deleted") from error


def _plain(value):
    """JSON-like values as Python has them: DynamoDB hands every number back as a Decimal."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | set):
        return [_plain(item) for item in value]
    return value


class RecallWhenNeeded(AbstractRequestInterceptor):
    """Read the person's record into the conversation, once a session, but never for relief.

    A request answered with a relief step is never kept waiting on the store: the record is read
    at the session's first request that is not one (launch, "it's gone", advice, the session's
    end), which is also the first that can use what is remembered. Which requests those are, the
    handlers say (``answers_with_relief``, skill/handlers.py); the intents of ``no_read_intents``
    ("forget me") never read. Notes for KeepWhatChanged, in the request's attributes, whether
    this request is a relief step and how long the read took.
    """

    def __init__(
        self,
        memory: Forgiving,
        answers_with_relief: Callable[[HandlerInput, Conversation], bool],
        no_read_intents: tuple[str, ...],
    ):
        self.memory = memory
        self.answers_with_relief = answers_with_relief
        self.no_read_intents = no_read_intents

    def process(self, handler_input: HandlerInput) -> None:
        if handler_input.request_envelope.session is None or _only_asks(handler_input):
            return
        attributes = handler_input.attributes_manager.session_attributes
        conversation = Conversation.from_attributes(attributes)
        relief = self.answers_with_relief(handler_input, conversation)
        notes = handler_input.attributes_manager.request_attributes
        notes[RELIEF_TURN] = relief
        if (
            not conversation.memory_unread
            or relief
            or _is_intent(handler_input, self.no_read_intents)
        ):
            return
        started = clock()
        record = self.memory.get_attributes(handler_input.request_envelope)
        notes[READ_SECONDS] = clock() - started
        if record is None:
            conversation.stop_keeping()
        else:
            conversation.recall(record)
        conversation.save_to(attributes)


def _only_asks(handler_input: HandlerInput) -> bool:
    """A CanFulfillIntentRequest: Alexa asking whether the skill would take a request. Its
    answer may have no side effects, and its user id may be missing: never touch the store."""
    return is_request_type("CanFulfillIntentRequest")(handler_input)


def _is_intent(handler_input: HandlerInput, names: tuple[str, ...]) -> bool:
    return (
        is_request_type("IntentRequest")(handler_input)
        and handler_input.request_envelope.request.intent.name in names
    )


class KeepWhatChanged(AbstractResponseInterceptor):
    """After each answer, store the record if it changed (see Conversation.record_to_keep).

    Never on a relief step, and never when this request's read used more than its share of the
    store budget (STORE_BUDGET_SECONDS): the record waits for the next request that is neither,
    or the session's end, and is lost only if the session ends first without one.
    """

    def __init__(self, memory: Forgiving):
        self.memory = memory

    def process(self, handler_input: HandlerInput, response) -> None:
        envelope = handler_input.request_envelope
        if envelope.session is None or _only_asks(handler_input):
            return
        ending = is_request_type("SessionEndedRequest")(handler_input) or bool(
            response is not None and response.should_end_session
        )
        notes = handler_input.attributes_manager.request_attributes
        if notes.get(RELIEF_TURN):
            return
        attributes = handler_input.attributes_manager.session_attributes
        conversation = Conversation.from_attributes(attributes)
        record = conversation.record_to_keep(_day_of(envelope), ending)
        if record is None:
            return
        read_seconds = notes.get(READ_SECONDS, 0.0)
        if read_seconds + STORE_CALL_SECONDS > STORE_BUDGET_SECONDS:
            log.warning(
                "the read took %.2f s of this request's %.1f s store budget; the write waits"
                " for the next request",
                read_seconds,
                STORE_BUDGET_SECONDS,
            )
            return
        written = revised(record, conversation.kept)
        if self.memory.save_attributes(envelope, written):
            conversation.kept_as(conditional(written)[0])
        else:
            conversation.stop_keeping()
        conversation.save_to(attributes)


def revised(record: dict, kept: dict) -> dict:
    """The write of ``record``: at a new random revision, replacing the revision this session
    read (kept). A store makes it only if it still holds that revision, so a session never writes
    over a record another session wrote since, nor brings back one that "forget me" (or disabling
    the skill) deleted."""
    return {**record, REVISION: os.urandom(8).hex(), REPLACES: revision_of(kept)}


def _day_of(envelope) -> str:
    """The day of the request (UTC), as the store's last visit: a date, never a time."""
    timestamp = getattr(envelope.request, "timestamp", None) or datetime.now(UTC)
    return timestamp.date().isoformat()


def forget(handler_input: HandlerInput) -> bool:
    """Delete the person's record. True once it is gone, or when no store keeps records at all."""
    try:
        handler_input.attributes_manager.delete_persistent_attributes()
    except AttributesManagerException:  # the skill runs without a store: nothing to delete
        return True
    except PersistenceException:
        return False
    return True
