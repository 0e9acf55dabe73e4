"""Request bodies above ``PINPOINT_MAX_BODY_BYTES`` answer 413 without being read.

In process, the app is driven through raw ASGI calls so the test sees every ``receive``:
a too-large ``Content-Length`` is refused before any byte is read (and before the token
check), and a chunked body is cut off as soon as it passes the limit. Against a real
uvicorn, both answers arrive while the client is still sending, and the server closes.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from starlette.types import Message

from pinpoint.config import Settings
from pinpoint.web.app import create_app
from tests.browser.conftest import serve_app

pytestmark = pytest.mark.backends("sqlite")  # the limit acts before any database work

LIMIT = 64 * 1024
CHUNK = 16 * 1024
HTML = {"accept": "text/html"}


@pytest.fixture
def app(db_settings: Settings) -> FastAPI:
    return create_app(db_settings.model_copy(update={"max_body_bytes": LIMIT}))


class Exchange:
    """One raw ASGI request: the body offered in chunks, what was read, what was sent."""

    def __init__(self, headers: list[tuple[bytes, bytes]], chunks: int) -> None:
        self.headers = headers
        self.chunks = chunks
        self.read = 0
        self.sent: list[Message] = []

    async def receive(self) -> dict[str, Any]:
        if self.read >= self.chunks:
            await asyncio.sleep(3600)  # a client that never finishes
        self.read += 1
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": True}

    async def send(self, message: Message) -> None:
        self.sent.append(message)

    def run(self, app: FastAPI, path: str = "/api/v1/patients") -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(b"host", b"testserver"), *self.headers],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        exchange = asyncio.wait_for(app(scope, self.receive, self.send), timeout=10)
        # A thread of its own: another test's browser may keep an event loop running here.
        with ThreadPoolExecutor(max_workers=1) as thread:
            thread.submit(asyncio.run, exchange).result()

    @property
    def status(self) -> int:
        return int(self.sent[0]["status"])

    @property
    def response_headers(self) -> dict[bytes, bytes]:
        return dict(self.sent[0]["headers"])

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent[1:])


JSON = (b"content-type", b"application/json")


def test_a_large_content_length_is_refused_before_reading(app: FastAPI) -> None:
    exchange = Exchange([JSON, (b"content-length", b"104857600")], chunks=6400)
    exchange.run(app)
    assert exchange.status == 413  # not 401: refused before the token check
    assert exchange.read == 0, "no byte of the body was read"
    assert exchange.response_headers[b"connection"] == b"close"
    assert exchange.response_headers[b"content-type"] == b"application/json"
    assert b'"code":"too_large"' in exchange.body
    assert f"at most {LIMIT} bytes".encode() in exchange.body


def test_a_chunked_body_is_cut_off_once_past_the_limit(app: FastAPI) -> None:
    exchange = Exchange([JSON, (b"transfer-encoding", b"chunked")], chunks=6400)
    exchange.run(app)
    assert exchange.status == 413
    assert exchange.read == LIMIT // CHUNK + 1, "reading stopped at the chunk past the limit"
    assert exchange.response_headers[b"connection"] == b"close"
    assert b'"code":"too_large"' in exchange.body
    assert b'"loc":["body"]' in exchange.body


def test_a_chunked_form_post_of_a_page_is_cut_off_too(app: FastAPI) -> None:
    form = (b"content-type", b"application/x-www-form-urlencoded")
    exchange = Exchange([form, (b"transfer-encoding", b"chunked")], chunks=6400)
    exchange.run(app, "/login")
    assert exchange.status == 413
    assert exchange.read == LIMIT // CHUNK + 1


def test_the_error_names_the_problem_in_the_usual_shape(app: FastAPI) -> None:
    answer = TestClient(app).post("/api/v1/patients", content=b"{" + b" " * LIMIT + b"}")
    assert answer.status_code == 413
    error = answer.json()["error"]
    assert error == {
        "code": "too_large",
        "message": f"request body too large: this server accepts at most {LIMIT} bytes",
        "field": None,
    }
    assert answer.json()["detail"][0]["loc"] == ["body"]


def test_a_browser_gets_the_error_page(app: FastAPI) -> None:
    answer = TestClient(app).post("/login", content=b"x" * (LIMIT + 1), headers=HTML)
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "request body too large" in answer.text


def test_a_body_at_the_limit_goes_through(app: FastAPI) -> None:
    answer = TestClient(app).post("/api/v1/patients", content=b"x" * LIMIT)
    assert answer.status_code == 401  # reached the route, which wants a token first


def test_the_limit_is_a_setting_with_a_sane_floor(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().max_body_bytes == 1024 * 1024
    monkeypatch.setenv("PINPOINT_MAX_BODY_BYTES", "2048")
    assert Settings().max_body_bytes == 2048
    monkeypatch.setenv("PINPOINT_MAX_BODY_BYTES", "10")
    with pytest.raises(ValidationError, match="max_body_bytes"):
        Settings()


# Against a real server: the answer arrives while the client is still sending.


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """uvicorn on 127.0.0.1 with a 64 KiB limit (the browser tests' harness); its port."""
    data = tmp_path_factory.mktemp("limit-server")
    with serve_app(data, {"PINPOINT_MAX_BODY_BYTES": str(LIMIT)}) as url:
        yield int(url.rsplit(":", 1)[1])


def _answer(sock: socket.socket) -> tuple[bytes, bool]:
    """The response bytes, and whether the server then closed the connection."""
    sock.settimeout(5)
    received = b""
    while True:
        try:
            part = sock.recv(65536)
        except ConnectionResetError:
            return received, True
        if not part:
            return received, True
        received += part
        if b"\r\n\r\n" in received and received.endswith(b"}"):
            sock.settimeout(5)
            try:
                return received, sock.recv(1) == b""
            except ConnectionResetError:  # closed with our unread bytes in its buffer
                return received, True
            except TimeoutError:
                return received, False


def test_a_real_server_answers_a_100_mb_declaration_at_once(server: int) -> None:
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(
            b"POST /api/v1/patients HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n" + b"x" * 1000
        )
        answer, closed = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"too_large" in answer
    assert closed, "the server stops taking the rest"


def test_a_real_server_cuts_a_chunked_stream_off(server: int) -> None:
    chunk = b"%x\r\n" % CHUNK + b"x" * CHUNK + b"\r\n"
    with socket.create_connection(("127.0.0.1", server)) as sock:
        sock.sendall(
            b"POST /api/v1/patients HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        )
        try:
            for _ in range(LIMIT // CHUNK + 2):  # past the limit; the stream never ends
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server already answered and closed
        answer, closed = _answer(sock)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"too_large" in answer
    assert closed
