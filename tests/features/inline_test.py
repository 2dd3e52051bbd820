#!/usr/bin/env python3
"""The knowledge features inline, end to end: the real `tacit serve` over
stdio (tests/host/lsp_client.py), a real git repository, and the LSP requests
an editor makes — code actions to add a note or ask, then the lens, hover,
inlay hint, diagnostics and workspace symbols they produce.

Usage: inline_test.py path/to/tacit
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from workspace import LspClient, mark, wait_after

TACIT = None
TEXT = "def total(items):\n    return sum(i.price for i in items)\n\n# naïve 😀 cache\ncache = {}\n"


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


class Inline(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tacit-inline-")
        self.repo = os.path.join(self.dir, "repo")
        os.makedirs(os.path.join(self.repo, "src"))
        git(self.repo, "init", "-q", "-b", "main")
        git(self.repo, "config", "user.name", "Ada")
        git(self.repo, "config", "user.email", "ada@example.com")
        with open(os.path.join(self.repo, "src", "shop.py"), "w") as f:
            f.write(TEXT)
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "init")
        env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(self.dir, "config"))
        self.env = env
        self.client = LspClient(TACIT, self.repo, env)
        self.client.initialize("file://" + self.repo)
        self.uri = "file://" + os.path.join(self.repo, "src", "shop.py")
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri, "languageId": "python", "version": 1, "text": TEXT}})

    def tearDown(self):
        _, status = self.client.close()
        self.assertEqual(status, 0)
        shutil.rmtree(self.dir, ignore_errors=True)

    def request(self, method, params):
        response = self.client.request(method, params)
        self.assertNotIn("error", response, response)
        return response["result"]

    def command(self, command, arguments):
        return self.client.request("workspace/executeCommand", {"command": command, "arguments": arguments})

    def stored(self):
        out = subprocess.run([TACIT, "list", "--json"], cwd=self.repo, env=self.env, capture_output=True,
                             text=True, check=True).stdout
        return json.loads(out)

    def test_add_a_note_and_see_it_inline(self):
        doc = {"uri": self.uri}
        actions = self.request("textDocument/codeAction", {
            "textDocument": doc, "range": {"start": {"line": 0, "character": 4}, "end": {"line": 2, "character": 0}},
            "context": {"diagnostics": []}})
        self.assertEqual([a["title"] for a in actions], ["Add note here", "Ask about this code"])
        arguments = actions[0]["command"]["arguments"]
        self.assertEqual(arguments, [{"uri": self.uri, "startLine": 0, "endLine": 1}])
        self.assertEqual(actions[0]["command"]["command"], "tacit.addNote")

        # The editor asks for the text and runs the command with it.
        arguments[0]["body"] = "Prices are **net**; tax is added at checkout."
        created = self.command("tacit.addNote", arguments)
        note = created["result"]["id"]
        self.client.wait_for_notification(lambda n: n.get("method") == "workspace/codeLens/refresh")

        lenses = self.request("textDocument/codeLens", {"textDocument": doc})
        self.assertEqual(lenses, [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                                   "command": {"title": "1 note", "command": ""}}])
        hover = self.request("textDocument/hover", {"textDocument": doc, "position": {"line": 1, "character": 5}})
        value = hover["contents"]["value"]
        self.assertTrue(value.startswith("**Note** · Ada · just now\n\nPrices are **net**; tax is added at checkout."),
                        value)
        self.assertIn("`" + note[:8] + "`", value)
        self.assertEqual(hover["range"], {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}})
        self.assertIsNone(self.request("textDocument/hover", {"textDocument": doc,
                                                              "position": {"line": 4, "character": 0}}))
        hints = self.request("textDocument/inlayHint", {
            "textDocument": doc, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}}})
        self.assertEqual(hints, [{"position": {"line": 0, "character": len("def total(items):")},
                                  "label": "note: Prices are **net**; tax is added at chec…",  # 40 characters
                                  "paddingLeft": True}])
        symbols = self.request("workspace/symbol", {"query": "checkout"})
        self.assertEqual(symbols, [{"name": "Prices are **net**; tax is added at checkout.", "kind": 15,
                                    "location": {"uri": self.uri, "range": {"start": {"line": 0, "character": 0},
                                                                            "end": {"line": 2, "character": 0}}},
                                    "containerName": "note · Ada"}])
        self.assertEqual(self.request("workspace/symbol", {"query": "nothing-like-this"}), [])
        [stored] = self.stored()
        self.assertEqual((stored["kind"], stored["location"]["start_line"], stored["location"]["end_line"]),
                         ("note", 1, 2))

    def test_lens_titles_count_each_kind_in_order_with_plurals(self):
        def add(command, line, body, **extra):
            response = self.command(command, [dict({"uri": self.uri, "startLine": line, "endLine": line,
                                                    "body": body}, **extra)])
            self.assertNotIn("error", response, response)
        # Made in another order than the title reads: notes, lessons, questions.
        add("tacit.ask", 0, "Net or gross?")
        add("tacit.addNote", 0, "Lesson: round once", lesson=True)
        add("tacit.addNote", 0, "Prices are net")
        add("tacit.addNote", 0, "Tax is added later")
        add("tacit.addNote", 1, "Generator, not a list")
        add("tacit.addNote", 3, "Emoji in comments are fine", lesson=True)
        add("tacit.addNote", 3, "Keep the naïve spelling", lesson=True)
        add("tacit.ask", 4, "Who clears this cache?")
        add("tacit.ask", 4, "Is it thread-safe?")
        lenses = self.request("textDocument/codeLens", {"textDocument": {"uri": self.uri}})
        self.assertEqual([(lens["range"]["start"]["line"], lens["command"]["title"]) for lens in lenses], [
            (0, "2 notes · 1 lesson · 1 question"), (1, "1 note"), (3, "2 lessons"), (4, "2 questions")])
        hints = self.request("textDocument/inlayHint", {"textDocument": {"uri": self.uri}, "range": {
            "start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}}})
        # Several threads on a line: how many, and the first line of one of them.
        self.assertEqual([(h["position"]["line"], h["label"].split(": ")[0]) for h in hints],
                         [(0, "4 threads"), (1, "note"), (3, "2 threads"), (4, "2 threads")])
        self.assertEqual(hints[1]["label"], "note: Generator, not a list")
        self.assertIn(hints[2]["label"], ["2 threads: Emoji in comments are fine", "2 threads: Keep the naïve spelling"])

    def test_inlay_hints_count_utf16_units(self):
        # Line 3 holds a two-unit character (😀) and a one-unit one (ï).
        self.command("tacit.addNote", [{"uri": self.uri, "startLine": 3, "endLine": 3, "body": "emoji", "lesson": True}])
        hints = self.request("textDocument/inlayHint", {"textDocument": {"uri": self.uri}, "range": {
            "start": {"line": 0, "character": 0}, "end": {"line": 5, "character": 0}}})
        self.assertEqual(hints[0]["position"], {"line": 3, "character": len("# naïve ") + 2 + len(" cache")})
        self.assertEqual(hints[0]["label"], "lesson: emoji")

    def test_a_question_for_me_is_a_diagnostic_with_its_context(self):
        asked = self.command("tacit.ask", [{"uri": self.uri, "startLine": 4, "endLine": 4,
                                            "body": "Who clears this cache?", "to": ["ada@example.com"]}])
        question = asked["result"]["id"]
        published = self.client.wait_for_notification(
            lambda n: n.get("method") == "textDocument/publishDiagnostics" and n["params"]["diagnostics"])
        self.assertEqual(published["params"], {"uri": self.uri, "diagnostics": [{
            "range": {"start": {"line": 4, "character": 0}, "end": {"line": 5, "character": 0}},
            "severity": 3, "message": "Question for you from Ada: Who clears this cache?",
            "source": "threads", "code": question[:8]}]})
        shown = json.loads(subprocess.run([TACIT, "show", question, "--json"], cwd=self.repo, env=self.env,
                                          capture_output=True, text=True, check=True).stdout)
        self.assertEqual(shown["assignees"], ["ada@example.com"])
        head = git(self.repo, "rev-parse", "HEAD").strip()
        events = git(self.repo, "log", "--format=%H", "refs/tacit/v1/replicas/" +
                     git(self.repo, "config", "tacit.replica").strip())
        self.assertTrue(events)
        blob = subprocess.run(f"git show $(git ls-tree -r --name-only {events.split()[0]} | tail -1 | "
                              f"sed 's|^|{events.split()[0]}:|')", shell=True, cwd=self.repo, capture_output=True,
                              text=True, check=True).stdout
        created = json.loads(blob)
        self.assertEqual(created["payload"]["context"], {"snippet": "cache = {}\n", "commit": head, "branch": "main"})
        lenses = self.request("textDocument/codeLens", {"textDocument": {"uri": self.uri}})
        self.assertEqual([lens["command"]["title"] for lens in lenses], ["1 question"])

    def mark(self):
        return mark(self.client)

    def diagnostics(self, seen, predicate):
        """Waits for diagnostics of the document, published after the mark
        `seen`, that satisfy `predicate`; returns them."""
        return wait_after(self.client, seen, lambda n: n.get("method") == "textDocument/publishDiagnostics" and
                          n["params"]["uri"] == self.uri and
                          predicate(n["params"]["diagnostics"]))["params"]["diagnostics"]

    def test_questions_for_me_follow_edits_and_clear_when_answered_or_resolved(self):
        def ask(line, body):
            return self.command("tacit.ask", [{"uri": self.uri, "startLine": line, "endLine": line, "body": body,
                                               "to": ["ada@example.com"]}])["result"]["id"]
        def lines(diagnostics):
            return sorted((d["code"], d["range"]["start"]["line"], d["range"]["end"]["line"]) for d in diagnostics)
        seen = self.mark()
        cache, total = ask(4, "Who clears this cache?"), ask(1, "Net or gross?")
        self.diagnostics(seen, lambda d: len(d) == 2)

        # Two lines typed at the top, not saved: the diagnostics move with
        # their lines at once, as the lenses do.
        seen = self.mark()
        self.client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                                "text": "import os\n\n"}]})
        moved = self.diagnostics(seen, lambda d: len(d) == 2)
        self.assertEqual(lines(moved), sorted([(cache[:8], 6, 7), (total[:8], 3, 4)]))
        lenses = self.request("textDocument/codeLens", {"textDocument": {"uri": self.uri}})
        self.assertEqual([lens["range"]["start"]["line"] for lens in lenses], [3, 6])

        # Answered in the editor: no longer waiting on me; the other stays where the buffer has it.
        seen = self.mark()
        self.assertNotIn("error", self.command("tacit.answer", [{"id": cache, "body": "A cron job."}]))
        self.assertEqual(lines(self.diagnostics(seen, lambda d: len(d) == 1)), [(total[:8], 3, 4)])
        # Resolved from a terminal: the server notices, and the last one goes.
        seen = self.mark()
        subprocess.run([TACIT, "resolve", total[:8]], cwd=self.repo, env=self.env, check=True, capture_output=True)
        self.diagnostics(seen, lambda d: d == [])

    def test_a_question_is_acknowledged_answered_resolved_and_reopened(self):
        question = self.command("tacit.ask", [{"uri": self.uri, "startLine": 0, "endLine": 1,
                                               "body": "Net or gross?", "to": ["bob@example.com"]}])["result"]["id"]
        acked = self.command("tacit.ack", [{"id": question[:8]}])["result"]
        self.assertEqual([a["author"]["email"] for a in acked["acks"]], ["ada@example.com"])
        self.assertEqual(acked["state"], "open")
        answered = self.command("tacit.answer", [{"id": question, "body": "Net."}])["result"]
        self.assertEqual((answered["state"], answered["replies"][0]["kind"], answered["replies"][0]["body"]),
                         ("answered", "answer", "Net."))
        self.command("tacit.reply", [{"id": question, "body": "Thanks!"}])
        # What a shim draws a summary from, and the whole thread on request.
        [summary] = self.request("tacit/threads", {"textDocument": {"uri": self.uri}})["threads"]
        self.assertEqual((summary["author"], summary["assignees"], summary["replies"], summary["latest"]),
                         ({"name": "Ada", "email": "ada@example.com"}, ["bob@example.com"], 2,
                          {"author": "Ada", "text": "Thanks!"}))
        self.assertRegex(summary["updatedAt"], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        self.assertNotIn("thread", summary)
        [full] = self.request("tacit/threads", {"textDocument": {"uri": self.uri}, "full": True})["threads"]
        self.assertEqual([r["body"] for r in full["thread"]["replies"]], ["Net.", "Thanks!"])
        self.assertEqual((full["thread"]["id"], full["thread"]["location"]["start_line"]), (question, 1))
        def actions():
            [thread] = self.request("tacit/threads", {"textDocument": {"uri": self.uri}})["threads"]
            return thread["actions"]
        # Answered: no "seen — will answer" any more.
        self.assertEqual(actions(), ["tacit.reply", "tacit.answer", "tacit.resolve", "tacit.moveThread"])
        self.assertEqual(self.command("tacit.resolve", [{"id": question}])["result"]["state"], "resolved")
        self.assertEqual(actions(), ["tacit.reply", "tacit.reopen", "tacit.moveThread"])
        reopened = self.command("tacit.reopen", [{"id": question}])["result"]
        self.assertEqual([r["body"] for r in reopened["replies"]], ["Net.", "Thanks!"])
        hover = self.request("textDocument/hover", {"textDocument": {"uri": self.uri},
                                                    "position": {"line": 0, "character": 0}})
        self.assertIn("**Question** · Ada · just now · open · seen by Ada · 2 replies", hover["contents"]["value"])  # reopened
        self.assertIn("> **Ada** (answer, just now): Net.", hover["contents"]["value"])
        for command, arguments, message in [("tacit.answer", [{"id": question}], "body: the text is required"),
                                            ("tacit.ack", [{"id": "ffffffff"}], "unknown id"),
                                            ("tacit.reply", [{"body": "x"}], "id: required field is missing")]:
            response = self.command(command, arguments)
            self.assertIn(message, response["error"]["message"])

    def test_asked_before_offers_answered_questions_like_the_new_one(self):
        def ask(body):
            return self.command("tacit.ask", [{"uri": self.uri, "startLine": 4, "endLine": 4, "body": body}])["result"]["id"]
        answered = ask("Can a coupon bring the cart total below zero?")
        self.command("tacit.answer", [{"id": answered, "body": "No, max(0, ...) stops it."}])
        ask("Can a coupon be used twice?")  # open: not offered
        similar = self.command("tacit.similarQuestions", [{"text": "Could coupons make the total negative?"}])["result"]
        self.assertEqual([(q["id"], q["answer"]) for q in similar], [(answered, "No, max(0, ...) stops it.")])
        self.assertEqual(self.command("tacit.similarQuestions", [{"text": "the and why"}])["result"], [])
        # The command line says so before it asks (on stderr; the id alone on stdout).
        quiet = subprocess.run([TACIT, "ask", "src/shop.py:5", "-m", "Coupon below zero?"], cwd=self.repo,
                               env=self.env, capture_output=True, text=True)
        self.assertEqual(quiet.stderr, "")  # not a terminal: scripts see nothing extra
        out = subprocess.run([TACIT, "ask", "--similar", "src/shop.py:5", "-m", "Total below zero with a coupon?"],
                             cwd=self.repo,
                             env=self.env, capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertRegex(out.stdout, r"^[0-9a-f]{32}\n$")
        self.assertIn(f'tacit: asked before? {answered[:8]} "Can a coupon bring the cart total below zero?" answered: '
                      "No, max(0, ...) stops it.", out.stderr)
        listed = json.loads(subprocess.run([TACIT, "similar", "coupon total", "--json"], cwd=self.repo, env=self.env,
                                           capture_output=True, text=True, check=True).stdout)
        self.assertEqual([q["id"] for q in listed], [answered])

    def test_the_inbox_shows_what_waits_on_me_and_what_came_back(self):
        def ask(body, to):
            return self.command("tacit.ask", [{"uri": self.uri, "startLine": 0, "endLine": 0, "body": body,
                                               "to": [to]}])["result"]["id"]
        answered = ask("Net or gross?", "bob@example.com")
        waiting = ask("Who owns TAX_RATE?", "bob@example.com")
        # Bob, in this clone, answers one question and asks Ada another.
        git(self.repo, "config", "user.name", "Bob")
        git(self.repo, "config", "user.email", "bob@example.com")
        for args in (["ack", answered], ["answer", answered, "-m", "Net."],
                     ["ask", "src/shop.py:5", "-m", "Is the cache ever cleared?", "--to", "ada@example.com"]):
            subprocess.run([TACIT, *args], cwd=self.repo, env=self.env, check=True, capture_output=True)
        git(self.repo, "config", "user.name", "Ada")
        git(self.repo, "config", "user.email", "ada@example.com")

        box = self.request("tacit/inbox", {})
        self.assertEqual([t["body"] for t in box["for_me"]], ["Is the cache ever cleared?"])
        self.assertEqual([t["id"] for t in box["waiting"]], [waiting])
        self.assertEqual([(n["what"], n["by"]["name"], n["thread"]["id"], n.get("body")) for n in box["news"]],
                         [("answer", "Bob", answered, "Net."), ("ack", "Bob", answered, None)])
        self.assertEqual(self.request("tacit/inbox", {"since": "0s"})["news"], [])
        bad = self.client.request("tacit/inbox", {"since": "soon"})
        self.assertIn("expected a duration such as 10m, 1h30m, 12h or 7d, got \"soon\"", bad["error"]["message"])
        text = subprocess.run([TACIT, "inbox"], cwd=self.repo, env=self.env, capture_output=True, text=True,
                              check=True).stdout
        self.assertIn("For you (1)", text)
        self.assertIn('Bob answered ' + answered[:8] + ' "Net or gross?": Net.', text)

    def test_a_write_by_another_process_refreshes_the_editor(self):
        doc = {"uri": self.uri}
        self.assertEqual(self.request("textDocument/codeLens", {"textDocument": doc}), [])
        subprocess.run([TACIT, "note", "add", "src/shop.py:5", "-m", "Written from a terminal"], cwd=self.repo,
                       env=self.env, check=True, capture_output=True)
        self.client.wait_for_notification(lambda n: n.get("method") == "tacit/didChange")
        self.client.wait_for_notification(lambda n: n.get("method") == "workspace/codeLens/refresh")
        lenses = self.request("textDocument/codeLens", {"textDocument": doc})
        self.assertEqual([(lens["range"]["start"]["line"], lens["command"]["title"]) for lens in lenses],
                         [(4, "1 note")])
        # A question for me, asked elsewhere, becomes a diagnostic without any request.
        subprocess.run([TACIT, "ask", "src/shop.py:1", "-m", "Elsewhere?", "--to", "ada@example.com"],
                       cwd=self.repo, env=self.env, check=True, capture_output=True)
        published = self.client.wait_for_notification(
            lambda n: n.get("method") == "textDocument/publishDiagnostics" and n["params"]["diagnostics"])
        self.assertEqual(published["params"]["diagnostics"][0]["message"], "Question for you from Ada: Elsewhere?")

    def test_bad_arguments_are_one_clear_error_and_store_nothing(self):
        cases = [
            ("tacit.addNote", [{"uri": self.uri, "startLine": 0, "endLine": 0}], -32602, "body: the text is required"),
            ("tacit.addNote", [{"uri": self.uri, "startLine": 2, "endLine": 1, "body": "x"}], -32602, "before startLine"),
            ("tacit.addNote", [{"uri": self.uri, "startLine": 40, "endLine": 41, "body": "x"}], -32803, "past the end"),
            ("tacit.addNote", [{"uri": "file:///elsewhere/x.py", "startLine": 0, "endLine": 0, "body": "x"}], -32803,
             "document is not open"),
            ("tacit.addNote", [], -32602, "expected one object"),
            ("tacit.addNote", [{"uri": self.uri, "startLine": "one", "endLine": 0, "body": "x"}], -32602,
             "startLine: expected a non-negative integer"),
            ("tacit.addNote", [{"uri": self.uri, "startLine": 0, "endLine": 0, "body": "x", "to": ["b@x.org"]}],
             -32602, "only a question has recipients"),
            ("tacit.ask", [{"uri": self.uri, "startLine": 0, "endLine": 0, "body": "x", "to": ["not an email"]}],
             -32803, "refusing event"),
            ("tacit.moveThread", [{"id": "ffffffff", "uri": self.uri, "startLine": 0, "endLine": 0}], -32803,
             "unknown id"),
        ]
        for command, arguments, code, message in cases:
            response = self.command(command, arguments)
            self.assertIn("error", response, (command, arguments))
            self.assertEqual(response["error"]["code"], code, response)
            self.assertIn(message, response["error"]["message"])
            self.assertNotIn("\n", response["error"]["message"])
        self.assertEqual(self.stored(), [])

    def test_orphaned_outside_and_binary_are_honest(self):
        """A thread whose code was deleted stays listed where it was last seen;
        a document outside the repository and a binary file get empty answers
        or one clear error, and nothing is stored."""
        created = self.command("tacit.addNote", [{"uri": self.uri, "startLine": 3, "endLine": 4,
                                                  "body": "The cache is per process."}])
        note = created["result"]["id"]
        # The lines go away in a commit.
        with open(os.path.join(self.repo, "src", "shop.py"), "w") as f:
            f.write("def total(items):\n    return sum(i.price for i in items)\n")
        git(self.repo, "commit", "-q", "-am", "no cache")
        listed = self.stored()
        self.assertEqual([(t["id"], t["location"]["status"], t["location"]["path"], t["location"]["start_line"])
                          for t in listed], [(note, "orphaned", "src/shop.py", 4)])
        short = subprocess.run([TACIT, "show", note[:8]], cwd=self.repo, env=self.env, capture_output=True,
                               text=True, check=True).stdout
        self.assertIn("at src/shop.py:4-5 (orphaned)", short)
        # The editor has the new text: the thread is orphaned there too, at the last place seen.
        text = "def total(items):\n    return sum(i.price for i in items)\n"
        self.client.notify("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": 2},
                                                     "contentChanges": [{"text": text}]})
        self.client.notify("textDocument/didSave", {"textDocument": {"uri": self.uri}})
        threads = self.request("tacit/threads", {"textDocument": {"uri": self.uri}})["threads"]
        self.assertEqual([(t["id"], t["status"]) for t in threads], [(note, "orphaned")])
        # Last seen on lines 4-5 of what now has 2: everything the editor is
        # given is on its last line, a place that exists, and says orphaned.
        last_line = {"start": {"line": 1, "character": 0}, "end": {"line": 2, "character": 0}}
        self.assertEqual(threads[0]["range"], last_line)
        self.assertEqual(self.request("textDocument/codeLens", {"textDocument": {"uri": self.uri}}),
                         [{"range": {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}},
                           "command": {"title": "1 note (orphaned)", "command": ""}}])
        self.assertEqual(self.request("textDocument/inlayHint", {"textDocument": {"uri": self.uri}, "range": {
            "start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}}),
            [{"position": {"line": 1, "character": len("    return sum(i.price for i in items)")},
              "label": "note (orphaned): The cache is per process.", "paddingLeft": True}])
        hover = self.request("textDocument/hover", {"textDocument": {"uri": self.uri},
                                                    "position": {"line": 1, "character": 0}})
        self.assertTrue(hover["contents"]["value"].startswith("**Note** · Ada · just now · orphaned\n"), hover)
        self.assertEqual(hover["range"], last_line)
        # Searching finds it too (docs/protocol.md: workspace/symbol), there.
        self.assertEqual(self.request("workspace/symbol", {"query": "cache"}), [{
            "name": "The cache is per process.", "kind": 15, "location": {"uri": self.uri, "range": last_line},
            "containerName": "note · Ada · orphaned"}])
        # A thread whose file is gone has no place to open: searching leaves it out (`tacit list` has it).
        with open(os.path.join(self.repo, "gone.py"), "w") as f:
            f.write("cache = None\n")
        subprocess.run([TACIT, "note", "add", "gone.py:1", "-m", "Another cache"], cwd=self.repo, env=self.env,
                       check=True, capture_output=True)
        os.remove(os.path.join(self.repo, "gone.py"))
        self.assertEqual([s["name"] for s in self.request("workspace/symbol", {"query": "cache"})],
                         ["The cache is per process."])
        self.assertIn("Another cache", [t["body"] for t in self.stored()])

        # A document outside the repository: nothing to show, a clear error to write.
        outside = os.path.join(self.dir, "elsewhere.py")
        with open(outside, "w") as f:
            f.write("x = 1\n")
        uri = "file://" + outside
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": "x = 1\n"}})
        self.assertEqual(self.request("textDocument/codeLens", {"textDocument": {"uri": uri}}), [])
        self.assertIsNone(self.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                              "position": {"line": 0, "character": 0}}))
        self.assertEqual(self.request("textDocument/codeAction", {
            "textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                    "end": {"line": 0, "character": 1}},
            "context": {"diagnostics": []}}), [])
        response = self.command("tacit.addNote", [{"uri": uri, "startLine": 0, "endLine": 0, "body": "x"}])
        self.assertEqual(response["error"]["code"], -32803)
        self.assertIn("not in the repository", response["error"]["message"])

        # A binary file in the repository.
        with open(os.path.join(self.repo, "logo.bin"), "wb") as f:
            f.write(b"\x89PNG\r\n\x00\x00\x00\rIHDR\n")
        git(self.repo, "add", "logo.bin")
        git(self.repo, "commit", "-q", "-m", "logo")
        p = subprocess.run([TACIT, "note", "add", "logo.bin:1", "-m", "x"], cwd=self.repo, env=self.env,
                           capture_output=True, text=True)
        self.assertEqual((p.returncode, p.stdout, p.stderr),
                         (1, "", "tacit: logo.bin is a binary file: threads go on lines of text\n"))
        uri = "file://" + os.path.join(self.repo, "logo.bin")
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "plaintext", "version": 1, "text": "\u0089PNG\r\n\u0000\u0000\n"}})
        self.assertEqual(self.request("textDocument/codeLens", {"textDocument": {"uri": uri}}), [])
        # No action that would always fail: neither a note, a question nor a
        # chapter goes on a binary file (a text file still gets all three).
        self.assertNotIn("error", self.command("tacit.walkthrough.create", [{"title": "Tour"}]))
        def actions(on):
            return [a["title"] for a in self.request("textDocument/codeAction", {
                "textDocument": {"uri": on}, "range": {"start": {"line": 0, "character": 0},
                                                       "end": {"line": 1, "character": 0}},
                "context": {"diagnostics": []}})]
        self.assertEqual(actions(self.uri), ["Add note here", "Ask about this code", 'Add as a chapter of "Tour"'])
        self.assertEqual(actions(uri), [])
        response = self.command("tacit.addNote", [{"uri": uri, "startLine": 0, "endLine": 0, "body": "x"}])
        self.assertEqual(response["error"]["code"], -32803)
        self.assertIn("logo.bin is a binary file", response["error"]["message"])
        self.assertEqual([t["body"] for t in self.stored()], ["The cache is per process.", "Another cache"])


if __name__ == "__main__":
    TACIT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
