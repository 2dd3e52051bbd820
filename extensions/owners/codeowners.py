"""CODEOWNERS files: finding, parsing and matching, as GitHub does.

GitHub's documentation ("About code owners") is the reference:

- The file is the first of ``.github/CODEOWNERS``, ``CODEOWNERS``,
  ``docs/CODEOWNERS`` that exists; a file of 3 MB or more is not used.
- Each line is a pattern followed by owners, separated by whitespace. ``#``
  starts a comment, at the start of a line or after whitespace. A line with a
  pattern and no owners means the matching files have no owners.
- The last matching line wins.
- Patterns follow gitignore: ``*`` matches within one path segment, ``?`` one
  character, ``**`` any number of segments; a leading ``/`` anchors the
  pattern to the root, as does a ``/`` in the middle; a pattern with no ``/``
  but a trailing one matches at any depth; a trailing ``/`` matches only what
  is inside a directory. A pattern that matches a directory owns everything
  in it, except that a last segment of just ``*`` (``docs/*``) matches only
  the files directly inside (GitHub's documented example).
- Not supported by GitHub, so such lines are reported and skipped: ``!``
  negation and ``[ ]`` character ranges.
- Owners are ``@user``, ``@org/team`` or email addresses; any other owner makes
  the line invalid, and an invalid line is skipped (GitHub highlights it).

One extension of GitHub's syntax, shared with GitLab and gitignore: a
backslash escapes the next character, so ``\\#name`` is a pattern starting
with ``#`` and ``my\\ file`` one containing a space (GitHub's documentation
says a ``\\#`` escape does not work there; such lines are only useful with
Tacit and GitLab).

Paths are relative to the repository's root, with ``/`` separators, and
case-sensitive.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Optional

LOOKUP_ORDER = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
MAX_SIZE = 3 * 1024 * 1024  # GitHub does not use a CODEOWNERS file this large

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_USER = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?")
_TEAM = re.compile(r"@[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?/[A-Za-z0-9_][A-Za-z0-9_.-]*")


class PatternError(ValueError):
    """A pattern CODEOWNERS does not accept; the message says why."""


@dataclass(frozen=True)
class Rule:
    """One line of a CODEOWNERS file."""

    line: int  # 1-based
    pattern: str
    owners: tuple[str, ...]
    regex: re.Pattern = field(repr=False, compare=False)

    def matches(self, path: str) -> bool:
        return self.regex.fullmatch(normalize_path(path)) is not None


@dataclass(frozen=True)
class CodeOwners:
    """A parsed CODEOWNERS file: its valid rules and a warning per skipped line."""

    rules: tuple[Rule, ...]
    warnings: tuple[str, ...] = ()
    source: str = "CODEOWNERS"

    def rule_for(self, path: str) -> Optional[Rule]:
        """The rule that decides ``path``'s owners (the last that matches), if any."""
        path = normalize_path(path)
        for rule in reversed(self.rules):
            if rule.regex.fullmatch(path):
                return rule
        return None

    def owners_of(self, path: str) -> tuple[str, ...]:
        """``path``'s owners, in the file's order; ``()`` when no rule or an empty one matches."""
        rule = self.rule_for(path)
        return rule.owners if rule else ()


def is_email(owner: str) -> bool:
    return _EMAIL.fullmatch(owner) is not None


def is_handle(owner: str) -> bool:
    """``@user`` or ``@org/team``."""
    return _USER.fullmatch(owner) is not None or _TEAM.fullmatch(owner) is not None


def normalize_path(path: str) -> str:
    while path.startswith("./"):
        path = path[2:]
    return path.lstrip("/")


def parse(text: str, source: str = "CODEOWNERS") -> CodeOwners:
    """Parses a CODEOWNERS file; never raises. Bad lines become warnings ``SOURCE:LINE: why``."""
    rules: list[Rule] = []
    warnings: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        try:
            tokens = _split(line)
            if not tokens:
                continue
            pattern, owners = tokens[0], tokens[1:]
            regex = compile_pattern(pattern)
            for owner in owners:
                if not (is_email(owner) or is_handle(owner)):
                    raise PatternError(f"owner {owner!r} is not an @user, @org/team or email address")
        except PatternError as error:
            warnings.append(f"{source}:{number}: skipped: {error}")
            continue
        rules.append(Rule(number, pattern, tuple(dict.fromkeys(owners)), regex))
    return CodeOwners(tuple(rules), tuple(warnings), source)


def find(root: str) -> Optional[str]:
    """The CODEOWNERS file GitHub would use in the work tree at ``root``, if any."""
    for relative in LOOKUP_ORDER:
        candidate = os.path.join(root, relative)
        if os.path.isfile(candidate):
            return candidate
    return None


def load(root: str) -> Optional[CodeOwners]:
    """Reads and parses the CODEOWNERS file of ``root``; ``None`` without one.

    Raises OSError when the file exists but cannot be read.
    """
    path = find(root)
    if path is None:
        return None
    source = os.path.relpath(path, root)
    with open(path, "rb") as file:
        data = file.read(MAX_SIZE)
        if file.read(1):
            return CodeOwners((), (f"{source}: not used: it is 3 MB or larger (GitHub's limit)",), source)
    return parse(data.decode("utf-8-sig", errors="replace"), source)


def compile_pattern(pattern: str) -> re.Pattern:
    """The regular expression a path (relative, ``/``-separated) must match in full."""
    if pattern.startswith("!"):
        raise PatternError(f"{pattern!r}: negation with '!' is not supported in CODEOWNERS")
    if re.search(r"(?<!\\)[\[\]]", pattern):
        raise PatternError(f"{pattern!r}: character ranges with '[ ]' are not supported in CODEOWNERS")
    if "***" in pattern:
        raise PatternError(f"{pattern!r}: '***' is not a wildcard")
    if (len(pattern) - len(pattern.rstrip("\\"))) % 2:
        raise PatternError(f"{pattern!r}: ends with an escape character")

    anchored = pattern.startswith("/")
    body = pattern[1:] if anchored else pattern
    directory_only = body.endswith("/")
    if directory_only:
        body = body[:-1]
    if not body:
        raise PatternError(f"{pattern!r} matches no file")
    segments = body.split("/")
    if "" in segments:
        raise PatternError(f"{pattern!r}: empty path segment ('//')")

    if not anchored and len(segments) == 1 and segments[0] != "**":
        segments.insert(0, "**")  # no slash: matches at any depth
    if directory_only:
        segments.append("**")  # only what is inside

    regex = ""
    need_slash = False
    last = len(segments) - 1
    for index, segment in enumerate(segments):
        if segment == "**":
            if index == 0 and index == last:
                regex += ".+"
            elif index == 0:
                regex += "(?:.+/)?"
                need_slash = False
                continue
            elif index == last:
                regex += "/.+"
            else:
                regex += "(?:/.+)?"
            need_slash = True
            continue
        if need_slash:
            regex += "/"
        regex += "[^/]+" if segment == "*" else _segment_regex(segment)
        if index == last and segment != "*":
            regex += "(?:/.*)?"  # a directory owns what is inside it
        need_slash = True
    return re.compile(regex, re.DOTALL)


def _segment_regex(segment: str) -> str:
    out = []
    escaped = False
    for char in segment:
        if escaped:
            out.append(re.escape(char))
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(char))
    return "".join(out)


def _split(line: str) -> list[str]:
    """The line's tokens: split at unescaped whitespace, up to a comment.

    Backslash escapes are kept in the tokens (the pattern compiler reads them).
    """
    tokens: list[str] = []
    current = ""
    escaped = False
    for char in line:
        if escaped:
            current += char
            escaped = False
        elif char == "\\":
            current += char
            escaped = True
        elif char.isspace():
            if current:
                tokens.append(current)
                current = ""
        elif char == "#" and not current:
            break  # a comment: at the start of the line or after whitespace
        else:
            current += char
    if current:
        tokens.append(current)
    return tokens
