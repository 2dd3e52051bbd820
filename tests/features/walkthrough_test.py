#!/usr/bin/env python3
"""Walkthroughs end to end: the real `tacit` binary on a real git repository.
The command line creates a walkthrough, adds, moves and removes chapters and
exports it with the code as it is now; the language server
(tests/host/lsp_client.py) does the same through workspace/executeCommand,
plays it (the editor is asked to show each chapter with window/showDocument),
shows lenses on the chapters, and refuses bad input without storing anything.

Usage: walkthrough_test.py path/to/tacit
"""
import json
import os
import subprocess
import sys
import unittest

from workspace import FeatureTest, LspClient, git, new_repo

TACIT = None
CART = ("import json\n"
        "\n"
        "def parse(text):\n"
        "    return json.loads(text)\n"
        "\n"
        "def total(items):\n"
        "    return sum(i[\"price\"] for i in items)\n"
        "\n"
        "def receipt(items):\n"
        "    return f\"Total: {total(items)}\"\n")


def whole_lines(start, end):
    """The LSP range of 1-based lines start..end, as the server selects them."""
    return {"start": {"line": start - 1, "character": 0}, "end": {"line": end, "character": 0}}


class Walkthroughs(FeatureTest):
    def setUp(self):
        super().setUp()
        self.repo = new_repo(os.path.join(self.dir, "repo"), {"src/cart.py": CART})
        self.path = os.path.join(self.repo, "src", "cart.py")
        self.uri = "file://" + self.path

    def write(self, text):
        with open(self.path, "w") as f:
            f.write(text)

    def tacit(self, *args, check=True):
        out = subprocess.run([TACIT, *args], cwd=self.repo, env=self.env, capture_output=True, text=True)
        if check:
            self.assertEqual(out.returncode, 0, out.stderr)
        return out

    def show(self, walkthrough):
        return json.loads(self.tacit("walkthrough", "show", walkthrough, "--json").stdout)

    def stored(self):
        """Everything stored: the walkthroughs as shown, the threads, and the log's commits."""
        replica = git(self.repo, "config", "tacit.replica").strip()
        shown = [self.show(w["id"]) for w in json.loads(self.tacit("walkthrough", "list", "--json").stdout)]
        return (shown, json.loads(self.tacit("list", "--json").stdout),
                git(self.repo, "rev-parse", "refs/tacit/v1/replicas/" + replica))

    # -- LSP helpers

    def start(self, show_document=True):
        self.shown = []

        def show(params):
            self.shown.append(params)
            return {"success": True}

        self.client = LspClient(TACIT, self.repo, self.env)
        self.client.responders["window/showDocument"] = show
        capabilities = {"workspace": {"codeLens": {"refreshSupport": True}}}
        if show_document:
            capabilities["window"] = {"showDocument": {"support": True}}
        self.client.initialize("file://" + self.repo, capabilities)
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": self.uri, "languageId": "python", "version": 1, "text": CART}})

    def command(self, command, *arguments):
        return self.client.request("workspace/executeCommand", {"command": command, "arguments": list(arguments)})

    def result(self, command, *arguments):
        response = self.command(command, *arguments)
        self.assertNotIn("error", response, response)
        return response["result"]

    def error(self, command, *arguments):
        response = self.command(command, *arguments)
        self.assertIn("error", response, (command, arguments, response))
        self.assertNotIn("\n", response["error"]["message"])
        return response["error"]

    def lsp_walkthrough(self):
        """A walkthrough of three chapters made through the language server."""
        w = self.result("tacit.walkthrough.create", {"title": "How a receipt is made",
                                                     "description": "Three steps, in order."})["id"]
        for start, end, body in [(2, 3, "Parse the cart"), (5, 6, "Sum the prices"), (8, 9, "Print the receipt")]:
            added = self.result("tacit.walkthrough.addChapter", {"walkthrough": w, "uri": self.uri, "startLine": start,
                                                                 "endLine": end, "body": body})
            self.assertEqual((added["walkthrough"], added["chapter"], added["of"]), (w, (start + 1) // 3, (start + 1) // 3))
        return w

    # -- The command line

    def test_the_command_line_makes_orders_and_exports_a_walkthrough(self):
        w = self.tacit("walkthrough", "create", "How a receipt is made", "-m", "Three steps.").stdout.strip()
        self.assertRegex(w, r"^[0-9a-f]{32}$")
        total = self.tacit("walkthrough", "add", w[:6], "src/cart.py:6-7", "-m", "Sum the prices").stdout.strip()
        receipt = self.tacit("walkthrough", "add", w, "src/cart.py:9-10", "-m", "Print it\n\nWith the total.").stdout.strip()
        parse = self.tacit("walkthrough", "add", w, "src/cart.py:3-4", "-m", "Parse the cart",
                           "--position", "1").stdout.strip()
        shown = self.show(w)
        self.assertEqual((shown["title"], shown["description"], shown["chapter_count"]),
                         ("How a receipt is made", "Three steps.", 3))
        self.assertEqual([(c["position"], c["id"], c["title"]) for c in shown["chapters"]],
                         [(1, parse, "Parse the cart"), (2, total, "Sum the prices"), (3, receipt, "Print it")])
        self.assertEqual(shown["chapters"][1]["location"],
                         {"path": "src/cart.py", "start_line": 6, "end_line": 7, "status": "exact", "confidence": 1.0})
        # Chapters are notes like any other; the walkthrough itself has no lines.
        self.assertEqual(sorted(t["id"] for t in json.loads(self.tacit("list", "--json").stdout)),
                         sorted([parse, total, receipt]))
        self.assertIn(w[:12] + "  3 chapters  How a receipt is made (Ada)", self.tacit("walkthrough", "list").stdout)

        self.tacit("walkthrough", "move", w, receipt[:8], "--to", "1")
        self.assertEqual([c["id"] for c in self.show(w)["chapters"]], [receipt, parse, total])
        self.tacit("walkthrough", "move", w, "1", "--to", "3")
        self.assertEqual([c["id"] for c in self.show(w)["chapters"]], [parse, total, receipt])
        self.tacit("walkthrough", "remove", w, "2")
        shown = self.show(w)
        self.assertEqual([c["id"] for c in shown["chapters"]], [parse, receipt])
        self.assertEqual(shown["unordered"], [{"id": total, "title": "Sum the prices"}])  # the note stays
        self.tacit("walkthrough", "add", w, "--note", total[:8], "--position", "2")
        self.assertEqual([c["id"] for c in self.show(w)["chapters"]], [parse, total, receipt])

        # The code moves: two lines committed above it, one more unsaved.
        self.write("#!/usr/bin/env python3\n\n" + CART)
        git(self.repo, "commit", "-q", "-am", "shebang")
        self.write("# cart\n#!/usr/bin/env python3\n\n" + CART.replace("json.loads(text)", "json.loads(text or '[]')"))
        markdown = self.tacit("walkthrough", "export", w).stdout
        self.assertEqual(markdown,
                         "# How a receipt is made\n\nThree steps.\n\n"
                         "## 1. Parse the cart\n\n`src/cart.py:6-7` (changed since the chapter was written)\n\n"
                         "```python\ndef parse(text):\n    return json.loads(text or '[]')\n```\n\n"
                         "## 2. Sum the prices\n\n`src/cart.py:9-10`\n\n"
                         "```python\ndef total(items):\n    return sum(i[\"price\"] for i in items)\n```\n\n"
                         "## 3. Print it\n\nWith the total.\n\n`src/cart.py:12-13`\n\n"
                         "```python\ndef receipt(items):\n    return f\"Total: {total(items)}\"\n```\n")
        out = os.path.join(self.dir, "tour.md")
        self.assertEqual(self.tacit("walkthrough", "export", w[:8], "--output", out).stdout, "")
        with open(out) as f:
            self.assertEqual(f.read(), markdown)

        # A chapter whose code is gone is still listed and exported, where it was last seen.
        self.write(CART[:CART.index("def total")])
        git(self.repo, "commit", "-q", "-am", "no totals")
        shown = self.show(w)
        self.assertEqual([c["location"]["status"] for c in shown["chapters"]], ["exact", "orphaned", "orphaned"])
        self.assertEqual(shown["chapters"][1]["location"]["path"], "src/cart.py")
        text = self.tacit("walkthrough", "show", w).stdout
        self.assertIn("2. src/cart.py:8-9 (orphaned: last seen there)  Sum the prices", text)
        markdown = self.tacit("walkthrough", "export", w).stdout
        self.assertIn("## 2. Sum the prices\n\n> The code of this chapter was not found now (orphaned); last seen at "
                      "`src/cart.py:8-9`. The code it was written on:\n\n"
                      "```python\ndef total(items):\n    return sum(i[\"price\"] for i in items)\n```\n", markdown)

        self.tacit("walkthrough", "remove", w, receipt[:6], "--delete")
        self.assertNotIn(receipt, [t["id"] for t in json.loads(self.tacit("list", "--json").stdout)])
        self.assertEqual(self.show(w)["unordered"], [])
        # The generic verbs know a walkthrough has no lines.
        self.assertIn("2 chapter(s): tacit walkthrough show " + w[:8], self.tacit("show", w).stdout)
        self.assertEqual(self.tacit("show", w, "--json").stdout.count('"location"'), 0)

    def test_bad_command_lines_are_one_line_errors_and_store_nothing(self):
        w = self.tacit("walkthrough", "create", "Tour").stdout.strip()
        note = self.tacit("note", "add", "src/cart.py:1", "-m", "imports").stdout.strip()
        self.tacit("walkthrough", "add", w, "src/cart.py:3-4", "-m", "Parse")
        before = self.stored()
        cases = [
            (["walkthrough", "move", w, "9", "--to", "1"], 'chapter 9 is out of range: "Tour" has 1 chapter'),
            (["walkthrough", "move", w, "1", "--to", "2"], 'position 2 is out of range: "Tour" has 1 chapter'),
            (["walkthrough", "move", w, "1", "--to", "-1"], "position -1: chapters are numbered from 1"),
            (["walkthrough", "add", w, "src/cart.py:1", "-m", "x", "--position", "0"],
             "position 0: chapters are numbered from 1"),
            (["walkthrough", "add", w, "src/cart.py:1", "-m", "x", "--position", "3"],
             'position 3 is out of range: "Tour" has 1 chapter (a new one can be 1-2)'),
            (["walkthrough", "add", w, "src/cart.py:40", "-m", "x"], "lines past the end of the file"),
            (["walkthrough", "add", w, "src/cart.py:1"], "a chapter needs PATH:START[-END] and -m TEXT"),
            (["walkthrough", "add", w, "src/cart.py:1", "-m", "x", "--note", note], "give either --note ID or"),
            (["walkthrough", "add", note, "src/cart.py:1", "-m", "x"], "not a walkthrough: " + note[:12] + " is a note"),
            (["walkthrough", "add", w, "--note", w], "a chapter is a note or a lesson"),
            (["walkthrough", "remove", w, "ffff"], 'no chapter of "Tour" has the id ffff'),
            (["walkthrough", "remove", w, "x!"], "expected a chapter's position or its note's id"),
            (["walkthrough", "show", "ffffffff"], "unknown id ffffffff"),
            (["walkthrough", "export", "12"], 'id prefix "12" is too short'),
            (["walkthrough", "create", " "], "a walkthrough needs a title"),
            (["move", w, "src/cart.py:1"], "a walkthrough has no lines of its own to move"),
        ]
        for args, message in cases:
            out = self.tacit(*args, check=False)
            self.assertEqual(out.returncode, 1, (args, out.stdout, out.stderr))
            self.assertEqual(out.stdout, "", args)
            self.assertEqual(out.stderr.count("\n"), 1, (args, out.stderr))
            self.assertTrue(out.stderr.startswith("tacit: "), out.stderr)
            self.assertIn(message, out.stderr, args)
        self.assertEqual(self.stored(), before)

    # -- The language server

    def test_play_next_and_previous_show_each_chapter_in_the_editor(self):
        self.start()
        w = self.lsp_walkthrough()
        played = self.result("tacit.walkthrough.play", {"walkthrough": w[:8], "chapter": 2})
        [chapter] = [c for c in self.show(w)["chapters"] if c["position"] == 2]
        self.assertEqual(played, {"walkthrough": w, "chapter": 2, "of": 3, "title": "How a receipt is made",
                                  "id": chapter["id"], "text": "Sum the prices", "status": "exact",
                                  "uri": self.uri, "range": whole_lines(6, 7), "shown": True})
        self.assertEqual(self.shown, [{"uri": self.uri, "takeFocus": True, "selection": whole_lines(6, 7)}])
        self.assertEqual(self.result("tacit.walkthrough.next", {"walkthrough": w})["chapter"], 3)
        self.assertEqual(self.shown[-1]["selection"], whole_lines(9, 10))
        self.assertIn('chapter 3 is the last of "How a receipt is made"',
                      self.error("tacit.walkthrough.next", {"walkthrough": w})["message"])
        self.assertEqual(self.result("tacit.walkthrough.previous", {"walkthrough": w})["chapter"], 2)
        self.assertEqual(self.result("tacit.walkthrough.previous", {"walkthrough": w})["chapter"], 1)
        self.assertIn("chapter 1 is the first", self.error("tacit.walkthrough.previous", {"walkthrough": w})["message"])
        self.assertEqual([s["selection"]["start"]["line"] for s in self.shown], [5, 8, 5, 2])

        # Unsaved edits move the chapter; playing it selects where it is now.
        self.client.notify("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
             "text": "# shop\n# cart\n"}]})
        self.assertEqual(self.result("tacit.walkthrough.play", {"walkthrough": w})["range"], whole_lines(5, 6))
        # Reordering keeps the reader's place: the current chapter, wherever it went.
        first = self.show(w)["chapters"][0]["id"]
        moved = self.result("tacit.walkthrough.moveChapter", {"walkthrough": w, "chapter": first[:6], "to": 3})
        self.assertEqual((moved["id"], moved["chapter"], moved["of"]), (first, 3, 3))
        self.assertIn("is the last", self.error("tacit.walkthrough.next", {"walkthrough": w})["message"])
        self.assertEqual(self.result("tacit.walkthrough.previous", {"walkthrough": w})["text"], "Print the receipt")

        # A lens on every chapter: where it is in the walkthrough, and the way on.
        lenses = self.client.request("textDocument/codeLens", {"textDocument": {"uri": self.uri}})["result"]
        mine = [(lens["range"]["start"]["line"], lens["command"]["title"], lens["command"]["arguments"][0]["chapter"])
                for lens in lenses if lens["command"]["command"] == "tacit.walkthrough.play"]
        self.assertEqual(sorted(mine), [(4, "Walkthrough: How a receipt is made · 3/3", 3), (4, "◂ previous", 2),
                                        (7, "Walkthrough: How a receipt is made · 1/3", 1), (7, "next ▸", 2),
                                        (10, "Walkthrough: How a receipt is made · 2/3", 2), (10, "next ▸", 3),
                                        (10, "◂ previous", 1)])
        self.assertIn("1 note", [lens["command"]["title"] for lens in lenses])  # chapters are notes
        actions = self.client.request("textDocument/codeAction", {
            "textDocument": {"uri": self.uri}, "range": {"start": {"line": 0, "character": 0},
                                                         "end": {"line": 1, "character": 0}},
            "context": {"diagnostics": []}})["result"]
        [add] = [a for a in actions if a["command"]["command"] == "tacit.walkthrough.addChapter"]
        self.assertEqual(add["title"], 'Add as a chapter of "How a receipt is made"')
        self.assertEqual(add["command"]["arguments"], [{"walkthrough": w, "uri": self.uri, "startLine": 0, "endLine": 0}])

        # The export has the code as the editor has it now.
        markdown = self.result("tacit.walkthrough.export", {"walkthrough": w})["markdown"]
        self.assertTrue(markdown.startswith("# How a receipt is made\n\nThree steps, in order.\n\n## 1. Sum the prices\n\n"
                                            "`src/cart.py:8-9`\n\n```python\ndef total(items):\n"), markdown)
        listed = self.result("tacit.walkthrough.list")
        self.assertEqual([(x["id"], x["chapter_count"]) for x in listed], [(w, 3)])
        shown = self.result("tacit.walkthrough.show", {"walkthrough": w})
        self.assertEqual([c["location"]["start_line"] for c in shown["chapters"]], [8, 11, 5])  # in the buffer
        removed = self.result("tacit.walkthrough.removeChapter", {"walkthrough": w, "chapter": 3, "delete": True})
        self.assertEqual((removed["id"], removed["of"]), (first, 2))
        self.assertEqual(len(self.show(w)["chapters"]), 2)

    def test_a_chapter_whose_code_is_gone_is_shown_where_it_was_last_seen(self):
        self.start()
        w = self.lsp_walkthrough()
        self.client.notify("textDocument/didClose", {"textDocument": {"uri": self.uri}})
        self.write(CART[:CART.index("def total")])
        git(self.repo, "commit", "-q", "-am", "no totals")
        played = self.result("tacit.walkthrough.play", {"walkthrough": w, "chapter": 2})
        # Last seen on lines 6-7 of a file that now has 5: opened on its last line, a place that exists.
        self.assertEqual((played["status"], played["range"], played["shown"]), ("orphaned", whole_lines(5, 5), True))
        self.assertEqual(self.shown[-1]["selection"], whole_lines(5, 5))
        warning = self.client.wait_for_notification(lambda n: n.get("method") == "window/showMessage")
        self.assertEqual(warning["params"], {"type": 2, "message": 'Chapter 2 of "How a receipt is made": its code was '
                                                                    "not found; last seen at src/cart.py:6-7"})
        # A file that is gone is not opened; the answer still says where it was.
        os.remove(self.path)
        played = self.result("tacit.walkthrough.play", {"walkthrough": w, "chapter": 1})
        self.assertEqual((played["status"], played["uri"], played["shown"]), ("orphaned", self.uri, False))
        self.assertEqual(len(self.shown), 1)

    def test_an_editor_that_cannot_show_documents_gets_the_place_to_go(self):
        self.start(show_document=False)
        w = self.lsp_walkthrough()
        played = self.result("tacit.walkthrough.play", {"walkthrough": w})
        self.assertEqual((played["chapter"], played["uri"], played["range"], played["shown"]),
                         (1, self.uri, whole_lines(3, 4), False))
        self.assertEqual(self.shown, [])

    def test_bad_arguments_are_one_clear_error_and_store_nothing(self):
        self.start()
        w = self.lsp_walkthrough()
        note = self.show(w)["chapters"][0]["id"]
        before = self.stored()
        chapter = {"walkthrough": w, "uri": self.uri, "startLine": 0, "endLine": 0, "body": "x"}
        cases = [
            ("tacit.walkthrough.play", [{"walkthrough": "ffffffff"}], -32803, "unknown id ffffffff"),
            ("tacit.walkthrough.play", [{"walkthrough": note}], -32803, "not a walkthrough"),
            ("tacit.walkthrough.play", [{"walkthrough": 5}], -32602, "walkthrough: expected a string, got number"),
            ("tacit.walkthrough.play", [{"walkthrough": w, "chapter": True}], -32602,
             "chapter: expected a 1-based position or a note id, got boolean"),
            ("tacit.walkthrough.play", [{"walkthrough": w, "chapter": 0}], -32602, "chapter: positions are 1-based"),
            ("tacit.walkthrough.play", [{"walkthrough": w, "chapter": 4}], -32803,
             'chapter 4 is out of range: "How a receipt is made" has 3 chapters'),
            ("tacit.walkthrough.play", [], -32602, "expected one object"),
            ("tacit.walkthrough.next", [{}], -32602, "walkthrough: required field is missing"),
            ("tacit.walkthrough.previous", [{"walkthrough": w}], -32803, "played yet"),
            ("tacit.walkthrough.create", [{"title": ""}], -32803, "a walkthrough needs a title"),
            ("tacit.walkthrough.create", [{"title": ["x"]}], -32602, "title: expected a string, got array"),
            ("tacit.walkthrough.addChapter", [dict(chapter, position="two")], -32602,
             "position: expected a non-negative integer, got string"),
            ("tacit.walkthrough.addChapter", [dict(chapter, position=5)], -32803,
             "position 5 is out of range: \"How a receipt is made\" has 3 chapters (a new one can be 1-4)"),
            ("tacit.walkthrough.addChapter", [dict(chapter, startLine=40, endLine=40)], -32803, "past the end"),
            ("tacit.walkthrough.addChapter", [dict(chapter, uri="file:///elsewhere.py")], -32803,
             "document is not open"),
            ("tacit.walkthrough.addChapter", [dict(chapter, body=" ")], -32602, "body: the text is required"),
            ("tacit.walkthrough.addChapter", [dict(chapter, endLine=-1)], -32602,
             "endLine: expected a non-negative integer"),
            ("tacit.walkthrough.addChapter", [{"walkthrough": w, "note": note}], -32803, "is already chapter 1"),
            ("tacit.walkthrough.addChapter", [{"walkthrough": w, "note": w}], -32803, "a chapter is a note or a lesson"),
            ("tacit.walkthrough.moveChapter", [{"walkthrough": w, "chapter": 1, "to": 9}], -32803,
             "position 9 is out of range"),
            ("tacit.walkthrough.moveChapter", [{"walkthrough": w, "chapter": 1}], -32602, "to: required field is missing"),
            ("tacit.walkthrough.moveChapter", [{"walkthrough": w, "chapter": "ffff", "to": 1}], -32803,
             'no chapter of "How a receipt is made" has the id ffff'),
            ("tacit.walkthrough.removeChapter", [{"walkthrough": w, "chapter": 7}], -32803, "chapter 7 is out of range"),
            ("tacit.walkthrough.removeChapter", [{"walkthrough": w, "chapter": 1, "delete": "yes"}], -32602,
             "delete: expected a boolean, got string"),
            ("tacit.walkthrough.export", [{"walkthrough": "xyz!"}], -32803, 'not a thread id: "xyz!"'),
            ("tacit.walkthrough.list", [1], -32602, "expected an object, got number"),
            ("tacit.walkthrough.nothing", [], -32602, "unknown command: tacit.walkthrough.nothing"),
            ("tacit.moveThread", [{"id": w, "uri": self.uri, "startLine": 0, "endLine": 0}], -32803,
             "a walkthrough has no lines of its own to move"),
        ]
        for command, arguments, code, message in cases:
            error = self.error(command, *arguments)
            self.assertEqual(error["code"], code, (command, arguments, error))
            self.assertIn(message, error["message"], (command, arguments))
        self.assertEqual(self.shown, [])
        self.assertEqual(self.stored(), before)


if __name__ == "__main__":
    TACIT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
