"""The CODEOWNERS parser and matcher (extensions/owners/codeowners.py), table-driven.

The cases follow GitHub's documentation ("About code owners": its example
file and syntax exceptions) and gitignore's pattern rules where GitHub
defers to them.
"""

from __future__ import annotations

import os
import sys
import tempfile
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "extensions", "owners"))

import codeowners  # noqa: E402

# pattern -> {path: matches?}
PATTERNS = {
    # GitHub's examples.
    "*": {"a.txt": True, "src/deep/a.txt": True},
    "*.js": {"app.js": True, "src/app.js": True, "src/app.jsx": False, "app.js.map": False, "js": False},
    "/build/logs/": {"build/logs/a.log": True, "build/logs/2024/a.log": True, "build/logs": False,
                     "x/build/logs/a.log": False, "build/logsx/a.log": False},
    "docs/*": {"docs/getting-started.md": True, "docs/build-app/troubleshooting.md": False,
               "docs": False, "x/docs/a.md": False},
    "apps/": {"apps/a.js": True, "apps/x/y.js": True, "x/apps/a.js": True, "apps": False, "myapps/a.js": False},
    "/docs/": {"docs/a.md": True, "docs/x/y.md": True, "x/docs/a.md": False},
    "/scripts/": {"scripts/run.sh": True, "tools/scripts/run.sh": False},
    "**/logs": {"logs/a": True, "build/logs/a": True, "deeply/nested/logs/a": True, "logs": True,
                "build/logsx/a": False},
    "/apps/github": {"apps/github": True, "apps/github/x.rb": True, "apps/githubx": False, "x/apps/github": False},
    # gitignore rules GitHub keeps.
    "README": {"README": True, "docs/README": True, "README.md": False, "README/x": True},
    "/README": {"README": True, "docs/README": False},
    "src/util": {"src/util": True, "src/util/a.c": True, "x/src/util/a.c": False, "src/utility": False},
    "f?o.c": {"foo.c": True, "f/o.c": False, "fo.c": False, "a/fxo.c": True},
    "/*": {"a.txt": True, "src/a.txt": False},
    "/*.md": {"README.md": True, "docs/a.md": False},
    "docs/**/*.md": {"docs/a.md": True, "docs/x/y/a.md": True, "docs/a.txt": False, "x/docs/a.md": False},
    "src/**": {"src/a": True, "src/x/y": True, "src": False},
    "**": {"anything/at/all": True},
    "a/**/b": {"a/b": True, "a/x/b": True, "a/x/y/b/c": True, "x/a/b": False},
    "my\\ file.txt": {"my file.txt": True, "dir/my file.txt": True, "my\\ file.txt": False},
    "\\#notes": {"#notes": True, "x/#notes": True},
    "f\\*o": {"f*o": True, "foo": False},
    "Docs/": {"docs/a": False, "Docs/a": True},  # case-sensitive
}


class Patterns(unittest.TestCase):
    def test_table(self):
        for pattern, paths in PATTERNS.items():
            regex = codeowners.compile_pattern(pattern)
            for path, expected in paths.items():
                with self.subTest(pattern=pattern, path=path):
                    self.assertEqual(regex.fullmatch(path) is not None, expected)

    def test_rejected_patterns(self):
        for pattern, why in {
            "!src/": "negation",
            "*.[ch]": "character ranges",
            "a/***/b": "'***'",
            "/": "matches no file",
            "a//b": "empty path segment",
            "trailing\\": "escape",
        }.items():
            with self.subTest(pattern=pattern):
                with self.assertRaises(codeowners.PatternError) as raised:
                    codeowners.compile_pattern(pattern)
                self.assertIn(why, str(raised.exception))

    def test_paths_given_with_a_leading_slash_or_dot(self):
        rules = codeowners.parse("/src/ a@example.com\n")
        self.assertEqual(rules.owners_of("/src/a.py"), ("a@example.com",))
        self.assertEqual(rules.owners_of("./src/a.py"), ("a@example.com",))


GITHUB_EXAMPLE = """\
# This is a comment.
# Each line is a file pattern followed by one or more owners.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
"""


class Files(unittest.TestCase):
    def test_githubs_example_file(self):
        rules = codeowners.parse(GITHUB_EXAMPLE)
        self.assertEqual(rules.warnings, ())
        cases = {
            "README.md": ("@global-owner1", "@global-owner2"),
            "src/app.js": ("@js-owner",),                    # inline comment not an owner
            "main.go": ("docs@example.com",),
            "notes.txt": ("@octo-org/octocats",),
            "build/logs/out.log": ("@octocat",),             # **/logs comes later and wins
            "docs/getting-started.md": ("@doctocat",),       # /docs/ comes after docs/*
            "scripts/deploy.sh": ("@doctocat", "@octocat"),
            "apps/web/index.html": ("@octocat",),
            "apps/github/x.rb": (),                          # a line without owners: no owners
            "deeply/nested/logs/a.log": ("@octocat",),
        }
        for path, owners in cases.items():
            with self.subTest(path=path):
                self.assertEqual(rules.owners_of(path), owners)

    def test_last_matching_line_wins(self):
        rules = codeowners.parse("*.py a@example.com\nsrc/ b@example.com\n*.py c@example.com\n")
        self.assertEqual(rules.owners_of("src/x.py"), ("c@example.com",))
        self.assertEqual(rules.owners_of("src/x.c"), ("b@example.com",))
        self.assertEqual(rules.rule_for("src/x.py").line, 3)

    def test_no_matching_line(self):
        rules = codeowners.parse("/src/ a@example.com\n")
        self.assertIsNone(rules.rule_for("lib/a.py"))
        self.assertEqual(rules.owners_of("lib/a.py"), ())

    def test_comments_blank_lines_and_escapes(self):
        text = ("# a comment\n"
                "   \n"
                "\t# an indented comment\n"
                "\\#hash a@example.com # trailing comment @not-an-owner\n"
                "with\\ space b@example.com\n")
        rules = codeowners.parse(text)
        self.assertEqual(rules.warnings, ())
        self.assertEqual([(r.line, r.pattern, r.owners) for r in rules.rules],
                         [(4, "\\#hash", ("a@example.com",)), (5, "with\\ space", ("b@example.com",))])
        self.assertEqual(rules.owners_of("#hash"), ("a@example.com",))
        self.assertEqual(rules.owners_of("with space"), ("b@example.com",))

    def test_malformed_lines_are_skipped_with_their_line_number(self):
        text = ("* a@example.com\n"
                "!negated b@example.com\n"
                "*.[ch] c@example.com\n"
                "src/ not-an-owner\n"
                "src/ d@example.com @team/with/too/many\n"
                "lib/ @ok-user e@example.com\n")
        rules = codeowners.parse(text, source=".github/CODEOWNERS")
        self.assertEqual([r.line for r in rules.rules], [1, 6])
        self.assertEqual(len(rules.warnings), 4)
        for warning, line in zip(rules.warnings, (2, 3, 4, 5)):
            self.assertTrue(warning.startswith(f".github/CODEOWNERS:{line}: skipped: "), warning)
        self.assertIn("'not-an-owner'", rules.warnings[2])
        self.assertEqual(rules.owners_of("src/a.c"), ("a@example.com",))  # the bad lines did not apply

    def test_duplicate_owners_are_listed_once(self):
        rules = codeowners.parse("* a@example.com @x a@example.com\n")
        self.assertEqual(rules.owners_of("f"), ("a@example.com", "@x"))

    def test_hostile_input_never_raises(self):
        for text in ("\x00\x01 \\", "\\", "[", "*" * 10000, "a " + "@" * 500, "\ufeff* a@example.com",
                     "a\rb c@example.com", "/ x@example.com", "\\\\ a@example.com"):
            with self.subTest(text=text[:20]):
                codeowners.parse(text)

    def test_owner_kinds(self):
        self.assertTrue(codeowners.is_email("ana@example.com"))
        self.assertFalse(codeowners.is_email("@ana"))
        self.assertTrue(codeowners.is_handle("@ana"))
        self.assertTrue(codeowners.is_handle("@acme/core-team"))
        self.assertFalse(codeowners.is_handle("ana"))
        self.assertFalse(codeowners.is_handle("@acme/core/x"))


class Lookup(unittest.TestCase):
    def write(self, root: str, relative: str, text: str) -> None:
        path = os.path.join(root, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)

    def test_githubs_lookup_order(self):
        with tempfile.TemporaryDirectory() as root:
            self.assertIsNone(codeowners.find(root))
            self.assertIsNone(codeowners.load(root))
            self.write(root, "docs/CODEOWNERS", "* docs@example.com\n")
            self.assertEqual(codeowners.load(root).owners_of("a"), ("docs@example.com",))
            self.write(root, "CODEOWNERS", "* root@example.com\n")
            self.assertEqual(codeowners.load(root).owners_of("a"), ("root@example.com",))
            self.write(root, ".github/CODEOWNERS", "* github@example.com\n")
            loaded = codeowners.load(root)
            self.assertEqual(loaded.owners_of("a"), ("github@example.com",))
            self.assertEqual(loaded.source, os.path.join(".github", "CODEOWNERS"))

    def test_a_file_of_3_mb_or_more_is_not_used(self):
        with tempfile.TemporaryDirectory() as root:
            self.write(root, "CODEOWNERS", "* a@example.com\n" + "#" * codeowners.MAX_SIZE)
            loaded = codeowners.load(root)
            self.assertEqual(loaded.rules, ())
            self.assertIn("3 MB", loaded.warnings[0])

    def test_a_byte_order_mark_and_invalid_utf8_are_tolerated(self):
        with tempfile.TemporaryDirectory() as root:
            with open(os.path.join(root, "CODEOWNERS"), "wb") as file:
                file.write(b"\xef\xbb\xbf* a@example.com\n\xff\xfe bad\n")
            self.assertEqual(codeowners.load(root).owners_of("x"), ("a@example.com",))


if __name__ == "__main__":
    unittest.main()
