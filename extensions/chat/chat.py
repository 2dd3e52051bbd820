"""chat: tells a team's chat when a question is asked, acknowledged or answered.

Posts to a Slack-compatible incoming webhook (an HTTP POST of JSON
``{"text": ...}``), configured in the user's Tacit configuration, never in a
repository (the URL is a secret)::

    "settings": {"chat": {"webhookUrl": "https://hooks.slack.com/services/...",
                          "linkTemplate": "https://code.example.com/{path}?at={commit}#{line}"}}

Only changes made in this clone are posted (``local: true``), so each is
posted once; private questions never are. Handlers only queue the message:
a worker thread posts it (webhook.py), so the editor never waits on the
network. At shutdown the queue is flushed for at most SHUTDOWN_FLUSH of the
host's bound on the answer (initialize's timeoutMs, 2 s by default). Failures go to the log, and the first one also
to the user (window/showMessage, warning).
"""

from __future__ import annotations

import os
import sys
import threading

sys.dont_write_bytecode = True  # leave the extension's folder as it was installed
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "sdk", "python"))

import chat_message  # noqa: E402
import webhook  # noqa: E402
from tacit_extension import Extension, MessageType  # noqa: E402

SHUTDOWN_FLUSH = 0.7  # of the host's bound on shutdown (ext.timeout, 2 s by default)

ext = Extension()


class Chat:
    """The webhook, set up on first use from ``ext.settings``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._poster: webhook.WebhookPoster | None = None
        self._configured = False
        self._warned = False

    def poster(self) -> webhook.WebhookPoster | None:
        with self._lock:
            if not self._configured:
                self._configured = True
                url = ext.settings.get("webhookUrl")
                problem = webhook.check_url(url)
                if problem:
                    ext.log(f"chat: {problem} in settings.chat of the Tacit configuration; nothing will be posted")
                else:
                    self._poster = webhook.WebhookPoster(url, self.report_failure)
            return self._poster

    def report_failure(self, message: str) -> None:
        ext.log(f"chat: {message}")
        with self._lock:
            first, self._warned = not self._warned, True
        if first:
            ext.show_message(MessageType.WARNING, f"chat: {message} (further failures only in the log)")

    def post(self, method: str, params: object) -> None:
        text = chat_message.message_for(method, params, ext.workspace, ext.settings)
        if text is None:
            return
        poster = self.poster()
        if poster is not None:
            poster.submit(text)

    def flush(self) -> None:
        with self._lock:
            poster = self._poster
        if poster is None:
            return
        lost = poster.close(SHUTDOWN_FLUSH * ext.timeout)
        if lost:
            ext.log(f"chat: {lost} message(s) not posted: out of time at shutdown")


chat = Chat()


@ext.notification("initialized")
def on_initialized(_params: object) -> None:
    chat.poster()  # says now, once, if the webhook is not configured


@ext.notification("thread/created")
def on_thread_created(params: object) -> None:
    chat.post("thread/created", params)


@ext.notification("thread/changed")
def on_thread_changed(params: object) -> None:
    chat.post("thread/changed", params)


ext.on_shutdown(chat.flush)

if __name__ == "__main__":
    ext.run()
