"""The host's side of the extension wire protocol, for tests that speak it directly.

``ExtensionProcess`` starts an extension as a subprocess and exchanges framed
JSON-RPC messages with it. Its frame reader is written independently of the
SDK's and is strict (``\\r\\n`` line ends, exactly one Content-Length), so the
SDK's output is checked by something other than itself. Every wait has a
timeout that only guards against a hang; nothing sleeps.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from typing import Any, Optional

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SDK_DIR = os.path.join(REPO_ROOT, "extensions", "sdk", "python")
GUARD = 10.0  # seconds: longer than anything should take; reached only when something is broken


class ProtocolViolation(AssertionError):
    pass


def frame(message: Any) -> bytes:
    body = json.dumps(message).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class ExtensionProcess:
    """An extension under test; use as a context manager (kills it on exit)."""

    def __init__(self, argv: list[str], cwd: str, env: Optional[dict] = None):
        self._stderr = tempfile.TemporaryFile()
        child_env = dict(os.environ if env is None else env)
        child_env["PYTHONDONTWRITEBYTECODE"] = "1"
        self.proc = subprocess.Popen(argv, cwd=cwd, env=child_env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=self._stderr)
        self._messages: "queue.Queue[Any]" = queue.Queue()
        self._next_id = 1000
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def __enter__(self) -> "ExtensionProcess":
        return self

    def __exit__(self, *exc: object) -> None:
        self.kill()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdin, self.proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
        self._stderr.close()

    # -- sending -------------------------------------------------------------

    def send_raw(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message: Any) -> None:
        self.send_raw(frame(message))

    def request(self, method: str, params: Any = None, request_id: Any = None) -> Any:
        """Sends a request; returns its id."""
        if request_id is None:
            self._next_id += 1
            request_id = self._next_id
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return request_id

    def notify(self, method: str, params: Any = None) -> None:
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    def respond(self, request_id: Any, result: Any = None, error: Optional[dict] = None) -> None:
        message = {"jsonrpc": "2.0", "id": request_id}
        if error is not None:
            message["error"] = error
        else:
            message["result"] = result
        self.send(message)

    def close_stdin(self) -> None:
        self.proc.stdin.close()

    # -- receiving -----------------------------------------------------------

    def receive(self, timeout: float = GUARD) -> dict:
        """The next message from the extension."""
        try:
            item = self._messages.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no message from the extension within {timeout} s; stderr:\n{self.stderr()}")
        if isinstance(item, Exception):
            raise item
        if item is None:
            raise AssertionError(f"the extension closed stdout; stderr:\n{self.stderr()}")
        return item

    def response(self, request_id: Any, timeout: float = GUARD) -> dict:
        """The next message, which must be the response to ``request_id``."""
        message = self.receive(timeout)
        if message.get("id") != request_id or "method" in message:
            raise AssertionError(f"expected the response to {request_id!r}, got {message}")
        return message

    def result(self, request_id: Any, timeout: float = GUARD) -> Any:
        message = self.response(request_id, timeout)
        if "error" in message:
            raise AssertionError(f"request {request_id!r} failed: {message['error']}")
        return message["result"]

    def initialize(self, settings: Optional[dict] = None, workspace: Optional[dict] = None,
                   position_encoding: str = "utf-16") -> Any:
        request_id = self.request("initialize", {
            "protocolVersion": 1,
            "host": {"name": "tacit", "version": "test"},
            "workspace": workspace or {"root": os.getcwd()},
            "positionEncoding": position_encoding,
            "settings": settings or {},
        })
        result = self.result(request_id)
        self.notify("initialized", {})
        return result

    def shutdown_and_exit(self, timeout: float = GUARD) -> int:
        """shutdown (answered with null), exit; returns the exit status."""
        request_id = self.request("shutdown")
        message = self.receive(timeout)
        while "method" in message:  # notifications sent while flushing
            message = self.receive(timeout)
        if message.get("id") != request_id or message.get("result", "missing") is not None:
            raise AssertionError(f"expected null for shutdown, got {message}")
        self.notify("exit")
        return self.wait(timeout)

    def wait(self, timeout: float = GUARD) -> int:
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the extension did not exit within {timeout} s; stderr:\n{self.stderr()}")

    def stderr(self) -> str:
        """What the extension wrote on stderr so far."""
        if self._stderr.closed:
            return ""
        self._stderr.flush()
        position = self._stderr.tell()
        self._stderr.seek(0)
        data = self._stderr.read()
        self._stderr.seek(position)
        return data.decode("utf-8", "replace")

    def _read(self) -> None:
        stream = self.proc.stdout
        try:
            while True:
                line = stream.readline()
                if not line:
                    self._messages.put(None)
                    return
                if not line.startswith(b"Content-Length: ") or not line.endswith(b"\r\n"):
                    raise ProtocolViolation(f"not a Content-Length header line: {line!r}")
                length = int(line[len(b"Content-Length: "):-2])
                if stream.readline() != b"\r\n":
                    raise ProtocolViolation("the header is not followed by an empty line")
                body = stream.read(length)
                if len(body) != length:
                    raise ProtocolViolation(f"a body of {len(body)} bytes where {length} were announced")
                message = json.loads(body.decode("utf-8"))
                if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
                    raise ProtocolViolation(f"not a JSON-RPC 2.0 message: {message!r}")
                self._messages.put(message)
        except Exception as error:  # noqa: BLE001 -- handed to the test thread
            self._messages.put(error if isinstance(error, AssertionError) else ProtocolViolation(repr(error)))


def python_extension(script: str, cwd: Optional[str] = None, env: Optional[dict] = None) -> ExtensionProcess:
    """Starts ``python3 script`` the way the host does: from the script's folder."""
    folder = cwd or os.path.dirname(os.path.abspath(script))
    return ExtensionProcess([sys.executable, os.path.abspath(script)], cwd=folder, env=env)

