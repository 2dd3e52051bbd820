"""What the chat extension posts (extensions/chat/chat_message.py): links and texts."""

from __future__ import annotations

import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "extensions", "chat"))

import chat_message  # noqa: E402

COMMIT = "ec3f18f7d00dfeedbeef0123456789abcdef0123"


class WebUrl(unittest.TestCase):
    def test_table(self):
        cases = {
            "https://github.com/acme/shop": "https://github.com/acme/shop",
            "https://github.com/acme/shop.git": "https://github.com/acme/shop",
            "https://github.com/acme/shop/": "https://github.com/acme/shop",
            "git@github.com:acme/shop.git": "https://github.com/acme/shop",
            "github.com:acme/shop": "https://github.com/acme/shop",
            "ssh://git@github.com/acme/shop.git": "https://github.com/acme/shop",
            "ssh://git@gitlab.example.com:2222/group/sub/repo.git": "https://gitlab.example.com/group/sub/repo",
            "https://ana:s3cret@github.com/acme/shop.git": "https://github.com/acme/shop",  # no credentials
            "http://git.internal:8080/team/repo.git": "http://git.internal:8080/team/repo",
            "git://github.com/acme/shop.git": "https://github.com/acme/shop",
            "  https://github.com/acme/shop.git\n": "https://github.com/acme/shop",
            "": None,
            "/srv/git/shop.git": None,
            "../shop": None,
            "file:///srv/git/shop.git": None,
            "https://github.com/shop": None,   # no org/repo
            "C:\\repos\\shop": None,
        }
        for remote, expected in cases.items():
            with self.subTest(remote=remote):
                self.assertEqual(chat_message.web_url(remote), expected)


class CodeLink(unittest.TestCase):
    place = {"commit": COMMIT, "path": "src/a b.py", "start_line": 4, "end_line": 6}

    def test_github_remote(self):
        self.assertEqual(chat_message.code_link(self.place, "git@github.com:acme/shop.git"),
                         (f"https://github.com/acme/shop/blob/{COMMIT}/src/a%20b.py#L4-L6", "src/a b.py:4-6"))

    def test_one_line(self):
        place = dict(self.place, end_line=4)
        self.assertEqual(chat_message.code_link(place, "https://github.com/acme/shop"),
                         (f"https://github.com/acme/shop/blob/{COMMIT}/src/a%20b.py#L4", "src/a b.py:4"))

    def test_gitlab_remote(self):
        self.assertEqual(chat_message.code_link(self.place, "git@gitlab.com:group/sub/repo.git")[0],
                         f"https://gitlab.com/group/sub/repo/-/blob/{COMMIT}/src/a%20b.py#L4-6")

    def test_template_wins_over_the_remote(self):
        template = "https://code.example.com/{path}?rev={commit}#L{line}-{endLine}"
        self.assertEqual(chat_message.code_link(self.place, "git@github.com:acme/shop.git", template),
                         (f"https://code.example.com/src/a%20b.py?rev={COMMIT}#L4-6", "src/a b.py:4-6"))

    def test_template_needing_a_commit_without_one(self):
        place = dict(self.place, commit="")
        self.assertEqual(chat_message.code_link(place, "", "https://x/{commit}/{path}"), (None, "src/a b.py:4-6"))
        self.assertEqual(chat_message.code_link(place, "", "https://x/{path}#{line}")[0], "https://x/src/a%20b.py#4")

    def test_no_remote_or_a_local_one_gives_the_label_alone(self):
        self.assertEqual(chat_message.code_link(self.place, ""), (None, "src/a b.py:4-6"))
        self.assertEqual(chat_message.code_link(self.place, "/srv/git/shop.git"), (None, "src/a b.py:4-6"))

    def test_no_commit_gives_the_label_alone(self):
        self.assertEqual(chat_message.code_link(dict(self.place, commit=None), "https://github.com/a/b"),
                         (None, "src/a b.py:4-6"))

    def test_bad_lines_are_tolerated(self):
        place = {"path": "a.py", "start_line": "x", "end_line": 0, "commit": COMMIT}
        self.assertEqual(chat_message.code_link(place, "https://github.com/a/b"),
                         (f"https://github.com/a/b/blob/{COMMIT}/a.py#L1", "a.py:1"))

    def test_mrkdwn_link(self):
        self.assertEqual(chat_message.mrkdwn_link("https://x/a|b>c", "a<b>&c|d"), "<https://x/a%7Cb%3Ec|a&lt;b&gt;&amp;c¦d>")
        self.assertEqual(chat_message.mrkdwn_link(None, "a<b.py:3"), "a&lt;b.py:3")


def question(**overrides):
    thread = {
        "id": "662d948d1c3d5e37b79761761a444175", "kind": "question", "state": "open", "private": False,
        "body": "\n  Why five <lines> & not four?  \nMore detail here.",
        "author": {"name": "Ada", "email": "ada@example.com"}, "assignees": [],
        "location": {"path": "src/x.py", "start_line": 9, "end_line": 9, "status": "exact", "confidence": 1.0},
        "anchor": {"commit": COMMIT, "path": "src/x.py", "start_line": 7, "end_line": 7},
    }
    thread.update(overrides)
    return thread


WORKSPACE = {"root": "/tmp/shop", "remoteUrl": "git@github.com:acme/shop.git"}
LINK = f"<https://github.com/acme/shop/blob/{COMMIT}/src/x.py#L7|src/x.py:7>"
QUOTE = "> Why five &lt;lines&gt; &amp; not four?"


class Messages(unittest.TestCase):
    def changed(self, event_type, payload, thread=None, local=True):
        event = {"id": "e1", "type": event_type, "author": {"name": "Bob", "email": "bob@example.com"},
                 "at": "2026-11-27T22:09:18.805Z", "payload": payload}
        return chat_message.message_for("thread/changed", {"thread": thread or question(), "event": event,
                                                           "local": local}, WORKSPACE, {})

    def test_asked(self):
        text = chat_message.message_for("thread/created", {"thread": question(), "local": True}, WORKSPACE, {})
        self.assertEqual(text, f"Ada asked a question about {LINK}\n{QUOTE}")

    def test_acknowledged(self):
        self.assertEqual(self.changed("reaction", {"reaction": "ack"}),
                         f"Bob acknowledged Ada's question about {LINK}\n{QUOTE}")

    def test_answered(self):
        self.assertEqual(self.changed("answer", {"body": "Because."}),
                         f"Bob answered Ada's question about {LINK}\n{QUOTE}")

    def test_link_template_from_settings(self):
        text = chat_message.message_for("thread/created", {"thread": question(), "local": True}, WORKSPACE,
                                        {"linkTemplate": "https://code.example.com/{path}#{line}"})
        self.assertIn("<https://code.example.com/src/x.py#7|src/x.py:7>", text)

    def test_without_a_remote_the_place_is_plain_text(self):
        text = chat_message.message_for("thread/created", {"thread": question(), "local": True}, {"root": "/r"}, {})
        self.assertEqual(text, f"Ada asked a question about src/x.py:7\n{QUOTE}")

    def test_location_when_there_is_no_anchor(self):
        text = chat_message.message_for("thread/created", {"thread": question(anchor=None), "local": True},
                                        WORKSPACE, {})
        self.assertIn("about src/x.py:9", text)  # no commit: no link

    def test_names_fall_back_to_email(self):
        thread = question(author={"email": "ada@example.com"})
        text = chat_message.message_for("thread/created", {"thread": thread, "local": True}, WORKSPACE, {})
        self.assertTrue(text.startswith("ada@example.com asked"))

    def test_long_first_lines_are_cut(self):
        thread = question(body="x" * 500)
        text = chat_message.message_for("thread/created", {"thread": thread, "local": True}, WORKSPACE, {})
        self.assertTrue(text.endswith("x…"))
        self.assertEqual(len(text.split("\n> ")[1]), chat_message.FIRST_LINE_LIMIT)

    def test_nothing_is_posted_for(self):
        created = "thread/created"
        cases = {
            "a change that came by sync": (created, {"thread": question(), "local": False}),
            "no local flag": (created, {"thread": question()}),
            "a note": (created, {"thread": question(kind="note"), "local": True}),
            "a lesson": (created, {"thread": question(kind="lesson"), "local": True}),
            "a private question": (created, {"thread": question(private=True), "local": True}),
            "another method": ("reminder/due", {"thread": question(), "local": True}),
            "garbage params": (created, ["not", "a", "dict"]),
            "no thread": (created, {"local": True}),
        }
        for name, (method, params) in cases.items():
            with self.subTest(name):
                self.assertIsNone(chat_message.message_for(method, params, WORKSPACE, {}))
        for event_type, payload in (("reply", {"body": "hm"}), ("reaction", {"reaction": "+1"}),
                                    ("state", {"state": "resolved"}), ("assign", {})):
            with self.subTest(event_type=event_type, payload=payload):
                self.assertIsNone(self.changed(event_type, payload))
        self.assertIsNone(self.changed("answer", {}, local=False))
        self.assertIsNone(self.changed("answer", {}, thread=question(kind="note")))


if __name__ == "__main__":
    unittest.main()
