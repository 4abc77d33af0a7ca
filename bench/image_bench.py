"""Benchmark: one 12-megapixel phone JPEG through the whole photo pipeline, time and peak memory.

Each measured run happens in a fresh child process so ru_maxrss is that run's own peak.
Usage: DJANGO_DEBUG=1 .venv/bin/python bench/image_bench.py [--runs 5] [--width 4000 --height 3000]
"""

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIME_TARGET_S = 1.5
MEMORY_TARGET_MB = 300


def phone_jpeg(width, height):
    """A photo-like JPEG (smooth gradients plus sensor-like noise, ~4-6 MB at 4000x3000),
    stored sideways with EXIF orientation 6 and GPS, as phones write them."""
    from PIL import ExifTags, Image, ImageFilter

    red = Image.linear_gradient("L").resize((height, width))
    green = Image.radial_gradient("L").resize((height, width))
    blue = Image.effect_noise((height, width), 40).filter(ImageFilter.GaussianBlur(1))
    im = Image.merge("RGB", (red, green, blue))
    grain = Image.effect_noise((height, width), 60).convert("RGB")
    im = Image.blend(im, grain, 0.3)
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.Base.Make] = "PhoneMaker"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (13.0, 45.0, 12.5)
    buffer = io.BytesIO()
    im.save(buffer, "JPEG", quality=92, exif=exif)
    return buffer.getvalue()


def current_rss_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class RssSampler(threading.Thread):
    """Samples resident memory every millisecond: the process's peak *during* the run,
    which ru_maxrss cannot give when importing the app already peaked higher."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = current_rss_mb()
        self.running = True

    def run(self):
        while self.running:
            self.peak = max(self.peak, current_rss_mb())
            time.sleep(0.001)


def child(path, sample_memory):
    """One measured run: validation + orientation + re-encode + renditions + writing the files."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.storage import FileSystemStorage

    from releases import images

    data = Path(path).read_bytes()
    rss_start = current_rss_mb()
    with tempfile.TemporaryDirectory() as media:
        storage = FileSystemStorage(location=media)
        # Memory runs sample RSS; time runs do not (the sampling thread would slow them).
        sampler = RssSampler()
        if sample_memory:
            sampler.start()
        tracemalloc.start()
        cpu_started = time.process_time()
        started = time.perf_counter()
        marks = {}
        upload = io.BytesIO(data)
        prepared = images.prepare_image(upload, "IMG_0001.jpg")
        marks["validate+decode+orient+sRGB"] = time.perf_counter()
        files, renditions = images.encoded_files(prepared, "releases/2026/01/bench.jpg")
        marks["encode original+renditions"] = time.perf_counter()
        prepared.image.close()
        images.write_files(storage, files)
        marks["write files"] = time.perf_counter()
        elapsed = time.perf_counter() - started
        cpu = time.process_time() - cpu_started
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        sampler.running = False
        if sample_memory:
            sampler.join()
        sizes = {name.rsplit("/", 1)[-1]: len(blob) for name, blob in files}
    steps, last = {}, started
    for name, at in marks.items():
        steps[name] = round(at - last, 3)
        last = at
    print(json.dumps({
        "seconds": elapsed,
        "cpu_seconds": cpu,
        "steps": steps,
        "tracemalloc_peak_mb": traced_peak / 2**20,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_start_mb": rss_start,
        "rss_peak_mb": sampler.peak,
        "upright_size": [prepared.info.width, prepared.info.height],
        "renditions": {size: [entry["width"], entry["height"]] for size, entry in renditions.items()},
        "bytes": sizes,
    }))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--sample-memory", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--make", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.sample_memory)
    if args.make:
        return Path(args.make).write_bytes(phone_jpeg(args.width, args.height)) and 0

    # Made in its own process: Linux children inherit the parent's ru_maxrss at fork, so
    # this process must stay small for the children's ru_maxrss to mean anything.
    with tempfile.NamedTemporaryFile(suffix=".jpg", delete=False) as handle:
        source = handle.name
    subprocess.run([sys.executable, __file__, "--make", source, "--width", str(args.width), "--height", str(args.height)], check=True)
    data = Path(source).read_bytes()
    try:
        results, memory = [], []
        for _ in range(args.runs):
            for flags, into in (([], results), (["--sample-memory"], memory)):
                out = subprocess.run(
                    [sys.executable, __file__, "--child", source, *flags], capture_output=True, text=True, check=True, cwd=ROOT
                ).stdout
                into.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        os.unlink(source)
    seconds = [r["seconds"] for r in results]
    rss = [r["rss_peak_mb"] for r in memory]
    first = results[0]
    print(f"input: {args.width}x{args.height} phone JPEG, {len(data) / 2**20:.1f} MB, EXIF orientation 6 + GPS")
    print(f"runs: {len(results)} timed + {len(memory)} memory-sampled, each in a fresh process; "
          f"load average at the end {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"time: median {statistics.median(seconds):.3f} s, min {min(seconds):.3f} s, max {max(seconds):.3f} s "
          f"(target < {TIME_TARGET_S} s)")
    cpu = [r["cpu_seconds"] for r in results]
    print(f"CPU time of the run (user+sys, insensitive to other processes): median {statistics.median(cpu):.3f} s, "
          f"min {min(cpu):.3f} s")
    print("steps (median s): " + ", ".join(
        f"{name} {statistics.median(r['steps'][name] for r in results):.3f}" for name in first["steps"]))
    growth = max(r["rss_peak_mb"] - r["rss_start_mb"] for r in memory)
    print(f"peak RSS during the run: max {max(rss):.0f} MB = {first['rss_start_mb']:.0f} MB Django process at start "
          f"+ up to {growth:.0f} MB for the photo (target < {MEMORY_TARGET_MB} MB)")
    print(f"ru_maxrss over the child's life (includes app import): max {max(r['maxrss_mb'] for r in memory):.0f} MB")
    print(f"tracemalloc peak (Python-level allocations only; Pillow's pixel buffers are not traced): "
          f"{max(r['tracemalloc_peak_mb'] for r in memory):.1f} MB")
    print(f"stored: upright {first['upright_size']}, renditions {first['renditions']}")
    print("bytes: " + ", ".join(f"{name} {size / 1024:.0f} KB" for name, size in first["bytes"].items()))
    ok = statistics.median(seconds) < TIME_TARGET_S and max(rss) < MEMORY_TARGET_MB
    print("result: " + ("within targets" if ok else "OVER TARGET"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
