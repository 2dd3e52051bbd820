"""Posting to a webhook (extensions/chat/webhook.py) against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import os
import sys
import threading
import time
import unittest

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "extensions", "chat"))

import webhook  # noqa: E402
from webhook_server import GUARD, SilentServer, WebhookServer, closed_port_url  # noqa: E402


class Failures:
    """Collects on_failure reports; ``wait()`` returns when one arrives."""

    def __init__(self) -> None:
        self.messages: list[str] = []
        self._arrived = threading.Event()

    def __call__(self, message: str) -> None:
        self.messages.append(message)
        self._arrived.set()

    def wait(self) -> str:
        if not self._arrived.wait(GUARD):
            raise AssertionError("no failure was reported")
        return self.messages[0]


class Poster(unittest.TestCase):
    def poster(self, url: str, **options) -> tuple[webhook.WebhookPoster, Failures]:
        failures = Failures()
        poster = webhook.WebhookPoster(url, failures, **options)
        self.addCleanup(poster.close, 0)
        return poster, failures

    def test_posts_json_text(self):
        with WebhookServer() as server:
            poster, failures = self.poster(server.url)
            poster.submit("hello <world> ✓")
            (post,) = server.wait_for(1)
            self.assertEqual(post.path, "/hook")
            self.assertEqual(post.content_type, "application/json")
            self.assertEqual(post.json(), {"text": "hello <world> ✓"})
            self.assertEqual(poster.close(GUARD), 0)
            self.assertEqual(failures.messages, [])

    def test_messages_are_posted_in_order(self):
        with WebhookServer() as server:
            poster, _ = self.poster(server.url)
            for i in range(5):
                poster.submit(f"message {i}")
            self.assertEqual([p.text for p in server.wait_for(5)], [f"message {i}" for i in range(5)])

    def test_a_server_error_is_retried(self):
        with WebhookServer(statuses=(500, 200)) as server:
            poster, failures = self.poster(server.url)
            poster.submit("persistent")
            posts = server.wait_for(2)
            self.assertEqual([p.text for p in posts], ["persistent", "persistent"])
            self.assertEqual(poster.close(GUARD), 0)
            self.assertEqual(failures.messages, [])

    def test_gives_up_after_three_attempts_and_reports_once(self):
        with WebhookServer(statuses=(503,)) as server:
            poster, failures = self.poster(server.url)
            poster.submit("doomed")
            message = failures.wait()
            self.assertEqual(server.count(), 3)
            self.assertIn("HTTP 503", message)
            self.assertIn("3 attempts", message)
            self.assertIn(f"http://127.0.0.1:{server.port}", message)
            self.assertNotIn("/hook", message)  # the URL's path is the secret

    def test_429_honours_retry_after(self):
        with WebhookServer(statuses=(429, 200), retry_after="1") as server:
            poster, failures = self.poster(server.url)
            poster.submit("later")
            server.wait_for(1)
            first = time.monotonic()
            server.wait_for(2)
            self.assertGreaterEqual(time.monotonic() - first, 0.9)  # not the 0.2 s backoff
            self.assertEqual(poster.close(GUARD), 0)

    def test_retry_after_beyond_the_bound_gives_up(self):
        with WebhookServer(statuses=(429,), retry_after="3600") as server:
            poster, failures = self.poster(server.url)
            poster.submit("much later")
            self.assertIn("past the time bound", failures.wait())
            self.assertEqual(server.count(), 1)

    def test_a_client_error_is_not_retried(self):
        with WebhookServer(statuses=(404, 200)) as server:
            poster, failures = self.poster(server.url)
            poster.submit("lost")
            self.assertIn("HTTP 404", failures.wait())
            self.assertIn("(1 attempt)", failures.messages[0])
            poster.submit("next one")  # the worker goes on with the queue
            self.assertEqual(server.wait_for(2)[1].text, "next one")

    def test_connection_refused_is_retried_then_reported(self):
        poster, failures = self.poster(closed_port_url())
        poster.submit("nobody home")
        message = failures.wait()
        self.assertIn("connection refused", message)
        self.assertIn("3 attempts", message)

    def test_close_is_bounded_when_the_server_never_answers(self):
        with SilentServer() as server:
            poster, failures = self.poster(server.url, attempt_timeout=30.0)
            poster.submit("one")
            poster.submit("two")
            started = time.monotonic()
            lost = poster.close(0.5)
            self.assertLess(time.monotonic() - started, 1.0)
            # Each message is accounted for: still pending (lost) or reported as a
            # failure (an attempt that timed out right at the bound).
            self.assertEqual(lost + len(failures.messages), 2)
            self.assertGreaterEqual(lost, 1)  # "two" never got its turn

    def test_close_delivers_what_is_queued(self):
        with WebhookServer() as server:
            poster, _ = self.poster(server.url)
            for i in range(3):
                poster.submit(f"m{i}")
            self.assertEqual(poster.close(GUARD), 0)
            self.assertEqual(server.count(), 3)

    def test_submit_returns_at_once_even_when_the_server_hangs(self):
        with SilentServer() as server:
            poster, _ = self.poster(server.url)
            started = time.monotonic()
            for i in range(50):
                poster.submit(f"m{i}")
            self.assertLess(time.monotonic() - started, 0.5)


class Helpers(unittest.TestCase):
    def test_check_url(self):
        self.assertIsNone(webhook.check_url("https://hooks.slack.com/services/T/B/X"))
        self.assertIsNone(webhook.check_url("http://127.0.0.1:8080/hook"))
        self.assertIn("not set", webhook.check_url(None))
        self.assertIn("not set", webhook.check_url(""))
        self.assertIn("http", webhook.check_url("file:///etc/passwd"))
        self.assertIn("http", webhook.check_url("hooks.slack.com/services"))
        self.assertIn("valid", webhook.check_url("http://host:notaport/x"))

    def test_redact(self):
        self.assertEqual(webhook.redact("https://hooks.slack.com/services/T/B/X"), "https://hooks.slack.com")
        self.assertEqual(webhook.redact("http://user:pw@127.0.0.1:81/hook"), "http://127.0.0.1:81")

    def test_parse_retry_after(self):
        self.assertEqual(webhook.parse_retry_after("5"), 5.0)
        self.assertIsNone(webhook.parse_retry_after(None))
        self.assertIsNone(webhook.parse_retry_after("soon"))
        self.assertEqual(webhook.parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), 0.0)  # in the past


if __name__ == "__main__":
    unittest.main()
