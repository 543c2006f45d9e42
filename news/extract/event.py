"""Whether the article reports a study conference, in what form, and who convened it.

A study event is a conference (*hội nghị*, *lớp*, *buổi sinh hoạt*) held to study,
disseminate, implement or review (*học tập, quán triệt, triển khai, sơ kết, tổng kết*)
something of the Party (a resolution, directive, programme, Party work). The three must
meet in one sentence of the title or the lead: an opinion piece on a resolution, a
congress, a sports day or an English text are not study events.

The form is online when the conference is relayed (*trực tuyến*, *điểm cầu*, *truyền
hình*) and nothing says people also sat in the hall; hybrid when the text says both
(*trực tiếp kết hợp trực tuyến*); in person otherwise.

The organiser is the convenor as written: "… do Bộ Chính trị, Ban Bí thư Trung ương Đảng tổ
chức" names it even when the article's unit only attended; otherwise the subject of "…
tổ chức Hội nghị" in the lead; otherwise the subject of the title.
"""

import re

from documents.symbols import find_symbols
from vn.text import fold_aligned

from .dates import days_in
from .page import Page

# --- is it a study event ----------------------------------------------------------------

# "Nghị quyết Hội nghị Trung ương 8" names a resolution, not a conference of the unit.
_PLENUM_NAME = re.compile(
    r"nghi quyet (?:cac )?hoi nghi (?:lan thu \w+ )?(?:ban chap hanh |bch )?(?:trung uong|tw)"
    r"|hoi nghi (?:lan thu \w+ )?(?:ban chap hanh |bch )?(?:trung uong|tw)(?: dang)?"
    r" (?:lan thu )?\w+ khoa"
)
_GATHERING = re.compile(
    r"(?<!\w)(?:hoi nghi|lop (?:hoc tap|boi duong|quan triet|tap huan|sinh hoat)|"
    r"buoi (?:hoc tap|sinh hoat|quan triet|thong tin)|sinh hoat chinh tri|"
    r"sinh hoat chuyen de)(?!\w)"
)
_STUDY = re.compile(
    r"(?<!\w)(?:hoc tap|quan triet|nghien cuu|trien khai|tuyen truyen|pho bien|so ket|"
    r"tong ket|thong tin thoi su|boi duong|"
    # Gatherings that are study by their nature: the Party cell's political session, the
    # propaganda speakers' briefing.
    r"sinh hoat chinh tri|sinh hoat chuyen de|bao cao vien)(?!\w)"
)
_PARTY = re.compile(
    r"(?<!\w)(?:nghi quyet|chi thi|ket luan|quy dinh|chuong trinh hanh dong|van kien|"
    r"cong tac dang|xay dung dang|chuyen de|tu tuong ho chi minh|dang uy|dang bo|chi bo|"
    r"tinh uy|thanh uy|huyen uy|quan uy|thi uy|dang vien|ban tuyen giao|nq|"
    r"nhan thuc ve dang|ly luan chinh tri|ket nap dang|bao cao vien)(?!\w)"
)
# The sentence reports one conference that took place, not conferences in general ("Tại
# các hội nghị học tập nghị quyết, báo cáo viên cần …"): it dates it or says it was held.
_HELD = re.compile(
    r"(?<!\w)(?:to chuc|dien ra|khai mac|be mac|tham du|du|ket noi|vua qua|moi day)(?!\w)"
)
_KEY_SENTENCES = 8


def is_study_event(page: Page) -> bool:
    for sentence in (page.title, *page.sentences[:_KEY_SENTENCES]):
        folded = fold_aligned(sentence)
        if not _GATHERING.search(_PLENUM_NAME.sub(" ", folded)) or not _STUDY.search(folded):
            continue
        if not (_PARTY.search(folded) or find_symbols(sentence)):
            continue
        if _HELD.search(folded) or days_in(sentence):
            return True
    return False


# --- format --------------------------------------------------------------------------------

_HYBRID = re.compile(
    r"truc tiep,? (?:ket hop|va|kem|cung) (?:voi )?(?:hinh thuc )?truc tuyen|"
    r"truc tuyen,? (?:ket hop|va|kem|cung) (?:voi )?(?:hinh thuc )?truc tiep|"
    r"ket hop (?:voi )?(?:hinh thuc )?truc tuyen|vua truc tiep,? vua truc tuyen|"
    r"ket hop (?:hinh thuc )?truc tiep (?:voi|va) (?:hinh thuc )?truc tuyen"
)
# In-person wording about the conference itself; "tác động trực tiếp" is not.
_IN_PERSON = re.compile(
    r"(?<!\w)(?:hinh thuc|hoi nghi|hoc tap|quan triet|to chuc|du|tham du|tham gia|hoc) truc tiep"
    r"(?! (?:truyen hinh|tren song))"
    r"|truc tiep tai (?:hoi truong|phong hop|tru so|nha van hoa|diem cau chinh)"
)
_RELAYED = re.compile(
    r"truc tuyen|diem cau|hoi nghi truyen hinh|truyen hinh truc tiep|cau truyen hinh"
)
# "trực tuyến" of a public service or a shop says nothing about the conference.
_ONLINE_ELSEWHERE = re.compile(
    r"(?:dich vu cong|thanh toan|mua sam|nop ho so|ban hang|cong thong tin) truc tuyen"
)


def meeting_format_found(page: Page) -> tuple[str, bool]:
    """The format and whether the text says it (in person is also what silence means)."""
    text = _ONLINE_ELSEWHERE.sub(" ", page.folded)
    if _HYBRID.search(text):
        return "hybrid", True
    if _RELAYED.search(text):
        return ("hybrid", True) if _IN_PERSON.search(text) else ("online", True)
    return "in_person", bool(_IN_PERSON.search(text))


def meeting_format(page: Page) -> str:
    return meeting_format_found(page)[0]


# --- organiser -----------------------------------------------------------------------------

# The first words of an organisation's name, as written (capitalised).
_ORGANISATION = re.compile(
    r"(?:Ban|Bộ|Đảng ủy|Đảng bộ|ĐUK|ĐU|BTG|Đảng đoàn|Chi bộ|Chi ủy|Tỉnh ủy|Thành ủy|"
    r"Huyện ủy|Quận ủy|"
    r"Thị ủy|Sở|Ủy ban|UBND|HĐND|Hội đồng|Trường|Trung tâm|Văn phòng|Cục|Tổng cục|"
    r"Chi cục|Vụ|Viện|Học viện|Công an|Quân ủy|Mặt trận|MTTQ|Liên đoàn|"
    r"Hội(?! nghị| thảo| trường| diễn)|Đoàn|Thành đoàn|Tỉnh đoàn|Huyện đoàn|Công ty|"
    r"Tập đoàn|Tổng công ty|Ngân hàng|Bệnh viện|Báo|Đài|Kho bạc|Thường trực|Thường vụ|BTV|"
    r"BCH|Phòng|Lữ đoàn|Sư đoàn|Trung đoàn|Quận|Huyện|Xã|Phường|Thị trấn|Thị xã|Tỉnh|"
    r"Thành phố|TP|Cơ quan|Khối|Cụm|Tòa án|TAND|Viện kiểm sát|VKSND|Kiểm toán|Thanh tra|"
    r"Đại học|Tạp chí|Thư viện|Bảo tàng|Quân đoàn|Quân khu|Bộ Tư lệnh|Bộ Chỉ huy|"
    r"Điện lực|Hợp tác xã|UBKT|Ủy ban Kiểm tra|Cảnh sát|Biên phòng|Trạm|Đội|Lãnh đạo)(?!\w)"
)
# "… do Ban Tuyên giáo Huyện ủy tổ chức", "… được Đảng ủy xã A tổ chức".
_CONVENED_BY = re.compile(
    r"(?<!\w)(?:do|được)\s+(?P<org>[^\W\d_][^.;:!?\n\"“”()]{1,150}?)\s+"
    r"(?:(?:đồng|cùng|phối hợp|chủ trì,?(?: và)?)\s+)?tổ chức(?!\w)"
)
_ORGANISES = re.compile(
    r"(?<!\w)(?:tổ chức|khai giảng|khai mạc|mở)\s+(?:thành công\s+|trọng thể\s+)?(?:\w+\s+){0,2}?"
    r"(?:hội nghị|lớp|buổi|sinh hoạt|học tập|quán triệt|nghiên cứu|triển khai|sơ kết|"
    r"tổng kết|tuyên truyền|phổ biến)(?!\w)",
    re.IGNORECASE,
)
_AUXILIARY = re.compile(
    r"(?:\s+(?:đã|vừa|long trọng|trang trọng|chính thức|cũng|sẽ|đồng|cùng|mới đây|"
    r"vừa qua|hôm nay|thành công))+\s*$"
)
_PARTNER = re.compile(r"\s+(?:phối hợp|chủ trì|kết hợp|và phối hợp)(?!\w).*$")
_TITLE_SUBJECT = re.compile(
    r"^(?P<org>.{3,150}?)(?::\s|\s+(?:(?:đã|vừa)\s+)?(?:tổ chức|nghiên cứu|học tập|"
    r"quán triệt|triển khai|sơ kết|tổng kết|tuyên truyền|phổ biến)(?!\w))"
)
_MOST_WORDS = 20
# "Thực hiện Kế hoạch số 12-KH/HU của Ban Thường vụ Huyện ủy, …": the conference is held on
# that body's plan, and when nobody else is named as convenor, it is the organiser.
_ON_PLAN_OF = re.compile(
    r"(?<!\w)(?:thực hiện|theo|căn cứ|triển khai)\s+(?:kế hoạch|chương trình|hướng dẫn|"
    r"công văn|chỉ đạo|chủ trương)(?:\s+số\s+\S+)?(?:\s+ngày\s+\S+)?\s+của\s+"
    r"(?P<org>[^,.;:\n]{3,150})",
    re.IGNORECASE,
)
# "Đảng ủy phường A tham dự Hội nghị trực tuyến toàn quốc …": a unit that attended.
_ATTENDS = re.compile(r"(?<!\w)(?:tham dự|dự|tham gia)\s+(?:\w+\s+){0,2}?hội nghị", re.IGNORECASE)


def _organisation(segment: str) -> str | None:
    segment = segment.strip(" -–—:,")
    if not segment or len(segment.split()) > _MOST_WORDS or not _ORGANISATION.match(segment):
        return None
    return segment


def _subject(before: str) -> str | None:
    """The organisations that end ``before``: "Sáng 18/12, tại hội trường, Đảng ủy xã A"
    gives "Đảng ủy xã A"; "Ngày 4/12, Bộ Chính trị, Ban Bí thư" gives both."""
    before = _PARTNER.sub("", _AUXILIARY.sub("", before.rstrip()))
    names: list[str] = []
    for segment in reversed(before.split(",")):
        name = _organisation(segment)
        if name is None:
            break
        names.append(name)
    return ", ".join(reversed(names)) or None


def _in_sentence(sentence: str) -> str | None:
    for match in _CONVENED_BY.finditer(sentence):
        if name := _organisation(_AUXILIARY.sub("", match["org"])):
            return name
    for match in _ORGANISES.finditer(sentence):
        if name := _subject(sentence[: match.start()]):
            return name
    return None


def organizer_found(page: Page, lead: int | None) -> tuple[str | None, str]:
    """The convenor and where it was read: "lead" (the sentence that dated the event and
    the two after it), "body" (the first sentences that say "tổ chức"), "title" (the
    title's "… tổ chức"), "plan" (whose plan the conference carries out), "title-subject"
    (the title's first words), "attending" (a unit that attended a conference convened by
    nobody named), or "" (not found)."""
    sentences = page.sentences
    leads = list(sentences[lead : lead + 3]) if lead is not None else []
    others = [s for s in sentences[:_KEY_SENTENCES] if "tổ chức" in s.lower()]
    for where, candidates in (("lead", leads), ("body", others)):
        for sentence in candidates:
            if name := _in_sentence(sentence):
                return name, where
    if page.title and (name := _in_sentence(page.title)):
        return name, "title"
    for sentence in (*leads, *sentences[:_KEY_SENTENCES]):
        for match in _ON_PLAN_OF.finditer(sentence):
            if name := _organisation(match["org"]):
                return name, "plan"
    subject = _TITLE_SUBJECT.match(page.title) if page.title else None
    if subject and (name := _organisation(subject["org"])):
        return name, "title-subject"
    for sentence in leads or sentences[:_KEY_SENTENCES]:
        for match in _ATTENDS.finditer(sentence):
            if name := _subject(sentence[: match.start()]):
                return name, "attending"
    return None, ""


def organizer(page: Page, lead: int | None) -> str | None:
    return organizer_found(page, lead)[0]
