"""The owners extension through the real tacit binary, host and git.

``tacit ask`` starts the user's extensions, tells them ``thread/created``
(local) and shuts them down before it exits (docs/extensions.md), so once the
command has returned, owners' ``store/assign`` has been committed and
``tacit show --json`` reports it.

Run: python3 test_owners_e2e.py path/to/tacit
"""

from __future__ import annotations

import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import e2e  # noqa: E402

CODEOWNERS = """\
# Who knows what.
*               lead@example.com
/src/           @acme/core ana@example.com bob@example.com
/src/vendored/
this is a malformed line
"""


class OwnersEndToEnd(unittest.TestCase):
    def setUp(self):
        self.ws = e2e.Workspace(["owners"], user="Eve")
        self.addCleanup(self.ws.close)
        self.ws.write(".github/CODEOWNERS", CODEOWNERS)
        self.ws.write("src/vendored/lib.c", "int x;\n")
        self.ws.commit("owners")

    def test_a_question_without_to_is_assigned_to_the_codeowners(self):
        thread_id = self.ws.new_thread("ask", "src/x.py:1", "-m", "why?")
        thread = self.ws.show(thread_id)
        self.assertEqual(thread["kind"], "question")
        self.assertCountEqual(thread["assignees"], ["ana@example.com", "bob@example.com"])

    def test_the_fallback_owner_outside_src(self):
        thread_id = self.ws.new_thread("ask", "README.md:1", "-m", "who maintains this?")
        self.assertEqual(self.ws.show(thread_id)["assignees"], ["lead@example.com"])

    def test_a_question_with_to_is_left_alone(self):
        thread_id = self.ws.new_thread("ask", "src/x.py:1-2", "-m", "why 3?", "--to", "carol@example.com")
        self.assertEqual(self.ws.show(thread_id)["assignees"], ["carol@example.com"])

    def test_a_note_is_left_alone(self):
        thread_id = self.ws.new_thread("note", "add", "src/x.py:1", "-m", "retries are capped")
        self.assertEqual(self.ws.show(thread_id)["assignees"], [])

    def test_a_file_with_no_owners(self):
        thread_id = self.ws.new_thread("ask", "src/vendored/lib.c:1", "-m", "where is this from?")
        self.assertEqual(self.ws.show(thread_id)["assignees"], [])

    def test_the_asker_is_not_assigned(self):
        self.ws.set_user("Ana")
        thread_id = self.ws.new_thread("ask", "src/x.py:2", "-m", "is 3 enough?")
        self.assertEqual(self.ws.show(thread_id)["assignees"], ["bob@example.com"])


if __name__ == "__main__":
    e2e.main()
