#!/usr/bin/env python3
"""Reminders and send-later, end to end: the real `tacit` command line and the
real `tacit serve` over stdio (tests/host/lsp_client.py) on a real git
repository, with the clock injected (TACIT_NOW at start, then the server's
tacit/test/setClock), so time passes without waiting. Every wait is on a
message from the server, never on time.

Usage: reminders_test.py path/to/tacit
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "host"))
from lsp_client import LspClient  # noqa: E402

TACIT = None
HERE = os.path.dirname(os.path.abspath(__file__))
START = "2026-11-30T09:00:00Z"  # a Monday
TEXT = "".join(f"line {i}\n" for i in range(1, 21))
ACTIONS = [{"title": "Open"}, {"title": "Snooze 10 min"}, {"title": "Done"}]


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def at(minutes):
    """START plus `minutes`, as RFC 3339."""
    h, m = divmod(9 * 60 + minutes, 60)
    d, h = divmod(h, 24)
    return f"2026-{11 if d == 0 else 12}-{30 if d == 0 else d:02d}T{h:02d}:{m:02d}:00Z"


class Reminders(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tacit-reminders-")
        self.repo = os.path.join(self.dir, "repo")
        os.makedirs(self.repo)
        git(self.repo, "init", "-q", "-b", "main")
        git(self.repo, "config", "user.name", "Ada")
        git(self.repo, "config", "user.email", "ada@example.com")
        with open(os.path.join(self.repo, "a.txt"), "w") as f:
            f.write(TEXT)
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "init")
        self.env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(self.dir, "config"), TZ="UTC", TACIT_NOW=START)
        self.uri = "file://" + os.path.join(self.repo, "a.txt")
        self.clients = []

    def tearDown(self):
        for client in self.clients:
            _, status = client.close()
            self.assertEqual(status, 0)
        shutil.rmtree(self.dir, ignore_errors=True)

    # The command line, at minute `minute` of the test's clock.
    def run_tacit(self, *args, minute=0, check=True):
        env = dict(self.env, TACIT_NOW=at(minute))
        p = subprocess.run([TACIT, *args], cwd=self.repo, env=env, capture_output=True, text=True)
        if check:
            self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def tacit(self, *args, minute=0):
        return self.run_tacit(*args, minute=minute).stdout.strip()

    def reminders(self, minute=0, *extra):
        return json.loads(self.tacit("reminders", "--json", *extra, minute=minute))

    def serve(self, minute=0, choose=None, extensions=None, item_properties=False):
        """A server started at minute `minute`, the document open; `choose`
        answers window/showMessageRequest with that action's title;
        `item_properties`: the client declares additionalPropertiesSupport."""
        env = dict(self.env, TACIT_NOW=at(minute))
        if extensions:
            os.makedirs(os.path.join(self.dir, "config", "tacit"), exist_ok=True)
            with open(os.path.join(self.dir, "config", "tacit", "config.json"), "w") as f:
                json.dump({"extensions": extensions}, f)
        client = LspClient(TACIT, self.repo, env)
        self.clients.append(client)
        if choose is not None:
            client.responders["window/showMessageRequest"] = lambda params: {"title": choose}
        window = {"showDocument": {"support": True}}
        if item_properties:
            window["showMessage"] = {"messageActionItem": {"additionalPropertiesSupport": True}}
        client.initialize("file://" + self.repo, {"window": window,
                                                  "workspace": {"codeLens": {"refreshSupport": True}}})
        client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri, "languageId": "plaintext", "version": 1, "text": TEXT}})
        return client

    def set_clock(self, client, minute):
        """Moves the server's clock; the server has done what falls due by
        the time it answers."""
        response = client.request("tacit/test/setClock", {"now": at(minute)})
        self.assertNotIn("error", response, response)

    def shown(self, client):
        with client.cond:
            return [n["params"] for n in client.notifications if n["method"] == "window/showMessageRequest"]

    def reminder_diagnostics(self, client):
        """The last reminder diagnostics published for the document."""
        with client.cond:
            published = [n["params"]["diagnostics"] for n in client.notifications
                         if n["method"] == "textDocument/publishDiagnostics" and n["params"]["uri"] == self.uri]
        mine = [d for d in published if all(x["source"] == "reminders" for x in d)]
        return mine[-1] if mine else []

    def mark(self, client):
        """What the client has received so far: take it before the action
        whose effect wait_cleared waits for (the effect may arrive at once)."""
        with client.cond:
            return {id(n) for n in client.notifications}

    def wait_cleared(self, client, seen):
        """Waits for the document's diagnostics to be cleared by a message
        received after the mark `seen`."""
        client.wait_for_notification(lambda n: id(n) not in seen and n["method"] == "textDocument/publishDiagnostics"
                                     and n["params"]["uri"] == self.uri and n["params"]["diagnostics"] == [])

    def command(self, client, command, *arguments):
        return client.request("workspace/executeCommand", {"command": command, "arguments": list(arguments)})

    def test_choices_say_what_they_do_to_a_client_that_can_take_it(self):
        # An editor with an asynchronous picker (Neovim) answers at once and
        # acts itself: each choice carries its command or its place.
        note = self.tacit("note", "add", "a.txt:5-6", "-m", "The parser is re-entrant")
        rid = self.tacit("remind", note[:8], "--in", "10m")
        client = self.serve(item_properties=True)
        client.responders["window/showMessageRequest"] = lambda params: None  # dismissed at once
        seen = self.mark(client)
        self.set_clock(client, 10)
        [shown] = self.shown(client)
        self.assertEqual(shown["actions"], [
            {"title": "Open", "location": {"uri": self.uri, "range": {"start": {"line": 4, "character": 0},
                                                                      "end": {"line": 6, "character": 0}}}},
            {"title": "Snooze 10 min", "command": {"title": "Snooze 10 min", "command": "tacit.snooze",
                                                   "arguments": [{"id": rid}]}},
            {"title": "Done", "command": {"title": "Done", "command": "tacit.done", "arguments": [{"id": rid}]}}])
        # Dismissed: nothing changed; the editor then runs the Snooze command.
        self.assertEqual(self.reminders(10)[0]["snoozes"], 0)
        snooze = shown["actions"][1]["command"]
        response = client.request("workspace/executeCommand", {"command": snooze["command"],
                                                               "arguments": snooze["arguments"]})
        self.assertEqual((response["result"]["dueAt"], response["result"]["snoozes"]), ("2026-11-30T09:20:00.000Z", 1))
        self.wait_cleared(client, seen)

    def test_a_reminder_falls_due_in_the_editor_with_actions_and_a_diagnostic(self):
        note = self.tacit("note", "add", "a.txt:5-6", "-m", "The parser is re-entrant")
        rid = self.tacit("remind", note[:8], "--in", "10m", "-m", "ask Bob about the parser")
        # An external extension that echoes the events it gets hears reminder/due.
        ext = os.path.join(self.dir, "listener")
        os.makedirs(ext)
        with open(os.path.join(ext, "tacit-extension.json"), "w") as f:
            json.dump({"name": "listener", "version": "1", "protocolVersion": 1,
                       "command": ["python3", os.path.join(HERE, "..", "host", "fixtures", "test_extension.py"),
                                   "good", "listener"],
                       "activationEvents": ["*"], "contributes": {"events": ["reminder/due"]}}, f)
        client = self.serve(choose=None, extensions=[ext])

        self.set_clock(client, 9)  # not yet
        self.assertEqual(self.shown(client), [])
        self.assertEqual(self.reminder_diagnostics(client), [])

        self.set_clock(client, 10)
        self.assertEqual(self.shown(client), [{
            "type": 3, "actions": ACTIONS,
            "message": "Reminder: ask Bob about the parser — a.txt:5 (“The parser is re-entrant”)"}])
        diagnostics = self.reminder_diagnostics(client)
        self.assertEqual(len(diagnostics), 1)
        self.assertEqual(diagnostics[0]["range"], {"start": {"line": 4, "character": 0}, "end": {"line": 6, "character": 0}})
        self.assertEqual(diagnostics[0]["severity"], 3)
        self.assertEqual(diagnostics[0]["code"], rid[:8])
        event = client.wait_for_notification(lambda n: n["method"] == "window/logMessage" and
                                             n["params"]["message"].startswith("listener got reminder/due "))
        params = json.loads(event["params"]["message"][len("listener got reminder/due "):])
        self.assertEqual(params["reminder"]["id"], rid)
        self.assertEqual(params["thread"]["id"], note)

        # Shown once: more time passing does not ask again.
        self.set_clock(client, 30)
        self.assertEqual(len(self.shown(client)), 1)
        # It was recorded as delivered.
        [r] = self.reminders(30)
        self.assertEqual(r["deliveredAt"], "2026-11-30T09:10:00.000Z")

        # The diagnostic follows the lines as the editor edits above them.
        client.notify("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                                "text": "new 1\nnew 2\n"}]})
        client.wait_for_notification(lambda n: n["method"] == "textDocument/publishDiagnostics" and any(
            d["source"] == "reminders" and d["range"]["start"]["line"] == 6 for d in n["params"]["diagnostics"]))

        # Done from the command line: the server hears of it and clears the diagnostic.
        seen = self.mark(client)
        self.tacit("done", rid[:6], minute=30)
        self.wait_cleared(client, seen)
        self.assertEqual(self.reminders(30), [])

    def test_snooze_and_done_from_the_message(self):
        rid = self.tacit("remind", "a.txt:3", "--in", "5m")
        client = self.serve(choose="Snooze 10 min")
        seen = self.mark(client)
        self.set_clock(client, 6)
        # The user's choice comes back after setClock's answer: wait for its
        # effect, the diagnostic cleared.
        self.wait_cleared(client, seen)
        [r] = self.reminders(6)
        self.assertEqual((r["dueAt"], r["snoozes"], r["deliveredAt"]), ("2026-11-30T09:16:00.000Z", 1, None))
        self.assertEqual(len(self.shown(client)), 1)

        # Due again after the snooze: shown again, and this time Done.
        client.responders["window/showMessageRequest"] = lambda params: {"title": "Done"}
        seen = self.mark(client)
        self.set_clock(client, 16)
        self.assertEqual(len(self.shown(client)), 2)
        self.wait_cleared(client, seen)
        self.assertEqual(self.reminders(16), [])
        [r] = self.reminders(16, "--all")
        self.assertEqual((r["id"], r["doneAt"]), (rid, "2026-11-30T09:16:00.000Z"))

    def test_open_shows_the_lines_where_they_are_now(self):
        self.tacit("remind", "a.txt:7-8", "--in", "1m", "-m", "look here")
        client = self.serve(choose="Open")
        self.set_clock(client, 2)
        request = client.wait_for_notification(lambda n: n["method"] == "window/showDocument")
        self.assertEqual(request["params"]["uri"], self.uri)
        # Lines 7-8 whole, as the reminder's diagnostic covers them.
        self.assertEqual(request["params"]["selection"], {"start": {"line": 6, "character": 0},
                                                          "end": {"line": 8, "character": 0}})
        self.assertEqual(request["params"]["takeFocus"], True)
        # Open leaves it pending.
        [r] = self.reminders(2)
        self.assertIsNone(r["doneAt"])

    def test_due_while_no_server_ran_is_delivered_at_the_next_start(self):
        rid = self.tacit("remind", "a.txt:2", "--at", "09:30", "-m", "standup notes")
        self.assertEqual(self.reminders()[0]["dueAt"], "2026-11-30T09:30:00.000Z")
        client = self.serve(minute=120)  # started at 11:00, long after it fell due
        message = client.wait_for_notification(lambda n: n["method"] == "window/showMessageRequest")
        self.assertEqual(message["params"]["message"], "Reminder: standup notes — a.txt:2")
        # The inbox lists it.
        inbox = client.request("tacit/inbox", {})["result"]
        self.assertEqual([r["id"] for r in inbox["reminders"]], [rid])
        self.assertEqual(inbox["reminders"][0]["location"]["startLine"], 2)
        text = self.tacit("inbox", minute=120)
        self.assertIn("Reminders due (1)", text)
        self.assertIn(rid[:8] + "  DUE 2 hours ago  a.txt:2  standup notes", text)
        # A second session shows it again: it is still pending.
        second = self.serve(minute=121)
        second.wait_for_notification(lambda n: n["method"] == "window/showMessageRequest")

    def test_remind_snooze_done_as_editor_commands(self):
        client = self.serve()
        created = self.command(client, "tacit.remind",
                               {"uri": self.uri, "startLine": 9, "endLine": 10, "in": "1h", "text": "refactor"})
        self.assertNotIn("error", created, created)
        r = created["result"]
        self.assertEqual((r["text"], r["dueAt"], r["location"]["startLine"], r["location"]["endLine"]),
                         ("refactor", "2026-11-30T10:00:00.000Z", 10, 11))
        listed = self.command(client, "tacit.reminders")["result"]
        self.assertEqual([x["id"] for x in listed], [r["id"]])
        snoozed = self.command(client, "tacit.snooze", {"id": r["id"][:6], "at": "tomorrow 09:00"})["result"]
        self.assertEqual((snoozed["dueAt"], snoozed["snoozes"]), ("2026-12-01T09:00:00.000Z", 1))
        done = self.command(client, "tacit.done", {"id": r["id"]})["result"]
        self.assertEqual(done["doneAt"], "2026-11-30T09:00:00.000Z")
        self.assertEqual(self.command(client, "tacit.reminders")["result"], [])
        self.assertEqual(len(self.command(client, "tacit.reminders", {"all": True})["result"]), 1)

    def test_bad_input_is_one_clear_error_and_changes_nothing(self):
        kept = self.tacit("remind", "a.txt:1", "--in", "1h", "-m", "kept")
        before = self.reminders()
        for args, message in [
            (["remind", "a.txt:1", "--in", "soon"], 'expected a duration such as 10m, 1h30m, 12h or 7d, got "soon"'),
            (["remind", "a.txt:1", "--at", "2020-01-01"], "--at 2020-01-01 is in the past"),
            (["remind", "a.txt:1", "--at", "someday"], "someday"),
            (["remind", "a.txt:1"], "remind needs one of --in DURATION or --at TIME"),
            (["remind", "a.txt:1", "--in", "1m", "--at", "10:00"], "remind needs one of --in DURATION or --at TIME"),
            (["remind", "beef", "--in", "1m"], "unknown id beef"),
            (["remind", "a.txt:99", "--in", "1m"], "a.txt has 20 lines"),
            (["remind", "../x:1", "--in", "1m"], "outside the repository"),
            (["snooze", "zz"], 'expected a reminder id (at least 4 hex digits), got "zz"'),
            (["snooze", "abcd"], "unknown reminder id abcd"),
            (["done", "abcd"], "unknown reminder id abcd"),
            (["send", "abcd"], "unknown scheduled question id abcd"),
            (["ask", "a.txt:1", "-m", "q", "--send-at", "yesterday"], "yesterday"),
            (["ask", "a.txt:1", "-m", "q", "--send-at", "1h", "--private"], "cannot be --private"),
        ]:
            p = self.run_tacit(*args, check=False)
            self.assertEqual(p.returncode, 1, args)
            self.assertEqual(p.stdout, "", args)
            self.assertEqual(len(p.stderr.splitlines()), 1, (args, p.stderr))
            self.assertIn(message, p.stderr, args)
        self.tacit("done", kept[:8])
        p = self.run_tacit("done", kept[:8], check=False)
        self.assertEqual((p.returncode, p.stderr.strip()), (1, f"tacit: reminder {kept[:8]} is already done"))
        self.assertEqual(json.loads(self.tacit("scheduled", "--json")), [])

        client = self.serve()
        for arguments, message in [
            ({"uri": self.uri, "startLine": 1}, "needs one of --in DURATION or --at TIME"),
            ({"uri": self.uri, "startLine": 1, "in": "-5m"}, "expected a duration"),
            ({"uri": self.uri, "startLine": 1, "at": "2001-01-01T00:00:00Z"}, "is in the past"),
            ({"thread": "beef", "in": "1m"}, "unknown id beef"),
            ({"in": "1m"}, "give either thread, or uri and startLine"),
            ({"uri": self.uri, "startLine": 3, "endLine": 1, "in": "1m"}, "endLine: before startLine"),
            ({"uri": "file:///elsewhere/x.txt", "startLine": 0, "in": "1m"}, "not open"),
        ]:
            response = self.command(client, "tacit.remind", arguments)
            self.assertIn("error", response, arguments)
            self.assertIn(message, response["error"]["message"], arguments)
        response = self.command(client, "tacit.snooze", {"id": "abcd"})
        self.assertIn("unknown reminder id abcd", response["error"]["message"])
        response = self.command(client, "tacit.done", {})
        self.assertIn("params.arguments[0].id: required field is missing", response["error"]["message"])
        response = client.request("tacit/test/setClock", {"now": "noon"})
        self.assertIn("expected an RFC 3339 time", response["error"]["message"])
        self.assertEqual([r["id"] for r in self.reminders(0, "--all")], [b["id"] for b in before])

    def test_the_clock_moves_only_when_injected(self):
        env = dict(self.env)
        del env["TACIT_NOW"]
        client = LspClient(TACIT, self.repo, env)
        self.clients.append(client)
        client.initialize("file://" + self.repo)
        response = client.request("tacit/test/setClock", {"now": START})
        self.assertEqual(response["error"]["code"], -32601)

    def test_a_question_sent_later_waits_in_private_then_goes_out(self):
        qid = self.tacit("ask", "a.txt:4", "-m", "Why is line 4 here?", "--to", "bob@example.com",
                         "--send-at", "30m")
        self.assertEqual(self.tacit("list"), "")  # not in the shared log yet
        [q] = json.loads(self.tacit("scheduled", "--json"))
        self.assertEqual((q["id"], q["sendAt"], q["question"]["assignees"]),
                         (qid, "2026-11-30T09:30:00.000Z", ["bob@example.com"]))
        self.assertEqual(git(self.repo, "for-each-ref", "refs/tacit/v1/replicas"), "")

        client = self.serve()
        self.set_clock(client, 29)
        self.assertEqual(self.tacit("list", minute=29), "")
        self.set_clock(client, 30)
        [t] = json.loads(self.tacit("list", "--json", minute=30))
        self.assertEqual((t["id"], t["kind"], t["assignees"], t["created_at"]),
                         (qid, "question", ["bob@example.com"], "2026-11-30T09:30:00.000Z"))
        self.assertEqual(json.loads(self.tacit("scheduled", "--json", minute=30)), [])
        self.assertNotEqual(git(self.repo, "for-each-ref", "refs/tacit/v1/replicas"), "")
        # Sending again is impossible.
        p = self.run_tacit("send", qid[:8], check=False, minute=31)
        self.assertEqual(p.stderr.strip(), f"tacit: question {qid[:8]} was already sent")

    def test_ask_from_the_editor_to_send_later(self):
        client = self.serve()
        base = {"uri": self.uri, "startLine": 2, "endLine": 3, "body": "Who calls this?", "to": ["bob@example.com"]}
        for extra, message in [({"sendAt": "someday"}, "sendAt: "), ({"sendAt": "2020-01-01"}, "is in the past"),
                               ({"sendAt": "1h", "private": True}, "a private question is never sent")]:
            response = self.command(client, "tacit.ask", dict(base, **extra))
            self.assertEqual(response["error"]["code"], -32602, response)
            self.assertIn(message, response["error"]["message"])
        response = self.command(client, "tacit.addNote", dict(base, to=None, sendAt="1h"))
        self.assertIn("only a question is sent later", response["error"]["message"])
        self.assertEqual(json.loads(self.tacit("scheduled", "--json")), [])

        created = self.command(client, "tacit.ask", dict(base, sendAt="tomorrow 08:30"))["result"]
        self.assertEqual(created["sendAt"], "2026-12-01T08:30:00.000Z")
        self.assertEqual(self.tacit("list"), "")
        [q] = json.loads(self.tacit("scheduled", "--json"))
        self.assertEqual((q["id"], q["question"]["anchor"]["start_line"], q["question"]["context"]["snippet"]),
                         (created["id"], 3, "line 3\nline 4\n"))
        self.set_clock(client, 23 * 60 + 30)
        [t] = json.loads(self.tacit("list", "--json", minute=23 * 60 + 30))
        self.assertEqual((t["id"], t["body"], t["created_at"]), (created["id"], "Who calls this?",
                                                                 "2026-12-01T08:30:00.000Z"))

    def test_a_question_due_while_no_server_ran_goes_out_at_start_or_sync(self):
        first = self.tacit("ask", "a.txt:4", "-m", "First?", "--send-at", "10m")
        second = self.tacit("ask", "a.txt:5", "-m", "Second?", "--send-at", "20m")
        cancelled = self.tacit("ask", "a.txt:6", "-m", "Never mind", "--send-at", "20m")
        self.assertEqual(self.tacit("cancel", cancelled[:8]), f"cancelled {cancelled[:8]}")
        # sync sends what is due (and then fails: this clone has no remote).
        p = self.run_tacit("sync", check=False, minute=15)
        self.assertIn("sent 1 scheduled question(s)", p.stdout)
        self.assertEqual([t["id"] for t in json.loads(self.tacit("list", "--json", minute=15))], [first])
        # A server started later sends the rest.
        client = self.serve(minute=25)
        client.wait_for_notification(lambda n: n["method"] == "window/logMessage" and
                                     n["params"]["message"] == "sent 1 scheduled question(s)")
        self.assertEqual(sorted(t["id"] for t in json.loads(self.tacit("list", "--json", minute=25))),
                         sorted([first, second]))
        # send: at once, before its time.
        third = self.tacit("ask", "a.txt:7", "-m", "Third?", "--send-at", "tomorrow 09:00", minute=25)
        self.assertEqual(self.tacit("send", third[:8], minute=26), third)
        self.assertEqual(len(json.loads(self.tacit("list", "--json", minute=26))), 3)

    def test_sync_never_pushes_reminders_or_questions_waiting_to_be_sent(self):
        origin = os.path.join(self.dir, "origin.git")
        git(self.dir, "clone", "-q", "--bare", self.repo, origin)
        git(self.repo, "remote", "add", "origin", origin)
        note = self.tacit("note", "add", "a.txt:3", "-m", "Shared with the team")
        about_note = self.tacit("remind", note[:8], "--in", "10m", "-m", "private: ping Bob")
        about_lines = self.tacit("remind", "a.txt:5-6", "--in", "1h", "-m", "private: check these lines")
        later = self.tacit("ask", "a.txt:7", "-m", "Not sent before noon", "--send-at", "3h")
        self.assertIn("pushed 1 ref(s)", self.tacit("sync"))

        # The remote got this clone's replica ref and nothing else of Tacit's.
        replica = git(self.repo, "config", "tacit.replica").strip()
        refs = git(origin, "for-each-ref", "--format=%(refname)").split()
        self.assertEqual(refs, ["refs/heads/main", "refs/tacit/v1/replicas/" + replica])
        everything = git(origin, "log", "--all", "-p", "--format=%H %s")
        self.assertIn("Shared with the team", everything)  # what was pushed can be read
        for private in (about_note, about_lines, later, "private: ping Bob", "private: check these lines",
                        "Not sent before noon"):
            self.assertNotIn(private, everything)

        # A teammate's clone gets the note and none of it.
        bob = os.path.join(self.dir, "bob")
        git(self.dir, "clone", "-q", origin, bob)
        git(bob, "config", "user.name", "Bob")
        git(bob, "config", "user.email", "bob@example.com")
        p = subprocess.run([TACIT, "sync"], cwd=bob, env=self.env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        def bobs(*args):
            out = subprocess.run([TACIT, *args, "--json"], cwd=bob, env=self.env, capture_output=True, text=True)
            self.assertEqual(out.returncode, 0, out.stderr)
            return json.loads(out.stdout)
        self.assertEqual([t["id"] for t in bobs("list")], [note])
        self.assertEqual((bobs("reminders", "--all"), bobs("scheduled", "--all")), ([], []))
        # Ada still has hers.
        self.assertEqual(sorted(r["id"] for r in self.reminders()), sorted([about_note, about_lines]))


if __name__ == "__main__":
    TACIT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
