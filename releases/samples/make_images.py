"""Draws the sample releases' illustrations (simple gradients and shapes) into images/.

Run from the project root: `.venv/bin/python releases/samples/make_images.py`. The output is
committed; re-running rewrites the same pictures. Alt texts and captions live in images/photos.json.
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw

SIZE = (800, 533)
HERE = Path(__file__).resolve().parent


def gradient(top, bottom):
    """A vertical gradient from colour `top` to colour `bottom`."""
    image = Image.new("RGB", SIZE)
    draw = ImageDraw.Draw(image)
    for y in range(SIZE[1]):
        t = y / (SIZE[1] - 1)
        draw.line([(0, y), (SIZE[0], y)], fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom)))
    return image, draw


def passport(draw):
    draw.rounded_rectangle([300, 110, 500, 420], radius=18, fill=(122, 24, 40))
    draw.ellipse([350, 190, 450, 290], outline=(226, 190, 110), width=6)
    draw.rectangle([345, 330, 455, 342], fill=(226, 190, 110))


def mortarboard(draw, x, colour):
    draw.polygon([(x, 200), (x + 110, 150), (x + 220, 200), (x + 110, 250)], fill=colour)
    draw.rectangle([x + 60, 225, x + 160, 300], fill=colour)
    draw.line([(x + 200, 200), (x + 200, 280)], fill=(240, 200, 60), width=6)


def people(draw, count, colour):
    step = SIZE[0] // (count + 1)
    for index in range(count):
        cx = step * (index + 1)
        draw.ellipse([cx - 28, 200, cx + 28, 256], fill=colour)
        draw.pieslice([cx - 55, 265, cx + 55, 400], 180, 360, fill=colour)


def calendar(draw):
    draw.rounded_rectangle([220, 100, 580, 440], radius=16, fill=(250, 250, 250))
    draw.rectangle([220, 100, 580, 160], fill=(33, 97, 140))
    for row in range(4):
        for column in range(5):
            x, y = 250 + column * 64, 185 + row * 62
            fill = (240, 140, 40) if (row, column) == (2, 3) else (205, 215, 225)
            draw.rectangle([x, y, x + 44, y + 40], fill=fill)


def draw_all():
    pictures = {}
    image, draw = gradient((214, 234, 248), (93, 156, 212))
    passport(draw)
    pictures["2563-06-18-mobile-passport-korat-1.jpg"] = image

    image, draw = gradient((255, 243, 214), (240, 178, 90))
    mortarboard(draw, 170, (40, 40, 60))
    mortarboard(draw, 420, (60, 50, 90))
    pictures["2564-03-05-development-scholarships-1.jpg"] = image

    image, draw = gradient((230, 245, 233), (96, 170, 120))
    people(draw, 6, (30, 70, 50))
    pictures["2564-03-05-development-scholarships-2.jpg"] = image

    for stem in ("2566-11-08-asean-youth-delegation", "2566-11-08-asean-youth-delegation-en"):
        image, draw = gradient((245, 230, 250), (150, 110, 190))
        people(draw, 5, (70, 40, 100))
        draw.rectangle([0, 440, SIZE[0], 533], fill=(250, 215, 80))
        pictures[f"{stem}-1.jpg"] = image

    image, draw = gradient((225, 236, 244), (120, 150, 180))
    calendar(draw)
    pictures["2567-05-30-online-consular-appointments-1.jpg"] = image
    return pictures


def main(directory=HERE / "images"):
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    for name, image in draw_all().items():
        image.save(directory / name, "JPEG", quality=80, optimize=True)
    return sorted(directory.glob("*.jpg"))


if __name__ == "__main__":
    for path in main(*sys.argv[1:]):
        print(f"{path} ({path.stat().st_size:,} bytes)")
