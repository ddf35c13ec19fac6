"""bench/lean_http.py: the load generator's HTTP client writes requests the
gateway understands and reads answers by Content-Length, on one kept-alive
connection, opening a new one after the server closes it."""
import socket
import threading

import pytest

from bench.lean_http import LeanHttp, parse_head, request_bytes


def test_a_request_carries_the_token_the_key_and_its_length():
    raw = request_bytes(b"127.0.0.1:8000", "POST", "/api/v1/classes/c1/bookings",
                        token="tok", key="k1")
    head, _, payload = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /api/v1/classes/c1/bookings HTTP/1.1"
    assert b"Host: 127.0.0.1:8000" in lines and b"Content-Length: 0" in lines
    assert b"Authorization: Bearer tok" in lines and b"Idempotency-Key: k1" in lines
    assert payload == b""
    with_body = request_bytes(b"h:1", "POST", "/x", body={"a": 1})
    assert with_body.endswith(b'\r\n\r\n{"a": 1}') and b"Content-Length: 8" in with_body
    assert b"Authorization" not in with_body and b"Idempotency-Key" not in with_body


def test_the_head_gives_the_status_and_lower_case_headers():
    status, headers = parse_head(b"HTTP/1.1 409 CONFLICT\r\nContent-Length: 12\r\n"
                                 b"Connection: Close\r\nX-Request-Id: a")
    assert status == 409
    assert headers[b"content-length"] == b"12" and headers[b"connection"] == b"close"


def answer(status, body, close=False):
    return (b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
            b"%s\r\n" % (status, len(body), b"Connection: close\r\n" if close else b"")
            + body)


class CannedServer(threading.Thread):
    """Answers each request on a connection with the next canned answer
    (split in two writes, as a slow server might), then closes if told to."""

    def __init__(self, answers):
        super().__init__(daemon=True)
        self.answers = list(answers)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.connections = 0

    @property
    def url(self):
        return "http://127.0.0.1:{}".format(self.listener.getsockname()[1])

    def run(self):
        while self.answers:
            conn, _ = self.listener.accept()
            self.connections += 1
            with conn:
                while self.answers:
                    request = b""
                    while b"\r\n\r\n" not in request:
                        request += conn.recv(65536)
                    reply = self.answers.pop(0)
                    conn.sendall(reply[:20])
                    conn.sendall(reply[20:])
                    if b"Connection: close" in reply:
                        break


def test_answers_are_read_on_one_connection_until_the_server_closes_it():
    server = CannedServer([answer(201, b'{"status": "booked"}'),
                           answer(409, b'{"error": "CLASS_FULL"}', close=True),
                           answer(409, b'{"error": "ALREADY_BOOKED"}')])
    server.start()
    http = LeanHttp(server.url, timeout=5)
    try:
        assert http.call("POST", "/b", token="t") == (201, {"status": "booked"})
        assert http.call("POST", "/b", token="t") == (409, {"error": "CLASS_FULL"})
        assert http.sock is None  # closed as the server said
        assert http.call("POST", "/b", token="t", key="k") == (
            409, {"error": "ALREADY_BOOKED"})
    finally:
        http.close()
    server.join(5)
    assert server.connections == 2


def test_an_answer_without_content_length_is_an_error_not_a_guess():
    server = CannedServer([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"])
    server.start()
    http = LeanHttp(server.url, timeout=5)
    try:
        with pytest.raises(ValueError, match="Content-Length"):
            http.call("GET", "/x")
    finally:
        http.close()
