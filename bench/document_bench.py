"""Time of a 100-page PDF upload as the admin does it: content check and text extraction, storing,
and the release's search document rebuilt with the text. Run: `manage.py shell -v0 < bench/document_bench.py`
(with DJANGO_DEBUG=1 and a scratch DATABASE_URL / DJANGO_MEDIA_ROOT)."""

import io
import random
import time

from django.core.files.uploadedfile import SimpleUploadedFile

from releases.attachments.inspect import inspect_document
from releases.models import ReleaseAttachment
from tests.attachments.documents import make_pdf
from tests.factories import ReleaseFactory

WORDS = "กระทรวง การต่างประเทศ ความร่วมมือ เศรษฐกิจ ภูมิภาค ประชุม รัฐมนตรี ข้อตกลง การค้า ลงทุน ความมั่นคง ประชาชน".split()
random.seed(1)
pages = [" ".join(random.choice(WORDS) for _ in range(300)) for _ in range(100)]
data = make_pdf(pages)
print(f"PDF: 100 pages, {len(data) / 1e6:.2f} MB, {sum(len(p) for p in pages):,} characters")
for run in range(3):
    release = ReleaseFactory()
    started = time.perf_counter()
    info = inspect_document(io.BytesIO(data))
    checked = time.perf_counter()
    attachment = ReleaseAttachment(release=release, title="ภาคผนวก", file=SimpleUploadedFile("annex.pdf", data))
    attachment.save()  # inspects again (no form field stashed it) + stores + reindexes the release
    saved = time.perf_counter()
    print(f"run {run + 1}: check+extract {checked - started:.2f} s; save (check, store, search document) {saved - checked:.2f} s; pages={info.page_count}")
