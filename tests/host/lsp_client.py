"""A small LSP client over a real `tacit serve` process, for the host's
end-to-end tests: framed JSON-RPC on pipes, a reader thread, responses
matched by id, notifications and server requests collected as they come.
Waiting is on conditions (signals), never on sleeps."""
import json
import subprocess
import threading


class LspClient:
    def __init__(self, tacit, cwd, env, log_level="info"):
        self.proc = subprocess.Popen([tacit, "serve", "--log-level", log_level], cwd=cwd, env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.cond = threading.Condition()
        self.responses = {}
        self.notifications = []
        self.next_id = 1
        # Answers to requests from the server, by method: params -> result
        # (a method not here is answered null).
        self.responders = {}
        self.stderr = []
        self._ended = 0  # readers that reached the end of their pipe
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    with self.cond:
                        self._ended += 1
                        self.cond.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                key, _, value = line.partition(b":")
                if key.lower() == b"content-length":
                    length = int(value)
            message = json.loads(out.read(length))
            with self.cond:
                if "method" in message:
                    self.notifications.append(message)
                    if "id" in message:  # a request from the server: its responder's answer, or null
                        responder = self.responders.get(message["method"])
                        result = responder(message.get("params")) if responder else None
                        self._send({"jsonrpc": "2.0", "id": message["id"], "result": result})
                else:
                    self.responses[message["id"]] = message
                self.cond.notify_all()

    def _read_stderr(self):
        for line in self.proc.stderr:
            with self.cond:
                self.stderr.append(line.decode(errors="replace"))
                self.cond.notify_all()
        with self.cond:
            self._ended += 1
            self.cond.notify_all()

    def _send(self, message):
        body = json.dumps(message).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method, params):
        with self.cond:
            self._send({"jsonrpc": "2.0", "method": method, "params": params})

    def request(self, method, params, guard=120):
        """Sends a request and waits for its response (the guard only turns a
        hang into a failure; it is not a timing assertion)."""
        with self.cond:
            rid = self.next_id
            self.next_id += 1
            self._send({"jsonrpc": "2.0", "id": rid, "method": method, "params": params})
            if not self.cond.wait_for(lambda: rid in self.responses or self.proc.poll() is not None, guard):
                raise AssertionError(f"no response to {method}")
            if rid not in self.responses:
                raise AssertionError(f"tacit exited before answering {method}: {''.join(self.stderr)}")
            return self.responses.pop(rid)

    def wait_for_notification(self, predicate, guard=120):
        with self.cond:
            if not self.cond.wait_for(lambda: any(predicate(n) for n in self.notifications), guard):
                raise AssertionError("expected notification never came; got: " +
                                     json.dumps(self.notifications)[:2000])
            return next(n for n in self.notifications if predicate(n))

    def wait_for_stderr(self, text, guard=120):
        with self.cond:
            if not self.cond.wait_for(lambda: any(text in line for line in self.stderr), guard):
                raise AssertionError(f"log never said {text!r}: {''.join(self.stderr)[-3000:]}")

    def initialize(self, root_uri, capabilities=None):
        if capabilities is None:
            capabilities = {"workspace": {"codeLens": {"refreshSupport": True}}}
        r = self.request("initialize", {"processId": None, "rootUri": root_uri, "capabilities": capabilities})
        self.notify("initialized", {})
        return r

    def close(self):
        r = self.request("shutdown", None)
        self.notify("exit", None)
        self.proc.stdin.close()
        status = self.proc.wait(timeout=60)
        with self.cond:  # the readers reach the end of both pipes
            self.cond.wait_for(lambda: self._ended >= 2, 60)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return r, status
