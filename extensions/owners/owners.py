"""owners: routes a question asked without recipients to its file's code owners.

When a question is asked in this clone (``thread/created`` with ``local: true``)
and nobody is assigned, the owners of the question's file are read from the
repository's CODEOWNERS file (see codeowners.py) and the question is assigned
to them with ``store/assign``. Tacit assigns by email address, so owners given
as ``@user`` or ``@org/team`` are skipped, with a line in the log saying so;
the asker is never assigned their own question.

Command ``owners.who`` (arguments ``[{"path": "src/a.py"}]``): the owners of a
path, as written in CODEOWNERS (handles included).
"""

from __future__ import annotations

import os
import sys

sys.dont_write_bytecode = True  # leave the extension's folder as it was installed
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_HERE, "..", "sdk", "python"))

import codeowners  # noqa: E402
from tacit_extension import ErrorCode, Extension, RpcError  # noqa: E402

ASSIGN_TIMEOUT = 10.0  # seconds; the host answers store/assign at once unless something is wrong

ext = Extension()


class CodeOwnersCache:
    """The workspace's CODEOWNERS, parsed again only when the file changes.

    Warnings about skipped lines are logged once per version of the file.
    """

    def __init__(self) -> None:
        self._key: object = None
        self._parsed: codeowners.CodeOwners | None = None

    def get(self, root: str) -> codeowners.CodeOwners | None:
        path = codeowners.find(root)
        try:
            stat = os.stat(path) if path else None
        except OSError:
            stat = None
        key = (path, stat.st_mtime_ns, stat.st_size) if stat else None
        if key != self._key:
            self._key = key
            self._parsed = None
            if key is not None:
                try:
                    self._parsed = codeowners.load(root)
                except OSError as error:
                    ext.log(f"owners: cannot read {path}: {error.strerror or error}")
                if self._parsed is not None:
                    for warning in self._parsed.warnings:
                        ext.log(f"owners: {warning}")
        return self._parsed


_cache = CodeOwnersCache()


def workspace_codeowners() -> codeowners.CodeOwners | None:
    root = ext.workspace.get("root")
    return _cache.get(root) if isinstance(root, str) and root else None


def thread_path(thread: dict) -> str | None:
    """Where the question's lines are now, else where it was asked."""
    for key in ("location", "anchor"):
        place = thread.get(key)
        if isinstance(place, dict) and isinstance(place.get("path"), str) and place["path"]:
            return place["path"]
    return None


def assignees_for(owners: tuple[str, ...], asker_email: str) -> tuple[list[str], list[str]]:
    """(emails to assign, handles skipped); the asker is left out."""
    emails, handles = [], []
    for owner in owners:
        if codeowners.is_email(owner):
            if owner.lower() != asker_email.lower():
                emails.append(owner)
        else:
            handles.append(owner)
    return emails, handles


@ext.notification("thread/created")
def on_thread_created(params: object) -> None:
    if not isinstance(params, dict) or params.get("local") is not True:
        return
    thread = params.get("thread")
    if not isinstance(thread, dict) or thread.get("kind") != "question" or thread.get("assignees"):
        return
    thread_id = thread.get("id")
    if not isinstance(thread_id, str) or not thread_id:
        ext.log("owners: ignoring a question without an id")
        return
    short = thread_id[:8]
    path = thread_path(thread)
    if path is None:
        ext.log(f"owners: question {short} has no path; not assigned")
        return
    owners_file = workspace_codeowners()
    if owners_file is None:
        ext.log(f"owners: no CODEOWNERS file ({', '.join(codeowners.LOOKUP_ORDER)}); question {short} not assigned")
        return
    rule = owners_file.rule_for(path)
    if rule is None:
        ext.log(f"owners: no line of {owners_file.source} matches {path}; question {short} not assigned")
        return

    author = thread.get("author")
    asker = author.get("email", "") if isinstance(author, dict) and isinstance(author.get("email"), str) else ""
    emails, handles = assignees_for(rule.owners, asker)
    where = f"{owners_file.source}:{rule.line}"
    for handle in handles:
        ext.log(f"owners: skipped {handle} (owner of {path}, {where}): Tacit assigns by email; "
                f"list an email address in CODEOWNERS to route questions to them")
    if not emails:
        reason = "has no owners" if not rule.owners else "has no owner with an email address other than the asker"
        ext.log(f"owners: {path} {reason} ({where}); question {short} not assigned")
        return
    try:
        ext.call("store/assign", {"id": thread_id, "assignees": emails}, timeout=ASSIGN_TIMEOUT)
    except RpcError as error:
        ext.log(f"owners: could not assign question {short} to {', '.join(emails)}: {error}")
        return
    ext.log(f"owners: assigned question {short} on {path} to {', '.join(emails)} ({where})")


def _path_argument(arguments: object) -> str:
    """The path from ``[{"path": P}]``, ``[P]`` or ``{"path": P}``."""
    first = arguments[0] if isinstance(arguments, list) and arguments else arguments
    path = first.get("path") if isinstance(first, dict) else first
    if not isinstance(path, str) or not path:
        raise RpcError(ErrorCode.INVALID_PARAMS, 'owners.who expects arguments [{"path": "relative/path"}]')
    return path


@ext.request("workspace/executeCommand")
def execute_command(params: object) -> object:
    command = params.get("command") if isinstance(params, dict) else None
    if command != "owners.who":
        raise RpcError(ErrorCode.INVALID_PARAMS, f"unknown command: {command}")
    path = _path_argument(params.get("arguments"))
    owners_file = workspace_codeowners()
    return list(owners_file.owners_of(path)) if owners_file else []


if __name__ == "__main__":
    ext.run()
