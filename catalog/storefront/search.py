"""Full-text search over products: one tokenizer for indexing and for queries.

PostgreSQL's parsers split text on spaces and punctuation, which does nothing useful for Chinese
(a sentence has no spaces). So the text is tokenized here, in Python, and handed to PostgreSQL
ready-made:

- Latin, Cyrillic, … words (letters and digits) are lower-cased (NFKC + casefold, so full-width
  ＡＢＣ is abc) and kept whole: ``"Cotton T-Shirt"`` → ``cotton t shirt``.
- CJK text (Han, kana, Hangul) becomes its character bigrams plus its single characters:
  ``"绿茶杯"`` → ``绿茶 茶杯 绿 茶 杯``. A query of two or more characters is matched through its
  bigrams; a one-character query through the single character.

The index side is `search_vector_value(fields)`: a ``tsvector`` literal with positions and a
weight per field (A title, B keywords and tags, C category names, D attribute and variant values),
cast with ``::tsvector`` so that no PostgreSQL parser or dictionary touches the tokens. The query
side is `build_tsquery(text)`: the same tokens ANDed in ``to_tsquery`` syntax, for
``to_tsquery('simple', …)`` (`SEARCH_CONFIG`); the 'simple' configuration only lower-cases, so the
tokens arrive unchanged. Latin words of three letters or more match as prefixes (``shirt``
finds ``shirts``).

Usage (storefront)::

    from django.contrib.postgres.search import SearchQuery, SearchRank
    query_text = search.build_tsquery(request.GET["q"])
    if query_text:
        query = SearchQuery(query_text, search_type="raw", config=search.SEARCH_CONFIG)
        products = products.filter(search_vector=query).annotate(
            rank=SearchRank("search_vector", query)).order_by("-rank", "-sales_count")

Typo tolerance through ``pg_trgm`` is optional (the embedded PostgreSQL does not have it):
`trigram_available()` says whether the extension is installed in the current database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache

SEARCH_CONFIG = "simple"
MAX_QUERY_TOKENS = 12
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
MAX_TOKEN_LENGTH = 60  # longer "words" (hashes, URLs) are not worth indexing
PREFIX_MIN_LENGTH = 3

# CJK ideographs (+ extensions and compatibility), kana and Hangul: scripts written without spaces.
_CJK_RANGES = (
    "\u2e80-\u2fdf"  # radicals
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3100-\u312f"  # bopomofo
    "\u3400-\u4dbf"  # extension A
    "\u4e00-\u9fff"  # unified ideographs
    "\uac00-\ud7af"  # Hangul syllables
    "\uf900-\ufaff"  # compatibility ideographs
    "\U00020000-\U0003134f"  # extensions B–G
)
_TOKEN = re.compile(rf"([{_CJK_RANGES}]+)|([^\W_{_CJK_RANGES}]+)")


def normalize(text: str) -> str:
    """NFKC + casefold: full-width forms and case are not differences."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text or "").casefold())


def _cjk_grams(run: str, *, unigrams: bool) -> list[str]:
    if len(run) == 1:
        return [run]
    grams = [run[i : i + 2] for i in range(len(run) - 1)]
    if unigrams:
        grams.extend(run)
    return grams


def tokenize(text: str, *, unigrams: bool = True) -> list[str]:
    """The search tokens of `text`, in order (duplicates kept: positions matter for ranking)."""
    tokens: list[str] = []
    for cjk, word in _TOKEN.findall(normalize(text)):
        if cjk:
            tokens.extend(_cjk_grams(cjk, unigrams=unigrams))
        elif len(word) <= MAX_TOKEN_LENGTH:
            tokens.append(word)
    return tokens


def query_tokens(text: str) -> list[str]:
    """The tokens a search box query must all match: bigrams for CJK runs, words otherwise."""
    seen: dict[str, None] = {}
    for token in tokenize(text, unigrams=False):
        seen.setdefault(token, None)
    return list(seen)[:MAX_QUERY_TOKENS]


def _is_cjk(token: str) -> bool:
    return bool(re.match(rf"[{_CJK_RANGES}]", token))


def _quote(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def build_tsquery(text: str) -> str:
    """A ``to_tsquery`` expression ANDing every token of `text`; "" when nothing is searchable."""
    parts = []
    for token in query_tokens(text):
        if not _is_cjk(token) and len(token) >= PREFIX_MIN_LENGTH:
            parts.append(f"{_quote(token)}:*")
        else:
            parts.append(_quote(token))
    return " & ".join(parts)


def search_vector_value(fields: Sequence[tuple[str, Iterable[str]]]) -> str:
    """A ``tsvector`` literal from ``[(weight, texts), …]`` with weights "A" to "D".

    Every token gets its position in the document, so ``ts_rank`` can tell the title (A) from an
    attribute value (D). Cast it in SQL: ``UPDATE … SET search_vector = %s::tsvector``.
    """
    positions: dict[str, list[str]] = {}
    position = 0
    for weight, texts in fields:
        if weight not in ("A", "B", "C", "D"):
            raise ValueError(f"Unknown tsvector weight {weight!r}")
        for text in texts:
            for token in tokenize(str(text or "")):
                position = min(position + 1, MAX_POSITION)
                entries = positions.setdefault(token, [])
                if len(entries) < 256:  # PostgreSQL keeps at most 256 positions per lexeme
                    entries.append(f"{position}{weight}")
            position = min(position + 1, MAX_POSITION)  # no phrase across two texts
    return " ".join(f"{_quote(token)}:{','.join(entries)}" for token, entries in positions.items())


@lru_cache(maxsize=4)
def _trigram_available(alias: str) -> bool:
    from django.db import connections

    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def trigram_available(alias: str = "default") -> bool:
    """Is pg_trgm installed in this database? (Checked once per process.)"""
    return _trigram_available(alias)
