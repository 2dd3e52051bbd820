"""The chat extension through the real tacit binary, host and git, posting to a real HTTP server.

``tacit ask``, ``ack`` and ``answer`` start the user's extensions, tell them
``thread/created`` / ``thread/changed`` (local) and shut them down before they
exit; chat flushes its queue (bounded) at shutdown, so a post has been made,
or given up, when the command returns.

Run: python3 test_chat_e2e.py path/to/tacit
"""

from __future__ import annotations

import os
import sys
import time
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e  # noqa: E402
from webhook_server import SilentServer, WebhookServer, closed_port_url  # noqa: E402

# Generous for a loaded 2-core machine, yet far below what an unbounded wait
# on a dead webhook would take (many attempt timeouts).
COMMAND_BOUND = 10.0


class ChatEndToEnd(unittest.TestCase):
    def workspace(self, url: str) -> e2e.Workspace:
        ws = e2e.Workspace(["chat"], settings={"chat": {"webhookUrl": url}})
        self.addCleanup(ws.close)
        ws.git("remote", "add", "origin", "git@github.com:acme/shop.git")
        return ws

    def test_asked_acknowledged_answered(self):
        with WebhookServer() as server:
            ws = self.workspace(server.url)
            commit = ws.head()
            link = f"<https://github.com/acme/shop/blob/{commit}/src/x.py#L2|src/x.py:2>"

            thread_id = ws.new_thread("ask", "src/x.py:2", "-m", "Why retry 3 times?\nIt seems low.")
            asked = server.wait_for(1)[0]
            self.assertEqual(asked.content_type, "application/json")
            self.assertEqual(asked.text, f"Ada asked a question about {link}\n> Why retry 3 times?")

            ws.set_user("Bob")
            ws.run("ack", thread_id)
            acked = server.wait_for(2)[1].text
            self.assertEqual(acked, f"Bob acknowledged Ada's question about {link}\n> Why retry 3 times?")

            ws.run("answer", thread_id, "-m", "The upstream limits us.")
            answered = server.wait_for(3)[2].text
            self.assertEqual(answered, f"Bob answered Ada's question about {link}\n> Why retry 3 times?")

            ws.run("reply", thread_id, "-m", "thanks")   # a reply is not posted...
            ws.new_thread("note", "add", "src/x.py:1", "-m", "a note")  # ...nor a note
            ws.new_thread("ask", "README.md:1", "-m", "Last one")
            self.assertIn("Last one", server.wait_for(4)[3].text)  # posts keep their order
            self.assertEqual(server.count(), 4)

    def test_a_failed_post_is_retried(self):
        with WebhookServer(statuses=(500, 200)) as server:
            ws = self.workspace(server.url)
            ws.new_thread("ask", "src/x.py:1", "-m", "Does this survive a 500?")
            posts = server.wait_for(2)
            self.assertEqual(posts[0].body, posts[1].body)
            self.assertIn("Does this survive a 500?", posts[1].text)

    def test_a_webhook_that_never_answers_does_not_hold_up_the_command(self):
        with SilentServer() as server:
            ws = self.workspace(server.url)
            started = time.monotonic()
            thread_id = ws.new_thread("ask", "src/x.py:1", "-m", "Anyone there?")
            self.assertLess(time.monotonic() - started, COMMAND_BOUND)
            self.assertEqual(ws.show(thread_id)["body"], "Anyone there?")

    def test_a_closed_port_does_not_fail_the_command(self):
        ws = self.workspace(closed_port_url())
        done = ws.run("ask", "src/x.py:1", "-m", "Hello?")
        self.assertEqual(done.returncode, 0)
        thread_id = e2e.THREAD_ID.search(done.stdout).group(0)
        self.assertEqual(ws.show(thread_id)["kind"], "question")


if __name__ == "__main__":
    e2e.main()
