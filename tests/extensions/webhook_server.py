"""A real HTTP server on 127.0.0.1 that stands in for a chat's incoming webhook.

It records every POST (path, headers, body) before answering, and answers
with the statuses it is given, in turn (the last one repeats). Tests wait for
posts with ``wait_for(n)``, which returns as soon as the n-th is recorded.
Also here: a port where nothing listens, and a server that accepts
connections and never answers.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

GUARD = 10.0


@dataclass
class Post:
    path: str
    content_type: str
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self) -> str:
        return self.json()["text"]


class WebhookServer:
    """Use as a context manager; ``url`` is the webhook's address."""

    def __init__(self, statuses: tuple[int, ...] = (200,), retry_after: Optional[str] = None):
        self._statuses = list(statuses)
        self._retry_after = retry_after
        self._condition = threading.Condition()
        self.posts: list[Post] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 -- http.server's naming
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = server._record(Post(self.path, self.headers.get("Content-Type", ""), body))
                self.send_response(status)
                if status == 429 and server._retry_after is not None:
                    self.send_header("Retry-After", server._retry_after)
                reply = b"ok" if status < 400 else b"error"
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> "WebhookServer":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def _record(self, post: Post) -> int:
        with self._condition:
            self.posts.append(post)
            status = self._statuses[min(len(self.posts), len(self._statuses)) - 1]
            self._condition.notify_all()
            return status

    def wait_for(self, count: int, timeout: float = GUARD) -> list[Post]:
        """Returns once ``count`` posts are recorded (fails after ``timeout``)."""
        with self._condition:
            if not self._condition.wait_for(lambda: len(self.posts) >= count, timeout):
                raise AssertionError(f"expected {count} post(s) within {timeout} s, got {len(self.posts)}: "
                                     f"{[p.body for p in self.posts]}")
            return list(self.posts)

    def count(self) -> int:
        with self._condition:
            return len(self.posts)


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hook"


class SilentServer:
    """Accepts connections (the kernel's backlog does) and never answers."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}/hook"

    def __enter__(self) -> "SilentServer":
        return self

    def __exit__(self, *exc: object) -> None:
        self._sock.close()
