"""The owners extension over its wire protocol, the test playing the host.

extensions/owners/owners.py runs as the host runs it (python3, from its
folder) in a workspace with a CODEOWNERS file; the test sends it
``thread/created`` and answers its ``store/assign``. The same behaviour
through the real host and binary is in test_owners_e2e.py.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import wire  # noqa: E402

OWNERS = os.path.join(wire.REPO_ROOT, "extensions", "owners", "owners.py")

CODEOWNERS = """\
# Owners of the shop.
*                 lead@example.com
/src/             @acme/core ana@example.com bob@example.com
/src/vendored/
docs/*            @writer
this line is not valid
"""


def question(path="src/x.py", **overrides):
    thread = {
        "id": "0123456789abcdef0123456789abcdef", "kind": "question", "state": "open", "private": False,
        "body": "Why?", "author": {"name": "Eve", "email": "eve@example.com"}, "assignees": [],
        "created_at": "2026-11-27T22:09:18.805Z", "updated_at": "2026-11-27T22:09:18.805Z",
        "replies": [], "acks": [],
        "location": {"path": path, "start_line": 1, "end_line": 1, "status": "exact", "confidence": 1.0},
        "anchor": {"commit": "ec3f18f7" * 5, "path": path, "start_line": 1, "end_line": 1},
    }
    thread.update(overrides)
    return thread


class OwnersOverTheWire(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="tacit-owners-")
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        os.makedirs(os.path.join(self.root, ".github"))
        with open(os.path.join(self.root, ".github", "CODEOWNERS"), "w", encoding="utf-8") as file:
            file.write(CODEOWNERS)
        self.ext = wire.python_extension(OWNERS)
        self.addCleanup(self.ext.kill)
        self.assertEqual(self.ext.initialize(workspace={"root": self.root}), {"name": "owners", "version": "1.0.0"})

    def created(self, thread, local=True):
        self.ext.notify("thread/created", {"thread": thread, "local": local})

    def expect_assign(self, thread_id, assignees):
        request = self.ext.receive()
        self.assertEqual(request["method"], "store/assign", request)
        self.assertEqual(request["params"], {"id": thread_id, "assignees": assignees})
        self.ext.respond(request["id"], question(assignees=assignees))

    def who(self, path):
        return self.ext.result(self.ext.request("workspace/executeCommand",
                                                {"command": "owners.who", "arguments": [{"path": path}]}))

    def test_a_question_without_recipients_goes_to_the_email_owners(self):
        self.created(question("src/x.py"))
        self.expect_assign("0123456789abcdef0123456789abcdef", ["ana@example.com", "bob@example.com"])
        self.assertEqual(self.ext.shutdown_and_exit(), 0)
        log = self.ext.stderr()
        self.assertIn("skipped @acme/core", log)
        self.assertIn("assigns by email", log)
        self.assertIn(".github/CODEOWNERS:6: skipped", log)  # the malformed line, by number

    def test_the_asker_is_not_assigned_their_own_question(self):
        self.created(question("src/x.py", author={"name": "Ana", "email": "Ana@Example.com"}))
        self.expect_assign("0123456789abcdef0123456789abcdef", ["bob@example.com"])

    def test_the_location_is_used_before_the_anchor(self):
        thread = question("README.md")
        thread["location"]["path"] = "src/moved.py"
        self.created(thread)
        self.expect_assign(thread["id"], ["ana@example.com", "bob@example.com"])

    def test_the_anchor_when_there_is_no_location(self):
        self.created(question("src/x.py", location=None))
        self.expect_assign("0123456789abcdef0123456789abcdef", ["ana@example.com", "bob@example.com"])

    def test_questions_that_are_left_alone(self):
        # Each is followed by a request: its answer must be the next message,
        # so no store/assign was sent for any of them.
        self.created(question("src/x.py", assignees=["carol@example.com"]))
        self.created(question("src/x.py", kind="note"))
        self.created(question("src/x.py"), local=False)
        self.created(question("src/vendored/lib.c"))     # a line with no owners
        self.created(question("docs/guide.md"))          # only a handle
        self.created(question(location=None, anchor=None))
        self.ext.notify("thread/created", {"garbage": True})
        self.ext.notify("thread/created", None)
        self.assertEqual(self.who("src/x.py"), ["@acme/core", "ana@example.com", "bob@example.com"])
        log = self.ext.stderr()
        self.assertIn("src/vendored/lib.c has no owners", log)
        self.assertIn("skipped @writer", log)

    def test_a_refused_assignment_is_logged_and_the_extension_lives_on(self):
        self.created(question("lib/a.py"))
        request = self.ext.receive()
        self.assertEqual(request["params"]["assignees"], ["lead@example.com"])
        self.ext.respond(request["id"], error={"code": -32803, "message": "unknown thread 0123"})
        self.assertEqual(self.who("lib/a.py"), ["lead@example.com"])
        self.assertIn("could not assign", self.ext.stderr())

    def test_owners_who(self):
        self.assertEqual(self.who("src/vendored/x.c"), [])
        self.assertEqual(self.who("docs/a.md"), ["@writer"])
        self.assertEqual(self.ext.result(self.ext.request(
            "workspace/executeCommand", {"command": "owners.who", "arguments": ["Makefile"]})), ["lead@example.com"])
        for params in ({"command": "owners.who"}, {"command": "owners.who", "arguments": [{"path": 3}]}):
            with self.subTest(params=params):
                error = self.ext.response(self.ext.request("workspace/executeCommand", params))["error"]
                self.assertEqual(error["code"], -32602)
                self.assertIn("owners.who expects", error["message"])
        error = self.ext.response(self.ext.request("workspace/executeCommand", {"command": "owners.nope"}))["error"]
        self.assertEqual(error["code"], -32602)

    def test_codeowners_changes_are_picked_up(self):
        self.assertEqual(self.who("lib/a.py"), ["lead@example.com"])
        path = os.path.join(self.root, ".github", "CODEOWNERS")
        with open(path, "w", encoding="utf-8") as file:
            file.write("* new-lead@example.com\n")
        os.utime(path, ns=(0, 1))  # a different mtime even on coarse clocks
        self.assertEqual(self.who("lib/a.py"), ["new-lead@example.com"])


class OwnersWithoutCodeOwners(unittest.TestCase):
    def test_nothing_is_assigned(self):
        with tempfile.TemporaryDirectory(prefix="tacit-owners-") as root:
            ext = wire.python_extension(OWNERS)
            self.addCleanup(ext.kill)
            ext.initialize(workspace={"root": root})
            ext.notify("thread/created", {"thread": question(), "local": True})
            self.assertEqual(ext.result(ext.request("workspace/executeCommand",
                                                    {"command": "owners.who", "arguments": [{"path": "a"}]})), [])
            self.assertEqual(ext.shutdown_and_exit(), 0)
            self.assertIn("no CODEOWNERS file", ext.stderr())


if __name__ == "__main__":
    unittest.main()
