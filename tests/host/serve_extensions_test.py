#!/usr/bin/env python3
"""The plugin host end to end: the real `tacit serve` over stdio with real
external extensions (tests/host/fixtures/test_extension.py), a real git
repository and a real user configuration in temporary folders.

Usage: serve_extensions_test.py path/to/tacit
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_client import LspClient  # noqa: E402

TACIT = None
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "test_extension.py")


def git(cwd, *args):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


class Workspace:
    """A repository, a user configuration and extension folders, all temporary."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="tacit-host-")
        self.repo = os.path.join(self.dir, "repo")
        os.makedirs(os.path.join(self.repo, "src"))
        git(self.repo, "init", "-q")
        git(self.repo, "config", "user.name", "Ada")
        git(self.repo, "config", "user.email", "ada@example.com")
        with open(os.path.join(self.repo, "src", "a.py"), "w") as f:
            f.write("def a():\n    return 1\n")
        git(self.repo, "add", "-A")
        git(self.repo, "commit", "-q", "-m", "init")
        self.config_home = os.path.join(self.dir, "config")
        os.makedirs(os.path.join(self.config_home, "tacit"))
        self.starts = os.path.join(self.dir, "starts.log")
        self.config = {"extensions": []}

    def extension(self, name, mode, folder=None, lens=True, events=("document/opened",)):
        folder = folder or os.path.join(self.dir, "ext", name)
        os.makedirs(folder, exist_ok=True)
        manifest = {"name": name, "version": "1", "protocolVersion": 1,
                    "command": [sys.executable, FIXTURE, mode, name],
                    "activationEvents": ["*"],
                    "contributes": {"codeLens": lens, "hover": True, "events": list(events),
                                    "commands": [{"command": f"{name}.echo", "title": "Echo"},
                                                 {"command": f"{name}.timer", "title": "Timer"}]}}
        with open(os.path.join(folder, "tacit-extension.json"), "w") as f:
            json.dump(manifest, f)
        return folder

    def write_config(self):
        with open(os.path.join(self.config_home, "tacit", "config.json"), "w") as f:
            json.dump(self.config, f)

    def env(self):
        env = dict(os.environ)
        env["XDG_CONFIG_HOME"] = self.config_home
        env["TACIT_TEST_STARTS"] = self.starts
        return env

    def started(self):
        if not os.path.exists(self.starts):
            return []
        with open(self.starts) as f:
            return [line.split()[0] for line in f if line.strip()]

    def serve(self):
        self.write_config()
        client = LspClient(TACIT, self.repo, self.env())
        client.initialize("file://" + self.repo)
        return client

    def open(self, client, rel="src/a.py"):
        uri = "file://" + os.path.join(self.repo, rel)
        with open(os.path.join(self.repo, rel)) as f:
            text = f.read()
        client.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python",
                                                                "version": 1, "text": text}})
        return uri

    @staticmethod
    def wait_running(client, *names):
        """Waits until each extension has echoed document/opened, which it is
        sent once it has answered initialize: then it is running."""
        for name in names:
            client.wait_for_notification(lambda n: n.get("method") == "window/logMessage" and
                                         n["params"]["message"].startswith(f"{name} got document/opened"))

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


class HostEndToEnd(unittest.TestCase):
    def setUp(self):
        self.ws = Workspace()

    def tearDown(self):
        self.ws.cleanup()

    def test_a_well_behaved_extension_reaches_the_client(self):
        self.ws.config["extensions"].append(self.ws.extension("probe", "good"))
        client = self.ws.serve()
        uri = self.ws.open(client)
        self.ws.wait_running(client, "probe")
        lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})["result"]
        self.assertIn({"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                       "command": {"title": "probe: src/a.py", "command": "probe.echo", "arguments": ["src/a.py"]}},
                      lenses)
        hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                      "position": {"line": 0, "character": 1}})["result"]
        self.assertEqual(hover["contents"], {"kind": "markdown", "value": "**probe** was here"})
        echoed = client.request("workspace/executeCommand", {"command": "probe.echo", "arguments": [7]})
        self.assertEqual(echoed["result"], {"echo": [7]})
        unknown = client.request("workspace/executeCommand", {"command": "probe.nope"})
        self.assertIn("unknown command", unknown["error"]["message"])
        # Diagnostics it publishes reach the editor, attributed to it.
        diagnostics = client.wait_for_notification(lambda n: n.get("method") == "textDocument/publishDiagnostics"
                                                   and n["params"]["diagnostics"])
        self.assertEqual(diagnostics["params"], {"uri": uri, "diagnostics": [
            {"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 3}},
             "severity": 3, "message": "probe saw this file", "source": "probe"}]})
        # A timer it sets fires back to it.
        self.assertEqual(client.request("workspace/executeCommand", {"command": "probe.timer"})["result"], "set")
        client.wait_for_notification(lambda n: n.get("method") == "window/logMessage" and
                                     n["params"]["message"] == 'probe got timer/fired {"id": "tick"}')
        response, status = client.close()
        self.assertIsNone(response["result"])
        self.assertEqual(status, 0)
        self.assertEqual(self.ws.started(), ["probe"])

    def test_events_reach_the_extensions_that_subscribe(self):
        self.ws.config["extensions"].append(
            self.ws.extension("listener", "good", events=["document/opened", "document/saved", "head/moved"]))
        self.ws.config["extensions"].append(self.ws.extension("deaf", "good", events=()))
        client = self.ws.serve()
        uri = self.ws.open(client)
        head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=self.ws.repo, capture_output=True, text=True,
                              check=True).stdout.strip()

        def said(prefix, nth=1):
            """The params of the nth event echoed with this prefix (waiting for it)."""
            def matches(n):
                return n.get("method") == "window/logMessage" and n["params"]["message"].startswith(prefix)
            client.wait_for_notification(lambda _: sum(1 for n in client.notifications if matches(n)) >= nth)
            message = [n for n in client.notifications if matches(n)][nth - 1]
            return json.loads(message["params"]["message"][len(prefix):])

        self.assertEqual(said("listener got head/moved "), {"from": None, "to": head})
        opened = said("listener got document/opened ")
        self.assertEqual(opened["textDocument"], {"uri": uri, "path": "src/a.py", "languageId": "python", "version": 1})
        # A new commit moves HEAD; a save makes the host look.
        with open(os.path.join(self.ws.repo, "src", "a.py"), "a") as f:
            f.write("# more\n")
        git(self.ws.repo, "commit", "-qam", "more")
        new_head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=self.ws.repo, capture_output=True, text=True,
                                  check=True).stdout.strip()
        client.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
        self.assertEqual(said("listener got document/saved "), {"textDocument": {"uri": uri, "path": "src/a.py"}})
        self.assertEqual(said("listener got head/moved ", nth=2), {"from": head, "to": new_head})
        client.close()
        self.assertFalse(any(n["params"]["message"].startswith("deaf got")
                             for n in client.notifications if n.get("method") == "window/logMessage"))

    def test_broken_extensions_never_stop_the_editor_being_answered(self):
        self.ws.config["extensionTimeoutMs"] = 1000
        for name, mode in [("good", "good"), ("crasher", "crash-on-start"), ("midway", "crash-mid"),
                           ("sleeper", "hang"), ("chatty", "garbage")]:
            self.ws.config["extensions"].append(self.ws.extension(name, mode))
        client = self.ws.serve()
        uri = self.ws.open(client)
        self.ws.wait_running(client, "good", "midway", "sleeper", "chatty")
        for attempt in range(3):
            response = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})
            titles = [lens["command"]["title"] for lens in response["result"]]
            self.assertIn("good: src/a.py", titles, f"attempt {attempt}")
            for broken in ("crasher", "midway", "sleeper", "chatty"):
                self.assertFalse(any(t.startswith(broken) for t in titles), titles)
        # Each broken one was seen failing and is being restarted.
        client.wait_for_stderr("extension crasher exited with status 3")
        client.wait_for_stderr("extension midway exited with status 4")
        client.wait_for_stderr("extension sleeper did not answer textDocument/codeLens within 1000 ms")
        client.wait_for_stderr("extension chatty wrote something on stdout that is not a framed JSON-RPC message")
        hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                      "position": {"line": 0, "character": 0}})["result"]
        self.assertIn("**good** was here", hover["contents"]["value"])
        response, status = client.close()
        self.assertEqual(status, 0)

    def test_an_untrusted_workspace_starts_nothing_and_says_how_to_trust_it(self):
        declared = self.ws.extension("lint", "good", folder=os.path.join(self.ws.repo, "tools", "lint"))
        os.makedirs(os.path.join(self.ws.repo, ".tacit"))
        with open(os.path.join(self.ws.repo, ".tacit", "extensions.json"), "w") as f:
            json.dump({"extensions": [os.path.relpath(declared, self.ws.repo)]}, f)
        client = self.ws.serve()
        message = client.wait_for_notification(lambda n: n.get("method") == "window/showMessage")
        self.assertEqual(message["params"]["type"], 2)
        self.assertIn("not trusted", message["params"]["message"])
        self.assertIn("tacit trust " + os.path.realpath(self.ws.repo), message["params"]["message"])
        uri = self.ws.open(client)
        lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})["result"]
        self.assertEqual(lenses, [])
        client.close()
        self.assertEqual(self.ws.started(), [], "no process may start from an untrusted workspace")

        # Trusted by the user: now it starts.
        env = self.ws.env()
        out = subprocess.run([TACIT, "trust"], cwd=self.ws.repo, env=env, capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("trusted " + os.path.realpath(self.ws.repo), out.stdout)
        listed = json.loads(subprocess.run([TACIT, "extensions", "--json"], cwd=self.ws.repo, env=env,
                                           capture_output=True, text=True, check=True).stdout)
        self.assertTrue(listed["trusted"])
        self.assertEqual([e["name"] for e in listed["extensions"]], ["lint"])
        with open(os.path.join(self.ws.config_home, "tacit", "config.json")) as f:
            self.ws.config = json.load(f)
        client = self.ws.serve()
        uri = self.ws.open(client)
        self.ws.wait_running(client, "lint")
        lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})["result"]
        self.assertEqual([lens["command"]["title"] for lens in lenses], ["lint: src/a.py"])
        client.close()
        self.assertEqual(self.ws.started(), ["lint"])

        out = subprocess.run([TACIT, "untrust"], cwd=self.ws.repo, env=env, capture_output=True, text=True)
        self.assertEqual(out.returncode, 0, out.stderr)
        listed = json.loads(subprocess.run([TACIT, "extensions", "--json"], cwd=self.ws.repo, env=env,
                                           capture_output=True, text=True, check=True).stdout)
        self.assertFalse(listed["trusted"])
        self.assertEqual(listed["extensions"], [])

    def test_a_bad_manifest_or_configuration_is_one_clear_message(self):
        bad = os.path.join(self.ws.dir, "ext", "bad")
        os.makedirs(bad)
        with open(os.path.join(bad, "tacit-extension.json"), "w") as f:
            json.dump({"name": "Bad Name", "version": "1", "protocolVersion": 1, "command": ["x"]}, f)
        self.ws.config["extensions"] = [bad, self.ws.extension("probe", "good")]
        client = self.ws.serve()
        message = client.wait_for_notification(lambda n: n.get("method") == "window/showMessage")
        self.assertIn("name: expected 1-64 characters", message["params"]["message"])
        uri = self.ws.open(client)
        self.ws.wait_running(client, "probe")
        lenses = client.request("textDocument/codeLens", {"textDocument": {"uri": uri}})["result"]
        self.assertEqual([lens["command"]["title"] for lens in lenses], ["probe: src/a.py"])
        client.close()

        with open(os.path.join(self.ws.config_home, "tacit", "config.json"), "w") as f:
            f.write("{not json")
        client = LspClient(TACIT, self.ws.repo, self.ws.env())
        client.initialize("file://" + self.ws.repo)
        message = client.wait_for_notification(lambda n: n.get("method") == "window/showMessage")
        self.assertIn("config.json: not valid JSON", message["params"]["message"])
        _, status = client.close()
        self.assertEqual(status, 0)


if __name__ == "__main__":
    TACIT = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
