"""Prohibited-word checks for shop names, product titles and descriptions (SPEC §4.9).

    hit = find_prohibited("全网最低价 No.1 Tea", kinds=[ProhibitedWord.Kind.ABSOLUTE_CLAIM])
    if hit:
        raise DomainError(_("“%(word)s” may not be used.") % {"word": hit.word}, field="title")

Matching ignores case and full-/half-width forms (NFKC + casefold). Words written in Latin
letters or digits match whole words only ("best" flags "the best tea", not "bestow"; "admin"
does not flag "badminton"); spaces inside a listed word may be missing or repeated in the text
("No. 1" flags "no.1"); words in other scripts (Chinese) match anywhere in the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from compliance.models import ProhibitedWord
from compliance.normalize import normalize_text

_WORDLIKE = re.compile(r"[0-9a-z]")


@dataclass(frozen=True)
class Hit:
    word: str  # as listed (for the error message)
    kind: str
    matched: str  # the text as it appears in the input (normalised)

    def __str__(self):
        return self.word


@lru_cache(maxsize=4096)
def _pattern(normalized_word: str) -> re.Pattern:
    body = r"\s*".join(re.escape(part) for part in normalized_word.split(" "))
    before = r"(?<![0-9a-z])" if _WORDLIKE.match(normalized_word[0]) else ""
    after = r"(?![0-9a-z])" if _WORDLIKE.match(normalized_word[-1]) else ""
    return re.compile(before + body + after)


def find_all_prohibited(
    text: str, *, kinds: Iterable[str] | None = None, allow: Iterable[str] = ()
) -> list[Hit]:
    normalized = normalize_text(text)
    if not normalized:
        return []
    allowed = {normalize_text(word) for word in allow}
    words = ProhibitedWord.objects.filter(is_active=True)
    if kinds is not None:
        words = words.filter(kind__in=list(kinds))
    hits = []
    for word, norm, kind in words.order_by("-normalized").values_list("word", "normalized", "kind"):
        if not norm or norm in allowed:
            continue
        match = _pattern(norm).search(normalized)
        if match:
            hits.append(Hit(word=word, kind=kind, matched=match.group(0)))
    # Longest first: "number one" is a better message than "one" would be.
    return sorted(hits, key=lambda hit: -len(hit.matched))


def find_prohibited(
    text: str, *, kinds: Iterable[str] | None = None, allow: Iterable[str] = ()
) -> Hit | None:
    """The first listed word found in `text` (longest match first), or None.

    `kinds`: only these kinds of `ProhibitedWord.Kind` (default: all); `allow`: words the caller
    is entitled to (e.g. a flagship shop may call itself 旗舰).
    """
    hits = find_all_prohibited(text, kinds=kinds, allow=allow)
    return hits[0] if hits else None
