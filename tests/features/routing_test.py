#!/usr/bin/env python3
"""A question asked in the editor is routed by the owners extension, end to
end: the real `tacit serve` over stdio (tests/host/lsp_client.py) with the
shipped owners extension (extensions/owners, listed in the user
configuration) on a real git repository with a CODEOWNERS file. `tacit.ask`
without `to` tells the extension `thread/created`; it assigns the question to
the owners of its file (never the asker) with `store/assign`, and says so in
the server's log — the signal this test waits for.

Usage: routing_test.py path/to/tacit
"""
import json
import os
import subprocess
import sys
import unittest

from workspace import FeatureTest, new_repo

TACIT = None
OWNERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "extensions", "owners")
TEXT = "def retry():\n    return 3\n"
CODEOWNERS = "*       lead@example.com\n/src/   @acme/core ada@example.com ana@example.com\n"


class Routing(FeatureTest):
    def setUp(self):
        super().setUp()
        self.repo = new_repo(os.path.join(self.dir, "repo"), {"src/retry.py": TEXT, ".github/CODEOWNERS": CODEOWNERS})
        config = os.path.join(self.env["XDG_CONFIG_HOME"], "tacit")
        os.makedirs(config)
        with open(os.path.join(config, "config.json"), "w") as f:
            json.dump({"extensions": [os.path.abspath(OWNERS)]}, f)
        self.uri = "file://" + os.path.join(self.repo, "src", "retry.py")
        self.serve(TACIT, self.repo, self.uri, TEXT, language="python")

    def ask(self, **extra):
        response = self.client.request("workspace/executeCommand", {"command": "tacit.ask", "arguments": [
            dict({"uri": self.uri, "startLine": 0, "endLine": 1, "body": "Why 3 retries?"}, **extra)]})
        self.assertNotIn("error", response, response)
        return response["result"]["id"]

    def logged(self, text):
        """Waits for the extension to say `text` (its stderr, copied into the server's log)."""
        self.client.wait_for_stderr(text)

    def shown(self, question):
        out = subprocess.run([TACIT, "show", question, "--json"], cwd=self.repo, env=self.env, capture_output=True,
                             text=True, check=True).stdout
        return json.loads(out)

    def test_a_question_asked_in_the_editor_goes_to_the_owners_of_its_file(self):
        question = self.ask()
        # The owners of src/ but the asker (Ada), and not the team handle (Tacit assigns by email).
        self.logged(f"owners: assigned question {question[:8]} on src/retry.py to ana@example.com "
                    "(.github/CODEOWNERS:2)")
        self.assertEqual(self.shown(question)["assignees"], ["ana@example.com"])
        [thread] = self.client.request("tacit/threads", {"textDocument": {"uri": self.uri}})["result"]["threads"]
        self.assertEqual((thread["id"], thread["assignees"]), (question, ["ana@example.com"]))

    def test_a_question_asked_to_someone_is_left_alone(self):
        question = self.ask(to=["carol@example.com"])
        # The extension heard of it; a second question, routed, shows it has had its turn at the first.
        routed = self.ask()
        self.logged(f"owners: assigned question {routed[:8]}")
        self.assertEqual(self.shown(question)["assignees"], ["carol@example.com"])


if __name__ == "__main__":
    TACIT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
