"""Shared test data for search: a corpus of Thai and English releases, and helpers reading results."""

import datetime

from releases import search
from releases.models import Release

TODAY = datetime.date(2026, 6, 1)

# Our own test texts. key -> (title, body, days before TODAY, extra factory arguments).
CORPUS = {
    "vaccine": ("ไทยรับมอบวัคซีนโควิด-๑๙ จากญี่ปุ่น ปี ๒๕๖๔", "รัฐบาลญี่ปุ่นส่งมอบวัคซีนเพิ่มเติมให้ประเทศไทยเป็นครั้งที่สาม", 30, {}),
    "pfizer": ("กระทรวงสาธารณสุขรับวัคซีนไฟเซอร์ (Pfizer) ล็อตแรก", "วัคซีนจำนวนหนึ่งล้านโดสเดินทางถึงท่าอากาศยานสุวรรณภูมิ", 29, {}),
    "ministry": ("แถลงการณ์กระทรวงการต่างประเทศเรื่องสถานการณ์ในภูมิภาค", "กระทรวงการต่างประเทศติดตามสถานการณ์อย่างใกล้ชิด", 20, {}),
    "abroad": ("คนไทยในต่างประเทศลงทะเบียนเลือกตั้งล่วงหน้า", "ผู้มีสิทธิเลือกตั้งสามารถลงทะเบียนได้ทางออนไลน์", 21, {}),
    "abroad_body": ("สถานเอกอัครราชทูตเปิดรับลงทะเบียน", "ผู้ที่พำนักในต่างประเทศโปรดติดต่อสถานทูต", 19, {}),
    "longtime": ("ความสัมพันธ์ไทย-ลาว", "ความร่วมมือที่ยาวนานระหว่างสองประเทศ และความพยายามร่วมกันของทั้งสองฝ่าย", 18, {}),
    "medicine": ("บริจาคยาและเวชภัณฑ์แก่เมียนมา", "สิ่งของบรรเทาทุกข์ออกเดินทางจากกรุงเทพมหานคร", 17, {}),
    "medicine_compound": ("ส่งมอบยารักษาโรคแก่ผู้ประสบภัย", "ความช่วยเหลือด้านมนุษยธรรม", 25, {}),
    "blinken": ("รัฐมนตรีหารือกับ Antony Blinken ทางโทรศัพท์", "ทั้งสองฝ่ายแลกเปลี่ยนความเห็นเรื่องความมั่นคงทางทะเล", 16, {}),
    "english": (
        "Thailand hands over medical supplies to Laos",
        "The Ministry of Foreign Affairs announced today that supplies left Bangkok.",
        15,
        {"language": "en"},
    ),
    "asean_title": ("การประชุมรัฐมนตรีอาเซียนครั้งที่ ๕๔", "ผู้แทนจากสิบประเทศเข้าร่วมการประชุม", 40, {}),
    "asean_body": ("ผลการเยือนกรุงจาการ์ตา", "รัฐมนตรีเดินทางไปร่วมหารือกับเลขาธิการอาเซียนเรื่องความร่วมมือ", 10, {}),
    "passport": ("ปรับค่าธรรมเนียมหนังสือเดินทาง", "อัตราใหม่มีผลตั้งแต่วันที่ 1 ตุลาคม 2564", 12, {}),
    "twin_old": ("โครงการทุนการศึกษาสำหรับนักศึกษาต่างชาติ", "รายละเอียดโครงการทุนการศึกษา", 50, {}),
    "twin_new": ("โครงการทุนการศึกษาสำหรับนักศึกษาต่างชาติ", "รายละเอียดโครงการทุนการศึกษา", 5, {}),
    "draft": ("ร่างข่าววัคซีนโควิด-19 ยังไม่เผยแพร่", "ร่างที่ยังไม่ได้ตรวจ Blinken", 1, {"draft": True}),
    "scheduled": ("ข่าววัคซีนที่ตั้งเวลาเผยแพร่ล่วงหน้า", "จะเผยแพร่พรุ่งนี้ Blinken", 0, {"scheduled": True}),
}
NEVER_PUBLIC = {"draft", "scheduled"}


def found(query, releases):
    """Keys of the public releases the query finds, in result order."""
    return found_in(Release.objects.published(), query, releases)


def found_in(queryset, query, releases):
    by_pk = {release.pk: key for key, release in releases.items()}
    return [by_pk[pk] for pk in search.search_releases(queryset, query).values_list("pk", flat=True)]

