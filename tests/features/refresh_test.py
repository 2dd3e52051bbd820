#!/usr/bin/env python3
"""The editor is told when the knowledge changes, end to end: the real `tacit
serve` over stdio (tests/host/lsp_client.py), the real command line and real
git repositories (a teammate's clone and a bare remote). After the editor's
own write, a write by another process and a `tacit sync` that fetches a
teammate's question, the server asks for `workspace/codeLens/refresh` and
`workspace/inlayHint/refresh` — only of a client that declared
`refreshSupport` for each — sends `tacit/didChange` for writes the client did
not make, and republishes the diagnostics of open documents.

No sleeps: a message the server would have sent before another is known
absent once that other one has arrived (stdout is one ordered stream).

Usage: refresh_test.py path/to/tacit
"""
import os
import subprocess
import sys
import unittest

from workspace import FeatureTest, git, mark, new_repo, set_user, since, wait_after

TACIT = None
TEXT = "".join(f"line {i}\n" for i in range(1, 21))
REFRESHES = ("workspace/codeLens/refresh", "workspace/inlayHint/refresh")


class Refresh(FeatureTest):
    def setUp(self):
        super().setUp()
        self.repo = new_repo(os.path.join(self.dir, "ada"), {"a.txt": TEXT})
        self.uri = "file://" + os.path.join(self.repo, "a.txt")

    def tacit(self, cwd, *args):
        p = subprocess.run([TACIT, *args], cwd=cwd, env=self.env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, (args, p.stderr))
        return p.stdout.strip()

    def serve_ada(self, workspace):
        """The server for Ada's clone, with the client capabilities `workspace`, a.txt open."""
        self.serve(TACIT, self.repo, self.uri, TEXT, {"workspace": workspace})

    def mark(self):
        return mark(self.client)

    def since(self, seen):
        return since(self.client, seen)

    def wait(self, seen, method):
        return wait_after(self.client, seen, lambda n: n.get("method") == method)

    def add_note(self, line, body):
        response = self.client.request("workspace/executeCommand", {"command": "tacit.addNote", "arguments": [
            {"uri": self.uri, "startLine": line, "endLine": line, "body": body}]})
        self.assertNotIn("error", response, response)

    def test_a_client_with_refresh_support_gets_both_refreshes(self):
        self.serve_ada({"codeLens": {"refreshSupport": True}, "inlayHint": {"refreshSupport": True}})
        # Its own write: both refreshes, before the command's answer; no tacit/didChange (it asked).
        seen = self.mark()
        self.add_note(2, "Written in the editor")
        self.assertEqual(self.since(seen), list(REFRESHES))
        hints = self.client.request("textDocument/inlayHint", {"textDocument": {"uri": self.uri}, "range": {
            "start": {"line": 0, "character": 0}, "end": {"line": 20, "character": 0}}})["result"]
        self.assertEqual([h["label"] for h in hints], ["note: Written in the editor"])
        # Another process's write: both refreshes, then tacit/didChange.
        seen = self.mark()
        self.tacit(self.repo, "note", "add", "a.txt:7", "-m", "Written in a terminal")
        self.wait(seen, "tacit/didChange")
        self.assertEqual(self.since(seen), list(REFRESHES) + ["tacit/didChange"])

    def test_a_client_without_refresh_support_gets_no_refresh_request(self):
        self.serve_ada({})
        seen = self.mark()
        self.add_note(2, "Written in the editor")  # answered after any refresh it would cause
        self.tacit(self.repo, "note", "add", "a.txt:7", "-m", "Written in a terminal")
        self.wait(seen, "tacit/didChange")  # sent after any refresh it would cause
        self.assertEqual(self.since(seen), ["tacit/didChange"])
        # It still sees the knowledge when it asks.
        lenses = self.client.request("textDocument/codeLens", {"textDocument": {"uri": self.uri}})["result"]
        self.assertEqual([(lens["range"]["start"]["line"], lens["command"]["title"]) for lens in lenses],
                         [(2, "1 note"), (6, "1 note")])

    def test_only_the_refresh_a_client_declared(self):
        self.serve_ada({"codeLens": {"refreshSupport": True}})
        seen = self.mark()
        self.add_note(2, "Written in the editor")
        self.assertEqual(self.since(seen), ["workspace/codeLens/refresh"])

    def test_a_sync_that_fetches_a_question_for_me_refreshes_the_editor(self):
        origin = os.path.join(self.dir, "origin.git")
        git(self.dir, "clone", "-q", "--bare", self.repo, origin)
        git(self.repo, "remote", "add", "origin", origin)
        bob = os.path.join(self.dir, "bob")
        git(self.dir, "clone", "-q", origin, bob)
        set_user(bob, "Bob")
        question = self.tacit(bob, "ask", "a.txt:5-6", "-m", "Why twenty lines?", "--to", "ada@example.com")
        self.tacit(bob, "sync")

        self.serve_ada({"codeLens": {"refreshSupport": True}, "inlayHint": {"refreshSupport": True}})
        self.assertEqual(self.client.request("textDocument/codeLens", {"textDocument": {"uri": self.uri}})["result"],
                         [])
        seen = self.mark()
        self.assertIn("fetched 1 new event(s) from origin", self.tacit(self.repo, "sync"))
        published = wait_after(self.client, seen, lambda n: n.get("method") == "textDocument/publishDiagnostics" and
                               n["params"]["diagnostics"])
        self.assertEqual(published["params"], {"uri": self.uri, "diagnostics": [{
            "range": {"start": {"line": 4, "character": 0}, "end": {"line": 6, "character": 0}}, "severity": 3,
            "message": "Question for you from Bob: Why twenty lines?", "source": "threads", "code": question[:8]}]})
        self.wait(seen, "tacit/didChange")
        self.assertEqual([m for m in self.since(seen) if m != "textDocument/publishDiagnostics"],
                         list(REFRESHES) + ["tacit/didChange"])
        lenses = self.client.request("textDocument/codeLens", {"textDocument": {"uri": self.uri}})["result"]
        self.assertEqual([(lens["range"]["start"]["line"], lens["command"]["title"]) for lens in lenses],
                         [(4, "1 question")])


if __name__ == "__main__":
    TACIT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
