"""Text normalisation for comparisons: full-/half-width and case are not differences.

NFKC folds full-width letters and digits (`ＡＢＣ１` → `ABC1`) and compatibility forms; casefold
is a stronger lower-casing (`ß` → `ss`); runs of white space become one space.
"""

import unicodedata


def normalize_text(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    # NFKC once more: casefold may produce characters that have compatibility forms.
    folded = unicodedata.normalize("NFKC", folded)
    return " ".join(folded.split())
