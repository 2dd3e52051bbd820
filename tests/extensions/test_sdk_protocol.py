"""The Python SDK on the wire: a real extension process, the test as its host.

tests/extensions/fixtures/probe/probe.py is an extension built on the SDK;
each test starts it, speaks framed JSON-RPC to it as the host would
(docs/extensions.md, protocol version 1) and checks every message it sends.
Also in-process: the SDK's frame decoder, fed bytes in awkward pieces.
"""

from __future__ import annotations

import os
import sys
import unittest

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import wire  # noqa: E402

sys.path.insert(0, wire.SDK_DIR)
from tacit_extension import FrameDecoder, FramingError, encode_frame  # noqa: E402

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "probe", "probe.py")


class ProbeTest(unittest.TestCase):
    def start(self) -> wire.ExtensionProcess:
        ext = wire.python_extension(PROBE)
        self.addCleanup(ext.kill)
        return ext

    def started(self, **initialize) -> wire.ExtensionProcess:
        ext = self.start()
        ext.initialize(**initialize)
        return ext


class Lifecycle(ProbeTest):
    def test_initialize_answers_name_and_version_from_the_manifest(self):
        ext = self.start()
        self.assertEqual(ext.initialize(), {"name": "probe", "version": "0.0.1"})

    def test_initialize_fills_settings_workspace_and_encoding(self):
        workspace = {"root": "/tmp/shop", "remoteUrl": "git@github.com:acme/shop.git"}
        ext = self.started(settings={"greeting": "hi"}, workspace=workspace, position_encoding="utf-8")
        state = ext.result(ext.request("probe/state"))
        self.assertEqual(state["settings"], {"greeting": "hi"})
        self.assertEqual(state["workspace"], workspace)
        self.assertEqual(state["host"], {"name": "tacit", "version": "test"})
        self.assertEqual(state["positionEncoding"], "utf-8")
        self.assertEqual((state["name"], state["version"]), ("probe", "0.0.1"))

    def test_shutdown_runs_the_hook_before_answering_then_exit_is_status_0(self):
        ext = self.started()
        request_id = ext.request("shutdown")
        self.assertEqual(ext.receive()["method"], "probe/flushing")
        self.assertIsNone(ext.result(request_id))
        ext.notify("exit")
        self.assertEqual(ext.wait(), 0)

    def test_requests_after_shutdown_are_refused(self):
        ext = self.started()
        request_id = ext.request("shutdown")
        ext.receive()  # probe/flushing
        ext.result(request_id)
        self.assertEqual(ext.response(ext.request("probe/echo", {}))["error"]["code"], -32600)
        ext.notify("exit")
        self.assertEqual(ext.wait(), 0)

    def test_exit_without_shutdown_is_status_1(self):
        ext = self.started()
        ext.notify("exit")
        self.assertEqual(ext.wait(), 1)

    def test_end_of_input_without_shutdown_is_status_1(self):
        ext = self.started()
        ext.close_stdin()
        self.assertEqual(ext.wait(), 1)
        self.assertIn("without shutdown", ext.stderr())

    def test_end_of_input_after_shutdown_is_status_0(self):
        ext = self.started()
        request_id = ext.request("shutdown")
        ext.receive()
        ext.result(request_id)
        ext.close_stdin()
        self.assertEqual(ext.wait(), 0)

    def test_requests_before_initialize_are_refused(self):
        ext = self.start()
        response = ext.response(ext.request("probe/echo", {"x": 1}))
        self.assertEqual(response["error"]["code"], -32002)
        self.assertEqual(ext.initialize(), {"name": "probe", "version": "0.0.1"})

    def test_another_protocol_version_is_refused(self):
        ext = self.start()
        response = ext.response(ext.request("initialize", {"protocolVersion": 2}))
        self.assertEqual(response["error"]["code"], -32602)
        self.assertIn("protocolVersion 2", response["error"]["message"])

    def test_notifications_sent_before_initialize_is_answered_wait_for_it(self):
        # probe/note answers with a notification; sent before initialize it is
        # dropped (no handler runs before initialize), so nothing precedes the answer.
        ext = self.start()
        ext.notify("probe/note", {"early": True})
        request_id = ext.request("initialize", {"protocolVersion": 1})
        self.assertEqual(ext.receive()["id"], request_id)


class Dispatch(ProbeTest):
    def test_request_result_round_trips_unicode(self):
        ext = self.started()
        params = {"text": "héllo ✓ 😀", "n": [1, 2.5, None, True]}
        self.assertEqual(ext.result(ext.request("probe/echo", params)), params)

    def test_string_ids_are_answered_with_the_same_id(self):
        ext = self.started()
        self.assertEqual(ext.result(ext.request("probe/echo", {"a": 1}, request_id="abc")), {"a": 1})

    def test_unknown_request_is_method_not_found(self):
        ext = self.started()
        error = ext.response(ext.request("probe/no-such-method"))["error"]
        self.assertEqual(error["code"], -32601)
        self.assertIn("probe/no-such-method", error["message"])

    def test_unknown_notification_is_ignored(self):
        ext = self.started()
        ext.notify("probe/no-such-notification", {})
        ext.notify("$/setTrace", {"value": "off"})
        # Nothing is sent for them: the next message is the echo's answer.
        self.assertEqual(ext.result(ext.request("probe/echo", 7)), 7)

    def test_notification_handler_runs(self):
        ext = self.started()
        ext.notify("probe/note", {"k": "v"})
        self.assertEqual(ext.receive(), {"jsonrpc": "2.0", "method": "probe/noted", "params": {"k": "v"}})

    def test_stacked_decorators_register_both_methods(self):
        ext = self.started()
        ext.notify("probe/a", {"via": "a"})
        ext.notify("probe/b", {"via": "b"})
        self.assertEqual(ext.receive()["params"], {"via": "a"})
        self.assertEqual(ext.receive()["params"], {"via": "b"})

    def test_handler_exception_is_a_one_line_internal_error_and_the_extension_lives_on(self):
        ext = self.started()
        error = ext.response(ext.request("probe/fail"))["error"]
        self.assertEqual(error["code"], -32603)
        self.assertNotIn("\n", error["message"])
        self.assertIn("ValueError: broken", error["message"])
        self.assertIn("Traceback", ext.stderr())
        self.assertEqual(ext.result(ext.request("probe/echo", "still here")), "still here")

    def test_rpc_error_from_a_handler_keeps_its_code_and_data(self):
        ext = self.started()
        error = ext.response(ext.request("probe/refuse"))["error"]
        self.assertEqual(error, {"code": -32602, "message": "probe/refuse wants nothing", "data": {"hint": "none"}})

    def test_a_result_that_is_not_json_is_an_internal_error(self):
        ext = self.started()
        self.assertEqual(ext.response(ext.request("probe/not-json"))["error"]["code"], -32603)

    def test_notification_handler_exception_is_logged_not_fatal(self):
        ext = self.started()
        ext.notify("probe/explode")
        self.assertEqual(ext.result(ext.request("probe/echo", 1)), 1)
        self.assertIn("a notification handler failed", ext.stderr())

    def test_print_and_child_processes_write_to_stderr_not_the_protocol(self):
        ext = self.started()
        self.assertEqual(ext.result(ext.request("probe/print")), "printed")
        self.assertEqual(ext.shutdown_and_exit(), 0)
        self.assertIn("stray output from a handler", ext.stderr())
        self.assertIn("stray output from a child process", ext.stderr())

    def test_show_message_is_one_line_and_log_message_is_sent(self):
        ext = self.started()
        request_id = ext.request("probe/message", {"text": "for the log"})
        self.assertEqual(ext.receive()["params"], {"type": 2, "message": "line one line two"})
        self.assertEqual(ext.receive(), {"jsonrpc": "2.0", "method": "window/logMessage",
                                         "params": {"type": 3, "message": "for the log"}})
        self.assertIsNone(ext.result(request_id))


class CallsToTheHost(ProbeTest):
    def test_a_handler_can_call_the_host_and_later_requests_wait_their_turn(self):
        ext = self.started()
        ask = ext.request("probe/ask-host", {"q": 1})
        question = ext.receive()
        self.assertEqual(question["method"], "probe/question")
        self.assertEqual(question["params"], {"q": 1})
        # While the handler waits for us, another request arrives; it is
        # answered after the first, which must not deadlock.
        echo = ext.request("probe/echo", "second")
        ext.respond(question["id"], {"a": 42})
        self.assertEqual(ext.result(ask), {"answer": {"a": 42}})
        self.assertEqual(ext.result(echo), "second")

    def test_an_error_answer_is_raised_as_rpc_error(self):
        ext = self.started()
        ask = ext.request("probe/ask-host", None)
        question = ext.receive()
        ext.respond(question["id"], error={"code": -32803, "message": "no thread abcd"})
        self.assertEqual(ext.result(ask), {"error": {"code": -32803, "message": "no thread abcd", "type": "RpcError"}})

    def test_a_call_that_times_out_raises_and_is_cancelled(self):
        ext = self.started()
        request_id = ext.request("probe/call-with-timeout", {"timeout": 0.2})
        call = ext.receive()
        self.assertEqual(call["method"], "probe/never-answered")
        cancel = ext.receive()
        self.assertEqual(cancel, {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": call["id"]}})
        self.assertEqual(ext.result(request_id), {"timedOut": True, "code": -32800})
        ext.respond(call["id"], "too late")  # ignored
        self.assertEqual(ext.result(ext.request("probe/echo", 3)), 3)

    def test_a_call_from_another_thread(self):
        ext = self.started()
        request_id = ext.request("probe/from-thread")
        # The thread's question and the handler's answer race; either order is right.
        first, second = ext.receive(), ext.receive()
        answer, question = (first, second) if "method" not in first else (second, first)
        self.assertEqual(answer, {"jsonrpc": "2.0", "id": request_id, "result": "started"})
        self.assertEqual(question["method"], "probe/thread-question")
        ext.respond(question["id"], "from the host")
        self.assertEqual(ext.receive()["params"], {"answer": "from the host"})

    def test_a_pending_call_fails_when_the_host_goes_away(self):
        ext = self.started()
        ask = ext.request("probe/ask-host", {})
        ext.receive()  # the question, never answered
        ext.close_stdin()
        error = ext.result(ask)["error"]
        self.assertEqual(error["type"], "ConnectionClosed")
        self.assertIn("closed the connection", error["message"])
        self.assertEqual(ext.wait(), 1)

    def test_a_request_cancelled_before_it_runs_is_answered_cancelled(self):
        ext = self.started()
        ask = ext.request("probe/ask-host", {})
        question = ext.receive()  # the dispatcher is busy in ask-host
        echo = ext.request("probe/echo", "queued")
        ext.notify("$/cancelRequest", {"id": echo})
        ext.respond(question["id"], 1)
        self.assertEqual(ext.result(ask), {"answer": 1})
        self.assertEqual(ext.response(echo)["error"]["code"], -32800)


class Framing(ProbeTest):
    def test_lf_line_endings_extra_headers_and_split_writes(self):
        ext = self.started()
        body = b'{"jsonrpc":"2.0","id":5,"method":"probe/echo","params":"split"}'
        data = (b"content-length: %d\nContent-Type: application/vscode-jsonrpc; charset=utf-8\n\n" % len(body)) + body
        for i in range(len(data)):
            ext.send_raw(data[i:i + 1])
        self.assertEqual(ext.result(5), "split")

    def test_two_messages_in_one_write(self):
        ext = self.started()
        ext.send_raw(wire.frame({"jsonrpc": "2.0", "id": 1, "method": "probe/echo", "params": "one"})
                     + wire.frame({"jsonrpc": "2.0", "id": 2, "method": "probe/echo", "params": "two"}))
        self.assertEqual(ext.result(1), "one")
        self.assertEqual(ext.result(2), "two")

    def test_a_body_that_is_not_json_is_a_parse_error_and_the_extension_lives_on(self):
        ext = self.started()
        ext.send_raw(b"Content-Length: 9\r\n\r\n{not json")
        response = ext.receive()
        self.assertEqual((response["id"], response["error"]["code"]), (None, -32700))
        self.assertEqual(ext.result(ext.request("probe/echo", "after")), "after")

    def test_a_header_without_content_length_is_skipped(self):
        ext = self.started()
        ext.send_raw(b"Content-Type: text/plain\r\n\r\n")
        ext.send_raw(b"garbage line\r\n")
        self.assertEqual(ext.result(ext.request("probe/echo", "after")), "after")
        self.assertIn("without Content-Length", ext.stderr())


class Decoder(unittest.TestCase):
    """The SDK's frame decoder, in-process."""

    def test_bodies_come_out_whole_whatever_the_pieces(self):
        stream = encode_frame({"a": "é"}) + b"\r\n" + encode_frame([1, 2])
        for size in (1, 2, 3, 7, len(stream)):
            decoder = FrameDecoder()
            out = []
            for i in range(0, len(stream), size):
                out += decoder.feed(stream[i:i + size])
            self.assertEqual(out, ['{"a":"é"}'.encode(), b"[1,2]"], f"pieces of {size}")
            self.assertFalse(decoder.mid_message)

    def test_malformed_headers_are_reported_and_skipped(self):
        cases = {
            b"Content-Length: x\r\n\r\n": "not a number",
            b"Content-Length: 99999999999\r\n\r\n": "larger than",
            b"Content-Type: a\r\n\r\n": "without Content-Length",
            b"no colon here\r\n": "not a header line",
        }
        for data, problem in cases.items():
            decoder = FrameDecoder()
            out = decoder.feed(data + encode_frame(1))
            self.assertEqual(len(out), 2, data)
            self.assertIsInstance(out[0], FramingError)
            self.assertIn(problem, out[0].message)
            self.assertEqual(out[1], b"1")

    def test_a_truncated_message_is_mid_message(self):
        decoder = FrameDecoder()
        self.assertEqual(decoder.feed(b"Content-Length: 10\r\n\r\n{\"a\""), [])
        self.assertTrue(decoder.mid_message)


if __name__ == "__main__":
    unittest.main()
