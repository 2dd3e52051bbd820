#!/usr/bin/env python3
"""`tacit report` end to end: a team's repository generated with the real
`tacit` (Ada's and Bob's clones of a bare origin, the clock injected with
TACIT_NOW at chosen moments, commits with fixed dates so their ids are
reproducible), then reported from other clones as a CI job would: a golden
output per format, SARIF checked by Microsoft's SARIF Multitool, a
`git clone --depth 1` with `--fetch origin` and no git identity, the exit
status of each `--fail-on` and usage error, `--changed-since`, and hostile
events forged with git plumbing. No sleeps, no mocks.

Usage: report_test.py path/to/tacit path/to/Sarif.Multitool [unittest args]
Rewrite the goldens (then read every one of them): TACIT_UPDATE_GOLDEN=1, or --update.
"""
import difflib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from xml.etree import ElementTree

TACIT = None
MULTITOOL = None
UPDATE = os.environ.get("TACIT_UPDATE_GOLDEN") == "1"
HERE = os.path.dirname(os.path.abspath(__file__))
GOLDEN = os.path.join(HERE, "golden")
DOCS_CI = os.path.join(HERE, "..", "..", "docs", "ci.md")

NOW = "2026-11-20T09:00:00Z"  # when every report is made
ADA = ("Ada", "ada@example.com")
BOB = ("Bob", "bob@example.com")

CART_V1 = '''"""The shopping cart."""
from decimal import Decimal

from src.tax import vat


class Cart:
    def __init__(self):
        self.items = []

    def add(self, item, quantity=1):
        self.items.append((item, quantity))

    def subtotal(self):
        return sum(item.price * quantity for item, quantity in self.items)

    def total(self, coupon=None):
        total = self.subtotal() + vat(self.subtotal())
        if coupon:
            total -= coupon.amount
        return total
'''
TAX_V1 = '''"""Value added tax."""
from decimal import Decimal

RATE = Decimal("0.20")
LEGACY_FR = Decimal("0.196")


def vat(amount):
    return (amount * RATE).quantize(Decimal("0.01"))


def legacy_rate(country):
    if country == "FR":
        return LEGACY_FR
    raise KeyError(country)
'''
README = "# Shop\n\nA tiny shop, for the tests of tacit report.\n"

# Bob's commit after the questions: two lines on top of cart.py (its threads
# shift down by 2), the coupon line under one question rewritten (changed),
# legacy_rate and LEGACY_FR deleted from tax.py (the question on them is
# orphaned; the threads below LEGACY_FR shift up by 1).
CART_V2 = '# Prices are Decimals, never floats.\n\n' + CART_V1.replace(
    "            total -= coupon.amount\n", "            total = max(total - coupon.amount, Decimal(0))\n")
TAX_V2 = TAX_V1.replace('LEGACY_FR = Decimal("0.196")\n', "").split("\n\ndef legacy_rate")[0] + "\n"


def run(cmd, cwd, env=None, check=True, stdin=None):
    p = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, input=stdin)
    if check and p.returncode != 0:
        raise AssertionError(f"{cmd} in {cwd} exited {p.returncode}: {p.stderr}")
    return p


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def snapshot(git_dir):
    """Every file and folder under a git dir: {relative path: sha1 of its
    bytes, or "dir"}, to tell exactly what a command wrote."""
    out = {}
    for base, dirs, files in os.walk(git_dir):
        for name in dirs:
            out[os.path.relpath(os.path.join(base, name), git_dir) + "/"] = "dir"
        for name in files:
            path = os.path.join(base, name)
            with open(path, "rb") as f:
                out[os.path.relpath(path, git_dir)] = hashlib.sha1(f.read()).hexdigest()
    return out


def _user_exists(name):
    import pwd
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def changes(before, after):
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


# What docs/ci.md says a report may write under .git: its index (the cache)...
INDEX_FILES = re.compile(r"^tacit/(index\.sqlite(-wal|-shm|\.open)?)?/?$")
# ... and with --fetch origin, the fetched refs and their objects.
FETCHED = re.compile(r"^(refs/tacit/(v1/(remotes/(origin/([0-9a-f]{32})?)?)?)?/?|objects/.*)$")


class World:
    """The generated team repository, made once: origin.git, ada/, bob/, and
    the ids of the threads by role."""

    def __init__(self, root):
        self.root = root
        home = os.path.join(root, "home")  # an empty home: no one's git config, no identity
        os.makedirs(home)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "TACIT_"))}
        self.env.update(HOME=home, XDG_CONFIG_HOME=os.path.join(root, "config"), GIT_CONFIG_NOSYSTEM="1",
                        TZ="UTC", LC_ALL="C.UTF-8")
        self.origin = os.path.join(root, "origin.git")
        self.ada = os.path.join(root, "ada")
        self.bob = os.path.join(root, "bob")
        self.ids = {}
        self.version = run([TACIT, "--version"], root, self.env).stdout.split()[1]

    def git(self, cwd, *args, env=None):
        return run(["git", *args], cwd, dict(self.env, **(env or {}))).stdout

    def commit(self, clone, who, date, message):
        name, email = who
        self.git(clone, "add", "-A")
        self.git(clone, "commit", "-q", "-m", message, env={
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": date,
            "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email, "GIT_COMMITTER_DATE": date})

    def tacit(self, clone, at, *args):
        return run([TACIT, *args], clone, dict(self.env, TACIT_NOW=at)).stdout.strip()

    def clone(self, name, *options, url=None):
        path = os.path.join(self.root, name)
        self.git(self.root, "clone", "-q", *options, url or self.origin, path)
        return path

    def build(self):
        self.git(self.root, "init", "-q", "--bare", "-b", "main", self.origin)
        os.makedirs(self.ada)
        self.git(self.ada, "init", "-q", "-b", "main")
        self.git(self.ada, "remote", "add", "origin", self.origin)
        write(os.path.join(self.ada, "src", "cart.py"), CART_V1)
        write(os.path.join(self.ada, "src", "tax.py"), TAX_V1)
        write(os.path.join(self.ada, "README.md"), README)
        self.commit(self.ada, ADA, "2026-10-01T10:00:00Z", "A cart and its tax")
        self.git(self.ada, "push", "-q", "origin", "main")
        self.clone("bob")
        for clone, (name, email) in ((self.ada, ADA), (self.bob, BOB)):
            self.git(clone, "config", "user.name", name)
            self.git(clone, "config", "user.email", email)
        ada, bob, ids = self.ada, self.bob, self.ids

        def sync(*clones):
            for clone in clones:
                self.tacit(clone, NOW, "sync")

        # Outside the 30-day window: answered, acknowledged, never resolved.
        ids["old"] = self.tacit(bob, "2026-10-12T09:00:00Z", "ask", "README.md:3", "-m",
                                "Is this README still needed?", "--to", ADA[1])
        sync(bob, ada)
        self.tacit(ada, "2026-10-12T10:00:00Z", "ack", ids["old"])
        self.tacit(ada, "2026-10-15T09:00:00Z", "answer", ids["old"], "-m", "Yes: it is the package's description.")
        ids["note"] = self.tacit(ada, "2026-11-05T10:00:00Z", "note", "add", "src/tax.py:4", "-m",
                                 "Rates are set by law: change them only with a ticket.")
        ids["stale"] = self.tacit(ada, "2026-11-10T09:00:00Z", "ask", "src/cart.py:11-12", "-m",
                                  "Is quantity ever fractional (sold by weight)?\nScales send grams.", "--to", BOB[1])
        sync(ada, bob)
        ids["lesson"] = self.tacit(bob, "2026-11-06T15:30:00Z", "note", "add", "src/cart.py:14-15", "--lesson", "-m",
                                   "sum() of Decimals starts from int 0, and 0 + Decimal is exact: no float creeps in.")
        ids["resolved"] = self.tacit(bob, "2026-11-12T09:00:00Z", "ask", "src/tax.py:8-9", "-m",
                                     "Does vat() round half up or half even?", "--to", ADA[1])
        sync(bob, ada)
        self.tacit(ada, "2026-11-12T09:10:00Z", "ack", ids["resolved"])
        self.tacit(ada, "2026-11-13T09:00:00Z", "answer", ids["resolved"], "-m", "Half even: Decimal's default.")
        sync(ada, bob)
        self.tacit(bob, "2026-11-13T10:00:00Z", "resolve", ids["resolved"])
        ids["answered"] = self.tacit(ada, "2026-11-17T10:00:00Z", "ask", "src/cart.py:17-21", "-m",
                                     "Can a coupon bring the total below zero?", "--to", BOB[1])
        ids["acked"] = self.tacit(ada, "2026-11-18T14:00:00Z", "ask", "src/cart.py:18", "-m",
                                  "Should VAT apply before or after the coupon?", "--to", BOB[1])
        ids["nobody"] = self.tacit(ada, "2026-11-19T16:00:00Z", "ask", "src/tax.py:13-14", "-m",
                                   "Who still calls legacy_rate with <country> & 'FR' | \"fr\"?")
        sync(ada, bob)
        self.tacit(bob, "2026-11-17T12:00:00Z", "answer", ids["answered"], "-m", "No: total() clamps it at zero.")
        self.tacit(bob, "2026-11-18T14:30:00Z", "ack", ids["acked"])
        self.git(bob, "pull", "-q", "--ff-only", "origin", "main")
        write(os.path.join(bob, "src", "cart.py"), CART_V2)
        write(os.path.join(bob, "src", "tax.py"), TAX_V2)
        self.commit(bob, BOB, "2026-11-19T18:00:00Z", "Clamp the coupon; drop the legacy rate")
        self.git(bob, "push", "-q", "origin", "main")
        sync(bob, ada)
        for role, thread in ids.items():
            assert re.fullmatch(r"[0-9a-f]{32}", thread), (role, thread)


class Report(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="tacit-report-")
        cls.world = World(cls.dir)
        cls.world.build()
        cls.ids = cls.world.ids
        # The CI job's clone: whole history, no knowledge refs until --fetch, no identity.
        cls.ci = cls.world.clone("ci")
        cls.head = cls.world.git(cls.ci, "rev-parse", "HEAD").strip()

    @classmethod
    def tearDownClass(cls):
        if os.environ.get("TACIT_KEEP") == "1":
            print(f"kept {cls.dir}", file=sys.stderr)
        else:
            shutil.rmtree(cls.dir, ignore_errors=True)

    def report(self, *args, cwd=None, env=None, now=NOW, fetch=True):
        """`tacit report` (with --fetch origin unless fetch=False): the completed process."""
        env = dict(self.world.env, **(env or {}))
        if now:
            env["TACIT_NOW"] = now
        cmd = [TACIT, "report", *(["--fetch", "origin"] if fetch else []), *args]
        p = run(cmd, cwd or self.ci, env, check=False)
        self.assertNotIn(self.dir, p.stdout, "a report prints an absolute path")
        self.assertIn(p.returncode, (0, 1, 2), p.stderr)
        return p

    def json_report(self, *args, **kw):
        p = self.report("--format", "json", *args, **kw)
        self.assertIn(p.returncode, (0, 1), p.stderr)
        return json.loads(p.stdout)

    def role(self, thread_id):
        return next((r for r, i in self.ids.items() if i == thread_id), thread_id)

    def roles(self, report):
        return [self.role(f["id"]) for f in report["findings"]]

    # ---- Golden outputs

    def normalise(self, text):
        """Thread ids (32 hex, or their 8- and 12-digit prefixes) → ID1, ID2, ...
        in order of first appearance; the tool's version → VERSION."""
        names = {}

        def name(match):
            digits = match.group(0)
            for thread in self.ids.values():
                if len(digits) in (8, 12, 32) and thread.startswith(digits):
                    return names.setdefault(thread, f"ID{len(names) + 1}")
            return digits

        text = re.sub(r"(?<![0-9a-f])[0-9a-f]{8,}(?![0-9a-f])", name, text)
        return text.replace(f'"{self.world.version}"', '"VERSION"')

    def check_golden(self, name, text):
        path = os.path.join(GOLDEN, name)
        text = self.normalise(text)
        if UPDATE:
            write(path, text)
            return
        self.assertTrue(os.path.exists(path), f"no golden {path}: run with TACIT_UPDATE_GOLDEN=1 and read it")
        with open(path) as f:
            want = f.read()
        if text != want:
            diff = "".join(difflib.unified_diff(want.splitlines(True), text.splitlines(True), path, "tacit report"))
            self.fail(f"{name} differs from its golden (TACIT_UPDATE_GOLDEN=1 rewrites it):\n{diff}")

    GOLDEN_RUNS = [
        ("report.txt", 1, ["--format", "text", "--state", "all", "--kind", "all", "--fail-on", "stale"]),
        ("report.json", 0, ["--format", "json", "--state", "all", "--kind", "all"]),
        ("report.sarif", 1, ["--format", "sarif", "--state", "all", "--kind", "all", "--fail-on", "unanswered"]),
        ("report.xml", 1, ["--format", "junit", "--fail-on", "stale"]),
        ("report.github", 1, ["--format", "github", "--state", "open", "--fail-on", "stale"]),
        ("report.md", 0, ["--format", "markdown", "--state", "open"]),
    ]

    def test_golden_output_of_every_format(self):
        for name, status, args in self.GOLDEN_RUNS:
            with self.subTest(name):
                p = self.report(*args)
                self.assertEqual(p.returncode, status, p.stderr)
                self.check_golden(name, p.stdout)
                findings = self.json_report(*[a for a in args if a not in ("--format", args[1])])["findings"]
                self.check_format(args[1], p.stdout, findings=len(findings))
                # Reproducible: the same report twice, and --output writes the same bytes.
                out = os.path.join(self.dir, "out-" + name)
                again = self.report(*args, "--output", out)
                self.assertEqual((again.returncode, again.stdout), (status, ""))
                with open(out) as f:
                    self.assertEqual(f.read(), p.stdout)

    def test_the_report_says_what_the_data_says(self):
        """The golden's numbers, asserted one by one (a golden only says "as before")."""
        r = self.json_report("--state", "all", "--kind", "all")
        self.assertEqual(r["head"], self.head)
        self.assertEqual(r["generatedAt"], "2026-11-20T09:00:00.000Z")
        self.assertEqual(self.roles(r), ["old", "note", "lesson", "stale", "resolved", "answered", "acked", "nobody"])
        by = {self.role(f["id"]): f for f in r["findings"]}
        self.assertEqual({k: f["rule"] for k, f in by.items()}, {
            "old": "answered-question", "note": "note", "lesson": "lesson", "stale": "stale-question",
            "resolved": "resolved-question", "answered": "answered-question", "acked": "unanswered-question",
            "nobody": "unanswered-question"})
        self.assertEqual(by["stale"]["ageSeconds"], 10 * 86400)
        self.assertEqual((by["acked"]["firstAckSeconds"], by["acked"]["answerSeconds"]), (1800, None))
        self.assertEqual((by["answered"]["firstAckSeconds"], by["answered"]["answerSeconds"]), (None, 7200))
        self.assertEqual((by["resolved"]["firstAckSeconds"], by["resolved"]["answerSeconds"]), (600, 86400))
        self.assertEqual((by["old"]["firstAckSeconds"], by["old"]["answerSeconds"]), (3600, 3 * 86400))
        loc = {k: (f["location"]["path"], f["location"]["start_line"], f["location"]["end_line"],
                   f["location"]["status"]) for k, f in by.items()}
        self.assertEqual(loc, {
            "old": ("README.md", 3, 3, "exact"),
            "note": ("src/tax.py", 4, 4, "exact"),
            "lesson": ("src/cart.py", 16, 17, "exact"),
            "stale": ("src/cart.py", 13, 14, "exact"),
            "resolved": ("src/tax.py", 7, 8, "exact"),
            "answered": ("src/cart.py", 19, 23, "changed"),
            "acked": ("src/cart.py", 20, 20, "exact"),
            "nobody": ("src/tax.py", 13, 14, "orphaned"),  # last seen: legacy_rate is gone
        })
        s = r["summary"]
        # In the 30-day window: stale, resolved, answered, acked, nobody (not old).
        self.assertEqual(s["windowQuestions"], 5)
        self.assertEqual(s["firstAck"], {"count": 2, "medianSeconds": 600, "p90Seconds": 1800})
        self.assertEqual(s["answer"], {"count": 2, "medianSeconds": 7200, "p90Seconds": 86400})
        self.assertEqual(s["unansweredByAssignee"], {"(nobody)": 1, BOB[1]: 2})
        self.assertEqual((s["findings"], s["unanswered"], s["stale"], s["failing"]), (8, 3, 1, 0))
        self.assertEqual(len(r["warnings"]), 1, r["warnings"])
        self.assertIn(f"thread {self.ids['nobody'][:8]}: its lines could not be followed", r["warnings"][0])

        # The default: unanswered questions only; a wider window takes the old question in.
        r = self.json_report()
        self.assertEqual(self.roles(r), ["stale", "acked", "nobody"])
        wide = self.json_report("--window", "60d")["summary"]
        self.assertEqual((wide["windowQuestions"], wide["firstAck"]["count"], wide["answer"]["p90Seconds"]),
                         (6, 3, 3 * 86400))
        # --state open keeps the answered ones, not the resolved one.
        self.assertEqual(self.roles(self.json_report("--state", "open")),
                         ["old", "stale", "answered", "acked", "nobody"])
        # --kind, repeatable.
        self.assertEqual(self.roles(self.json_report("--state", "all", "--kind", "note", "--kind", "lesson")),
                         ["note", "lesson"])
        # --to, --older-than.
        self.assertEqual(self.roles(self.json_report("--to", BOB[1])), ["stale", "acked"])
        self.assertEqual(self.roles(self.json_report("--to", "carol@example.com")), [])
        self.assertEqual(self.roles(self.json_report("--older-than", "1d")), ["stale", "acked"])
        self.assertEqual(self.roles(self.json_report("--older-than", "1d19h1m")), ["stale"])
        # The clock is TACIT_NOW: a day later, the acknowledged question is older by a day.
        later = self.json_report(now="2026-11-21T09:00:00Z")
        self.assertEqual([f["ageSeconds"] for f in later["findings"]],
                         [11 * 86400, 2 * 86400 + 19 * 3600, 86400 + 17 * 3600])

    # ---- SARIF

    def validate_sarif(self, path):
        """Microsoft's SARIF Multitool finds no error and no warning in the file."""
        self.assertTrue(MULTITOOL and os.access(MULTITOOL, os.X_OK),
                        f"the SARIF Multitool is missing ({MULTITOOL}): run ./setup.sh test, which installs it")
        out = path + ".validation"
        if os.path.exists(out):
            os.remove(out)
        # Invariant globalization: it then needs no libicu.
        env = dict(self.world.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1")
        # SARIF's own rules and GitHub code scanning's ("Gh": what an upload requires).
        v = run([MULTITOOL, "validate", path, "-o", out, "--rule-kind", "Gh;Sarif"], self.dir, env, check=False)
        printed = v.stdout + v.stderr
        # Its exit status does not count what it finds: read what it prints and what it wrote.
        self.assertEqual([line for line in printed.splitlines() if re.search(r"\berror\b", line, re.I)], [], printed)
        self.assertEqual([line for line in printed.splitlines() if re.search(r"\bwarning\b", line, re.I)], [],
                         printed)
        self.assertIn("Analysis completed successfully", printed)
        with open(out) as f:
            validation = json.load(f)
        problems = [r for run_ in validation["runs"] for r in run_.get("results", [])
                    if r.get("level", "warning") in ("error", "warning")]
        self.assertEqual(problems, [], json.dumps(problems, indent=1))
        self.assertTrue(all(i.get("executionSuccessful") for run_ in validation["runs"]
                            for i in run_.get("invocations", [])), json.dumps(validation, indent=1)[:2000])
        self.assertEqual(v.returncode, 0, printed)

    def test_the_multitool_applies_github_rules(self):
        """The validation above means something: this Multitool does check
        GitHub's rules (a rule without fullDescription and help is GH2012)."""
        p = self.report("--format", "sarif")
        sarif = json.loads(p.stdout)
        for rule in sarif["runs"][0]["tool"]["driver"]["rules"]:
            self.assertTrue(rule["fullDescription"]["text"] and rule["help"]["text"] and rule["help"]["markdown"], rule)
            del rule["fullDescription"], rule["help"]
        path = os.path.join(self.dir, "no-help.sarif")
        write(path, json.dumps(sarif))
        env = dict(self.world.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1", DOTNET_CLI_TELEMETRY_OPTOUT="1")
        v = run([MULTITOOL, "validate", path, "-o", path + ".validation", "--rule-kind", "Gh;Sarif"], self.dir, env,
                check=False)
        self.assertEqual(len([line for line in v.stdout.splitlines() if "error GH2012" in line]), 12, v.stdout)

    def test_sarif_passes_the_multitool_and_has_the_structure_code_scanning_reads(self):
        for i, args in enumerate((["--state", "all", "--kind", "all", "--fail-on", "unanswered"], [],
                                  ["--to", "nobody@example.com"])):
            with self.subTest(args=args):
                path = os.path.join(self.dir, f"report-{i}.sarif")
                p = self.report("--format", "sarif", "--output", path, *args)
                self.assertIn(p.returncode, (0, 1), p.stderr)
                self.validate_sarif(path)

        p = self.report("--format", "sarif", "--state", "all", "--kind", "all", "--fail-on", "unanswered")
        sarif = json.loads(p.stdout)
        self.assertEqual(sarif["version"], "2.1.0")
        [run_] = sarif["runs"]
        driver = run_["tool"]["driver"]
        self.assertEqual((driver["name"], driver["version"]), ("tacit", self.world.version))
        rules = [r["id"] for r in driver["rules"]]
        self.assertEqual(rules, ["tacit/stale-question", "tacit/unanswered-question", "tacit/answered-question",
                                 "tacit/resolved-question", "tacit/note", "tacit/lesson"])
        results = run_["results"]
        # One result per thread, each with its thread's id as fingerprint.
        self.assertEqual(sorted(r["partialFingerprints"]["tacitThread/v1"] for r in results), sorted(self.ids.values()))
        by = {self.role(r["properties"]["threadId"]): r for r in results}
        self.assertEqual({k: (r["ruleId"], r["level"]) for k, r in by.items()}, {
            "old": ("tacit/answered-question", "note"), "note": ("tacit/note", "note"),
            "lesson": ("tacit/lesson", "note"), "stale": ("tacit/stale-question", "error"),
            "resolved": ("tacit/resolved-question", "none"), "answered": ("tacit/answered-question", "note"),
            "acked": ("tacit/unanswered-question", "error"), "nobody": ("tacit/unanswered-question", "error")})
        for r in results:
            self.assertEqual(rules[r["ruleIndex"]], r["ruleId"])
            [loc] = r["locations"]
            self.assertEqual(loc["physicalLocation"]["artifactLocation"]["uriBaseId"], "SRCROOT")
        region = lambda k: (by[k]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],  # noqa: E731
                            by[k]["locations"][0]["physicalLocation"]["region"])
        self.assertEqual(region("stale"), ("src/cart.py", {"startLine": 13, "endLine": 14}))
        self.assertEqual(region("answered"), ("src/cart.py", {"startLine": 19, "endLine": 23}))
        self.assertEqual(region("resolved"), ("src/tax.py", {"startLine": 7, "endLine": 8}))
        self.assertEqual(by["nobody"]["properties"]["anchorStatus"], "orphaned")
        self.assertEqual(run_["versionControlProvenance"][0]["revisionId"], self.head)

    # ---- A CI checkout: git clone --depth 1, --fetch origin, no identity

    def test_a_shallow_clone_with_no_identity_reports_what_the_remote_holds(self):
        url = "file://" + self.world.origin  # file:// so that --depth applies
        shallow = self.world.clone("shallow", "--depth", "1", url=url)
        self.assertEqual(self.world.git(shallow, "rev-parse", "--is-shallow-repository").strip(), "true")
        self.assertEqual(self.world.git(shallow, "rev-list", "--count", "HEAD").strip(), "1")
        env = dict(HOME=os.path.join(self.dir, "empty-home-" + "shallow"), GIT_CONFIG_NOSYSTEM="1")
        os.makedirs(env["HOME"])
        self.assertEqual(run(["git", "config", "user.name"], shallow, dict(self.world.env, **env), check=False).stdout, "")
        refs_before = set(self.world.git(shallow, "for-each-ref", "--format=%(refname) %(objectname)").splitlines())
        with open(os.path.join(shallow, ".git", "config")) as f:
            config_before = f.read()

        p = self.report("--format", "json", "--state", "all", "--kind", "all", cwd=shallow, env=env)
        self.assertEqual(p.returncode, 0, p.stderr)
        r = json.loads(p.stdout)
        self.assertEqual(sorted(self.roles(r)), sorted(self.ids))
        self.assertEqual(r["head"], self.head)

        # Read-only: the only new refs are the fetched knowledge; no config written.
        refs_after = set(self.world.git(shallow, "for-each-ref", "--format=%(refname) %(objectname)").splitlines())
        self.assertTrue(refs_before <= refs_after, refs_before - refs_after)
        new = sorted(line.split()[0] for line in refs_after - refs_before)
        self.assertTrue(new, "nothing was fetched")
        for ref in new:
            self.assertRegex(ref, r"^refs/tacit/v1/remotes/origin/[0-9a-f]{32}$")
        replicas = self.world.git(self.world.origin, "for-each-ref", "--format=%(refname)", "refs/tacit/").split()
        self.assertEqual(len(new), len(replicas))
        with open(os.path.join(shallow, ".git", "config")) as f:
            self.assertEqual(f.read(), config_before)
        # Under .git/tacit: the index (a cache) only; no private store.
        self.assertFalse(os.path.exists(os.path.join(shallow, ".git", "tacit", "private.git")))
        self.assertEqual(self.world.git(shallow, "rev-parse", "--is-shallow-repository").strip(), "true")

        # The commit the threads were made at is not here: every thread is
        # searched for by its text. The ones whose lines are still there are
        # found; the one whose lines were deleted is orphaned, with a warning.
        # Same places as in a full clone; the lines that only shifted are
        # "moved" here (found by search) where a full clone says "exact" (the
        # diff shifted them).
        by = {self.role(f["id"]): f["location"] for f in r["findings"]}
        self.assertEqual({k: (v["path"], v["start_line"], v["end_line"], v["status"]) for k, v in by.items()}, {
            "old": ("README.md", 3, 3, "exact"), "note": ("src/tax.py", 4, 4, "exact"),
            "lesson": ("src/cart.py", 16, 17, "moved"), "stale": ("src/cart.py", 13, 14, "moved"),
            "resolved": ("src/tax.py", 7, 8, "moved"), "answered": ("src/cart.py", 19, 23, "changed"),
            "acked": ("src/cart.py", 20, 20, "moved"),
            "nobody": ("src/tax.py", 13, 14, "orphaned"),  # last seen; tax.py has 9 lines now
        })
        self.assertTrue(any(self.ids["nobody"][:8] in w and "could not be followed" in w for w in r["warnings"]),
                        r["warnings"])

        sarif = os.path.join(self.dir, "shallow.sarif")
        self.assertEqual(self.report("--format", "sarif", "--output", sarif, cwd=shallow, env=env).returncode, 0)
        self.validate_sarif(sarif)

        # A second report fetches again (nothing new) and says the same.
        again = self.report("--format", "json", "--state", "all", "--kind", "all", cwd=shallow, env=env)
        self.assertEqual(again.stdout, p.stdout)
        # Without --fetch, a fresh shallow clone knows no questions and says so: exit 0.
        bare = self.world.clone("shallow-nofetch", "--depth", "1", url=url)
        r = self.json_report("--fail-on", "unanswered", cwd=bare, env=env, fetch=False)
        self.assertEqual(r["findings"], [])

    # ---- Exit status

    def test_exit_status_of_each_fail_on(self):
        for args, status, failing in [
            (["--fail-on", "none"], 0, 0),
            ([], 0, 0),
            (["--fail-on", "unanswered"], 1, 3),
            (["--fail-on", "stale"], 1, 1),
            (["--fail-on", "stale", "--stale-after", "11d"], 0, 0),  # nothing is stale
            (["--fail-on", "stale", "--to", "nobody@example.com"], 0, 0),
            (["--fail-on", "unanswered", "--to", BOB[1]], 1, 2),
            (["--fail-on", "unanswered", "--state", "all", "--kind", "note", "--kind", "lesson"], 0, 0),
            (["--fail-on", "stale", "--changed-since", "HEAD"], 0, 0),  # nothing changed
        ]:
            with self.subTest(args=args):
                for fmt in ("text", "json", "sarif", "junit", "github", "markdown"):
                    p = self.report("--format", fmt, *args)
                    self.assertEqual(p.returncode, status, (fmt, p.stderr))
                r = self.json_report(*args)
                self.assertEqual(r["summary"]["failing"], failing)
                self.assertEqual(sum(f["fails"] for f in r["findings"]), failing)

    def test_usage_and_environment_errors_exit_2_with_one_line(self):
        not_a_repo = os.path.join(self.dir, "not-a-repo")
        os.makedirs(not_a_repo, exist_ok=True)
        broken = self.world.clone("broken-remote")
        self.world.git(broken, "remote", "add", "gone", os.path.join(self.dir, "no-such.git"))
        for args, cwd, message in [
            (["--format", "xml"], None, "--format"),
            (["--state", "closed"], None, "--state"),
            (["--kind", "bug"], None, "--kind"),
            (["--fail-on", "always"], None, "--fail-on"),
            (["--no-such-option"], None, "--no-such-option"),
            (["--older-than", "soon"], None, "soon"),
            (["--stale-after", "7 days"], None, "7 days"),
            (["--window", "-1d"], None, "-1d"),
            (["--changed-since", "no-such-rev"], None, "no-such-rev"),
            (["--fetch", "upstream"], None, "upstream"),
            # git's reason, not only its last line ("and the repository exists.")
            (["--fetch", "gone"], broken, ("git fetch gone failed: ", "does not appear to be a git repository")),
            (["--output", os.path.join(self.dir, "no-such-dir", "r.txt")], None,
             ("no-such-dir", "No such file or directory")),
            (["--output", self.dir], None, ("cannot write", "Is a directory")),
            ([], not_a_repo, "git"),
            # An empty value is a usage error, never a silent default.
            (["--fetch", ""], None, "--fetch: an empty value"),
            (["--changed-since", ""], None, "--changed-since: an empty value"),
            (["--output", ""], None, "--output: an empty value"),
            (["--to", ""], None, "--to: an empty value"),
        ]:
            with self.subTest(args=args):
                p = self.report(*args, cwd=cwd, fetch=False)
                self.assertEqual(p.returncode, 2, (p.stdout, p.stderr))
                self.assertEqual(p.stdout, "")
                self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
                for part in message if isinstance(message, tuple) else (message,):
                    self.assertIn(part, p.stderr)
                self.assertTrue(p.stderr.startswith("tacit: "), p.stderr)

    def test_arguments_are_checked_before_any_fetch_and_an_error_is_its_only_line(self):
        # A bad --changed-since fails before the fetch: nothing is fetched.
        clone = self.world.clone("checked-first")
        for args in (["--changed-since", "no-such-rev"], ["--output", os.path.join(self.dir, "nowhere", "x")],
                     ["--older-than", "soon"]):
            with self.subTest(args=args):
                p = self.report(*args, cwd=clone)  # with --fetch origin
                self.assertEqual((p.returncode, p.stdout, len(p.stderr.splitlines())), (2, "", 1), p.stderr)
                self.assertEqual(self.world.git(clone, "for-each-ref", "refs/tacit/"), "")
        # An error after the index was built (writing the report fails): the
        # indexing warnings (a hostile remote's refused events) are not printed,
        # the error is the one line. /dev/full fails every write (ENOSPC); as
        # a user who cannot write /dev, the early check refuses it instead.
        hostile = self.world.clone("hostile-then-error", url=self.hostile_remote())
        p = self.report("--output", "/dev/full", cwd=hostile)
        self.assertEqual((p.returncode, p.stdout), (2, ""), p.stderr)
        self.assertEqual(len(p.stderr.splitlines()), 1, p.stderr)
        self.assertTrue(p.stderr.startswith("tacit: cannot write /dev/full: "), p.stderr)
        self.assertTrue("No space left on device" in p.stderr or "Permission denied" in p.stderr, p.stderr)
        # The same report to stdout then succeeds, and says what was refused
        # (the index remembers it; stderr named it only in the failed run).
        p = self.report(cwd=hostile)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(len([line for line in p.stdout.splitlines() if line.startswith("warning: skipped events/")]),
                         2, p.stdout)

    # ---- What a report writes (docs/ci.md, "What it writes")

    def test_a_report_writes_only_its_index_and_with_fetch_the_fetched_refs(self):
        clone = self.world.clone("writes")
        git_dir = os.path.join(clone, ".git")
        self.world.git(clone, "fetch", "-q", "origin", "main")  # the user's FETCH_HEAD
        before = snapshot(git_dir)
        self.assertIn("FETCH_HEAD", before)
        p = self.report("--format", "json", cwd=clone)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertTrue(json.loads(p.stdout)["findings"])
        written = changes(before, snapshot(git_dir))
        self.assertEqual([path for path in written if not (INDEX_FILES.match(path) or FETCHED.match(path))], [],
                         written)
        self.assertTrue(any(path.startswith("refs/tacit/v1/remotes/origin/") for path in written), written)
        # No private store; FETCH_HEAD as it was.
        self.assertFalse(os.path.exists(os.path.join(git_dir, "tacit", "private.git")))
        self.assertNotIn("FETCH_HEAD", written)
        # Without --fetch, on an index that is up to date: nothing but the index.
        before = snapshot(git_dir)
        again = self.report("--format", "json", cwd=clone, fetch=False)
        self.assertEqual(again.stdout, p.stdout)
        written = changes(before, snapshot(git_dir))
        self.assertEqual([path for path in written if not INDEX_FILES.match(path)], [], written)

    def test_a_read_only_repository_is_reported_from_a_temporary_index(self):
        """A checkout whose .git cannot be written (chmod -R a-w): the report
        works, writes nothing there (a temporary index, gone afterwards), and
        says nothing misleading. chmod does not stop root, so as root the
        report runs as `nobody` (setpriv) on a copy nobody owns."""
        root = os.geteuid() == 0
        if root and not (shutil.which("setpriv") and _user_exists("nobody")):
            self.skipTest("running as root without setpriv or a user nobody: cannot make a repository read-only")
        top = tempfile.mkdtemp(prefix="tacit-report-ro-")  # outside self.dir (0700), for nobody to reach
        self.addCleanup(shutil.rmtree, top, ignore_errors=True)
        self.addCleanup(run, ["chmod", "-R", "u+w", top], top, check=False)
        os.chmod(top, 0o755)
        origin = os.path.join(top, "origin.git")
        self.world.git(top, "clone", "-q", "--mirror", self.world.origin, origin)
        home, tmp = os.path.join(top, "home"), os.path.join(top, "tmp")
        os.makedirs(home)
        os.makedirs(tmp)
        expected = self.json_report("--state", "all", "--kind", "all")
        for case in ("no index yet", "an index made before"):
            with self.subTest(case):
                clone = os.path.join(top, case.replace(" ", "-"))
                self.world.git(top, "clone", "-q", origin, clone)
                self.world.git(clone, "fetch", "-q", "origin", "+refs/tacit/v1/replicas/*:refs/tacit/v1/remotes/origin/*")
                if case == "an index made before":
                    self.assertEqual(self.report(cwd=clone, fetch=False).returncode, 0)
                    self.assertTrue(os.path.exists(os.path.join(clone, ".git", "tacit", "index.sqlite")))
                if root:
                    run(["chown", "-R", "nobody:", top], top)
                try:
                    run(["chmod", "-R", "a-w", os.path.join(clone, ".git")], top)
                    before = snapshot(os.path.join(clone, ".git"))
                    env = dict(self.world.env, HOME=home, TMPDIR=tmp, TACIT_NOW=NOW)
                    prefix = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] if root else []
                    for fetch in ([], ["--fetch", "origin"]):  # a fetch with nothing new writes nothing either
                        p = run([*prefix, TACIT, "report", *fetch, "--format", "json", "--state", "all",
                                 "--kind", "all"], clone, env, check=False)
                        self.assertEqual((p.returncode, p.stderr), (0, ""), fetch)
                        self.assertEqual(json.loads(p.stdout)["findings"], expected["findings"])
                        self.assertEqual(changes(before, snapshot(os.path.join(clone, ".git"))), [])
                        self.assertEqual(os.listdir(tmp), [])  # the temporary index is gone
                finally:
                    if root:  # back to the test's own user, for the next case's git
                        run(["chown", "-R", f"{os.getuid()}:{os.getgid()}", top], top)

    # ---- docs/ci.md: its example outputs are real, its JSON schema is the output's

    TRANSCRIPT = re.compile(r"<!-- tested: (\w+) -->\n```console\n(.*?)```\n", re.S)

    @staticmethod
    def normalise_ids(text):
        """Hex ids (threads, commits) → H1, H2, ... in order of
        first appearance, a prefix as its whole; the tool's version → VERSION.
        Thread ids are random: the docs show one run's."""
        seen = []

        def name(match):
            token = match.group(0)
            for known, label in seen:
                if known.startswith(token) or token.startswith(known):
                    return label
            seen.append((token, f"H{len(seen) + 1}"))
            return seen[-1][1]

        # The lengths shown (8 and 12: short forms; 32: a thread; 40: a
        # commit), never after a '.': a confidence's decimals stay as they are.
        text = re.sub(r"(?<![0-9a-zA-Z.])([0-9a-f]{40}|[0-9a-f]{32}|[0-9a-f]{12}|[0-9a-f]{8})(?![0-9a-zA-Z])", name, text)
        return re.sub(r'("tool": \{\s*"name": "tacit",\s*"version": )"[^"]*"', r'\1"VERSION"', text)

    def run_transcript(self, cwd, block):
        """Runs each `$ ` line of a docs block in one bash, in order ($? is the
        previous command's), and returns the block as it should read."""
        commands = [line[2:] for line in block.splitlines() if line.startswith("$ ")]
        script = "".join(f"__s=$?; printf '@@{i}@@\\n'; (exit $__s); {cmd}\n" for i, cmd in enumerate(commands))
        env = dict(self.world.env, TACIT_NOW=NOW, PATH=os.path.dirname(TACIT) + os.pathsep + os.environ["PATH"])
        p = run(["bash", "-c", script], cwd, env, check=False)
        outputs = re.split(r"^@@\d+@@\n", p.stdout, flags=re.M)[1:]
        self.assertEqual(len(outputs), len(commands), p.stdout + p.stderr)
        return "".join(f"$ {cmd}\n{out}" for cmd, out in zip(commands, outputs))

    def test_every_example_output_in_docs_ci_md_is_what_the_tool_prints(self):
        with open(DOCS_CI) as f:
            doc = f.read()
        blocks = list(self.TRANSCRIPT.finditer(doc))
        # Every console block is one of them: none can go unchecked.
        self.assertEqual(len(blocks), doc.count("```console"))
        self.assertGreaterEqual(len(blocks), 5)
        url = "file://" + self.merge_request()
        places = {"github": self.world.clone("docs-github", "-b", "whole-quantities", url=url),
                  "gitlab": self.world.clone("docs-gitlab", "--depth", "1", "-b", "whole-quantities", url=url)}
        updated, at = [], 0
        for match in blocks:
            scenario, block = match.group(1), match.group(2)
            with self.subTest(block=block.splitlines()[0]):
                actual = self.run_transcript(places[scenario], block)
                updated.append(doc[at:match.start(2)] + actual)
                at = match.end(2)
                if not UPDATE:
                    self.assertEqual(self.normalise_ids(block), self.normalise_ids(actual),
                                     "docs/ci.md differs from a real run (TACIT_UPDATE_GOLDEN=1 rewrites it)")
        if UPDATE:
            with open(DOCS_CI, "w") as f:
                f.write("".join(updated) + doc[at:])

    def test_the_ci_jobs_in_docs_ci_md_fetch_and_are_the_ones_shown(self):
        """Each `tacit report` of the GitHub workflow and the GitLab job
        fetches the knowledge (a fresh checkout has none: without it a
        scheduled run reports nothing, and its SARIF upload would close every
        alert), and is one whose output docs/ci.md shows, or the SARIF step,
        run here in a fresh checkout of the pull request and validated."""
        with open(DOCS_CI) as f:
            doc = f.read()
        jobs = re.findall(r"```yaml\n(.*?)```", doc, re.S)
        self.assertEqual(len(jobs), 2)
        commands = []
        for job in jobs:
            # Folded scalars (`run: >`, `- >`) are one command over several lines.
            text = re.sub(r"(run: >|- >)\n\s+", "", job)
            text = re.sub(r"\n\s+(--)", r" \1", text)
            commands += [m.strip() for m in re.findall(r"(tacit report [^\n#]*)", text)]
        self.assertEqual(len(commands), 5, commands)
        shown = {m.group(0)[2:] for m in re.finditer(r"^\$ tacit report .*$", doc, re.M)}
        for command in commands:
            with self.subTest(command=command):
                self.assertIn("--fetch origin", command)
                concrete = (command.replace('"origin/${{ github.base_ref }}"', "origin/main")
                            .replace(' >> "$GITHUB_STEP_SUMMARY"', ""))
                if "--format sarif" in concrete:
                    clone = self.world.clone("docs-sarif", "-b", "whole-quantities",
                                             url="file://" + self.merge_request())
                    p = run(["bash", "-c", concrete], clone, dict(
                        self.world.env, TACIT_NOW=NOW, PATH=os.path.dirname(TACIT) + os.pathsep + os.environ["PATH"]),
                        check=False)
                    self.assertEqual((p.returncode, p.stdout, p.stderr), (0, "", ""))
                    path = os.path.join(clone, "tacit.sarif")
                    with open(path) as f:
                        self.assertEqual(len(json.load(f)["runs"][0]["results"]), 5)  # the open questions
                    self.validate_sarif(path)
                else:
                    self.assertIn(concrete, shown)

    def documented_json_fields(self):
        """docs/ci.md's JSON table: {field: (type, meaning)}."""
        with open(DOCS_CI) as f:
            doc = f.read()
        section = doc[doc.index("## JSON (`--format json`)"):doc.index("## SARIF")]
        rows = re.findall(r"^\| `([^`]+)` \| ([^|]+) \| (.*) \|$", section, re.M)
        self.assertGreater(len(rows), 30)
        return {field: (kind.strip(), meaning) for field, kind, meaning in rows}

    def test_the_json_schema_in_docs_ci_md_is_the_output(self):
        documented = self.documented_json_fields()
        # Every field of real reports: every kind and state, a clone with a
        # refused event (warnings), with and without --changed-since.
        clone = self.world.clone("schema", url=self.hostile_remote())
        reports = [self.json_report("--state", "all", "--kind", "all", cwd=clone),
                   self.json_report("--changed-since", "HEAD~1", "--to", "nobody@example.com")]
        with open(os.path.join(GOLDEN, "report.json")) as f:
            reports.append(json.load(f))
        found = {}

        def walk(value, path, record=True):
            if record:
                found.setdefault(path, []).append(value)
            if isinstance(value, dict) and path != "summary.unansweredByAssignee":  # a map: email → count
                for key, item in value.items():
                    walk(item, f"{path}.{key}" if path else key)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, dict):  # its fields are "list[].field"
                        walk(item, path + "[]", record=False)

        for r in reports:
            walk(r, "")
        found.pop("")
        self.assertEqual(sorted(set(documented) - set(found)), [], "documented, never in the output")
        self.assertEqual(sorted(set(found) - set(documented)), [], "in the output, not documented in docs/ci.md")

        types = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "object": dict,
                 "array": list, "array of strings": list, "null": type(None)}
        for field, values in found.items():
            kind = documented[field][0]
            allowed = tuple(t for part in kind.split(" or ") for t in
                            (types[part] if isinstance(types[part], tuple) else (types[part],)))
            for value in values:
                self.assertIsInstance(value, allowed, f"{field}: {kind}")
                if isinstance(value, bool):  # a bool is an int to Python
                    self.assertIn("boolean", kind, field)
                if kind == "array of strings":
                    self.assertTrue(all(isinstance(item, str) for item in value), field)
        # Enumerations: the documented values, all of them and only them.
        sarif = json.loads(self.report("--format", "sarif").stdout)
        rules = {r["id"].removeprefix("tacit/") for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
        for field, every in (("findings[].rule", rules), ("findings[].kind", {"question", "note", "lesson"}),
                             ("findings[].state", {"open", "answered", "resolved"}),
                             ("findings[].location.status", {"exact", "moved", "changed", "orphaned"})):
            listed = set(re.findall(r"`([a-z-]+)`", documented[field][1].split("(")[0]))
            self.assertEqual(listed, every, field)
            self.assertLessEqual({v for v in found[field] if v is not None}, every, field)

    # ---- A merge request's CI job (docs/ci.md, GitLab CI)

    def merge_request(self):
        """A copy of origin with a merge request: branch whole-quantities
        changes line 14 of src/cart.py (under the stale question, 13-14).
        Returns the bare repository's path."""
        remote = os.path.join(self.dir, "mr-origin.git")
        if not os.path.exists(remote):
            self.world.git(self.dir, "clone", "-q", "--mirror", self.world.origin, remote)
            author = self.world.clone("mr-author", url=remote)
            self.world.git(author, "checkout", "-q", "-b", "whole-quantities")
            cart = os.path.join(author, "src", "cart.py")
            with open(cart) as f:
                text = f.read()
            write(cart, text.replace("self.items.append((item, quantity))", "self.items.append((item, int(quantity)))"))
            self.world.commit(author, BOB, "2026-11-19T20:00:00Z", "Quantities are whole")
            self.world.git(author, "push", "-q", "origin", "whole-quantities")
        return remote

    def test_a_merge_request_job_compares_with_the_fetched_target_branch(self):
        """GitLab's job: a shallow clone of the merge request, `git fetch
        origin main`, then --fetch origin --changed-since FETCH_HEAD. The
        report's own fetch must neither move FETCH_HEAD nor be what it
        compares with."""
        url = "file://" + self.merge_request()
        clone = self.world.clone("mr-shallow", "--depth", "1", "-b", "whole-quantities", url=url)
        self.world.git(clone, "fetch", "-q", "--depth", "1", "origin", "main")
        fetch_head = os.path.join(clone, ".git", "FETCH_HEAD")
        with open(fetch_head) as f:
            before = f.read()
        main = self.world.git(clone, "rev-parse", "FETCH_HEAD").strip()
        r = self.json_report("--changed-since", "FETCH_HEAD", "--state", "all", "--kind", "all", cwd=clone)
        self.assertEqual(self.roles(r), ["stale"])  # only the thread on the changed line
        self.assertEqual(r["changedSince"], main)
        with open(fetch_head) as f:
            self.assertEqual(f.read(), before)
        self.assertTrue(self.world.git(clone, "for-each-ref", "refs/tacit/v1/remotes/origin/"))
        # Again, now that the knowledge is here: the same.
        again = self.json_report("--changed-since", "FETCH_HEAD", "--state", "all", "--kind", "all", cwd=clone)
        self.assertEqual(self.roles(again), ["stale"])

    # ---- --changed-since

    def test_changed_since_keeps_the_questions_on_changed_lines(self):
        clone = self.world.clone("pull-request")
        base = self.world.git(clone, "rev-parse", "HEAD").strip()
        cart = os.path.join(clone, "src", "cart.py")
        with open(cart) as f:
            text = f.read()
        # Line 14 (under the stale question, 13-14) and nothing else.
        write(cart, text.replace("self.items.append((item, quantity))", "self.items.append((item, int(quantity)))"))
        self.world.commit(clone, BOB, "2026-11-19T20:00:00Z", "Quantities are whole")
        r = self.json_report("--changed-since", "HEAD~1", cwd=clone)
        self.assertEqual(self.roles(r), ["stale"])
        self.assertEqual(r["changedSince"], base)
        self.assertEqual(self.roles(self.json_report("--changed-since", base, "--state", "all", "--kind", "all",
                                                     cwd=clone)), ["stale"])
        # Since the first commit: every question on lines Bob's commit touched.
        first = self.world.git(clone, "rev-list", "--max-parents=0", "HEAD").strip()
        self.assertEqual(self.roles(self.json_report("--changed-since", first, "--state", "all", cwd=clone)),
                         ["stale", "answered"])
        text_report = self.report("--changed-since", "HEAD~1", cwd=clone).stdout
        self.assertIn(f"on lines changed since {base[:12]}", text_report.splitlines()[0])

    def test_changed_since_counts_a_deleted_line_under_a_question(self):
        clone = self.world.clone("pull-request-deletes")
        cart = os.path.join(clone, "src", "cart.py")
        with open(cart) as f:
            lines = f.readlines()
        self.assertEqual(lines[12], "    def add(self, item, quantity=1):\n")  # line 13: the stale question's first
        write(cart, "".join(lines[:12] + lines[13:]))
        self.world.commit(clone, BOB, "2026-11-19T20:00:00Z", "add() goes")
        r = self.json_report("--state", "all", "--kind", "all", cwd=clone)
        [stale] = [f for f in r["findings"] if f["id"] == self.ids["stale"]]
        self.assertEqual((stale["location"]["start_line"], stale["location"]["status"]), (13, "changed"))
        self.assertEqual(self.roles(self.json_report("--changed-since", "HEAD~1", cwd=clone)), ["stale"])

    def test_junit_is_well_formed_whatever_a_body_holds(self):
        clone = self.world.clone("carol")
        self.world.git(clone, "config", "user.name", "Carol")
        self.world.git(clone, "config", "user.email", "carol@example.com")
        body = "Odd characters: \x01 \x1b[31m \ufffe \uffff \U0001F600 ]]> &amp;"
        self.world.tacit(clone, "2026-11-19T12:00:00Z", "ask", "README.md:1", "-m", body)
        p = self.report("--format", "junit", "--state", "all", "--kind", "all", cwd=clone, fetch=False)
        self.assertEqual(p.returncode, 0, p.stderr)
        [case] = ElementTree.fromstring(p.stdout).findall("./testsuite/testcase")
        self.assertIn("Odd characters", case.get("name"))

    # ---- Hostile data

    FORGED_REPLICA, ESCAPE, MALFORMED, INJECTION = "f" * 32, "e" * 32, "d" * 32, "c" * 32
    INJECTED_BODY = ("Injected?\n::error file=x::pwned\n</system-out><x/> | *bold* %0A\r\n"
                     "::warning::second line")

    def forged_remote(self, name, forge):
        """A mirror of origin plus a replica ref forged with git plumbing only:
        `forge(created)` returns {file name: event text}, where
        `created(lamport, thread, author, **payload)` is a created question
        (a real one of Ada's is the template)."""
        remote = os.path.join(self.dir, name)
        if os.path.exists(remote):
            return remote
        self.world.git(self.dir, "clone", "-q", "--mirror", self.world.origin, remote)
        env = dict(self.world.env, GIT_AUTHOR_NAME="Mallory", GIT_AUTHOR_EMAIL="m@example.com",
                   GIT_COMMITTER_NAME="Mallory", GIT_COMMITTER_EMAIL="m@example.com")

        def g(*args, stdin=None):
            return run(["git", *args], remote, env, stdin=stdin).stdout.strip()

        # A real created event of Ada's (the stale question) is the template.
        ref = "refs/tacit/v1/replicas/" + self.world.git(self.world.ada, "config", "tacit.replica").strip()
        [entry] = [p for p in g("ls-tree", "-r", "--name-only", ref).splitlines()
                   if p.endswith(self.ids["stale"] + ".json")]
        template = json.loads(g("cat-file", "blob", f"{ref}:{entry}"))
        self.assertEqual(template["type"], "created")

        def created(lamport, thread, author, **payload):
            event = dict(template, id=thread, thread=thread, replica=self.FORGED_REPLICA, lamport=lamport,
                         author=author)
            event["payload"] = dict(template["payload"], **payload)
            return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

        entries = "".join(f"100644 blob {g('hash-object', '-w', '--stdin', stdin=body)}\t{name}\n"
                          for name, body in forge(created).items())
        bucket = g("mktree", stdin=entries)
        events = g("mktree", stdin=f"040000 tree {bucket}\t000000\n")
        root = g("mktree", stdin=f"040000 tree {events}\tevents\n")
        g("update-ref", "refs/tacit/v1/replicas/" + self.FORGED_REPLICA, g("commit-tree", "-m", "forged", root))
        return remote

    def hostile_remote(self):
        """Forged: (a) a created question whose anchor path is
        ../../etc/passwd, (b) a file that is not JSON, (c) a valid question
        whose body and author try to inject workflow commands, XML and
        Markdown."""
        def forge(created):
            mallory = {"name": "Mallory", "email": "m@example.com"}
            anchor = json.loads(created(1, self.ESCAPE, mallory))["payload"]["anchor"]
            return {
                f"{1:012d}-{self.ESCAPE}.json": created(
                    1, self.ESCAPE, mallory, body="Read me", anchor=dict(anchor, path="../../etc/passwd")),
                f"{2:012d}-{self.MALFORMED}.json": '{"v":1,"id":"' + self.MALFORMED + '","type":"created",',
                f"{3:012d}-{self.INJECTION}.json": created(
                    3, self.INJECTION, {"name": "Mallory, ::x", "email": "m@example.com"}, body=self.INJECTED_BODY),
            }
        return self.forged_remote("hostile.git", forge)

    # Paths that must never be printed or followed: control characters that
    # would start a line (a workflow command when a CI step prints the text
    # report) or a terminal escape sequence, the repository's own files, a
    # Windows drive and a home directory.
    HOSTILE_PATHS = [
        "src/cart.py\n::error file=x::pwned", "src/cart.py\r::warning::pwned", "src/\x1b[2J\x1b[31mcart.py",
        "src/\tcart.py", "src/\u009b2Jcart.py", "src/cart.py\x7f", ".git/config", "src/.GIT/config",
        "C:/Windows/win.ini", "~/.ssh/id_rsa",
    ]
    CONTROLS_BODY = "Controls\x1b[2J \u009b31m https://evil.example/x and www.evil.example\n::error::x"

    def hostile_paths_remote(self):
        """One forged question per hostile path, and a valid question whose
        author name holds a C1 control (U+009B, CSI) and whose body holds
        escape sequences and bare URLs."""
        def forge(created):
            mallory = {"name": "Mallory", "email": "m@example.com"}
            anchor = json.loads(created(1, self.ESCAPE, mallory))["payload"]["anchor"]
            out = {}
            for i, path in enumerate(self.HOSTILE_PATHS, start=1):
                thread = f"b{i:031x}"
                out[f"{i:012d}-{thread}.json"] = created(i, thread, mallory, body="Read me",
                                                         anchor=dict(anchor, path=path))
            last = len(self.HOSTILE_PATHS) + 1
            out[f"{last:012d}-{self.INJECTION}.json"] = created(
                last, self.INJECTION, {"name": "Mallory\u009b2J", "email": "m@example.com"}, body=self.CONTROLS_BODY)
            return out
        return self.forged_remote("hostile-paths.git", forge)

    def test_hostile_paths_are_refused_and_no_field_carries_a_control_character(self):
        remote = self.hostile_paths_remote()
        forged = [f"b{i:031x}" for i in range(1, len(self.HOSTILE_PATHS) + 1)]
        c0 = re.compile("[\x00-\x09\x0b-\x1f\x7f]")  # but \n
        c1 = re.compile("[\u0080-\u009f]")
        for fmt in ("text", "json", "sarif", "junit", "github", "markdown"):
            with self.subTest(fmt=fmt):
                clone = self.world.clone(f"hostile-paths-{fmt}", url=remote)
                p = self.report("--format", fmt, "--state", "all", "--kind", "all", cwd=clone)
                self.assertEqual(p.returncode, 0, p.stderr)
                # Every forged path refused, each named by its event on stderr,
                # with the reason but not the path.
                refused = [line for line in p.stderr.splitlines() if "skipped events/" in line]
                self.assertEqual(sorted(re.search(r"-([0-9a-f]{32})\.json", line).group(1) for line in refused),
                                 forged, p.stderr)
                self.assertTrue(all(line.endswith("payload.anchor.path: not confined to the repository")
                                    for line in refused), refused)
                for out in (p.stdout, p.stderr):
                    self.assert_confined(out)
                    for value in ("pwned", "win.ini", "id_rsa", ".git/config", ".GIT", "Windows"):
                        self.assertNotIn(value, out)
                    self.assertIsNone(c0.search(out), repr(out))
                self.assertIsNone(c1.search(p.stderr), repr(p.stderr))
                self.check_format(fmt, p.stdout, findings=len(self.ids) + 1)
                if fmt in ("text", "github", "markdown"):  # printed as is in a log or a page
                    self.assertIsNone(c1.search(p.stdout), repr(p.stdout))
                if fmt == "text":
                    # No line an Actions runner would take for a workflow command;
                    # controls in a field written out, never raw.
                    self.assertEqual([line for line in p.stdout.splitlines() if line.lstrip().startswith("::")], [])
                    self.assertIn("by Mallory\\u009b2J ", p.stdout)
                    self.assertIn('"Controls [2J  31m https://evil.example/x', p.stdout)
                if fmt == "markdown":
                    # Bare URLs are not links.
                    self.assertIn("https\\://evil.example/x and www\\.evil.example", p.stdout)
                    self.assertNotIn("https://", p.stdout)
                if fmt == "json":
                    r = json.loads(p.stdout)
                    [mallory] = [f for f in r["findings"] if f["id"] == self.INJECTION]
                    self.assertEqual((mallory["body"], mallory["author"]["name"]),
                                     (self.CONTROLS_BODY, "Mallory\u009b2J"))
                    self.assertEqual(len([w for w in r["warnings"] if w.startswith("skipped ")]), len(forged))

    def assert_confined(self, text):
        self.assertNotIn("etc/passwd", text)
        self.assertIsNone(re.search(r"(^|[/\s\"'=(:,])\.\.(/|\\)", text), text)

    def test_hostile_events_are_warnings_never_a_crash_or_a_path_outside(self):
        remote = self.hostile_remote()
        for fmt in ("text", "json", "sarif", "junit", "github", "markdown"):
            for extra, status in (([], 0), (["--fail-on", "unanswered"], 1)):
                with self.subTest(fmt=fmt, extra=extra):
                    # As in CI: a fresh clone, its first report.
                    clone = self.world.clone(f"hostile-{fmt}-{len(extra)}", url=remote)
                    p = self.report("--format", fmt, "--state", "all", "--kind", "all", *extra, cwd=clone)
                    self.assertEqual(p.returncode, status, p.stderr)
                    self.assert_confined(p.stdout)
                    self.assert_confined(p.stderr)
                    # Each refused event is named on stderr (by its file in the log).
                    refused = [line for line in p.stderr.splitlines() if "skipped events/" in line]
                    self.assertEqual(len(refused), 2, p.stderr)
                    self.assertIn(self.ESCAPE, refused[0] + refused[1])
                    self.assertIn(self.MALFORMED, refused[0] + refused[1])
                    self.check_format(fmt, p.stdout, findings=len(self.ids) + 1)
                    if fmt == "sarif" and not extra:
                        path = os.path.join(self.dir, "hostile.sarif")
                        write(path, p.stdout)
                        self.validate_sarif(path)
                    escape, malformed = self.refused_warnings()
                    if fmt == "text":
                        self.assertIn("warning: " + escape + "\n", p.stdout)
                        self.assertIn("warning: " + malformed, p.stdout)
                    if fmt == "github":
                        self.assertIn("::warning title=tacit report::" + escape + "\n", p.stdout)
                        self.assertIn("::warning title=tacit report::" + malformed, p.stdout)
                    if fmt == "markdown":
                        self.assertIn("- " + escape + "\n", p.stdout)
                        self.assertIn("- " + malformed, p.stdout)
                    if fmt == "json":
                        r = json.loads(p.stdout)
                        self.assertIn(escape, r["warnings"])
                        self.assertTrue(any(w.startswith(malformed) for w in r["warnings"]), r["warnings"])
                        # Everyone's threads, and Mallory's valid one, as data.
                        self.assertEqual(sorted(f["id"] for f in r["findings"]),
                                         sorted([*self.ids.values(), self.INJECTION]))
                        [forged] = [f for f in r["findings"] if f["id"] == self.INJECTION]
                        self.assertEqual((forged["body"], forged["author"]["name"]),
                                         (self.INJECTED_BODY, "Mallory, ::x"))

    def refused_warnings(self):
        """The report's warnings for the two refused events: each named by its
        file in the forged log, with the reason but not the refused value."""
        where = " in refs/tacit/v1/remotes/origin/" + self.FORGED_REPLICA + ": "
        return ("skipped events/000000/000000000001-" + self.ESCAPE + ".json" + where +
                "payload.anchor.path: not confined to the repository",
                "skipped events/000000/000000000002-" + self.MALFORMED + ".json" + where + "event: not valid JSON")

    def check_format(self, fmt, out, findings):
        """The output is well-formed for its format, with `findings` findings, and
        nothing a thread says escapes its field."""
        if fmt == "json":
            self.assertEqual(len(json.loads(out)["findings"]), findings)
        elif fmt == "sarif":
            self.assertEqual(len(json.loads(out)["runs"][0]["results"]), findings)
        elif fmt == "junit":
            root = ElementTree.fromstring(out)
            self.assertEqual(len(root.findall("./testsuite/testcase")), findings)
        elif fmt == "github":
            # One workflow command per line, none injected: each finding, each
            # warning and the summary.
            lines = out.splitlines()
            self.assertTrue(all(line.startswith(("::error ", "::warning ", "::notice ")) for line in lines), out)
            self.assertEqual(len([line for line in lines if "title=tacit report::" not in line]), findings)
        elif fmt == "markdown":
            table = [line for line in out.splitlines() if line.startswith("| ") and "<sub>" in line]
            self.assertEqual(len(table), findings)
            self.assertTrue(all(line.count(" | ") == 4 for line in table), table)

    def test_hostile_events_are_reported_by_every_report_not_only_the_first(self):
        clone = self.world.clone("hostile-again", url=self.hostile_remote())
        escape, malformed = self.refused_warnings()
        first = self.json_report("--state", "all", "--kind", "all", cwd=clone)
        self.assertIn(escape, first["warnings"])
        # The next CI step in the same checkout (docs/ci.md runs three): the
        # index does not read the refused events again, and still says so.
        again = self.report("--format", "json", "--state", "all", "--kind", "all", cwd=clone)
        warnings = json.loads(again.stdout)["warnings"]
        self.assertIn(escape, warnings)
        self.assertTrue(any(w.startswith(malformed) for w in warnings), warnings)


if __name__ == "__main__":
    if "--update" in sys.argv:
        sys.argv.remove("--update")
        UPDATE = True
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    TACIT = os.path.abspath(sys.argv.pop(1))
    MULTITOOL = os.path.abspath(sys.argv.pop(1))
    if not os.access(MULTITOOL, os.X_OK):
        # Never skip silently: the SARIF check is part of this test.
        sys.exit(f"report_test.py: the SARIF Multitool is missing or not executable: {MULTITOOL}\n"
                 "run ./setup.sh test, which installs it (npm install @microsoft/sarif-multitool-linux@5.7.0)")
    unittest.main(verbosity=2)
