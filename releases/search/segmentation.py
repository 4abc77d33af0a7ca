"""Thai segmentation: words (newmm, in Rust through nlpo3 where it gives the same) and syllables."""

import functools
import gc

from pythainlp.corpus import thai_syllables
from pythainlp.tokenize import word_tokenize

# Private to pythainlp, with no public equivalent (word_tokenize's "nlpo3" engine ignores a
# custom dictionary): used only by _newmm_postprocess below.
from pythainlp.tokenize._utils import rejoin_formatted_num, strip_whitespace
from pythainlp.tokenize.nlpo3 import segment as nlpo3_segment
from pythainlp.util import Trie

from .normalization import has_thai, normalize, split_token
from .vocabulary import dictionary

# Joins two adjacent Latin words into one lexeme of the syllable field ('tradeǂand'): a letter
# to both databases' tokenizers (so the pair stays one token) that no word here contains.
PAIR_JOINER = "\u01c2"


def segment(text, trie, keep_whitespace=False):
    """newmm words of `text` with `trie` as the dictionary, as word_tokenize gives them.

    A stretch of text holding no official's name is segmented by nlpo3 (pythainlp's Rust newmm,
    ~7x faster) with the base dictionary alone, which gives what newmm with the names would:
    a name that does not occur in the text cannot change its words. Stretches with a name, and
    any trie that is not a NameTrie, use pythainlp's Python newmm. Both indexing and queries
    come here, so they always agree (docs/decisions.md, "nlpo3").
    """
    names = getattr(trie, "names", None)
    nlpo3_dictionary = trie.nlpo3_dictionary if names is not None else None
    if nlpo3_dictionary is None or names.search(text):
        return word_tokenize(text, custom_dict=trie, engine="newmm", keep_whitespace=keep_whitespace)
    # word_tokenize's own post-processing, as for its engines.
    return _newmm_postprocess(nlpo3_segment(text, custom_dict=nlpo3_dictionary), keep_whitespace)


def _newmm_postprocess(tokens, keep_whitespace):
    """What word_tokenize does to its engines' tokens (numbers like 1,000.5 rejoined, spaces
    dropped unless kept), which nlpo3's segment alone does not.

    pythainlp exposes these two steps only in the private `pythainlp.tokenize._utils`: if a
    release renames them, this import fails at start-up, and if it changes what they do,
    tests/search/test_segmentation.py (nlpo3 agrees with pythainlp) fails."""
    tokens = rejoin_formatted_num(tokens)
    return tokens if keep_whitespace else strip_whitespace(tokens)


def tokenize(text, trie=None):
    """Normalised words of `text`, punctuation and spaces dropped: the unit of matching."""
    trie = trie or dictionary.trie()
    tokens = []
    for chunk in normalize(text).split():
        if not has_thai(chunk):
            tokens.extend(split_token(chunk))
            continue
        for token in segment(chunk, trie):
            tokens.extend(split_token(token))
    return tokens


@functools.cache
def _syllable_trie():
    # What subword_tokenize(engine="dict") uses, built once: pythainlp 5.4 rebuilds it on every call.
    return Trie(thai_syllables())


@functools.lru_cache(maxsize=200_000)
def _syllables_of(word):
    if not has_thai(word) or len(word) < 3:
        return (word,)
    pieces = []
    for syllable in word_tokenize(word, custom_dict=_syllable_trie(), engine="newmm", keep_whitespace=False):
        pieces.extend(split_token(syllable))
    return tuple(pieces) or (word,)


@functools.lru_cache(maxsize=200_000)
def _thai_syllables_of(word):
    """The syllables of a Thai word; None for a Latin word or a number."""
    return _syllables_of(word) if has_thai(word) else None


def syllables(words):
    """Thai syllables of already segmented words; Latin words and numbers stay whole."""
    result = []
    for word in words:
        result.extend(_syllables_of(word))
    return result


def syllable_lexemes(words, document=True, limit=None):
    """What the syllable field holds for `words`: for each run of Thai words, its syllables
    and each pair of adjacent syllables joined ('ต่าง', 'ประ', 'ต่างประ', 'ประเทศ'...); other
    words as they are. A query (document=False) asks for the pairs of each run (its one
    syllable if it has only one): `ต่างประเทศ` is found inside `กระทรวงการต่างประเทศ`, and
    `ยา` is not found in `ยาวนาน` (ยาว|นาน) or `พยายาม` (พยา|ยาม).

    No positions: pairs make an exact index lookup (PostgreSQL's GIN needs no recheck), where a
    syllable phrase would re-read every candidate row. For the same reason a document also holds
    each pair of adjacent Latin words or numbers joined by PAIR_JOINER (`tradeǂand`), which a
    quoted Latin phrase asks for (Term).
    """
    lexemes, run, seen, latin = [], [], 0, None

    def flush():
        if document:
            lexemes.extend(run)
        if len(run) == 1 and not document:
            lexemes.append(run[0])
        lexemes.extend(map(str.__add__, run, run[1:]))
        run.clear()

    for word in words:
        if limit is not None and seen >= limit:
            break
        parts = _thai_syllables_of(word)
        if parts is not None:
            run.extend(parts)
            seen += len(parts)
            latin = None
        else:
            if run:
                flush()
            lexemes.append(word)
            if document and latin is not None:
                lexemes.append(latin + PAIR_JOINER + word)
            latin = word
            seen += 1
    flush()
    return list(dict.fromkeys(lexemes))


def warm_up():
    """Build what segmentation needs (the dictionary trie, nlpo3's copy, the syllable trie) now,
    e.g. before forking workers that should share it (config/gunicorn.py, bulk indexing)."""
    syllables(tokenize("กระทรวงการต่างประเทศ", dictionary.trie()))


class frozen_heap:
    """Within the block, Python's cycle collector skips everything that existed when it began:
    the dictionary tries alone are ~500,000 objects, and a full collection walked them all
    (0.6-0.75 s each; the archive import collects after every batch). Forked workers inherit
    the exemption. Warm up first, so the tries are among what is exempted."""

    def __enter__(self):
        warm_up()
        gc.freeze()
        return self

    def __exit__(self, *exc_info):
        gc.unfreeze()

