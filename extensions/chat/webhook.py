"""Posting to an incoming webhook, off the caller's thread, with bounded retries.

``WebhookPoster.submit()`` only queues: a daemon worker thread posts each
message in turn as JSON ``{"text": ...}``. A connection failure, a timeout,
HTTP 429 or 5xx is retried (``attempts`` in all, waiting ``first_delay``,
then twice as long each time, or what ``Retry-After`` asks when that fits);
every attempt has a short timeout and each message a total time budget, so a
dead webhook never holds up what follows for long. Other answers (4xx,
redirects) are final. What could not be delivered is reported to
``on_failure``. ``close(timeout)`` delivers what is queued within
``timeout`` seconds, no longer, and says how many messages were lost.

The webhook URL is a secret (it is the credential); only its scheme and host
appear in messages.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import queue
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable, Optional
from urllib.parse import urlsplit

USER_AGENT = "tacit-chat/1.0"


@dataclass(frozen=True)
class PostResult:
    ok: bool
    detail: str  # "HTTP 200", "HTTP 503 Service Unavailable", "connection refused", ...
    retryable: bool = False
    retry_after: Optional[float] = None  # seconds, from a Retry-After header


def redact(url: str) -> str:
    """``scheme://host[:port]`` of a URL: what may be logged of a secret URL."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def check_url(url: object) -> Optional[str]:
    """Why ``url`` cannot be a webhook URL, or None when it can."""
    if not isinstance(url, str) or not url.strip():
        return "webhookUrl is not set"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 -- raises ValueError for a bad port
    except ValueError:
        return "webhookUrl is not a valid URL"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "webhookUrl must be an http:// or https:// URL"
    return None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A webhook that redirects is misconfigured; never resend the message elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: D102
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def post_json(url: str, payload: dict, timeout: float) -> PostResult:
    """One HTTP POST of ``payload`` as JSON; never raises."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode("utf-8"), method="POST",
        headers={"Content-Type": "application/json", "User-Agent": USER_AGENT})
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            response.read(65536)
            return PostResult(True, f"HTTP {response.status}")
    except urllib.error.HTTPError as error:
        status = error.code
        detail = f"HTTP {status} {error.reason}".rstrip()
        try:
            error.close()
        except Exception:  # noqa: BLE001 -- closing a failed response must not matter
            pass
        retryable = status == 429 or status >= 500
        return PostResult(False, detail, retryable, parse_retry_after(error.headers.get("Retry-After")))
    except urllib.error.URLError as error:
        reason = error.reason
        return PostResult(False, _describe_os_error(reason) if isinstance(reason, OSError) else str(reason), True)
    except (OSError, http.client.HTTPException) as error:  # timeouts, resets, bad answers
        return PostResult(False, _describe_os_error(error) if isinstance(error, OSError) else
                          f"bad HTTP answer ({type(error).__name__})", True)


def parse_retry_after(value: Optional[str]) -> Optional[float]:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _describe_os_error(error: OSError) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return error.strerror or str(error) or type(error).__name__


_STOP = object()


class WebhookPoster:
    """Posts messages to one webhook from a background thread."""

    def __init__(self, url: str, on_failure: Callable[[str], None], *,
                 attempts: int = 3, first_delay: float = 0.2, attempt_timeout: float = 2.0,
                 message_budget: float = 10.0,
                 post: Callable[[str, dict, float], PostResult] = post_json):
        self._url = url
        self._on_failure = on_failure
        self._attempts = max(1, attempts)
        self._first_delay = first_delay
        self._attempt_timeout = attempt_timeout
        self._message_budget = message_budget
        self._post = post

        self._queue: "queue.Queue[object]" = queue.Queue()
        self._lock = threading.Lock()
        self._outstanding = 0  # submitted, not yet delivered or given up; guarded by _lock
        self._closing = threading.Event()
        self._close_deadline = float("inf")  # monotonic; set once by close()
        self._thread = threading.Thread(target=self._run, name="webhook-poster", daemon=True)
        self._thread.start()

    def submit(self, text: str) -> None:
        """Queues one message; returns at once."""
        with self._lock:
            if self._closing.is_set():
                return
            self._outstanding += 1
        self._queue.put({"text": text})

    def close(self, timeout: float) -> int:
        """Delivers what is queued within ``timeout`` seconds; returns how many messages were not."""
        with self._lock:
            self._close_deadline = time.monotonic() + timeout
            self._closing.set()
        self._queue.put(_STOP)
        self._thread.join(max(0.0, self._close_deadline - time.monotonic()))
        with self._lock:
            return self._outstanding

    # -- worker --------------------------------------------------------------

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is _STOP:
                return
            if time.monotonic() >= self._close_deadline:
                continue  # out of time at shutdown; close() counts it as not delivered
            try:
                self._deliver(item)
            except Exception as error:  # noqa: BLE001 -- the worker must outlive any surprise
                self._on_failure(f"could not post to {redact(self._url)}: {type(error).__name__}: {error}")
            self._done()

    def _done(self) -> None:
        with self._lock:
            self._outstanding -= 1

    def _deliver(self, payload: dict) -> None:
        deadline = time.monotonic() + self._message_budget
        detail = ""
        attempt = 0
        while attempt < self._attempts:
            attempt += 1
            remaining = min(deadline, self._close_deadline) - time.monotonic()
            if remaining <= 0:
                detail += "; out of time" if detail else "out of time"
                break
            result = self._post(self._url, payload, min(self._attempt_timeout, remaining))
            if result.ok:
                return
            detail = result.detail
            if not result.retryable or attempt == self._attempts:
                break
            delay = result.retry_after if result.retry_after is not None else self._first_delay * 2 ** (attempt - 1)
            if not self._wait(delay, deadline):
                detail += f"; the next attempt ({delay:g} s later) would be past the time bound"
                break
        tries = f"{attempt} attempt" + ("s" if attempt != 1 else "")
        self._on_failure(f"could not post to {redact(self._url)}: {detail} ({tries})")

    def _wait(self, delay: float, deadline: float) -> bool:
        """Waits ``delay`` seconds unless that ends past the bound (which close() may shorten)."""
        until = time.monotonic() + delay
        while True:
            now = time.monotonic()
            if until > min(deadline, self._close_deadline):
                return False
            if now >= until:
                return True
            if self._closing.is_set():
                time.sleep(until - now)  # the bound cannot change any more
            else:
                self._closing.wait(until - now)  # woken early if close() shortens the bound
