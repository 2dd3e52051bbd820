"""What the feature tests share: real git repositories in temporary folders,
the real `tacit` binary over stdio (tests/host/lsp_client.py), and waiting on
the messages the server sends — never on time.

A mark is what a client has received so far; `since` and `wait_after` look
only at what came after it, so an effect that arrives at once (before the
test starts waiting) is not missed, and an older message is not mistaken
for it. Since the server's stdout is one ordered stream, a message it would
have sent before another is known absent once that other one has arrived."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "host"))
from lsp_client import LspClient  # noqa: E402,F401  (re-exported for the tests)


def git(cwd, *args):
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def set_user(repo, name):
    """git's identity in `repo`: `name` <lowercased name@example.com>."""
    git(repo, "config", "user.name", name)
    git(repo, "config", "user.email", name.lower() + "@example.com")


def new_repo(path, files, user="Ada"):
    """A repository at `path` whose first commit holds `files` ({relative path: text})."""
    os.makedirs(path)
    git(path, "init", "-q", "-b", "main")
    set_user(path, user)
    for name, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(path, name)), exist_ok=True)
        with open(os.path.join(path, name), "w") as f:
            f.write(text)
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "init")
    return path


def mark(client):
    """What `client` has received so far."""
    with client.cond:
        return {id(n) for n in client.notifications}


def since(client, seen):
    """The methods of what `client` received after the mark `seen`, in order."""
    with client.cond:
        return [n["method"] for n in client.notifications if id(n) not in seen]


def wait_after(client, seen, predicate):
    """The first message received after the mark `seen` that satisfies `predicate`, once it has come."""
    return client.wait_for_notification(lambda n: id(n) not in seen and predicate(n))


class FeatureTest(unittest.TestCase):
    """A temporary folder (`self.dir`, removed afterwards) holding the user
    configuration (`self.env`), and at most one server (`self.client`),
    which must end cleanly (shutdown, exit, status 0)."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tacit-" + type(self).__name__.lower() + "-")
        self.env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(self.dir, "config"))
        self.client = None

    def tearDown(self):
        if self.client:
            _, status = self.client.close()
            self.assertEqual(status, 0)
        shutil.rmtree(self.dir, ignore_errors=True)

    def serve(self, tacit, repo, uri, text, capabilities=None, language="plaintext"):
        """`tacit serve` for `repo`, initialized with `capabilities`, the document `uri` open with `text`."""
        self.client = LspClient(tacit, repo, self.env)
        self.client.initialize("file://" + repo, capabilities)
        self.client.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language, "version": 1, "text": text}})
        return self.client
