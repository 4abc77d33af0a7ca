"""What a release's public page loads beside the release: photos, documents, videos, officials with their positions, countries and topics.

The same rows prefetch_related() would give, but each query compiled once per process
(releases/prepared.py): on an uncached page, compiling these six small queries cost more than
the database spent on them.
"""

import collections

from .attachments.models import ReleaseAttachment
from .models import Official, Position, ReleaseImage
from .prepared import PreparedModels, PreparedValues, attach
from .taxonomy.related import subjects_from_rows, subjects_query
from .video.models import ReleaseVideo

_PHOTOS = PreparedModels(lambda pk: ReleaseImage.objects.filter(release_id=pk), ints=["pk"])
_DOCUMENTS = PreparedModels(lambda pk: ReleaseAttachment.objects.filter(release_id=pk), ints=["pk"])
_VIDEOS = PreparedModels(lambda pk: ReleaseVideo.objects.filter(release_id=pk), ints=["pk"])
_OFFICIALS = PreparedModels(lambda pk: Official.objects.filter(releases=pk), ints=["pk"])
# The positions of the release's officials, by way of the release: one marker, not a list of ids.
_POSITIONS = PreparedModels(lambda pk: Position.objects.filter(official__releases=pk), ints=["pk"])
_SUBJECTS = PreparedValues(lambda pk: subjects_query(pk), ints=["pk"])


def load_related(release):
    """Attach the page's related rows to `release` (saved, from the database `release._state.db`)."""
    using = release._state.db or "default"
    attach(release, "images", _PHOTOS.run(using, pk=release.pk), back="release")
    attach(release, "attachments", _DOCUMENTS.run(using, pk=release.pk), back="release")
    attach(release, "videos", _VIDEOS.run(using, pk=release.pk), back="release")
    officials = _OFFICIALS.run(using, pk=release.pk)
    positions = collections.defaultdict(list)
    for position in _POSITIONS.run(using, pk=release.pk) if officials else ():
        positions[position.official_id].append(position)
    for official in officials:
        attach(official, "positions", positions[official.pk], back="official")
    attach(release, "officials", officials)


def subjects(release):
    """(countries, topics) of `release`, as taxonomy.related.subjects_of() gives them."""
    return subjects_from_rows(_SUBJECTS.run(release._state.db or "default", pk=release.pk))
