"""Thai line breaking in Chromium: on a narrow screen, a long Thai paragraph's lines start only where a word starts."""

import pytest

from tests.factories import ReleaseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# Words Chromium's own dictionary splits ("ราย|ละเอียด", "ร่วม|มือ", "แถลง|ข่าว"), repeated so
# that many lines end inside a run without spaces.
PARAGRAPH = (
    "กระทรวงการต่างประเทศแถลงข่าวรายละเอียดความร่วมมือระหว่างประเทศกองความร่วมมือเพื่อการพัฒนา"
    "และองค์ความรู้ด้านเศรษฐกิจระหว่างประเทศสำนักงานปลัดกระทรวงรายละเอียดเพิ่มเติมกองความร่วมมือ "
) * 3

# For each line after the first, the offset in the paragraph's text where it starts, and the
# offsets where a line may start: after a <wbr> or a space. Each character's box comes from a
# Range over it; a box lower than the previous one begins a new line.
LINE_STARTS = """(p) => {
  const allowed = new Set([0]), starts = [];
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_ALL);
  let node, offset = 0, lastTop = null;
  while ((node = walker.nextNode())) {
    if (node.nodeType === 1 && node.tagName === "WBR") { allowed.add(offset); continue; }
    if (node.nodeType !== 3) continue;
    const text = node.textContent;
    for (let i = 0; i < text.length; i++) {
      if (/\\s/.test(text[i])) { allowed.add(offset + i + 1); continue; }
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getClientRects()[0];
      if (!box) continue;
      if (lastTop !== null && box.top > lastTop + 4) starts.push(offset + i);
      lastTop = box.top;
    }
    offset += text.length;
  }
  return {starts, bad: starts.filter((start) => !allowed.has(start)), text: p.textContent};
}"""


@pytest.mark.parametrize("width", [320, 360])
def test_no_line_starts_inside_a_word(new_page, live_server, width):
    release = ReleaseFactory(title=PARAGRAPH.strip()[:120], body=PARAGRAPH.strip())
    page = new_page(width=width, height=800)
    page.goto(live_server.url + release.get_absolute_url())
    for selector in ("#release-title", ".release__body p"):
        found = page.evaluate(LINE_STARTS, page.query_selector(selector))
        text = found["text"]
        assert len(found["starts"]) >= 3, f"{selector}: too few lines to tell"
        assert found["bad"] == [], [text[s - 4 : s] + "|" + text[s : s + 4] for s in found["bad"]]
    # Copying the paragraph gives the text as written: the breaks add no character.
    assert page.evaluate("document.querySelector('.release__body p').innerText") == PARAGRAPH.strip()
