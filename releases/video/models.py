"""Videos on a release: YouTube or Facebook links, a thumbnail kept in our own storage, embedded only on a click."""

import re
import uuid
from urllib.parse import parse_qs, quote, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .thumbnails import thumbnail_for

# The only origins a video frame may come from; config/settings.py names the same in frame-src.
YOUTUBE_EMBED = "https://www.youtube-nocookie.com/embed/{id}?autoplay=1"
FACEBOOK_EMBED = "https://www.facebook.com/plugins/video.php?href={href}&autoplay=true"
_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtu.be", "www.youtube-nocookie.com"}
_FACEBOOK_HOSTS = {"facebook.com", "www.facebook.com", "m.facebook.com", "fb.watch", "web.facebook.com"}


def parse_video_url(url):
    """("youtube", id) or ("facebook", canonical url) for a link editors paste; ValidationError otherwise."""
    parts = urlsplit((url or "").strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https"):
        raise ValidationError(_("Enter a YouTube or Facebook video address."), code="scheme")
    if host in _YOUTUBE_HOSTS:
        if host == "youtu.be":
            video_id = parts.path.strip("/")
        elif parts.path.startswith(("/embed/", "/shorts/", "/live/")):
            video_id = parts.path.split("/")[2]
        else:
            video_id = (parse_qs(parts.query).get("v") or [""])[0]
        if _YOUTUBE_ID.match(video_id):
            return "youtube", video_id
    elif host in _FACEBOOK_HOSTS and ("/videos/" in parts.path or parts.path.startswith(("/watch", "/reel/")) or host == "fb.watch"):
        return "facebook", urlunsplit(("https", host if host == "fb.watch" else "www.facebook.com", parts.path, parts.query, ""))
    raise ValidationError(_("Enter a YouTube or Facebook video address."), code="unsupported")


def video_thumbnail_path(instance, filename):
    return timezone.now().strftime(f"videos/%Y/%m/{uuid.uuid4().hex}.jpg")


class ReleaseVideo(models.Model):
    class Provider(models.TextChoices):
        YOUTUBE = "youtube", "YouTube"
        FACEBOOK = "facebook", "Facebook"

    release = models.ForeignKey("releases.Release", on_delete=models.CASCADE, related_name="videos", verbose_name=_("release"))
    url = models.URLField(_("video address"), max_length=500, help_text=_("A YouTube or Facebook video link."))
    title = models.CharField(_("title"), max_length=300, help_text=_("What the video is; read out to screen-reader users."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    provider = models.CharField(max_length=10, choices=Provider.choices, editable=False)
    video_key = models.CharField(max_length=500, editable=False)
    thumbnail = models.ImageField(upload_to=video_thumbnail_path, blank=True, editable=False, max_length=255)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("video")
        verbose_name_plural = _("videos")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        try:
            parse_video_url(self.url)
        except ValidationError as error:
            raise ValidationError({"url": error}) from None

    def save(self, *args, **kwargs):
        provider, key = parse_video_url(self.url)
        changed = (provider, key) != (self.provider, self.video_key)
        self.provider, self.video_key = provider, key
        if changed or not self.thumbnail:
            self.thumbnail = ""
            data = thumbnail_for(provider, key)
            if data:
                self.thumbnail.save("thumbnail.jpg", ContentFile(data), save=False)
        super().save(*args, **kwargs)

    @property
    def embed_url(self):
        if self.provider == self.Provider.YOUTUBE:
            return YOUTUBE_EMBED.format(id=self.video_key)
        return FACEBOOK_EMBED.format(href=quote(self.video_key, safe=""))
