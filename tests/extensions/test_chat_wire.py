"""The chat extension over its wire protocol, the test playing the host.

extensions/chat/chat.py runs as the host runs it, configured with a real HTTP
server on 127.0.0.1 as its webhook. The same behaviour through the real host
and binary is in test_chat_e2e.py.
"""

from __future__ import annotations

import os
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import wire  # noqa: E402
from webhook_server import SilentServer, WebhookServer, closed_port_url  # noqa: E402

CHAT = os.path.join(wire.REPO_ROOT, "extensions", "chat", "chat.py")
COMMIT = "ec3f18f7" * 5
WORKSPACE = {"root": "/tmp/shop", "remoteUrl": "https://github.com/acme/shop.git"}
LINK = f"<https://github.com/acme/shop/blob/{COMMIT}/src/x.py#L3-L4|src/x.py:3-4>"
SHUTDOWN_BOUND = 2.0  # the host's bound on the answer to shutdown (extensionTimeoutMs)


def question(**overrides):
    thread = {
        "id": "0123456789abcdef0123456789abcdef", "kind": "question", "state": "open", "private": False,
        "body": "Why is the retry limit 3?\nDetails follow.",
        "author": {"name": "Ada", "email": "ada@example.com"}, "assignees": ["bob@example.com"],
        "replies": [], "acks": [],
        "location": {"path": "src/x.py", "start_line": 3, "end_line": 4, "status": "exact", "confidence": 1.0},
        "anchor": {"commit": COMMIT, "path": "src/x.py", "start_line": 3, "end_line": 4},
    }
    thread.update(overrides)
    return thread


def event(event_type, payload):
    return {"id": "e" * 32, "type": event_type, "author": {"name": "Bob", "email": "bob@example.com"},
            "at": "2026-11-27T22:10:00.000Z", "payload": payload}


class ChatOverTheWire(unittest.TestCase):
    def start(self, settings):
        ext = wire.python_extension(CHAT)
        self.addCleanup(ext.kill)
        self.assertEqual(ext.initialize(settings=settings, workspace=WORKSPACE), {"name": "chat", "version": "1.0.0"})
        return ext

    def shutdown_within_bound(self, ext):
        started = time.monotonic()
        self.assertEqual(ext.shutdown_and_exit(timeout=SHUTDOWN_BOUND + 3), 0)
        return time.monotonic() - started

    def test_asked_acknowledged_answered(self):
        with WebhookServer() as server:
            ext = self.start({"webhookUrl": server.url})
            ext.notify("thread/created", {"thread": question(), "local": True})
            ext.notify("thread/changed", {"thread": question(), "event": event("reaction", {"reaction": "ack"}),
                                          "local": True})
            ext.notify("thread/changed", {"thread": question(state="answered"),
                                          "event": event("answer", {"body": "Because."}), "local": True})
            posts = server.wait_for(3)
            self.assertEqual([p.text for p in posts], [
                f"Ada asked a question about {LINK}\n> Why is the retry limit 3?",
                f"Bob acknowledged Ada's question about {LINK}\n> Why is the retry limit 3?",
                f"Bob answered Ada's question about {LINK}\n> Why is the retry limit 3?",
            ])
            self.assertTrue(all(p.content_type == "application/json" for p in posts))
            self.shutdown_within_bound(ext)
            self.assertEqual(server.count(), 3)

    def test_only_local_question_events_are_posted(self):
        with WebhookServer() as server:
            ext = self.start({"webhookUrl": server.url})
            ext.notify("thread/created", {"thread": question(), "local": False})
            ext.notify("thread/created", {"thread": question(kind="note"), "local": True})
            ext.notify("thread/created", {"thread": question(private=True), "local": True})
            ext.notify("thread/changed", {"thread": question(), "event": event("reply", {"body": "hm"}),
                                          "local": True})
            ext.notify("thread/created", {"thread": question(body="The one to post"), "local": True})
            # Posts go out in order: the first one to arrive must be the last event's.
            self.assertIn("The one to post", server.wait_for(1)[0].text)
            self.shutdown_within_bound(ext)
            self.assertEqual(server.count(), 1)

    def test_the_link_template_setting(self):
        with WebhookServer() as server:
            ext = self.start({"webhookUrl": server.url, "linkTemplate": "https://src.example.com/{commit}/{path}#{line}"})
            ext.notify("thread/created", {"thread": question(), "local": True})
            self.assertIn(f"<https://src.example.com/{COMMIT}/src/x.py#3|src/x.py:3-4>", server.wait_for(1)[0].text)

    def test_a_failed_post_is_retried(self):
        with WebhookServer(statuses=(500, 200)) as server:
            ext = self.start({"webhookUrl": server.url})
            ext.notify("thread/created", {"thread": question(), "local": True})
            posts = server.wait_for(2)
            self.assertEqual(posts[0].body, posts[1].body)
            self.shutdown_within_bound(ext)

    def test_failures_are_shown_once_and_logged(self):
        with WebhookServer(statuses=(400,)) as server:
            ext = self.start({"webhookUrl": server.url})
            ext.notify("thread/created", {"thread": question(), "local": True})
            shown = ext.receive()
            self.assertEqual(shown["method"], "window/showMessage")
            self.assertEqual(shown["params"]["type"], 2)
            self.assertIn("HTTP 400", shown["params"]["message"])
            self.assertNotIn("/hook", shown["params"]["message"])  # never the secret URL
            ext.notify("thread/created", {"thread": question(), "local": True})
            server.wait_for(2)
            # The second failure is only logged. Shutdown waits for the worker,
            # so a second showMessage would come before shutdown's answer.
            request_id = ext.request("shutdown")
            self.assertIsNone(ext.result(request_id))
            ext.notify("exit")
            self.assertEqual(ext.wait(), 0)
            self.assertEqual(ext.stderr().count("HTTP 400"), 2)

    def test_shutdown_is_answered_within_the_bound_when_the_webhook_hangs(self):
        with SilentServer() as server:
            ext = self.start({"webhookUrl": server.url})
            for _ in range(3):
                ext.notify("thread/created", {"thread": question(), "local": True})
            self.assertLess(self.shutdown_within_bound(ext), SHUTDOWN_BOUND)
            self.assertIn("not posted", ext.stderr())

    def test_a_closed_port(self):
        ext = self.start({"webhookUrl": closed_port_url()})
        ext.notify("thread/created", {"thread": question(), "local": True})
        self.assertIn("connection refused", ext.receive()["params"]["message"])
        self.assertLess(self.shutdown_within_bound(ext), SHUTDOWN_BOUND)

    def test_without_a_webhook_nothing_is_posted_and_it_is_said_once(self):
        ext = self.start({})
        ext.notify("thread/created", {"thread": question(), "local": True})
        ext.notify("thread/created", {"thread": question(), "local": True})
        self.shutdown_within_bound(ext)
        self.assertEqual(ext.stderr().count("webhookUrl is not set"), 1)

    def test_a_webhook_url_that_is_not_http_is_refused(self):
        ext = self.start({"webhookUrl": "file:///etc/passwd"})
        ext.notify("thread/created", {"thread": question(), "local": True})
        self.shutdown_within_bound(ext)
        self.assertIn("must be an http:// or https:// URL", ext.stderr())


if __name__ == "__main__":
    unittest.main()
