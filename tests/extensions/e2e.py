"""End-to-end set-up: the real ``tacit`` binary, real git, a temporary repository and user.

Each test gets a temporary folder holding an isolated HOME and
XDG_CONFIG_HOME (whose ``tacit/config.json`` lists the extensions under test
and their settings) and a git repository with a committed file. Nothing from
the caller's git or proxy environment leaks in.

The binary is the first command-line argument of a test script
(``python3 test_owners_e2e.py path/to/tacit``, which is how CTest runs it), or
``$TACIT_BINARY``; without either the tests are skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from typing import Optional

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXTENSIONS = os.path.join(REPO_ROOT, "extensions")
COMMAND_TIMEOUT = 60  # seconds; a guard against a hang, never reached when things work
THREAD_ID = re.compile(r"[0-9a-f]{32}")

_LEAKY = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES",
          "GIT_CONFIG", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_SYSTEM", "GIT_CONFIG_COUNT", "GIT_CONFIG_PARAMETERS",
          "GIT_CEILING_DIRECTORIES", "TACIT_LOG", "XDG_CONFIG_HOME", "http_proxy", "https_proxy", "all_proxy",
          "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "PYTHONPATH")


def main() -> None:
    """``unittest.main()`` for an end-to-end script: argv[1] is the tacit binary."""
    if len(sys.argv) > 1 and not sys.argv[1].startswith("-"):
        os.environ["TACIT_BINARY"] = os.path.abspath(sys.argv.pop(1))
    unittest.main()


def tacit_binary() -> Optional[str]:
    return os.environ.get("TACIT_BINARY")


class Workspace:
    """A temporary user and repository; ``run()`` runs tacit or git in it."""

    def __init__(self, extensions: list[str], settings: Optional[dict] = None, user: str = "Ada"):
        binary = tacit_binary()
        if not binary:
            raise unittest.SkipTest("no tacit binary (pass it as the first argument, or set TACIT_BINARY)")
        if not os.access(binary, os.X_OK):
            raise AssertionError(f"not an executable: {binary}")
        self.tacit = binary
        self.dir = tempfile.mkdtemp(prefix="tacit-ext-e2e-")
        self.home = os.path.join(self.dir, "home")
        self.config = os.path.join(self.dir, "config")
        self.repo = os.path.join(self.dir, "shop")
        for folder in (self.home, os.path.join(self.config, "tacit"), self.repo):
            os.makedirs(folder)

        self.env = {k: v for k, v in os.environ.items() if k not in _LEAKY}
        self.env.update(HOME=self.home, XDG_CONFIG_HOME=self.config, GIT_CONFIG_NOSYSTEM="1",
                        NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost",
                        PYTHONDONTWRITEBYTECODE="1")
        config = {"extensions": [os.path.join(EXTENSIONS, name) for name in extensions],
                  "settings": settings or {}}
        with open(os.path.join(self.config, "tacit", "config.json"), "w", encoding="utf-8") as file:
            json.dump(config, file, indent=2)

        self.git("init", "-q", "-b", "main")
        self.set_user(user)
        self.write("src/x.py", "def retry():\n    return 3\n")
        self.write("README.md", "# shop\n")
        self.git("add", "-A")
        self.git("commit", "-q", "-m", "initial")

    def close(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def set_user(self, name: str) -> None:
        self.git("config", "user.name", name)
        self.git("config", "user.email", f"{name.lower()}@example.com")

    def write(self, relative: str, text: str) -> None:
        path = os.path.join(self.repo, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as file:
            file.write(text)

    def commit(self, message: str) -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def git(self, *args: str) -> str:
        return self._run(["git", *args]).stdout

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """``tacit ARGS`` in the repository; fails the test on a non-zero status when ``check``."""
        return self._run([self.tacit, *args], check)

    def new_thread(self, *args: str) -> str:
        """Runs a tacit command that prints a new thread's id; returns the id."""
        out = self.run(*args).stdout.strip()
        ids = THREAD_ID.findall(out)
        if len(ids) != 1:
            raise AssertionError(f"tacit {' '.join(args)} printed {out!r}, not one thread id")
        return ids[0]

    def show(self, thread_id: str) -> dict:
        return json.loads(self.run("show", thread_id, "--json").stdout)

    def _run(self, argv: list[str], check: bool = True) -> subprocess.CompletedProcess:
        try:
            done = subprocess.run(argv, cwd=self.repo, env=self.env, capture_output=True, text=True,
                                  timeout=COMMAND_TIMEOUT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as timeout:
            raise AssertionError(f"{' '.join(argv)} did not finish within {COMMAND_TIMEOUT} s; "
                                 f"stderr:\n{timeout.stderr}")
        if check and done.returncode != 0:
            raise AssertionError(f"{' '.join(argv)} exited with {done.returncode}; stderr:\n{done.stderr}")
        return done
