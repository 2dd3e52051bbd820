"""What the chat extension posts: the message for a thread event, and the link to the code.

Pure functions of the event's params, the workspace and the settings; no I/O.
Text is Slack "mrkdwn": ``&``, ``<`` and ``>`` are escaped, links are
``<url|label>``.
"""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import quote, urlsplit

FIRST_LINE_LIMIT = 200  # characters of the question quoted in the message

_SCP_LIKE = re.compile(r"(?:[^@/\s]+@)?(?P<host>[A-Za-z0-9.-]+):(?P<path>[^\s]+)")


def escape(text: str) -> str:
    """Escapes the three characters Slack's mrkdwn gives meaning to."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def first_line(text: str, limit: int = FIRST_LINE_LIMIT) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"
    return ""


def web_url(remote_url: str) -> Optional[str]:
    """The web address of a GitHub/GitLab-style remote, or None.

    ``https://host/org/repo(.git)``, ``ssh://git@host[:port]/org/repo.git`` and
    ``git@host:org/repo.git`` all become ``https://host/org/repo``
    (``http://`` stays ``http://``). Credentials are dropped. Local paths,
    ``file://`` and remotes without an ``org/repo`` path give None.
    """
    remote_url = remote_url.strip()
    if not remote_url:
        return None
    if "://" in remote_url:
        parts = urlsplit(remote_url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https", "ssh", "git", "git+ssh", "ssh+git") or not parts.hostname:
            return None
        host = parts.hostname
        if scheme in ("http", "https") and parts.port:
            host = f"{host}:{parts.port}"
        web_scheme = "http" if scheme == "http" else "https"
        path = parts.path
    else:
        match = _SCP_LIKE.fullmatch(remote_url)
        if not match or "/" in match.group("host"):
            return None
        host, path, web_scheme = match.group("host"), match.group("path"), "https"
    path = path.strip("/")
    if path.endswith(".git"):
        path = path[: -len(".git")]
    if len(path.split("/")) < 2 or "" in path.split("/"):
        return None
    return f"{web_scheme}://{host}/{path}"


def place_label(path: str, start: int, end: int) -> str:
    return f"{path}:{start}" if end == start else f"{path}:{start}-{end}"


def code_link(place: dict, remote_url: str = "", link_template: str = "") -> tuple[Optional[str], str]:
    """(URL or None, label) for the lines of a thread.

    ``place`` is the thread's ``anchor`` (``{commit, path, start_line,
    end_line}``, lines 1-based): a link to the commit the question was asked
    at stays right however the code moves afterwards. With ``link_template``
    its placeholders ``{path}`` ``{line}`` ``{endLine}`` ``{commit}`` are
    filled in; otherwise a GitHub-style (or, on a host named gitlab…,
    GitLab-style) blob URL is derived from ``remote_url``; otherwise there is
    no URL and the label alone is shown.
    """
    path = str(place.get("path") or "")
    start = _line(place.get("start_line"), 1)
    end = max(start, _line(place.get("end_line"), start))
    commit = str(place.get("commit") or "")
    label = place_label(path, start, end) if path else "(unknown place)"
    if not path:
        return None, label
    quoted = quote(path, safe="/")

    if link_template:
        if "{commit}" in link_template and not commit:
            return None, label
        url = (link_template.replace("{path}", quoted).replace("{line}", str(start))
               .replace("{endLine}", str(end)).replace("{commit}", commit))
        return url, label

    base = web_url(remote_url) if remote_url else None
    if base is None or not commit:
        return None, label
    if "gitlab" in (urlsplit(base).hostname or ""):
        lines = f"L{start}" if start == end else f"L{start}-{end}"
        return f"{base}/-/blob/{commit}/{quoted}#{lines}", label
    lines = f"L{start}" if start == end else f"L{start}-L{end}"
    return f"{base}/blob/{commit}/{quoted}#{lines}", label


def mrkdwn_link(url: Optional[str], label: str) -> str:
    """``<url|label>`` (or the escaped label alone without a URL)."""
    if not url:
        return escape(label)
    safe_url = url.replace("|", "%7C").replace(">", "%3E").replace("<", "%3C").replace(" ", "%20")
    return f"<{safe_url}|{escape(label).replace('|', '¦')}>"


def person(author: object) -> str:
    if isinstance(author, dict):
        for key in ("name", "email"):
            value = author.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return "Someone"


def message_for(method: str, params: object, workspace: dict, settings: dict) -> Optional[str]:
    """The text to post for a ``thread/created`` or ``thread/changed`` event, or None.

    Only questions, only changes made in this clone (``local``: each change is
    posted once, from where it was made), never private threads (they are
    never shared, so neither is their text), and only these events: asked,
    acknowledged (``reaction`` ``ack``), answered.
    """
    if not isinstance(params, dict) or params.get("local") is not True:
        return None
    thread = params.get("thread")
    if not isinstance(thread, dict) or thread.get("kind") != "question" or thread.get("private") is True:
        return None

    asker = escape(person(thread.get("author")))
    if method == "thread/created":
        what = f"{asker} asked a question"
    elif method == "thread/changed":
        event = params.get("event")
        if not isinstance(event, dict):
            return None
        payload = event.get("payload") if isinstance(event.get("payload"), dict) else {}
        actor = escape(person(event.get("author")))
        if event.get("type") == "reaction" and payload.get("reaction") == "ack":
            what = f"{actor} acknowledged {asker}'s question"
        elif event.get("type") == "answer":
            what = f"{actor} answered {asker}'s question"
        else:
            return None
    else:
        return None

    place = thread.get("anchor") if isinstance(thread.get("anchor"), dict) else thread.get("location")
    remote = workspace.get("remoteUrl") if isinstance(workspace.get("remoteUrl"), str) else ""
    template = settings.get("linkTemplate") if isinstance(settings.get("linkTemplate"), str) else ""
    url, label = code_link(place if isinstance(place, dict) else {}, remote, template)
    text = f"{what} about {mrkdwn_link(url, label)}"
    body = first_line(thread.get("body") if isinstance(thread.get("body"), str) else "")
    return f"{text}\n> {escape(body)}" if body else text


def _line(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else default
