"""Honorifics and titles written before officials' names: one list for the import and for search."""

# Written straight before a Thai given name (นายดอน, ดร.วิชัย) or before it with a space; the
# import recognises a new official's name by one of these.
THAI_HONORIFICS = (
    "นางสาว", "นาง", "นาย", "ท่านผู้หญิง", "คุณหญิง",
    "ศ.ดร.", "รศ.ดร.", "ผศ.ดร.", "ศ.", "รศ.", "ผศ.", "ดร.", "ม.ร.ว.", "ม.ล.",
    "พล.อ.อ.", "พล.ร.อ.", "พล.ต.อ.", "พล.อ.", "พล.ท.", "พล.ต.", "พ.อ.", "พ.ต.อ.",
)
LATIN_HONORIFICS = ("H.E. Mr.", "H.E. Mrs.", "H.E. Ms.", "H.E. Dr.", "H.E.", "Mr.", "Mrs.", "Ms.", "Miss", "Dr.", "Prof.")

# Also stripped from the front of a name before it enters the search dictionary (so that
# `ดอน` finds `นายดอน`), but too common in running text to mark the start of a new name:
# ท่าน is also a plain pronoun, and ดร without its dot is a typing slip.
_LOOSE_THAI_PREFIXES = ("ดร", "ท่าน")

# Longest first, so that นางสาว is stripped whole and not as นาง + สาว.
THAI_NAME_PREFIXES = tuple(sorted(THAI_HONORIFICS + _LOOSE_THAI_PREFIXES, key=len, reverse=True))


def strip_thai_honorific(word, extra=()):
    """`word` without one leading Thai honorific ('นายดอน' -> 'ดอน'); unchanged when none or when
    nothing would be left."""
    for prefix in (*extra, *THAI_NAME_PREFIXES):
        if prefix and word.startswith(prefix) and len(word) > len(prefix):
            return word[len(prefix):]
    return word
