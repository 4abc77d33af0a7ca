"""The outside audit (`make audit`): Lighthouse, axe-core and the Nu HTML checker against a production-like local site.

Starts gunicorn as `make serve` does (DEBUG off, hashed and compressed static files) on a scratch
SQLite file and media folder with the sample releases, signs a verified staff user in through both
sign-in steps, then runs
  - Lighthouse (mobile and desktop) on the list, a release, a search and the officials pages;
  - axe-core, injected with Playwright into Debian's Chromium, on the public pages and the admin's
    release add form, change form and change list;
  - the Nu HTML checker (vnu.jar, on the machine's java) on the public pages.
It prints one table and exits 1 when a number is below the bar (docs/audit.md):
Lighthouse >= 98 in every category, axe 0 violations on public pages and 0 critical/serious in the
admin, Nu 0 errors. The checkers come from the npm registry, pinned in scripts/audit-tools/.

    .venv/bin/python scripts/audit.py [--port 8104] [--markdown docs/audit-latest.md] [--skip-lighthouse]
"""

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
from probe import PASSWORD, Site  # noqa: E402  (the probe's two-step sign-in over a raw socket)

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "scripts" / "audit-tools"
LIGHTHOUSE = TOOLS / "node_modules" / ".bin" / "lighthouse"
AXE = TOOLS / "node_modules" / "axe-core" / "axe.min.js"
VNU = TOOLS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = "--headless --no-sandbox --disable-gpu --disable-dev-shm-usage"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_BAR = 98
SERIOUS = ("critical", "serious")
# Deliberate, not defects: a search result page asks search engines not to index it
# (docs/public-site.md), which Lighthouse's SEO category counts against it.
ACCEPTED = {"search": {"is-crawlable"}}

SETUP = """
from django.core.management import call_command
call_command("migrate", "--noinput", verbosity=0)
call_command("collectstatic", "--noinput", verbosity=0)
call_command("load_samples", verbosity=0)
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice
from releases.models import Official, Release
root = get_user_model().objects.create_superuser("audit-root", password="{password}")
device = TOTPDevice.objects.create(user=root, name="audit", confirmed=True)
release = Release.objects.published().filter(images__isnull=False).first() or Release.objects.published().first()
# A document too, so the release page's documents and the admin's document table are checked.
import io, pypdf
from django.core.files.uploadedfile import SimpleUploadedFile
from releases.models import ReleaseAttachment
writer, pdf = pypdf.PdfWriter(), io.BytesIO()
writer.add_blank_page(width=595, height=842)
writer.write(pdf)
ReleaseAttachment(release=release, title="แถลงการณ์ฉบับเต็ม", file=SimpleUploadedFile("แถลงการณ์ ฉบับเต็ม.pdf", pdf.getvalue())).save()
print(device.key, release.pk, release.slug, Official.objects.first().slug)
"""


def install_tools():
    """npm ci into scripts/audit-tools/node_modules (git-ignored) when it is missing."""
    if not (LIGHTHOUSE.exists() and AXE.exists() and VNU.exists()):
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=TOOLS, check=True)
    if not shutil.which(CHROMIUM):
        raise SystemExit(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")


def start_site(port, work):
    """Prepare the scratch site and start gunicorn on it; returns (process, setup values)."""
    env = {
        **os.environ, "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_HSTS_SECONDS": "0", "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0", "NEWSROOM_VAR_DIR": str(work), "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_STATIC_ROOT": str(work / "static"), "GUNICORN_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2",
        "PYTHAINLP_READ_ONLY": "1", "PYTHAINLP_OFFLINE": "1",
    }
    for name in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG", "NEWSROOM_PLAIN_STATIC"):
        env.pop(name, None)
    setup = subprocess.run([sys.executable, "manage.py", "shell", "-c", SETUP.format(password=PASSWORD)],
                           cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    values = setup.stdout.split()[-4:]
    log = open(work / "server.log", "w+b")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py"], cwd=ROOT, env=env,
                              stdout=log, stderr=subprocess.STDOUT)
    site = Site(port)
    for _ in range(600):
        try:
            if site.request("GET", "/robots.txt")[0] == 200:
                return server, site, values
        except OSError:
            pass
        time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"the server did not start: see {work / 'server.log'}")


def lighthouse(url, preset, work):
    """{category: score 0-100} for one page and form factor."""
    out = work / f"lh-{abs(hash((url, preset)))}.json"
    command = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROMIUM_FLAGS}"]
    if preset == "desktop":
        command.append("--preset=desktop")
    # One retry: a headless Chromium under load now and then fails to start or times out on its
    # protocol; a page that really breaks Lighthouse fails twice and says why.
    for attempt in (1, 2):
        done = subprocess.run(command, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if done.returncode == 0:
            break
        print(f"lighthouse {preset} {url} failed (attempt {attempt}):", *done.stderr.strip().splitlines()[-5:], sep="\n  ", file=sys.stderr)
    else:
        raise SystemExit(f"lighthouse failed twice on {url} ({preset})")
    report = json.loads(out.read_text())
    scores = {name: round((report["categories"][name]["score"] or 0) * 100) for name in CATEGORIES}
    failing = {}  # category -> audits scoring under 0.9
    for name in CATEGORIES:
        for ref in report["categories"][name]["auditRefs"]:
            audit = report["audits"].get(ref["id"], {})
            if ref.get("weight") and audit.get("score") is not None and audit["score"] < 0.9:
                failing.setdefault(name, []).append(f'{ref["id"]} {audit.get("displayValue", "")}'.strip())
    return scores, failing


def axe(browser, url, cookies=()):
    """axe-core's violations on one page: [(impact, rule id, number of nodes)]."""
    # The site's CSP forbids inline scripts, and axe is injected as one: bypassed for the checker only.
    context = browser.new_context(viewport={"width": 1366, "height": 900}, bypass_csp=True)
    if cookies:
        context.add_cookies([{"name": name, "value": value, "url": url} for name, value in cookies.items()])
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    context.close()
    return [(v["impact"], v["id"], len(v["nodes"]), v["nodes"][0]["target"]) for v in result["violations"]]


def nu(urls):
    """{url: [error messages]} from the Nu HTML checker."""
    run = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *urls],
                         capture_output=True, text=True, timeout=600)
    found = {url: [] for url in urls}
    for message in json.loads(run.stderr or "{}").get("messages", []):
        if message.get("type") == "error" or message.get("subType") == "fatal":
            found.setdefault(message.get("url", "?"), []).append(message.get("message", ""))
    return found


def run(port, skip_lighthouse):
    install_tools()
    work = Path(tempfile.mkdtemp(prefix="newsroom-audit-"))
    server, site, (totp_key, release_pk, release_slug, official_slug) = start_site(port, work)
    base = f"http://127.0.0.1:{port}"
    public = {
        "list": "/", "detail": f"/releases/{release_pk}/{quote(release_slug)}/", "search": "/?q=" + quote("ต่างประเทศ"),
        "officials": "/officials/", "official": f"/officials/{official_slug}/",
    }
    admin = {"admin add": "/admin/releases/release/add/", "admin change": f"/admin/releases/release/{release_pk}/change/",
             "admin list": "/admin/releases/release/"}
    rows, failures = [], []
    try:
        if not skip_lighthouse:
            for name in ("list", "detail", "search", "officials"):
                for preset in ("mobile", "desktop"):
                    scores, failing = lighthouse(base + public[name], preset, work)
                    accepted = ACCEPTED.get(name, set())
                    below = [c for c, score in scores.items() if score < LIGHTHOUSE_BAR
                             and not all(item.split()[0] in accepted for item in failing.get(c, ["?"]))]
                    notes = "; ".join(f"{c}: {', '.join(items)}" for c, items in failing.items())
                    if accepted and not below and min(scores.values()) < LIGHTHOUSE_BAR:
                        notes += " (accepted: noindex by design)"
                    rows.append((f"Lighthouse {preset}", name, " ".join(f"{k} {v}" for k, v in scores.items()), notes))
                    if below:
                        failures.append(f"Lighthouse {preset} {name}: {scores}")
        cookies = site.sign_in("audit-root", totp_key)
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS.split()[1:], headless=True)
            for name, path in public.items():
                found = axe(browser, base + path)
                rows.append(("axe", name, f"{len(found)} violations", "; ".join(f"{i} {r} ×{n} ({t})" for i, r, n, t in found)))
                if found:
                    failures.append(f"axe {name}: {found}")
            for name, path in admin.items():
                found = axe(browser, base + path, cookies)
                serious = [v for v in found if v[0] in SERIOUS]
                rows.append(("axe", name, f"{len(serious)} critical/serious, {len(found) - len(serious)} other",
                             "; ".join(f"{i} {r} ×{n} ({t})" for i, r, n, t in found)))
                if serious:
                    failures.append(f"axe {name}: {serious}")
            browser.close()
        for url, errors in nu([base + path for path in public.values()]).items():
            name = next((n for n, p in public.items() if base + p == url), url)
            rows.append(("Nu HTML checker", name, f"{len(errors)} errors", "; ".join(errors[:3])))
            if errors:
                failures.append(f"Nu {name}: {errors}")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows, failures


def table(rows):
    lines = ["| checker | page | result | details |", "| --- | --- | --- | --- |"]
    lines += [f"| {tool} | {page} | {result} | {details.replace('|', '/') or '-'} |" for tool, page, result, details in rows]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("NEWSROOM_AUDIT_PORT", 8104)))
    parser.add_argument("--markdown", help="also write the table to this file")
    parser.add_argument("--skip-lighthouse", action="store_true", help="axe and Nu only (a quick check)")
    args = parser.parse_args()
    started = time.monotonic()
    rows, failures = run(args.port, args.skip_lighthouse)
    output = table(rows) + f"\n\n{'FAIL' if failures else 'PASS'} in {time.monotonic() - started:.0f} s\n"
    print(output)
    if args.markdown:
        Path(args.markdown).write_text(output, encoding="utf-8")
    for failure in failures:
        print("below the bar:", failure, file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
