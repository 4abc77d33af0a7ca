"""Generated but realistic releases (Thai, some with English translations), officials and positions.

For benchmarks and for trying the site at scale: `manage.py generate_releases N`. Bulk inserts,
so 100,000 releases take a couple of minutes; the same seed and end date give the same rows.
Text is assembled from a small vocabulary of ministry phrases, each with its English twin,
so an English release really is the translation of its Thai release.
"""

import contextlib
import dataclasses
import datetime
import math
import random
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.utils import timezone

from . import caching, search, stored_pages, thai
from .models import Category, Official, Position, Release

BANGKOK = ZoneInfo("Asia/Bangkok")

# (key, Thai title, English title, organisation, weight of releases naming the holder)
ROLES = [
    ("minister", "รัฐมนตรีว่าการกระทรวงการต่างประเทศ", "Minister of Foreign Affairs", "กระทรวงการต่างประเทศ", 5),
    ("deputy", "รัฐมนตรีช่วยว่าการกระทรวงการต่างประเทศ", "Deputy Minister of Foreign Affairs", "กระทรวงการต่างประเทศ", 2),
    ("permsec", "ปลัดกระทรวงการต่างประเทศ", "Permanent Secretary for Foreign Affairs", "สำนักงานปลัดกระทรวงการต่างประเทศ", 2),
    ("spokes", "อธิบดีกรมสารนิเทศและโฆษกกระทรวงการต่างประเทศ",
     "Director-General of the Department of Information and Spokesperson of the Ministry of Foreign Affairs", "กรมสารนิเทศ", 4),
    ("deputy_spokes", "รองอธิบดีกรมสารนิเทศและรองโฆษกกระทรวงการต่างประเทศ",
     "Deputy Director-General of the Department of Information and Deputy Spokesperson", "กรมสารนิเทศ", 1),
    ("consular", "อธิบดีกรมการกงสุล", "Director-General of the Department of Consular Affairs", "กรมการกงสุล", 2),
    ("asean", "อธิบดีกรมอาเซียน", "Director-General of the Department of ASEAN Affairs", "กรมอาเซียน", 1),
    ("economic", "อธิบดีกรมเศรษฐกิจระหว่างประเทศ",
     "Director-General of the Department of International Economic Affairs", "กรมเศรษฐกิจระหว่างประเทศ", 1),
]

MEN = [("สมชาย", "Somchai"), ("ประเสริฐ", "Prasert"), ("วิชัย", "Wichai"), ("สุรชัย", "Surachai"), ("ธนกร", "Thanakorn"),
       ("กิตติพงษ์", "Kittipong"), ("อนุชา", "Anucha"), ("ณัฐวุฒิ", "Nattawut"), ("ปิยะ", "Piya"), ("ศักดิ์ชัย", "Sakchai"),
       ("ชาญวิทย์", "Chanwit"), ("ธีรพงศ์", "Theerapong")]
WOMEN = [("สุนันทา", "Sunanta"), ("พรทิพย์", "Pornthip"), ("กาญจนา", "Kanchana"), ("วรรณา", "Wanna"), ("ศิริพร", "Siriporn"),
         ("ปัทมา", "Pattama"), ("นภัสสร", "Napatsorn"), ("อรุณี", "Arunee"), ("รัชนี", "Ratchanee")]
SURNAMES = [("ศรีสุข", "Srisuk"), ("วงศ์ไทย", "Wongthai"), ("ทองดี", "Thongdee"), ("แก้วมณี", "Kaewmanee"),
            ("สุวรรณรัตน์", "Suwannarat"), ("จันทร์เพ็ญ", "Chanpen"), ("บุญมา", "Boonma"), ("รักษ์ไทย", "Rakthai"),
            ("พงษ์พานิช", "Pongpanich"), ("เจริญสุข", "Charoensuk"), ("ศรีวงศ์", "Sriwong"), ("อินทรสุวรรณ", "Intarasuwan"),
            ("ปรีชาวงศ์", "Preechawong"), ("ชัยมงคล", "Chaimongkol")]

COUNTRIES = [("ญี่ปุ่น", "Japan"), ("จีน", "China"), ("สหรัฐอเมริกา", "the United States"), ("อินเดีย", "India"),
             ("เวียดนาม", "Viet Nam"), ("มาเลเซีย", "Malaysia"), ("กัมพูชา", "Cambodia"), ("ลาว", "Lao PDR"),
             ("เมียนมา", "Myanmar"), ("สิงคโปร์", "Singapore"), ("อินโดนีเซีย", "Indonesia"), ("ฟิลิปปินส์", "the Philippines"),
             ("ออสเตรเลีย", "Australia"), ("สาธารณรัฐเกาหลี", "the Republic of Korea"), ("ฝรั่งเศส", "France"),
             ("เยอรมนี", "Germany"), ("สหราชอาณาจักร", "the United Kingdom"), ("ซาอุดีอาระเบีย", "Saudi Arabia"),
             ("บังกลาเทศ", "Bangladesh"), ("นิวซีแลนด์", "New Zealand"), ("แคนาดา", "Canada"), ("อิตาลี", "Italy")]
CITIES = [("กรุงเทพมหานคร", "Bangkok"), ("โตเกียว", "Tokyo"), ("ปักกิ่ง", "Beijing"), ("นครนิวยอร์ก", "New York"),
          ("จาการ์ตา", "Jakarta"), ("เจนีวา", "Geneva"), ("ฮานอย", "Hanoi"), ("กัวลาลัมเปอร์", "Kuala Lumpur"),
          ("บรัสเซลส์", "Brussels"), ("นครเวียงจันทน์", "Vientiane")]
MEETINGS = [("การประชุมรัฐมนตรีต่างประเทศอาเซียน", "ASEAN Foreign Ministers' Meeting"),
            ("การประชุมสมัชชาสหประชาชาติ", "United Nations General Assembly"),
            ("การประชุมรัฐมนตรีเอเปค", "APEC Ministerial Meeting"),
            ("การประชุมรัฐมนตรีต่างประเทศกรอบความร่วมมือแม่โขง-ล้านช้าง", "Mekong-Lancang Cooperation Foreign Ministers' Meeting"),
            ("การประชุมรัฐมนตรีบิมสเทค", "BIMSTEC Ministerial Meeting"),
            ("การประชุมเอเชีย-ยุโรป", "Asia-Europe Meeting")]
TOPICS = [("การค้าและการลงทุน", "trade and investment"), ("เศรษฐกิจชีวภาพ เศรษฐกิจหมุนเวียน และเศรษฐกิจสีเขียว", "the Bio-Circular-Green economy"),
          ("ความมั่นคงทางอาหาร", "food security"), ("การเปลี่ยนแปลงสภาพภูมิอากาศ", "climate change"),
          ("สาธารณสุข", "public health"), ("การศึกษา", "education"), ("การท่องเที่ยว", "tourism"),
          ("พลังงานสะอาด", "clean energy"), ("การต่อต้านการค้ามนุษย์", "countering human trafficking"),
          ("เศรษฐกิจดิจิทัล", "the digital economy"), ("ความเชื่อมโยงในภูมิภาค", "regional connectivity")]
HAZARDS = [("พายุไต้ฝุ่น", "typhoons"), ("อุทกภัย", "flooding"), ("แผ่นดินไหว", "earthquakes"),
           ("การหลอกลวงทางออนไลน์และการชักชวนไปทำงานผิดกฎหมาย", "online scams and illegal job offers"),
           ("สถานการณ์ความไม่สงบ", "unrest")]

# Title templates: (category slug, Thai, English, role of the official named).
TITLES = [
    ("news-activity", "{off_th} หารือทวิภาคีกับรัฐมนตรีว่าการกระทรวงการต่างประเทศ{country_th}",
     "{off_en} holds bilateral talks with the Foreign Minister of {country_en}", "minister"),
    ("news-activity", "{off_th} เข้าร่วม{meeting_th} ณ {city_th}", "{off_en} attends the {meeting_en} in {city_en}", "minister"),
    ("news-activity", "{off_th} ต้อนรับเอกอัครราชทูต{country_th}ประจำประเทศไทยในโอกาสเข้าเยี่ยมคำนับ",
     "{off_en} receives the Ambassador of {country_en} to Thailand on a courtesy call", "deputy"),
    ("press-release", "ไทยและ{country_th}ลงนามบันทึกความเข้าใจว่าด้วยความร่วมมือด้าน{topic_th}",
     "Thailand and {country_en} sign a memorandum of understanding on {topic_en}", "permsec"),
    ("press-release", "กระทรวงการต่างประเทศให้ความช่วยเหลือคนไทยใน{country_th}",
     "Ministry of Foreign Affairs assists Thai nationals in {country_en}", "consular"),
    ("press-release", "กรมการกงสุลเตือนคนไทยที่เดินทางไป{country_th}ให้ระมัดระวัง{hazard_th}",
     "Department of Consular Affairs advises Thais travelling to {country_en} to beware of {hazard_en}", "consular"),
    ("press-release", "กระทรวงการต่างประเทศจัดสัมมนาเรื่อง{topic_th} เนื่องในโอกาสครบรอบ {years} ปี ความสัมพันธ์ทางการทูตไทย–{country_th}",
     "Ministry hosts seminar on {topic_en} to mark {years} years of Thailand–{country_en} diplomatic relations", "asean"),
    ("press-release", "ไทยผลักดันความร่วมมือด้าน{topic_th}ในกรอบ{meeting_th}",
     "Thailand promotes cooperation on {topic_en} at the {meeting_en}", "economic"),
    ("statement", "แถลงการณ์กระทรวงการต่างประเทศเรื่องสถานการณ์ใน{country_th}",
     "Statement of the Ministry of Foreign Affairs on the situation in {country_en}", "spokes"),
    ("weekly-briefing", "สรุปการแถลงข่าวประจำสัปดาห์ของโฆษกกระทรวงการต่างประเทศ ครั้งที่ {no}/{be_year}",
     "Summary of the weekly press briefing by the Spokesperson, No. {no}/{year}", "spokes"),
    ("weekly-briefing", "รองโฆษกกระทรวงการต่างประเทศแถลงผลการเยือน{country_th}ของ{off2_th}",
     "Deputy Spokesperson briefs on the visit of {off2_en} to {country_en}", "deputy_spokes"),
]

OPENERS = [
    ("เมื่อวันที่ {date_th} {off_th} ได้หารือกับผู้แทนระดับสูงของ{country_th} ณ {city_th}",
     "On {date_en}, {off_en} met senior representatives of {country_en} in {city_en}."),
    ("เมื่อวันที่ {date_th} {off_th} ได้เป็นประธานการประชุมเกี่ยวกับ{topic_th} ณ กระทรวงการต่างประเทศ",
     "On {date_en}, {off_en} chaired a meeting on {topic_en} at the Ministry of Foreign Affairs."),
    ("เมื่อวันที่ {date_th} กระทรวงการต่างประเทศได้รับรายงานจากสถานเอกอัครราชทูต ณ {city_th} เกี่ยวกับ{hazard_th}",
     "On {date_en}, the Ministry of Foreign Affairs received a report from the Royal Thai Embassy in {city_en} about {hazard_en}."),
]
SENTENCES = [
    ("ทั้งสองฝ่ายแลกเปลี่ยนความเห็นเกี่ยวกับความร่วมมือด้าน{topic_th} และเห็นพ้องที่จะผลักดันโครงการร่วมกันอย่างเป็นรูปธรรม",
     "Both sides exchanged views on cooperation in {topic_en} and agreed to take joint projects forward."),
    ("ฝ่ายไทยยืนยันความพร้อมที่จะส่งเสริมการค้าและการลงทุนระหว่างกัน โดยตั้งเป้าให้มูลค่าการค้าเพิ่มขึ้นร้อยละ {pct} ภายในปี {be_year2}",
     "Thailand reaffirmed its readiness to promote trade and investment, aiming to raise bilateral trade by {pct} per cent by {year2}."),
    ("นอกจากนี้ ยังได้หารือเกี่ยวกับสถานการณ์ในภูมิภาคและประเด็นระหว่างประเทศที่อยู่ในความสนใจร่วมกัน",
     "They also discussed the regional situation and international issues of common interest."),
    ("กระทรวงการต่างประเทศขอให้คนไทยติดตามข่าวสารอย่างใกล้ชิด และปฏิบัติตามคำแนะนำของทางการท้องถิ่นอย่างเคร่งครัด",
     "The Ministry asks Thai nationals to follow the news closely and to comply strictly with the advice of the local authorities."),
    ("ผู้ที่ต้องการความช่วยเหลือสามารถติดต่อสถานเอกอัครราชทูต ณ {city_th} หรือศูนย์ช่วยเหลือคนไทยในต่างประเทศ โทร. 02 572 8442 ได้ตลอด 24 ชั่วโมง",
     "Those needing assistance may contact the Royal Thai Embassy in {city_en} or the Centre for Thais Abroad on 02 572 8442, 24 hours a day."),
    ("ในโอกาสนี้ {off_th} ได้กล่าวขอบคุณ{country_th}ที่ให้การสนับสนุนไทยมาโดยตลอด",
     "On this occasion, {off_en} thanked {country_en} for its constant support for Thailand."),
    ("การประชุมครั้งนี้มีผู้แทนจาก {k} ประเทศเข้าร่วม รวมทั้งผู้แทนจากองค์การระหว่างประเทศและภาคเอกชน",
     "Representatives of {k} countries attended, together with international organisations and the private sector."),
    ("ทั้งนี้ ปี {be_year} เป็นปีที่ไทยและ{country_th}ครบรอบ {years} ปีของการสถาปนาความสัมพันธ์ทางการทูต",
     "{year} marks {years} years of diplomatic relations between Thailand and {country_en}."),
    ("ทั้งสองฝ่ายยังเห็นพ้องที่จะกระชับความร่วมมือด้านการศึกษา วัฒนธรรม และการแลกเปลี่ยนระดับประชาชน",
     "Both sides also agreed to strengthen cooperation in education, culture and people-to-people exchanges."),
    ("ฝ่าย{country_th}แสดงความสนใจต่อนโยบาย{topic_th}ของไทย และพร้อมแลกเปลี่ยนประสบการณ์ระหว่างกัน",
     "{country_en_cap} expressed interest in Thailand's policy on {topic_en} and readiness to share experience."),
    ("ที่ประชุมได้รับทราบความคืบหน้าของการดำเนินงานตามแผนงานที่ได้ตกลงกันไว้เมื่อปี {be_year_prev}",
     "The meeting took note of progress on the plan of work agreed in {year_prev}."),
]
CLOSINGS = [("กรมสารนิเทศ กระทรวงการต่างประเทศ\n{date_th}", "Department of Information, Ministry of Foreign Affairs\n{date_en}")]

RELEASES_PER_DAY = 10
BATCH_SIZE = 1000


@dataclasses.dataclass
class Term:
    official: Official
    role: tuple
    start: datetime.date
    end: datetime.date | None

    def covers(self, date):
        return self.start <= date and (self.end is None or date <= self.end)


@dataclasses.dataclass
class Result:
    releases: int = 0
    translations: int = 0
    drafts: int = 0
    scheduled: int = 0
    officials: int = 0
    positions: int = 0


class Generator:
    """Builds the rows; `run()` writes them in batches, each its own transaction."""

    def __init__(self, seed=0, end_date=None, now=None, translated=0.3, drafts=0.0, scheduled=0):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        self.end_date = end_date or timezone.localdate(self.now)
        self.translated = translated
        self.drafts = drafts
        self.scheduled = scheduled
        self.categories = {}
        self.terms = []

    # --- officials ----------------------------------------------------------
    def make_officials(self, start_date):
        """For each role, a line of holders covering start_date..today; some officials move between roles."""
        taken = set(Official.objects.values_list("slug", flat=True))
        officials, positions, retired = [], [], []
        for role in ROLES:
            day = start_date - datetime.timedelta(days=self.rng.randint(0, 700))
            while day <= self.end_date:
                end = day + datetime.timedelta(days=self.rng.randint(540, 1460))
                end = None if end >= self.end_date else end
                free = [o for o in retired if o.free_from < day]
                if free and self.rng.random() < 0.3:
                    official = self.rng.choice(free)
                else:
                    official = self._new_official(taken)
                    officials.append(official)
                official.free_from = end or datetime.date.max
                if official not in retired:
                    retired.append(official)
                self.terms.append(Term(official, role, day, end))
                if end is None:
                    break
                day = end + datetime.timedelta(days=1)
        with transaction.atomic():
            Official.objects.bulk_create(officials)
            for term in self.terms:
                _key, title_th, title_en, organisation, _weight = term.role
                positions.append(Position(official=term.official, title_th=title_th, title_en=title_en,
                                          organisation=organisation, start_date=term.start, end_date=term.end))
            Position.objects.bulk_create(positions)
        return len(officials), len(positions)

    def _new_official(self, taken):
        woman = self.rng.random() < 0.4
        given_th, given_en = self.rng.choice(WOMEN if woman else MEN)
        surname_th, surname_en = self.rng.choice(SURNAMES)
        doctor = self.rng.random() < 0.2
        honorific = "ดร." if doctor else ("นาง" if woman else "นาย")
        base = f"{given_en}-{surname_en}".lower()
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        name_th, name_en = f"{given_th} {surname_th}", f"{given_en} {surname_en}"
        official = Official(honorific=honorific, name_th=name_th, name_en=name_en, slug=slug,
                            aliases=f"{honorific}{name_th}\n{'Dr.' if doctor else ('Mrs.' if woman else 'Mr.')} {name_en}")
        official.display_en = f"{'Dr.' if doctor else ('Mrs.' if woman else 'Mr.')} {name_en}"
        return official

    def holder(self, role_key, date):
        for term in self.terms:
            if term.role[0] == role_key and term.covers(date):
                return term
        return None

    # --- text ---------------------------------------------------------------
    def slots(self, date, role_key):
        rng = self.rng
        term = self.holder(role_key, date)
        other = self.holder(rng.choice(["minister", "deputy"]), date)
        country_th, country_en = rng.choice(COUNTRIES)
        values = {
            "country_th": country_th, "country_en": country_en, "country_en_cap": country_en[0].upper() + country_en[1:],
            "years": rng.choice([30, 40, 45, 50, 60, 70, 75]), "no": rng.randint(1, 52), "pct": rng.choice([5, 10, 15, 20]),
            "k": rng.randint(8, 40), "year": date.year, "be_year": thai.be_year(date),
            "year2": date.year + rng.randint(1, 5), "year_prev": date.year - 1, "be_year_prev": thai.be_year(date) - 1,
        }
        values["be_year2"] = values["year2"] + thai.BE_OFFSET
        city = rng.choice(CITIES)
        values["city_th"], values["city_en"] = city
        for key, pool in (("meeting", MEETINGS), ("topic", TOPICS), ("hazard", HAZARDS)):
            values[f"{key}_th"], values[f"{key}_en"] = rng.choice(pool)
        values["date_th"] = thai.format_date(date, "long", thai_digits=rng.random() < 0.2)
        values["date_en"] = thai.format_date(date, "long", language="en")
        for prefix, who in (("off", term), ("off2", other)):
            official, role = (who.official, who.role) if who else (None, None)
            values[f"{prefix}_th"] = f"{official} {role[1]}" if official else "กระทรวงการต่างประเทศ"
            values[f"{prefix}_en"] = f"{official.display_en}, {role[2]}" if official else "the Ministry of Foreign Affairs"
        return values, [t.official for t in (term, other) if t]

    def texts(self, date):
        """(category slug, Thai title, body, English title, body, officials) for one release."""
        rng = self.rng
        slug, title_th, title_en, role_key = rng.choice(TITLES)
        values, officials = self.slots(date, role_key)
        paragraphs = [rng.choice(OPENERS)]
        for _ in range(rng.randint(3, 6)):
            # A Thai paragraph separates its sentences with a space, as Thai writing does.
            paragraphs.append(tuple(" ".join(pair) for pair in zip(*rng.sample(SENTENCES, rng.randint(1, 3)))))
        paragraphs.append(CLOSINGS[0])
        body_th = "\n\n".join(th for th, _en in paragraphs).format(**values)
        body_en = "\n\n".join(en for _th, en in paragraphs).format(**values)
        title_th = title_th.format(**values)
        # Link only the officials the text names, as an editor would.
        named = [o for o in dict.fromkeys(officials) if str(o) in title_th or str(o) in body_th]
        return slug, title_th, body_th, title_en.format(**values), body_en, named

    # --- releases -----------------------------------------------------------
    def release(self, language, title, body, category, date, publish_at, status, officials):
        release = Release(title=title[:500], body=body, language=language, category=category, release_date=date,
                          publish_at=publish_at, status=status, view_count=min(int(self.rng.paretovariate(1.3) * 20), 10**6))
        release.slug = thai.slugify(title)
        release.summary = release.derive_summary()
        # Bulk inserts send no signals: fill the search fields here, as a save() would.
        names = [name for official in officials for name in official.alias_list()]
        for field, value in search.build_document(release.title, release.summary, body, names, self.trie).items():
            setattr(release, field, value)
        return release

    def plan(self, n):
        """(date, publish_at, status) for n releases, oldest first; drafts and scheduled ones last."""
        scheduled = min(self.scheduled, n)
        drafts = min(n - scheduled, round(n * self.drafts))
        published = n - scheduled - drafts
        days = max(30, math.ceil(published / RELEASES_PER_DAY))
        start = self.end_date - datetime.timedelta(days=days)
        rows = []
        for i in range(published):
            date = start + datetime.timedelta(days=i * days // max(published, 1))
            rows.append((date, self._publish_time(date), Release.Status.PUBLISHED))
        today = timezone.localdate(self.now)
        for _ in range(drafts):
            rows.append((today, None, Release.Status.DRAFT))
        for _ in range(scheduled):
            when = self.now + datetime.timedelta(minutes=self.rng.randint(60, 14 * 24 * 60))
            rows.append((timezone.localdate(when), when, Release.Status.PUBLISHED))
        return start, rows

    def _publish_time(self, date):
        local = datetime.datetime.combine(date, datetime.time(self.rng.randint(8, 18), self.rng.randint(0, 59)), BANGKOK)
        return min(local, self.now - datetime.timedelta(minutes=1))

    def run(self, n, batch_size=BATCH_SIZE, progress=None):
        result = Result()
        start, rows = self.plan(n)
        result.officials, result.positions = self.make_officials(start)
        # The new names must be in the segmenter's dictionary before the text is indexed.
        search.dictionary.refresh()
        self.trie = search.dictionary.trie()
        self.categories = {c.slug: c for c in Category.objects.all()}
        if not self.categories:
            fallback = Category.objects.create(slug="press-release", name_th="ข่าวสารนิเทศ", name_en="Press release")
            self.categories = {fallback.slug: fallback}
        i = 0
        with memoized_segmentation():
            while i < len(rows):
                batch = self._batch(rows, i, batch_size, result)
                i += batch
                if progress:
                    progress(batch)
        caching.bump()  # bulk inserts send no signals
        stored_pages.forget_all()
        analyze()
        return result

    def _batch(self, rows, i, size, result):
        """Write releases rows[i:i+size] (an English translation counts as one of them)."""
        pairs, used = [], 0
        while used < size and i + used < len(rows):
            date, publish_at, status = rows[i + used]
            slug, title_th, body_th, title_en, body_en, officials = self.texts(date)
            category = self.categories.get(slug) or next(iter(self.categories.values()))
            thai_release = self.release("th", title_th, body_th, category, date, publish_at, status, officials)
            english = None
            if i + used + 1 < len(rows) and used + 1 < size and self.rng.random() < self.translated:
                english = self.release("en", title_en, body_en, category, date, publish_at, status, officials)
                used += 1
            used += 1
            pairs.append((thai_release, english, officials))
        with transaction.atomic():
            english = [e for _t, e, _o in pairs if e is not None]
            Release.objects.bulk_create(english)
            for thai_release, en, _o in pairs:
                thai_release.translation = en
            Release.objects.bulk_create([t for t, _e, _o in pairs])
            through = Release.officials.through
            links = []
            for thai_release, en, officials in pairs:
                for release in filter(None, (thai_release, en)):
                    links.extend(through(release_id=release.pk, official_id=o.pk) for o in officials)
            through.objects.bulk_create(links)
        for thai_release, en, _o in pairs:
            for release in filter(None, (thai_release, en)):
                result.releases += 1
                result.translations += release.language == "en"
                result.drafts += release.status == Release.Status.DRAFT
                result.scheduled += release.is_scheduled(self.now)
        return used


def analyze():
    """Refresh the planner's statistics: after a bulk load they still describe the empty
    tables, and the planner then sorts every row for a list page instead of reading an index."""
    tables = [model._meta.db_table for model in (Release, Release.officials.through, Official, Position)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))
        elif connection.vendor == "sqlite":
            cursor.execute("ANALYZE")


@contextlib.contextmanager
def memoized_segmentation():
    """Segment each distinct space-separated chunk once while generating.

    Generated text is a small vocabulary recombined, so the same chunks recur endlessly;
    segmenting every one would cost ~8 ms a release (13 minutes for 100,000). search.tokenize
    works chunk by chunk, and the dictionary does not change meanwhile, so a chunk's words
    cannot change either (tests compare with search.document_for).
    """
    # Patched where search documents look it up (releases/search/documents.py).
    original = search.documents.tokenize
    memo = {}

    def tokenize(text, trie=None):
        words = []
        for chunk in str(text or "").split():
            if chunk not in memo:
                memo[chunk] = original(chunk, trie)
            words.extend(memo[chunk])
        return words

    search.documents.tokenize = tokenize
    try:
        yield
    finally:
        search.documents.tokenize = original


def generate(n, seed=0, **options):
    """Create n releases; returns a Result with what was written."""
    progress = options.pop("progress", None)
    batch_size = options.pop("batch_size", BATCH_SIZE)
    return Generator(seed=seed, **options).run(n, batch_size=batch_size, progress=progress)

