"""An imitation of Alexa's Reminders REST API, served over HTTPS on 127.0.0.1, for tests only.

It answers the calls the skill makes the way the Alexa Reminders API reference describes them:

    POST   /v1/alerts/reminders                       201, {alertToken, createdTime, ... status: ON}
    GET    /v1/alerts/reminders                       200, {totalCount, alerts: [...], links}
    PUT    /v1/alerts/reminders/{alertToken}          200, as POST; 404 for an unknown token
    DELETE /v1/alerts/reminders/{alertToken}          200, empty; 404 for an unknown token
    GET    /v2/devices/{deviceId}/settings/System.timeZone   200, "America/New_York"

Each person is their bearer token: a token the server was not given is refused with 401, as an
access token without the reminders permission is. A reminder the skill sends is checked as the
service checks it (a local time without an offset, a daily recurrence rule, spoken text in a
locale) and refused with 400 otherwise. The server can be told to answer a call with an error
(401, 403, 429, 5xx) or to answer slowly, and it keeps every call it was made.

The certificate is issued for 127.0.0.1 by a certificate authority made for the run; a test
trusts it through REQUESTS_CA_BUNDLE, the way ``requests`` (inside the SDK's DefaultApiClient)
is told to trust a private authority. Nothing in the skill is changed or mocked.
"""

import json
import re
import ssl
import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from ipaddress import IPv4Address
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

REMINDERS = "/v1/alerts/reminders"
TIME_ZONE = re.compile(r"/v2/devices/([^/]+)/settings/System\.timeZone")
LOCAL_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?")
DAILY_RULE = re.compile(r"FREQ=DAILY;BYHOUR=\d{1,2};BYMINUTE=\d{1,2};BYSECOND=0;INTERVAL=1;")
# The error bodies the service sends with each status (the skill reads only the status).
ERRORS = {
    400: "INVALID_REQUEST",
    401: "UNAUTHORIZED",
    403: "DEVICE_NOT_SUPPORTED",
    404: "NOT_FOUND",
    429: "RATE_EXCEEDED",
    500: "INTERNAL_SERVER_ERROR",
    503: "SERVICE_UNAVAILABLE",
}


@dataclass
class Call:
    method: str
    path: str
    token: str
    body: dict | None


@dataclass
class RemindersApi:
    """The server's state: what each person (bearer token) has, and what it was asked."""

    url: str = ""
    time_zone: str = "America/New_York"
    tokens: set[str] = field(default_factory=set)
    reminders: dict[str, dict[str, dict]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    # (method or None for any, path prefix) -> statuses to answer with, one per call, in order.
    failures: list[tuple[str | None, str, int]] = field(default_factory=list)
    delay_seconds: float = 0.0
    stopping: threading.Event = field(default_factory=threading.Event)

    def reset(self) -> None:
        """Nobody known, nothing kept, nothing failing: as new, for the next test."""
        self.tokens.clear()
        self.reminders.clear()
        self.calls.clear()
        self.failures.clear()
        self.delay_seconds = 0.0
        self.time_zone = "America/New_York"

    def person(self, token: str) -> dict[str, dict]:
        """The reminders of the person with this token (made known to the server)."""
        self.tokens.add(token)
        return self.reminders.setdefault(token, {})

    def fail_next(self, status: int, method: str | None = None, path: str = "/") -> None:
        """Answer the next call of ``method`` (any, if None) under ``path`` with ``status``."""
        self.failures.append((method, path, status))

    def add_daily(self, token: str, hour: int, minute: int, text: str = "Time to stretch."):
        """A daily reminder the person already has, as if the skill had set it earlier."""
        start = f"2026-01-01T{hour:02d}:{minute:02d}:00.000"
        return self._store(
            token,
            {
                "requestTime": "2026-01-01T08:00:00.000",
                "trigger": {
                    "type": "SCHEDULED_ABSOLUTE",
                    "scheduledTime": start,
                    "recurrence": {
                        "startDateTime": start,
                        "recurrenceRules": [
                            f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1;"
                        ],
                    },
                },
                "alertInfo": {"spokenInfo": {"content": [{"locale": "en-US", "text": text}]}},
                "pushNotification": {"status": "ENABLED"},
            },
        )

    def calls_to(self, method: str, path: str = REMINDERS) -> list[Call]:
        return [call for call in self.calls if call.method == method and call.path == path]

    def _store(self, token: str, body: dict, alert_token: str | None = None) -> dict:
        now = _now()
        alert_token = alert_token or str(uuid.uuid4())
        kept = self.person(token)
        created = kept.get(alert_token, {}).get("createdTime", now)
        kept[alert_token] = {
            "alertToken": alert_token,
            "createdTime": created,
            "updatedTime": now,
            "trigger": body["trigger"],
            "status": "ON",
            "alertInfo": body["alertInfo"],
            "pushNotification": body.get("pushNotification", {"status": "ENABLED"}),
            "version": "1",
        }
        return {
            "alertToken": alert_token,
            "createdTime": created,
            "updatedTime": now,
            "status": "ON",
            "version": "1",
            "href": f"{REMINDERS}/{alert_token}",
        }

    def _failure(self, method: str, path: str) -> int | None:
        for index, (failing_method, prefix, status) in enumerate(self.failures):
            if failing_method in (None, method) and path.startswith(prefix):
                del self.failures[index]
                return status
        return None

    def answer(self, method: str, path: str, token: str, body: dict | None) -> tuple[int, object]:
        """(status, JSON body or None) for one call."""
        self.calls.append(Call(method, path, token, body))
        failing = self._failure(method, path)
        if failing:
            return failing, _error(failing)
        if token not in self.tokens:
            return 401, _error(401)
        if method == "GET" and TIME_ZONE.fullmatch(path):
            return 200, self.time_zone
        kept = self.person(token)
        if path == REMINDERS and method == "GET":
            alerts = list(kept.values())
            return 200, {"totalCount": str(len(alerts)), "alerts": alerts, "links": None}
        if path == REMINDERS and method == "POST":
            problem = invalid(body)
            return (400, _error(400, problem)) if problem else (201, self._store(token, body))
        alert_token = path.removeprefix(REMINDERS + "/")
        if not path.startswith(REMINDERS + "/") or alert_token not in kept:
            return 404, _error(404)
        if method == "PUT":
            problem = invalid(body)
            return (
                (400, _error(400, problem))
                if problem
                else (200, self._store(token, body, alert_token))
            )
        if method == "DELETE":
            del kept[alert_token]
            return 200, None
        return 404, _error(404)


def invalid(body: dict | None) -> str:
    """Why the service would refuse this reminder, or "" if it takes it."""
    try:
        trigger = body["trigger"]
        if trigger["type"] != "SCHEDULED_ABSOLUTE":
            return "only absolute reminders are expected"
        for when in (body["requestTime"], trigger["scheduledTime"]):
            if not LOCAL_TIME.fullmatch(when):
                return f"not a local ISO 8601 time without an offset: {when}"
        recurrence = trigger["recurrence"]
        if not LOCAL_TIME.fullmatch(recurrence["startDateTime"]):
            return "INVALID_RECURRENCE_START"
        if not all(DAILY_RULE.fullmatch(rule) for rule in recurrence["recurrenceRules"]):
            return "INVALID_RECURRENCE_RULE"
        zone = trigger.get("timeZoneId")
        if zone is not None and not re.fullmatch(r"[A-Za-z_]+/[A-Za-z_/]+", zone):
            return "INVALID_TIME_ZONE"
        content = body["alertInfo"]["spokenInfo"]["content"]
        if not content or not all(text["locale"] and text["text"] for text in content):
            return "INVALID_ALERT_INFO"
        if body["pushNotification"]["status"] not in ("ENABLED", "DISABLED"):
            return "INVALID_PUSH_NOTIFICATION"
    except (KeyError, TypeError):
        return "a required field is missing"
    return ""


def _error(status: int, message: str = "") -> dict:
    return {"code": ERRORS.get(status, "ERROR"), "message": message or ERRORS.get(status, "")}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


class _Handler(BaseHTTPRequestHandler):
    api: RemindersApi

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
        status, answer = self.api.answer(self.command, self.path, token, body)
        if self.api.delay_seconds:
            self.api.stopping.wait(self.api.delay_seconds)
        payload = b"" if answer is None else json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format, *args):  # quiet: the calls are kept in api.calls
        pass


def _key_usage(signs_certificates: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=not signs_certificates,
        key_cert_sign=signs_certificates,
        crl_sign=signs_certificates,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        encipher_only=False,
        decipher_only=False,
    )


def certificate_files(directory: Path) -> tuple[Path, Path, Path]:
    """(authority PEM, server certificate PEM, server key PEM) for 127.0.0.1, made now, with
    the extensions Python 3.13's strict verification asks for (key identifiers, key usage)."""
    now = datetime.now(UTC)

    def name(common_name: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    authority_key = ec.generate_private_key(ec.SECP256R1())
    authority = (
        x509.CertificateBuilder()
        .subject_name(name("Cramp Coach Test Reminders Root"))
        .issuer_name(name("Cramp Coach Test Reminders Root"))
        .public_key(authority_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(signs_certificates=True), critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(authority_key.public_key()), critical=False
        )
        .sign(authority_key, hashes.SHA256())
    )
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(name("127.0.0.1"))
        .issuer_name(authority.subject)
        .public_key(server_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(signs_certificates=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(server_key.public_key()), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(authority_key.public_key()),
            critical=False,
        )
        .sign(authority_key, hashes.SHA256())
    )
    files = (directory / "authority.pem", directory / "server.pem", directory / "server-key.pem")
    files[0].write_bytes(authority.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(server.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(
        server_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


class Served:
    """The imitation, listening on 127.0.0.1 over HTTPS until ``stop``."""

    def __init__(self, directory: Path):
        self.authority, certificate, key = certificate_files(directory)
        self.api = RemindersApi()
        handler = type("Handler", (_Handler,), {"api": self.api})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(certificate, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.api.url = f"https://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.api.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
