"""Memory between sessions: what Cramp Coach keeps about a person, where, and how it fails safely.

Per person (the Alexa user id) the store holds only the ``Conversation.REMEMBERED`` fields and the
day of the last visit; never a symptom, a cramp, or anything else about their health.

Where it is kept is configuration, not code (``store_from_environment``):

    CRAMP_COACH_STORE        dynamodb, sqlite or none; unset means dynamodb when TABLE_NAME is set,
                             else the caller's default (none on Lambda, sqlite in the console)
    TABLE_NAME               the DynamoDB table (template.yaml creates it and sets this)
    CRAMP_COACH_SQLITE_PATH  the SQLite file (default: ~/.local/state/cramp-coach/memory.sqlite3)

boto3 and sqlite3 are imported only when their store is built, so a skill without a store starts
as fast as it would without this module.

Every store sits behind ``Forgiving``: a store that is missing, throttled, slow or locked costs
the person nothing but the memory of one session. The request interceptor reads the record once a
session, at its first request that is not a relief step; the response interceptor writes it only
when a remembered field changed, or when the session ends on a new day. A person in a cramp never
waits on the store, nor on boto3 being imported.
"""

import json
import logging
import os
import threading
import time
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

from skill.state import ASKED_CRAMP_NOW, ASKED_IS_IT_GONE, Conversation

log = logging.getLogger(__name__)

STORE_KINDS = ("dynamodb", "sqlite", "none")
# Intents that start or continue relief whatever the stage: a person in a cramp.
RELIEF_INTENTS = ("CrampNowIntent", "CrampPersistsIntent", "DrivingIntent")

# Intents whose request never reads the record: "forget me" deletes it instead (one store call).
NO_READ_INTENTS = ("DeleteDataIntent",)

# A person is waiting on every request, and Alexa gives up after about 8 s (the Lambda timeout is
# 7 s). The store gets at most STORE_BUDGET_SECONDS of any one request, whatever it does: each
# call is one attempt, no retry, giving up after STORE_CALL_SECONDS (0.5 s to connect, then 0.5 s
# without a byte read; an SQLite file locked for 0.5 s); a request makes at most two calls, a read
# and a write, and writes only if its read left the write its whole STORE_CALL_SECONDS within the
# budget. A read that failed writes nothing for the rest of the session; a write that would not fit
# waits for the next request. "Forget me" only deletes, one call. Importing boto3 on the first
# DynamoDB call of a container (about 0.3 s) counts against the budget too.
STORE_BUDGET_SECONDS = 1.5
STORE_CALL_SECONDS = 1.0
DYNAMODB_CLIENT_CONFIG = {
    "connect_timeout": 0.5,
    "read_timeout": 0.5,
    "retries": {"mode": "standard", "total_max_attempts": 1},
}
# How long to wait for an SQLite file another process holds locked.
SQLITE_TIMEOUT_SECONDS = 0.5
# Where RecallWhenNeeded leaves notes for KeepWhatChanged: the request's own attributes.
RELIEF_TURN = "cramp_coach.relief_turn"
READ_SECONDS = "cramp_coach.read_seconds"
# What the budget is measured with (a test may stand in its own clock).
clock = time.monotonic


def default_sqlite_path() -> str:
    state_home = os.environ.get("XDG_STATE_HOME") or os.path.expanduser("~/.local/state")
    return os.path.join(state_home, "cramp-coach", "memory.sqlite3")


def user_key(request_envelope) -> str:
    """The person's Alexa user id, the key of their record (as the DynamoDB adapter's default)."""
    try:
        return request_envelope.context.system.user.user_id
    except AttributeError:
        raise PersistenceException("the request carries no user id") from None


class SqliteAdapter(AbstractPersistenceAdapter):
    """Keeps each person's record as one JSON row in an SQLite file: the local store.

    Each call opens the file, runs one statement in one transaction and closes it, so a record is
    written whole or not at all, and several processes (the console, the web server) can share
    the file. A file locked for longer than ``timeout`` seconds, or one that cannot be created or
    written, raises PersistenceException, as any ASK persistence adapter does.
    """

    def __init__(self, path: str | os.PathLike, timeout: float = SQLITE_TIMEOUT_SECONDS):
        from pathlib import Path  # not at import: pathlib costs every Lambda cold start

        self.path = Path(path)
        self.timeout = timeout
        self._table_ready = False

    def get_attributes(self, request_envelope) -> dict:
        row = self._run("SELECT attributes FROM people WHERE id = ?", user_key(request_envelope))
        return json.loads(row[0]) if row else {}

    def save_attributes(self, request_envelope, attributes: dict) -> None:
        self._run(
            "INSERT INTO people (id, attributes) VALUES (?, ?)"
            " ON CONFLICT (id) DO UPDATE SET attributes = excluded.attributes",
            user_key(request_envelope),
            json.dumps(attributes),
        )

    def delete_attributes(self, request_envelope) -> None:
        self._run("DELETE FROM people WHERE id = ?", user_key(request_envelope))

    def _run(self, statement: str, *parameters: str) -> tuple | None:
        import sqlite3

        try:
            if not self._table_ready:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=self.timeout)
            try:
                with connection:  # one transaction: committed whole, or rolled back
                    if not self._table_ready:
                        connection.execute(
                            "CREATE TABLE IF NOT EXISTS people"
                            " (id TEXT PRIMARY KEY, attributes TEXT NOT NULL)"
                        )
                    row = connection.execute(statement, parameters).fetchone()
            finally:
                connection.close()
        except (sqlite3.Error, OSError) as error:
            self._table_ready = False
            raise PersistenceException(f"SQLite store {self.path}: {error}") from error
        self._table_ready = True
        return row


class DynamoDbStore(AbstractPersistenceAdapter):
    """ask-sdk-dynamodb-persistence-adapter on an existing table, keyed by user id ("id").

    The adapter is built when the store is first used, not when the skill is: importing boto3
    and building its resource takes about 300 ms, and a Lambda whose first request is a cramp
    never waits for that (relief turns never touch the store).
    """

    def __init__(self, table_name: str):
        self.table_name = table_name
        self._adapter = None
        self._building = threading.Lock()

    @property
    def adapter(self) -> AbstractPersistenceAdapter:
        with self._building:
            if self._adapter is None:
                # The adapter module builds a default boto3 resource when imported: that needs a
                # region, which Lambda always sets (AWS_REGION, AWS_DEFAULT_REGION).
                import boto3
                from ask_sdk_dynamodb.adapter import DynamoDbAdapter
                from botocore.config import Config

                resource = boto3.resource("dynamodb", config=Config(**DYNAMODB_CLIENT_CONFIG))
                self._adapter = DynamoDbAdapter(
                    table_name=self.table_name, create_table=False, dynamodb_resource=resource
                )
            return self._adapter

    def get_attributes(self, request_envelope) -> dict:
        return self.adapter.get_attributes(request_envelope)

    def save_attributes(self, request_envelope, attributes: dict) -> None:
        self.adapter.save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope) -> None:
        self.adapter.delete_attributes(request_envelope)


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

    Reading and writing are background work for a nicer next session: when they fail (a missing
    table, throttling, a timeout, a locked or unwritable file, a stored record that is not a
    mapping), the failure is logged and reported as a result, None or False, so the interceptors
    leave the store alone for the rest of the session and never write over a record they could
    not read. Deleting is what the person
    asked for, so a failed delete is logged and raised as PersistenceException: the handler then
    tells them it did not work, rather than pretend it did.
    """

    def __init__(self, store: AbstractPersistenceAdapter):
        self.store = store

    def get_attributes(self, request_envelope) -> dict | None:
        try:
            record = _plain(self.store.get_attributes(request_envelope))
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
            self.store.save_attributes(request_envelope, attributes)
        except Exception:
            log.warning("could not store the record; keeping nothing more", exc_info=True)
            return False
        return True

    def delete_attributes(self, request_envelope) -> None:
        try:
            self.store.delete_attributes(request_envelope)
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
    end), which is also the first that can use what is remembered. Notes for KeepWhatChanged,
    in the request's attributes, whether this request is a relief step and how long the read took.
    """

    def __init__(self, memory: Forgiving):
        self.memory = memory

    def process(self, handler_input: HandlerInput) -> None:
        if handler_input.request_envelope.session is None:
            return
        attributes = handler_input.attributes_manager.session_attributes
        conversation = Conversation.from_attributes(attributes)
        relief = answered_with_relief(handler_input, conversation)
        notes = handler_input.attributes_manager.request_attributes
        notes[RELIEF_TURN] = relief
        if not conversation.memory_unread or relief or _is_intent(handler_input, NO_READ_INTENTS):
            return
        started = clock()
        record = self.memory.get_attributes(handler_input.request_envelope)
        notes[READ_SECONDS] = clock() - started
        if record is None:
            conversation.stop_keeping()
        else:
            conversation.recall(record)
        conversation.save_to(attributes)


def _is_intent(handler_input: HandlerInput, names: tuple[str, ...]) -> bool:
    return (
        is_request_type("IntentRequest")(handler_input)
        and handler_input.request_envelope.request.intent.name in names
    )


def answered_with_relief(handler_input: HandlerInput, conversation: Conversation) -> bool:
    """Whether this request gets a relief step (see skill/handlers.py) rather than anything else."""
    if not is_request_type("IntentRequest")(handler_input):
        return False
    intent = handler_input.request_envelope.request.intent.name
    if intent in RELIEF_INTENTS:
        return True
    if intent == "AMAZON.YesIntent" and conversation.question == ASKED_CRAMP_NOW:
        return True  # "are you having a cramp now?" "yes": the relief steps start
    if not conversation.in_relief:
        return False
    ends_relief = intent == "CrampGoneIntent" or (
        intent == "AMAZON.YesIntent" and conversation.question == ASKED_IS_IT_GONE
    )
    return not ends_relief


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
        if envelope.session is None:
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
        if self.memory.save_attributes(envelope, record):
            conversation.kept_as(record)
        else:
            conversation.stop_keeping()
        conversation.save_to(attributes)


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
