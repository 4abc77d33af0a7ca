"""Countries and topics named in a release's text, found word by word (Thai segmentation), never inside a longer word."""

import functools
import re

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
    # Most texts name few of the subjects: a plain scan for any name first spares the segmentation.
    anywhere = re.compile("|".join(re.escape(name) for name, _key in sorted(named, key=lambda pair: -len(pair[0]))), re.IGNORECASE)
    index = {}
    for name, key in named:
        words = tuple(_words(name, trie))
        if words:
            index.setdefault(words[0], []).append((words, key))
    return trie, anywhere, index


def find(text, named):
    """Keys of the names in `named` ({name: key}) that occur in `text` as whole words, in order of first mention."""
    if not named or not text:
        return []
    trie, anywhere, index = _matcher(frozenset(named.items()))
    if not anywhere.search(text):
        return []
    words = _words(text, trie)
    found = {}
    for position, word in enumerate(words):
        for name_words, key in index.get(word, ()):
            if tuple(words[position : position + len(name_words)]) == name_words:
                found.setdefault(key, position)
    return sorted(found, key=found.get)


class SubjectMatcher:
    """Every country's and topic's names, read once (an import reuses one for all its files)."""

    def __init__(self):
        from .models import Country, Topic

        self.countries = {country.pk: country for country in Country.objects.all()}
        self.topics = {topic.pk: topic for topic in Topic.objects.all()}
        self.country_names = {name: pk for pk, item in self.countries.items() for name in item.alias_list()}
        self.topic_names = {name: pk for pk, item in self.topics.items() for name in item.alias_list()}

    def find(self, title, body):
        """(countries, topics) named in a title and a (Markdown) body."""
        text = f"{title}\n{plain_text(body)}"
        return (
            [self.countries[pk] for pk in find(text, self.country_names)],
            [self.topics[pk] for pk in find(text, self.topic_names)],
        )


def suggestions(release):
    """(countries, topics) named in the release's title and body, as model instances."""
    return SubjectMatcher().find(release.title, release.body)


def apply_suggestions(release, matcher=None):
    """Add the countries and topics its text names to a saved release (the importer's way)."""
    countries, topics = (matcher or SubjectMatcher()).find(release.title, release.body)
    if countries:
        release.countries.add(*countries)
    if topics:
        release.topics.add(*topics)
