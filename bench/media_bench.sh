#!/bin/sh
# Serving a public photo (through the embargo check) against a static file (WhiteNoise), both from
# gunicorn with DEBUG off as `make serve` runs them. Usage: bench/media_bench.sh [port] [seconds]
set -eu
PORT=${1:-8791}; SECONDS_=${2:-10}
WORK=$(mktemp -d)
# Stop the server this script started (by its pid file) and remove its files, however the script ends.
trap 'test -s "$WORK/pid" && kill "$(cat "$WORK/pid")" 2>/dev/null; sleep 1; rm -rf "$WORK"' EXIT
export PYTHAINLP_READ_ONLY=1 PYTHAINLP_OFFLINE=1 DJANGO_SECRET_KEY=bench-only-key-0123456789-0123456789-0123456789
export DJANGO_ALLOWED_HOSTS=127.0.0.1 DJANGO_SECURE_SSL_REDIRECT=0 DATABASE_URL=sqlite:///$WORK/db.sqlite3
export DJANGO_MEDIA_ROOT=$WORK/media DJANGO_STATIC_ROOT=$WORK/static NEWSROOM_VAR_DIR=$WORK GUNICORN_BIND=127.0.0.1:$PORT
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py collectstatic --noinput -v0
PHOTO=$(.venv/bin/python manage.py shell -v0 -c '
import io
from PIL import Image
from releases.models import Release
from releases.images import attach_image
from tests.factories import ReleaseFactory
buffer = io.BytesIO(); Image.new("RGB", (1600, 1200), (90, 120, 200)).save(buffer, "JPEG"); buffer.seek(0)
image = attach_image(ReleaseFactory(), buffer, "photo.jpg", alt_text="bench")
print(image.rendition("thumb", "jpeg")["url"])')
STATIC=/static/$(cd "$WORK/static" && ls css/*.css | grep -v '\.gz$' | head -1)
.venv/bin/gunicorn -c config/gunicorn.py --daemon --pid "$WORK/pid"
sleep 3
for url in "$STATIC" "$PHOTO"; do
    echo "== $url"; curl -sI "http://127.0.0.1:$PORT$url" | grep -iE '^(HTTP|cache-control|content-length)'
    wrk -t2 -c8 -d"${SECONDS_}s" "http://127.0.0.1:$PORT$url" | grep -E 'Requests/sec|Latency'
done
