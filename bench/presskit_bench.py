"""Press kit ZIP of a release with 10 full-size photos: the first request (builds the kit) against
repeats (the stored kit sent as a file). Run: `manage.py shell -v0 < bench/presskit_bench.py`
(with DJANGO_DEBUG=1, DJANGO_ALLOWED_HOSTS=127.0.0.1 and a scratch DATABASE_URL / DJANGO_MEDIA_ROOT, migrated)."""

import io
import random
import time

from django.test import Client
from PIL import Image

from releases.images import attach_image
from tests.factories import ReleaseFactory

random.seed(1)


def photo(width=3000, height=2000):
    # Smooth gradients with a little noise: compresses like a real photo (a few MB as JPEG q95).
    im = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    im = Image.blend(im, Image.effect_noise((width, height), 40).convert("RGB"), 0.3)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=95)
    out.seek(0)
    return out


release = ReleaseFactory()
for n in range(10):
    attach_image(release, photo(), f"photo-{n}.jpg", alt_text=f"ภาพที่ {n + 1}", order=n)
client = Client(HTTP_HOST="127.0.0.1")
url = f"/releases/{release.pk}/photos.zip"


def fetch():
    started = time.perf_counter()
    response = client.get(url)
    size = sum(len(chunk) for chunk in response.streaming_content)
    return time.perf_counter() - started, size, response.status_code


first, size, status = fetch()
print(f"10 photos, ZIP {size / 1e6:.1f} MB, status {status}")
print(f"first request (builds the kit): {first * 1000:.0f} ms")
repeats = sorted(fetch()[0] for _ in range(10))
print(f"repeat requests (kit reused, app sends the file): median {repeats[5] * 1000:.0f} ms, min {repeats[0] * 1000:.0f} ms")
