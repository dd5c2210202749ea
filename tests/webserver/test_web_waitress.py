"""The app under a real waitress server on 127.0.0.1, wired as ``python -m webserver`` wires it."""

import http.client
import json
import socket
import threading
import urllib.request

import pytest
from web_helpers import body_of, launch

from webserver.__main__ import WAITRESS_MAX_BODY_BYTES, make_server
from webserver.app import MAX_BODY_BYTES, Settings, create_app


@pytest.fixture
def served(authority, chains):
    """(port, a signing certificate): a waitress server on a free port, stopped after the test."""
    settings = Settings(port=0, threads=2)
    app = create_app(settings, signature_verifier=authority.verifier(chains))
    server = make_server(app, settings)
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    try:
        yield server.effective_port
    finally:
        # Closed from its own loop thread (the trigger runs it there), so that the loop never
        # polls a socket another thread is closing; the loop then ends by itself.
        server.trigger.pull_trigger(server.close)
        runner.join(timeout=10)
        server.task_dispatcher.shutdown()
    assert not runner.is_alive()


def post(port: int, body: bytes, headers: dict) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", "/", body=body, headers={**headers, "Connection": "close"})
        reply = connection.getresponse()
        return reply.status, reply.getheader("Content-Type", ""), reply.read()
    finally:
        connection.close()


def test_the_app_caps_bodies_below_waitress():
    assert WAITRESS_MAX_BODY_BYTES >= 2 * MAX_BODY_BYTES


def test_an_oversized_body_gets_the_apps_json_413_and_the_server_keeps_serving(
    served, alexa_certificate
):
    oversized = b'"' + b"a" * (MAX_BODY_BYTES + 10) + b'"'
    status, content_type, data = post(served, oversized, {"Content-Type": "application/json"})
    assert status == 413
    assert content_type == "application/json"
    assert json.loads(data) == {"error": "the body is over 128 KB"}

    body = body_of(launch())
    status, _, data = post(served, body, alexa_certificate.headers(body))
    assert status == 200
    assert json.loads(data)["response"]["outputSpeech"]["type"] == "SSML"


def test_idle_keep_alive_connections_do_not_stop_the_server_answering(served, alexa_certificate):
    """waitress's default limit, 100 connections, counted idle ones: the 101st waited forever."""
    idle = [socket.create_connection(("127.0.0.1", served), timeout=10) for _ in range(110)]
    try:
        idle[0].sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")  # slow
        with urllib.request.urlopen(f"http://127.0.0.1:{served}/healthz", timeout=10) as reply:
            assert json.load(reply) == {"status": "ok"}
        body = body_of(launch())
        status, _, _ = post(served, body, alexa_certificate.headers(body))
        assert status == 200
    finally:
        for connection in idle:
            connection.close()
