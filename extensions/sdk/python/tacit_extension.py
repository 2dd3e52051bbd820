"""Write Tacit extensions in Python (wire protocol version 1).

A Tacit extension is a program the host starts and talks to over its stdin and
stdout: JSON-RPC 2.0 messages framed as in LSP (``Content-Length: N`` then N
bytes of UTF-8 JSON). docs/extensions.md is the contract; this module speaks the
protocol so that an extension is only its handlers::

    from tacit_extension import Extension

    ext = Extension()

    @ext.notification("thread/created")
    def created(params):
        thread = params["thread"]
        ext.call("store/assign", {"id": thread["id"], "assignees": ["ana@example.com"]})

    @ext.request("workspace/executeCommand")
    def execute(params):
        return {"ok": True}

    ext.run()

How it runs
    ``run()`` starts a reader thread that parses frames from stdin. Answers to
    the extension's own ``call()``s are handed straight to the waiting caller;
    requests and notifications from the host are queued for the dispatcher,
    which is the thread that called ``run()``. Handlers therefore run one at a
    time, in the order the host sent them, and a handler may ``call()`` the
    host without deadlock (the answer does not wait behind the handler). A
    handler that blocks delays every later message: the host gives each
    request ``extensionTimeoutMs`` (2 s by default) before it kills and
    restarts the extension, so hand slow work (network, big files) to a thread.

Lifecycle (handled here)
    ``initialize`` fills ``ext.settings``, ``ext.workspace``, ``ext.host`` and
    ``ext.position_encoding`` and answers ``{name, version}`` from the
    ``tacit-extension.json`` next to the script. ``shutdown`` runs the hooks
    given to ``on_shutdown`` (to flush work) and then answers ``null``.
    ``exit`` ends the process with status 0, or 1 when no ``shutdown`` came
    first; so does the host closing stdin.

Errors
    A request handler that raises ``RpcError`` answers with that error; any
    other exception answers ``-32603`` with a one-line message (the traceback
    goes to stderr). An unknown request is answered ``-32601``; an unknown
    notification is ignored. A notification handler's exception is logged.

Output
    stdout belongs to the protocol. ``run()`` moves it aside: afterwards
    ``print()``, and anything a child process writes to fd 1, goes to stderr,
    which the host copies into Tacit's log. Child processes also get
    ``/dev/null`` as stdin, so they cannot swallow the host's messages.

Threads
    ``call()``, ``notify()``, ``show_message()``, ``log_message()`` and
    ``log()`` may be used from any thread. Threads you start should be daemon
    threads (``threading.Thread(..., daemon=True)``) so that ``exit`` is not
    held up by them.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import sys
import threading
import traceback
from typing import Any, Callable, NoReturn, Optional, Union

__all__ = [
    "PROTOCOL_VERSION",
    "ErrorCode",
    "MessageType",
    "RpcError",
    "CallTimeout",
    "ConnectionClosed",
    "FramingError",
    "FrameDecoder",
    "encode_frame",
    "Extension",
]

PROTOCOL_VERSION = 1

Json = Any
Handler = Callable[[Json], Json]


class ErrorCode:
    """JSON-RPC and LSP error codes used on the wire."""

    PARSE_ERROR = -32700
    INVALID_REQUEST = -32600
    METHOD_NOT_FOUND = -32601
    INVALID_PARAMS = -32602
    INTERNAL_ERROR = -32603
    SERVER_NOT_INITIALIZED = -32002
    REQUEST_CANCELLED = -32800
    STORE_REFUSED = -32803  # the host's store refused a write (docs/extensions.md)
    # Not sent on the wire: what call() raises when the host has gone away
    # (the implementation-defined range of JSON-RPC).
    CONNECTION_CLOSED = -32099


class MessageType:
    """``type`` of window/showMessage and window/logMessage."""

    ERROR = 1
    WARNING = 2
    INFO = 3
    LOG = 4


class RpcError(Exception):
    """A JSON-RPC error: raised by ``call()``, or by a handler to answer with it."""

    def __init__(self, code: int, message: str, data: Json = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def to_json(self) -> dict:
        error = {"code": self.code, "message": _one_line(self.message)}
        if self.data is not None:
            error["data"] = self.data
        return error

    def __str__(self) -> str:
        return f"{self.message} ({self.code})"


class CallTimeout(RpcError):
    """``call()`` got no answer within its timeout (the request was cancelled)."""

    def __init__(self, method: str, timeout: float):
        super().__init__(ErrorCode.REQUEST_CANCELLED, f"no answer to {method} within {timeout:g} s")


class ConnectionClosed(RpcError):
    """The host closed the connection before answering."""

    def __init__(self, method: str):
        super().__init__(ErrorCode.CONNECTION_CLOSED, f"the host closed the connection before answering {method}")


# ---------------------------------------------------------------------------
# Framing


class FramingError:
    """A part of the input that is not a well-formed frame (it is skipped)."""

    def __init__(self, message: str):
        self.message = message

    def __repr__(self) -> str:
        return f"FramingError({self.message!r})"


class FrameDecoder:
    """Splits a byte stream into message bodies (LSP base protocol framing).

    ``feed()`` takes bytes as they arrive, in pieces of any size, and returns
    the complete bodies found so far, in order, with a ``FramingError`` in
    place of anything malformed. Header lines may end in ``\\r\\n`` or ``\\n``;
    header names are case-insensitive; headers other than Content-Length
    (Content-Type) are ignored. After a malformed header block, parsing goes
    on with the next header block.
    """

    MAX_HEADER_LINE = 8 * 1024
    MAX_BODY = 64 * 1024 * 1024

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._body_length: Optional[int] = None  # set while reading a body
        self._in_headers = False
        self._content_length: Optional[int] = None
        self._header_problem: Optional[str] = None

    @property
    def mid_message(self) -> bool:
        """True when the bytes seen so far end inside a message."""
        return self._in_headers or self._body_length is not None or bool(self._buffer.strip())

    def feed(self, data: bytes) -> list[Union[bytes, FramingError]]:
        self._buffer += data
        out: list[Union[bytes, FramingError]] = []
        while True:
            if self._body_length is not None:
                if len(self._buffer) < self._body_length:
                    return out
                out.append(bytes(self._buffer[: self._body_length]))
                del self._buffer[: self._body_length]
                self._body_length = None
                continue

            newline = self._buffer.find(b"\n")
            if newline < 0:
                if len(self._buffer) > self.MAX_HEADER_LINE:
                    out.append(FramingError(f"a header line longer than {self.MAX_HEADER_LINE} bytes"))
                    self._buffer.clear()
                    self._reset_headers()
                return out
            line = bytes(self._buffer[:newline]).rstrip(b"\r")
            del self._buffer[: newline + 1]
            problem = self._header_line(line)
            if problem is not None:
                out.append(problem)

    def _header_line(self, line: bytes) -> Optional[FramingError]:
        if not line:
            if not self._in_headers:
                return None  # blank lines between messages are harmless
            length, problem = self._content_length, self._header_problem
            self._reset_headers()
            if problem is not None:
                return FramingError(problem)
            if length is None:
                return FramingError("a header block without Content-Length")
            self._body_length = length
            return None

        self._in_headers = True
        name, colon, value = line.partition(b":")
        if not colon:
            self._reset_headers()
            return FramingError(f"not a header line: {line[:60]!r}")
        if name.strip().lower() == b"content-length":
            text = value.strip()
            if not text.isdigit():
                self._header_problem = f"Content-Length is not a number: {text[:20]!r}"
            elif int(text) > self.MAX_BODY:
                self._header_problem = f"Content-Length {int(text)} is larger than {self.MAX_BODY}"
            else:
                self._content_length = int(text)
        return None

    def _reset_headers(self) -> None:
        self._in_headers = False
        self._content_length = None
        self._header_problem = None


def encode_frame(message: Json) -> bytes:
    """One framed message. Raises TypeError/ValueError if ``message`` is not JSON."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


# ---------------------------------------------------------------------------
# The extension


_RESERVED = {
    "initialize": "the SDK answers initialize; read ext.settings / ext.workspace, or handle 'initialized'",
    "shutdown": "the SDK answers shutdown; register a hook with ext.on_shutdown",
    "exit": "the SDK handles exit",
    "$/cancelRequest": "the SDK handles $/cancelRequest",
}

_EOF = object()  # queued by the reader when stdin ends


class _PendingCall:
    def __init__(self, method: str):
        self.method = method
        self.done = threading.Event()
        self.response: Optional[dict] = None
        self.error: Optional[RpcError] = None

    def settle(self, response: Optional[dict] = None, error: Optional[RpcError] = None) -> None:
        self.response, self.error = response, error
        self.done.set()


class Extension:
    """One extension: register handlers with the decorators, then ``run()``.

    Attributes filled from ``initialize`` (empty until then):
      settings           this extension's ``settings`` from the user configuration (dict)
      workspace          ``{"root": ..., "remoteUrl": ...}`` (dict)
      host               ``{"name": "tacit", "version": ...}`` (dict)
      position_encoding  ``"utf-16"`` unless the editor negotiated another
    From the manifest next to the script (``""`` without one):
      name, version
    """

    def __init__(self, manifest_path: Optional[str] = None):
        self.settings: dict = {}
        self.workspace: dict = {}
        self.host: dict = {}
        self.position_encoding = "utf-16"
        # The host's bound on every call into us, shutdown included (seconds).
        self.timeout = 2.0
        manifest = _read_manifest(manifest_path or _default_manifest_path())
        self.name: str = manifest.get("name", "") if isinstance(manifest.get("name"), str) else ""
        self.version: str = manifest.get("version", "") if isinstance(manifest.get("version"), str) else ""

        self._requests: dict[str, Handler] = {}
        self._notifications: dict[str, Handler] = {}
        self._shutdown_hooks: list[Callable[[], Any]] = []

        self._out_fd: Optional[int] = None
        self._send_lock = threading.Lock()  # one frame at a time on stdout
        self._initialized = False  # initialize answered; guarded by _send_lock
        self._held: list[bytes] = []  # notifications sent before that; guarded by _send_lock
        self._write_failed = False

        self._pending_lock = threading.Lock()
        self._pending: dict[int, _PendingCall] = {}
        self._ids = itertools.count(1)
        self._closed = False  # stdin ended; guarded by _pending_lock
        self._cancelled: set = set()  # request ids cancelled before dispatch; guarded by _pending_lock

        self._inbox: "queue.Queue[Any]" = queue.Queue()
        self._initialize_seen = False
        self._shutdown_requested = False

    # -- registration ------------------------------------------------------

    def request(self, method: str) -> Callable[[Handler], Handler]:
        """Decorator: ``fn(params)`` answers requests ``method``; its return value is the result."""
        return lambda fn: self._register(self._requests, method, fn)

    def notification(self, method: str) -> Callable[[Handler], Handler]:
        """Decorator: ``fn(params)`` is called for notifications ``method``. Stackable."""
        return lambda fn: self._register(self._notifications, method, fn)

    def on_shutdown(self, hook: Callable[[], Any]) -> Callable[[], Any]:
        """Runs ``hook()`` when ``shutdown`` arrives, before it is answered. Usable as a decorator.

        Keep the hooks' total time under the host's bound (``extensionTimeoutMs``, 2 s).
        """
        self._shutdown_hooks.append(hook)
        return hook

    def _register(self, table: dict, method: str, fn: Handler) -> Handler:
        if method in _RESERVED:
            raise ValueError(f"cannot register a handler for {method}: {_RESERVED[method]}")
        if method in table:
            raise ValueError(f"a handler for {method} is already registered")
        table[method] = fn
        return fn

    # -- talking to the host -----------------------------------------------

    def call(self, method: str, params: Json = None, timeout: Optional[float] = None) -> Json:
        """Sends a request to the host and waits for its answer; returns the result.

        Raises ``RpcError`` (with the host's code and message) for an error
        answer, ``CallTimeout`` after ``timeout`` seconds (the request is then
        cancelled with ``$/cancelRequest``), ``ConnectionClosed`` if the host
        goes away. Thread-safe; usable from handlers.
        """
        pending = _PendingCall(method)
        with self._pending_lock:
            if self._closed:
                raise ConnectionClosed(method)
            request_id = next(self._ids)
            self._pending[request_id] = pending
        message: dict = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        try:
            frame = encode_frame(message)
        except (TypeError, ValueError):
            with self._pending_lock:
                self._pending.pop(request_id, None)
            raise
        with self._send_lock:
            if not self._initialized:
                with self._pending_lock:
                    self._pending.pop(request_id, None)
                raise RpcError(ErrorCode.SERVER_NOT_INITIALIZED, f"cannot call {method} before initialize")
            self._write_locked(frame)

        if not pending.done.wait(timeout):
            with self._pending_lock:
                abandoned = self._pending.pop(request_id, None) is not None
            if abandoned:
                self.notify("$/cancelRequest", {"id": request_id})
                raise CallTimeout(method, timeout or 0)
            pending.done.wait()  # answered just now
        if pending.error is not None:
            raise pending.error
        response = pending.response or {}
        if "error" in response:
            raise _error_from_json(response["error"])
        return response.get("result")

    def notify(self, method: str, params: Json = None) -> None:
        """Sends a notification to the host. Thread-safe.

        Before ``initialize`` is answered nothing may be sent, so notifications
        sent earlier (from a thread) are held and sent right after the answer.
        """
        message: dict = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        frame = encode_frame(message)
        with self._send_lock:
            if self._initialized:
                self._write_locked(frame)
            else:
                self._held.append(frame)

    def show_message(self, type: int, message: str) -> None:
        """``window/showMessage``: shown to the user (``MessageType.ERROR`` ... ``LOG``)."""
        self.notify("window/showMessage", {"type": type, "message": _one_line(message)})

    def log_message(self, type: int, message: str) -> None:
        """``window/logMessage``: the editor's log for Tacit."""
        self.notify("window/logMessage", {"type": type, "message": message})

    def log(self, message: str) -> None:
        """One line on stderr, which the host copies into Tacit's log. Usable any time."""
        try:
            sys.stderr.write(message.rstrip("\n") + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):
            pass  # stderr is gone; nowhere left to say it

    # -- running -----------------------------------------------------------

    def run(self) -> NoReturn:
        """Serves the host on stdin/stdout until ``exit``; then exits the process."""
        in_fd, out_fd = _take_over_stdio()
        raise SystemExit(self.serve(in_fd, out_fd))

    def serve(self, in_fd: int, out_fd: int) -> int:
        """Serves the host on the given file descriptors; returns the exit status.

        ``run()`` is this on stdin/stdout; use ``serve()`` directly to embed
        the extension elsewhere (for example over a socket pair in a test).
        """
        self._out_fd = out_fd
        reader = threading.Thread(target=self._read_loop, args=(in_fd,), name="tacit-extension-reader", daemon=True)
        reader.start()
        return self._dispatch_loop()

    # -- reader thread -----------------------------------------------------

    def _read_loop(self, fd: int) -> None:
        decoder = FrameDecoder()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError as error:
                self.log(f"cannot read from the host: {error}")
                break
            if not data:
                break
            for item in decoder.feed(data):
                if isinstance(item, FramingError):
                    self.log(f"ignoring malformed input from the host: {item.message}")
                else:
                    self._on_frame(item)
        if decoder.mid_message:
            self.log("the host closed the connection in the middle of a message")
        self._connection_lost()

    def _on_frame(self, body: bytes) -> None:
        try:
            message = json.loads(body)
        except ValueError as error:  # also invalid UTF-8
            self.log(f"ignoring a message that is not JSON: {_one_line(str(error))}")
            self._send_error(None, ErrorCode.PARSE_ERROR, f"not JSON: {error}")
            return
        if not isinstance(message, dict):
            self._send_error(None, ErrorCode.INVALID_REQUEST, "a message must be a JSON object")
            return

        if "method" in message:
            method, request_id = message["method"], message.get("id")
            if not isinstance(method, str) or ("id" in message and not _valid_id(request_id)):
                self._send_error(request_id if _valid_id(request_id) else None, ErrorCode.INVALID_REQUEST,
                                 "invalid request: method must be a string and id a number or string")
                return
            if method == "$/cancelRequest":
                params = message.get("params")
                if isinstance(params, dict) and _valid_id(params.get("id")):
                    with self._pending_lock:
                        self._cancelled.add(params["id"])
                return
            self._inbox.put(message)
        elif "id" in message and ("result" in message or "error" in message):
            with self._pending_lock:
                pending = self._pending.pop(message["id"], None) if _valid_id(message["id"]) else None
            if pending is None:
                self.log(f"ignoring an answer to request {message['id']!r}, which nobody is waiting for")
            else:
                pending.settle(response=message)
        else:
            self.log("ignoring a message that is neither a request, a notification nor a response")

    def _connection_lost(self) -> None:
        with self._pending_lock:
            self._closed = True
            pending, self._pending = self._pending, {}
        for call in pending.values():
            call.settle(error=ConnectionClosed(call.method))
        self._inbox.put(_EOF)

    # -- dispatcher (the thread that called run) ----------------------------

    def _dispatch_loop(self) -> int:
        while True:
            message = self._inbox.get()
            if message is _EOF:
                if self._shutdown_requested:
                    return 0
                self.log("the host closed the connection without shutdown")
                return 1
            if message["method"] == "exit":
                return 0 if self._shutdown_requested else 1
            if "id" in message:
                self._dispatch_request(message["id"], message["method"], message.get("params"))
            else:
                self._dispatch_notification(message["method"], message.get("params"))

    def _dispatch_request(self, request_id: Union[int, str], method: str, params: Json) -> None:
        with self._pending_lock:
            cancelled = request_id in self._cancelled
            self._cancelled.discard(request_id)
        if cancelled:
            self._send_error(request_id, ErrorCode.REQUEST_CANCELLED, f"{method} was cancelled")
        elif method == "initialize":
            self._initialize(request_id, params)
        elif not self._initialize_seen:
            self._send_error(request_id, ErrorCode.SERVER_NOT_INITIALIZED, f"{method} before initialize")
        elif self._shutdown_requested:
            self._send_error(request_id, ErrorCode.INVALID_REQUEST, f"{method} after shutdown")
        elif method == "shutdown":
            self._shutdown_requested = True
            for hook in self._shutdown_hooks:
                try:
                    hook()
                except Exception:
                    self.log(f"a shutdown hook failed:\n{traceback.format_exc().rstrip()}")
            self._send_result(request_id, None)
        elif method not in self._requests:
            self._send_error(request_id, ErrorCode.METHOD_NOT_FOUND, f"unknown method: {method}")
        else:
            try:
                result = self._requests[method](params)
            except RpcError as error:
                self._send_error(request_id, error.code, error.message, error.data)
                return
            except Exception as error:
                self.log(f"the handler for {method} failed:\n{traceback.format_exc().rstrip()}")
                self._send_error(request_id, ErrorCode.INTERNAL_ERROR, f"{method} failed: {_describe(error)}")
                return
            self._send_result(request_id, result, method)

    def _dispatch_notification(self, method: str, params: Json) -> None:
        if not self._initialize_seen or self._shutdown_requested:
            if not method.startswith("$/"):
                when = "before initialize" if not self._initialize_seen else "after shutdown"
                self.log(f"ignoring {method} {when}")
            return
        handler = self._notifications.get(method)
        if handler is None:
            return  # not subscribed, or an optional $/ notification
        try:
            handler(params)
        except Exception:
            self.log(f"the handler for {method} failed:\n{traceback.format_exc().rstrip()}")

    def _initialize(self, request_id: Union[int, str], params: Json) -> None:
        if self._initialize_seen:
            self._send_error(request_id, ErrorCode.INVALID_REQUEST, "initialize was already received")
            return
        params = params if isinstance(params, dict) else {}
        version = params.get("protocolVersion", PROTOCOL_VERSION)
        if version != PROTOCOL_VERSION:
            self._send_error(request_id, ErrorCode.INVALID_PARAMS,
                             f"protocolVersion {version!r} is not supported (this extension speaks {PROTOCOL_VERSION})")
            return
        self.settings = _dict(params.get("settings"))
        self.workspace = _dict(params.get("workspace"))
        self.host = _dict(params.get("host"))
        encoding = params.get("positionEncoding")
        self.position_encoding = encoding if isinstance(encoding, str) and encoding else "utf-16"
        timeout_ms = params.get("timeoutMs")
        if isinstance(timeout_ms, int) and not isinstance(timeout_ms, bool) and timeout_ms > 0:
            self.timeout = timeout_ms / 1000.0
        self._initialize_seen = True

        result = {"name": self.name, "version": self.version} if self.name else {}
        frame = encode_frame({"jsonrpc": "2.0", "id": request_id, "result": result})
        with self._send_lock:
            self._write_locked(frame)
            self._initialized = True
            held, self._held = self._held, []
            for notification in held:
                self._write_locked(notification)

    # -- writing -----------------------------------------------------------

    def _send_result(self, request_id: Union[int, str], result: Json, method: str = "") -> None:
        try:
            frame = encode_frame({"jsonrpc": "2.0", "id": request_id, "result": result})
        except (TypeError, ValueError) as error:
            self.log(f"the handler for {method} returned a value that is not JSON: {error}")
            self._send_error(request_id, ErrorCode.INTERNAL_ERROR, f"{method} returned a value that is not JSON")
            return
        self._write(frame)

    def _send_error(self, request_id: Optional[Union[int, str]], code: int, message: str, data: Json = None) -> None:
        error = RpcError(code, message, data).to_json()
        try:
            frame = encode_frame({"jsonrpc": "2.0", "id": request_id, "error": error})
        except (TypeError, ValueError):
            error.pop("data", None)
            frame = encode_frame({"jsonrpc": "2.0", "id": request_id, "error": error})
        self._write(frame)

    def _write(self, frame: bytes) -> None:
        with self._send_lock:
            self._write_locked(frame)

    def _write_locked(self, frame: bytes) -> None:
        if self._out_fd is None or self._write_failed:
            return
        view = memoryview(frame)
        try:
            while view:
                written = os.write(self._out_fd, view)
                view = view[written:]
        except OSError as error:
            self._write_failed = True
            self.log(f"cannot write to the host: {error}")


# ---------------------------------------------------------------------------
# Helpers


def _take_over_stdio() -> tuple[int, int]:
    """Private copies of fds 0 and 1 for the protocol; fd 0 becomes /dev/null, fd 1 stderr."""
    sys.stdout.flush()
    in_fd, out_fd = os.dup(0), os.dup(1)  # not inherited by child processes
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    os.dup2(2, 1)
    return in_fd, out_fd


def _default_manifest_path() -> str:
    main = sys.modules.get("__main__")
    script = getattr(main, "__file__", None) or (sys.argv[0] if sys.argv and sys.argv[0] else "")
    folder = os.path.dirname(os.path.abspath(script)) if script else os.getcwd()
    return os.path.join(folder, "tacit-extension.json")


def _read_manifest(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as file:
            manifest = json.load(file)
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        sys.stderr.write(f"cannot read {path}: {_one_line(str(error))}\n")
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _valid_id(value: Any) -> bool:
    return type(value) in (int, str)  # not bool, which is an int to Python


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _error_from_json(error: Any) -> RpcError:
    if isinstance(error, dict) and isinstance(error.get("code"), int) and isinstance(error.get("message"), str):
        return RpcError(error["code"], error["message"], error.get("data"))
    return RpcError(ErrorCode.INTERNAL_ERROR, f"the host answered with a malformed error: {error!r:.200}")


def _describe(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


def _one_line(text: str, limit: int = 1000) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"
