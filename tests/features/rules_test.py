#!/usr/bin/env python3
"""What may be done to which thread, end to end: the real `tacit` command line
and the real `tacit serve` (tests/host/lsp_client.py) on a real git
repository refuse the same things — an answer or an acknowledgement on a
note, anything thread-like on a walkthrough, a reminder about a walkthrough,
a blank text — each with one clear error, and store nothing (docs/cli.md,
"What goes on which thread"; server/store/write_rules.h).

Usage: rules_test.py path/to/tacit
"""
import json
import os
import subprocess
import sys
import unittest

from workspace import FeatureTest, git, new_repo

TACIT = None
TEXT = "def total(items):\n    return sum(i.price for i in items)\n\ncache = {}\n"


class Rules(FeatureTest):
    def setUp(self):
        super().setUp()
        self.repo = new_repo(os.path.join(self.dir, "repo"), {"src/shop.py": TEXT})
        self.uri = "file://" + os.path.join(self.repo, "src", "shop.py")
        self.note = self.tacit("note", "add", "src/shop.py:4", "-m", "The cache is per process")
        self.question = self.tacit("ask", "src/shop.py:1-2", "-m", "Net or gross?", "--to", "bob@example.com")
        self.walkthrough = self.tacit("walkthrough", "create", "Tour")

    def run_tacit(self, *args):
        return subprocess.run([TACIT, *args], cwd=self.repo, env=self.env, capture_output=True, text=True)

    def tacit(self, *args):
        p = self.run_tacit(*args)
        self.assertEqual(p.returncode, 0, (args, p.stderr))
        return p.stdout.strip()

    def stored(self):
        """Every knowledge ref, shared and private (reminders, send-later), and where it points."""
        shared = git(self.repo, "for-each-ref", "refs/tacit")
        private = git(self.repo, "--git-dir", os.path.join(self.repo, ".git", "tacit", "private.git"),
                      "for-each-ref")
        return shared, private

    def test_the_command_line_refuses_what_does_not_apply_and_stores_nothing(self):
        n, w, q = self.note[:8], self.walkthrough[:8], self.question[:8]
        note, walkthrough = self.note[:12] + " is a note", self.walkthrough[:12] + " is a walkthrough"
        before = self.stored()
        cases = [
            (["answer", n, "-m", "x"], "only a question can be answered: " + note),
            (["ack", n], "only a question can be acknowledged: " + note),
            (["answer", w, "-m", "x"], "only a question can be answered: " + walkthrough),
            (["ack", w], "only a question can be acknowledged: " + walkthrough),
            (["reply", w, "-m", "x"], "only a note, a lesson or a question can be replied to: " + walkthrough),
            (["resolve", w], "only a note, a lesson or a question can be resolved: " + walkthrough),
            (["reopen", w], "only a note, a lesson or a question can be reopened: " + walkthrough),
            (["remind", w, "--in", "5m"], "a reminder is about a note, a lesson, a question or lines of code: " +
             walkthrough + " (remind yourself of one of its chapters)"),
            (["note", "add", "src/shop.py:1", "-m", ""], "a note cannot be blank"),
            (["note", "add", "src/shop.py:1", "-m", " \n", "--lesson"], "a lesson cannot be blank"),
            (["ask", "src/shop.py:1", "-m", " "], "a question cannot be blank"),
            (["ask", "src/shop.py:1", "-m", "\t", "--send-at", "10m"], "a question cannot be blank"),
            (["reply", q, "-m", ""], "a reply cannot be blank"),
            (["answer", q, "-m", "  "], "an answer cannot be blank"),
            (["walkthrough", "add", w, "src/shop.py:1", "-m", " "], "a chapter needs its text"),
        ]
        for args, message in cases:
            p = self.run_tacit(*args)
            self.assertEqual((p.returncode, p.stdout, p.stderr), (1, "", "tacit: " + message + "\n"), args)
        self.assertEqual(self.stored(), before)
        shown = json.loads(self.tacit("show", n, "--json"))
        self.assertEqual((shown["replies"], shown["acks"]), ([], []))
        self.assertEqual(json.loads(self.tacit("reminders", "--json")), [])

        # What does apply still works: a reply on a note, resolving it, a
        # reminder about it, and every verb on a question.
        self.tacit("reply", n, "-m", "Per worker, in fact")
        self.tacit("resolve", n)
        self.tacit("reopen", n)
        self.tacit("remind", n, "--in", "5m")
        for args in (["ack", q], ["answer", q, "-m", "Net."], ["reply", q, "-m", "Thanks"], ["resolve", q]):
            self.tacit(*args)
        self.assertEqual(json.loads(self.tacit("show", q, "--json"))["state"], "resolved")
        self.tacit("delete", w)  # a walkthrough can still be deleted

    def test_the_editor_gets_the_same_refusals_and_offers_only_what_applies(self):
        self.serve(TACIT, self.repo, self.uri, TEXT, language="python")
        note, walkthrough = self.note[:12] + " is a note", self.walkthrough[:12] + " is a walkthrough"
        before = self.stored()
        cases = [
            ("tacit.answer", {"id": self.note, "body": "x"}, -32803, "only a question can be answered: " + note),
            ("tacit.ack", {"id": self.note[:8]}, -32803, "only a question can be acknowledged: " + note),
            ("tacit.reply", {"id": self.walkthrough, "body": "x"}, -32803,
             "only a note, a lesson or a question can be replied to: " + walkthrough),
            ("tacit.resolve", {"id": self.walkthrough}, -32803,
             "only a note, a lesson or a question can be resolved: " + walkthrough),
            ("tacit.ack", {"id": self.walkthrough}, -32803, "only a question can be acknowledged: " + walkthrough),
            ("tacit.remind", {"thread": self.walkthrough, "in": "5m"}, -32803,
             "a reminder is about a note, a lesson, a question or lines of code: " + walkthrough +
             " (remind yourself of one of its chapters)"),
            ("tacit.reply", {"id": self.question, "body": " "}, -32602,
             "params.arguments[0].body: the text is required"),
            ("tacit.answer", {"id": self.question, "body": "\n"}, -32602,
             "params.arguments[0].body: the text is required"),
            ("tacit.addNote", {"uri": self.uri, "startLine": 0, "endLine": 0, "body": "  "}, -32602,
             "params.arguments[0].body: the text is required (the editor asks for it)"),
        ]
        for command, argument, code, message in cases:
            response = self.client.request("workspace/executeCommand", {"command": command, "arguments": [argument]})
            self.assertEqual(response.get("error"), {"code": code, "message": message}, command)
        self.assertEqual(self.stored(), before)

        # The actions a shim draws are the ones the store allows.
        threads = self.client.request("tacit/threads", {"textDocument": {"uri": self.uri}})["result"]["threads"]
        self.assertEqual({t["kind"]: t["actions"] for t in threads}, {
            "note": ["tacit.reply", "tacit.resolve", "tacit.moveThread"],
            "question": ["tacit.reply", "tacit.answer", "tacit.ack", "tacit.resolve", "tacit.moveThread"]})


if __name__ == "__main__":
    TACIT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
