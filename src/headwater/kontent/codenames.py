"""Codename rules for every Kontent.ai resource, in one place.

Codenames are what SDK users type into code (`codename/{c}` URLs, references, generated models), so
the rules must match the hosted API exactly: lowercase letters, digits and `_`, starting with a letter
or `_`, at most 60 characters. When a client sends no codename, one is generated from the name the
way the hosted API does it ("Hooray!" → `hooray_`), and a clash gets `__` plus the first seven hex
digits of the object's id, the suffix the hosted API uses, so generated codenames look familiar.

Languages are the exception: their codenames are locale tags such as `en-US`, see
`validate_language`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from itertools import count

MAX_LENGTH = 60
LANGUAGE_MAX_LENGTH = 25

_CODENAME_RE = re.compile(r"[a-z_][a-z0-9_]*")
_LANGUAGE_RE = re.compile(r"[A-Za-z0-9_-]+")
_ALLOWED = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")

Taken = Callable[[str], bool] | Container[str]


def validate(codename: object, max_length: int = MAX_LENGTH) -> str | None:
    """Why `codename` is not acceptable for a (non-language) resource, or None when it is."""
    if not isinstance(codename, str):
        return "The codename must be a string."
    if not codename:
        return "The codename must not be empty."
    if len(codename) > max_length:
        return f"The codename '{codename}' is too long; codenames fit within {max_length} characters."
    if not _CODENAME_RE.fullmatch(codename):
        return (
            f"The codename '{codename}' is invalid. Codenames contain only lowercase letters, digits and "
            "underscores, and start with a letter or an underscore."
        )
    return None


def validate_language(codename: object) -> str | None:
    """Why `codename` is not acceptable for a language, or None when it is.

    Language codenames are locale tags (`en-US`, `de-AT`, `zh-Hans-CN`), so unlike other codenames they
    may contain uppercase letters and hyphens. They may also start with a digit: the data-ops `clean`
    command renames retired languages to the first seven characters of their id. The limit is 25
    characters, the hosted limit for language names and codenames (noted in data-ops' cleaning code).
    """
    if not isinstance(codename, str):
        return "The codename must be a string."
    if not codename:
        return "The codename must not be empty."
    if len(codename) > LANGUAGE_MAX_LENGTH:
        return f"The codename '{codename}' is too long; language codenames fit within {LANGUAGE_MAX_LENGTH} characters."
    if not _LANGUAGE_RE.fullmatch(codename):
        return (
            f"The codename '{codename}' is invalid. Language codenames contain only letters, digits, "
            "underscores and hyphens."
        )
    return None


def base_for(name: str, max_length: int = MAX_LENGTH) -> str:
    """The codename a name turns into before any clash handling.

    One output character per input character (so truncation is predictable): ASCII letters are
    lowercased, digits and `_` stay, everything else becomes `_`; a leading digit gets an `n` prefix.
    """
    chars = [ch.lower() if ch.isascii() and ch.isalpha() else ch for ch in name]
    base = "".join(ch if ch in _ALLOWED else "_" for ch in chars) or "_"
    if base[0].isdigit():
        base = "n" + base
    return base[:max_length]


def generate(name: str, taken: Taken, object_id: str, max_length: int = MAX_LENGTH) -> str:
    """A free codename derived from `name`.

    `taken` says which codenames are in use (a predicate or any container). On a clash the hosted
    API's suffix `__` + the first seven hex digits of `object_id` is appended (shortening the base so
    the result still fits); if even that is taken, a counter follows. Underscores ending the base merge
    into the suffix's `__`: the hosted API turns a clashing "Hooray!" into `hooray__452f515`.
    """
    is_taken: Callable[[str], bool] = taken if callable(taken) else taken.__contains__
    base = base_for(name, max_length)
    if not is_taken(base):
        return base
    short_id = object_id.replace("-", "").lower()[:7]
    for attempt in count(1):
        suffix = f"__{short_id}" if attempt == 1 else f"__{short_id}_{attempt}"
        candidate = base[: max_length - len(suffix)].rstrip("_") + suffix
        if not is_taken(candidate):
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover
