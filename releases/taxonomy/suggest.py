"""Countries and topics named in a release's text, found word by word (Thai segmentation), never inside a longer word."""

import functools

from ..body import plain_text


def _words(text, trie):
    from pythainlp.tokenize import word_tokenize

    return [word.casefold() for word in word_tokenize(text, custom_dict=trie, engine="newmm") if word.strip()]


@functools.lru_cache(maxsize=4)
def _matcher(named):
    """(trie, {first word: [(words, key), ...]}) for `named`, a frozenset of (name, key) pairs.

    The names join the dictionary so that newmm keeps each one a word of its own: "ลาว" is a word
    in "ไปลาว" and not in "ลาวา", which the dictionary already knows.
    """
    from pythainlp.corpus import thai_words
    from pythainlp.util import dict_trie

    trie = dict_trie(set(thai_words()) | {name for name, _key in named})
    index = {}
    for name, key in named:
        words = tuple(_words(name, trie))
        if words:
            index.setdefault(words[0], []).append((words, key))
    return trie, index


def find(text, named):
    """Keys of the names in `named` ({name: key}) that occur in `text` as whole words, in order of first mention."""
    if not named or not text:
        return []
    trie, index = _matcher(frozenset(named.items()))
    words = _words(text, trie)
    found = {}
    for position, word in enumerate(words):
        for name_words, key in index.get(word, ()):
            if tuple(words[position : position + len(name_words)]) == name_words:
                found.setdefault(key, position)
    return sorted(found, key=found.get)


def _names(queryset):
    return {name: item.pk for item in queryset for name in item.alias_list()}


def suggestions(release):
    """(countries, topics) named in the release's title and plain body, as model instances."""
    from .models import Country, Topic

    text = f"{release.title}\n{plain_text(release.body)}"
    countries, topics = Country.objects.all(), Topic.objects.all()
    country_pks, topic_pks = find(text, _names(countries)), find(text, _names(topics))
    by_pk = {**{("c", c.pk): c for c in countries}, **{("t", t.pk): t for t in topics}}
    return [by_pk["c", pk] for pk in country_pks], [by_pk["t", pk] for pk in topic_pks]
