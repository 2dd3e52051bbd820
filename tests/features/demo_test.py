#!/usr/bin/env python3
"""`tacit demo` end to end: it runs in a clean environment, shows what the
issue promises (lenses, hints, a diagnostic, hovers with the ack and the
answer, search), exits 0 and leaves nothing behind (or keeps it with --keep).

Usage: demo_test.py path/to/tacit
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

TACIT = None


class Demo(unittest.TestCase):
    def run_demo(self, *args):
        home = tempfile.mkdtemp(prefix="tacit-demo-home-")
        self.addCleanup(shutil.rmtree, home, True)
        # No git identity, no user configuration: the demo brings its own.
        env = {"PATH": os.environ["PATH"], "HOME": home, "XDG_CONFIG_HOME": os.path.join(home, "config")}
        out = subprocess.run([TACIT, "demo", *args], env=env, capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertEqual(out.stderr, "")
        return out.stdout

    def test_the_demo_shows_the_knowledge_inline_and_cleans_up(self):
        text = self.run_demo()
        for expected in ["⟪1 note⟫", "⟪1 lesson⟫", "⟪1 question⟫",
                         "   3 │ TAX_RATE = 0.2   ‹note: Tax is 20% everywhere we sell; finance o…›",
                         "     │ ⓘ Question for you from Bob: Is quantity ever fractional (sold by weight)?",
                         "**Question** · Ada · 21 minutes ago · answered · seen by Bob · 1 reply",
                         "> **Bob** (answer, 14 minutes ago): No: `max(0, ...)` keeps it at zero.",
                         "fetched 3 new event(s) from origin",
                         "Tax is 20% everywhere we sell; finance owns this number.  (note · Ada, line 3)",
                         # the reminder, ten minutes later: asked with actions, and a diagnostic on its lines
                         "  Reminder: Add a test: a coupon larger than the total — shop/cart.py:11\n"
                         "  [Open] [Snooze 10 min] [Done]",
                         "  11 │ def apply_coupon(total, coupon):   ‹2 threads: Can a coupon bring the total b…›\n"
                         "     │ ⓘ Reminder: Add a test: a coupon larger than the total",
                         # the walkthrough's chapters, played from lenses
                         "(2 chapters)",
                         "⟪Walkthrough: How the cart totals an order · 1/2⟫\n     │ ⟪next ▸⟫",
                         "⟪Walkthrough: How the cart totals an order · 2/2⟫\n     │ ⟪◂ previous⟫",
                         # the inbox
                         "For you (1)", "New in the last 7d (2)", "Bob has seen", "Reminders due (1)"]:
            self.assertIn(expected, text)
        self.assertRegex(text, r"[0-9a-f]{8}  question  answered  shop/cart.py:11  Can a coupon")
        folder = re.search(r"\(in (/\S+)\)", text).group(1)
        self.assertFalse(os.path.exists(folder), "the demo's repositories are removed")

    def test_keep_leaves_real_repositories_with_the_knowledge_refs(self):
        text = self.run_demo("--keep")
        folder = re.search(r"kept in (/\S+)", text).group(1)
        self.addCleanup(shutil.rmtree, folder, True)
        refs = subprocess.run(["git", "-C", os.path.join(folder, "origin.git"), "for-each-ref",
                               "--format=%(refname)", "refs/tacit/"], capture_output=True, text=True, check=True)
        self.assertEqual(len(refs.stdout.split()), 2, refs.stdout)  # Ada's and Bob's replicas


if __name__ == "__main__":
    TACIT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
