"""志愿服务记录证明: a worker's certificate of confirmed hours, signed, as a PDF
with a QR code that anyone can follow to check it.

Its fields are those the 2015 guidance asks a record proof to carry
(民政部《关于规范志愿服务记录证明工作的指导意见》, 民发〔2015〕149号): who the volunteer is (name and member
number; never the phone), each activity with its date, place and hours, the
total, the issuing organization, a number and the date of issue. The content
is signed (signing.py) and stored under its number; the verification route
answers the stored content and whether its signature holds, so a record
changed after issue fails, and the printed page can be compared with it.

The PDF uses reportlab's built-in CJK font (STSong-Light, an Adobe CID font
every PDF reader has), so no font file ships or downloads; the QR code is
segno's matrix drawn as vector squares, sharp at any print size (a full QR
code, never a Micro QR, which phone cameras do not read).
"""
import base64
import io

import segno
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from services.volunteering import signing
from shared.domain import china_day

ISSUER = "海盐县总工会"
FONT = "STSong-Light"
NUMBER_PREFIX = "HYZY"
STATEMENT = ("兹证明以上志愿者在{issuer}组织的志愿服务活动中,经活动组织者确认,"
             "累计志愿服务时长{total:g}小时。本证明依据《关于规范志愿服务记录证明工作的指导意见》出具,"
             "内容以扫描二维码查询的核验结果为准。")


def number(year, seq):
    return "{}-{}-{:06d}".format(NUMBER_PREFIX, year, seq)


def lines(places, activities):
    """One line per confirmed sign-up, in date order."""
    return [{"title": place["activity_title"],
             "venue": activities[place["activity_id"]]["venue"]["name"],
             "date": china_day(place["starts_at"]),
             "hours": place["hours"]["credited"]} for place in places]


def content_of(profile, served, issued_on, certificate_number):
    """What is certified and signed (JSON types only)."""
    return {"number": certificate_number, "volunteer_name": profile["name"],
            "member_number": (profile.get("membership") or {}).get("member_number"),
            "activities": served,
            "total_hours": round(sum(line["hours"] for line in served), 1),
            "issuer": ISSUER, "issued_on": issued_on}


def same_record(earlier, content):
    """A certificate asked for again with nothing new on it keeps its number."""
    ignored = ("number", "issued_on")
    return earlier is not None and all(
        earlier["content"].get(key) == value
        for key, value in content.items() if key not in ignored)


def issue(store, settings, worker_id, profile, places, now):
    """The certificate of the worker's confirmed hours: the last one issued
    if nothing changed since, else a new one, numbered, signed and kept."""
    activities = store.activities_by_id([place["activity_id"] for place in places])
    served = lines(places, activities)
    draft = content_of(profile, served, china_day(now), None)
    earlier = store.latest_certificate(worker_id)
    if same_record(earlier, draft):
        return earlier
    year = int(draft["issued_on"][:4])
    content = dict(draft, number=number(year, store.next_certificate_seq(year)))
    return store.save_certificate(content["number"], worker_id, content,
                                  signing.sign(settings.signing_key, content), now)


def verification_url(settings, certificate_number):
    return "{}/api/v1/certificates/{}/verification".format(settings.public_url,
                                                           certificate_number)


def verification(issued, settings):
    """What the public verification route answers: the content as issued and
    whether its signature, checked with the public key, still holds."""
    key = signing.public_key(settings.signing_key)
    return dict(issued["content"], public_key=key,
                genuine=signing.verify(key, issued["content"], issued["signature"]))


def download(issued, settings):
    pdf = render_pdf(issued["content"], issued["signature"],
                     verification_url(settings, issued["_id"]))
    return {"filename": "志愿服务记录证明-{}.pdf".format(issued["_id"]),
            "content_base64": base64.b64encode(pdf).decode("ascii"), "truncated": False}


# ---- the page -----------------------------------------------------------------------

class QrCode(Flowable):
    """segno's matrix, one filled square per dark module."""

    def __init__(self, text, size):
        super().__init__()
        self.matrix = segno.make_qr(text, error="m").matrix
        self.width = self.height = size

    def draw(self):
        module = self.width / len(self.matrix)
        self.canv.setFillColor(colors.black)
        for row, modules in enumerate(self.matrix):
            for col, dark in enumerate(modules):
                if dark:
                    self.canv.rect(col * module, self.height - (row + 1) * module,
                                   module, module, stroke=0, fill=1)


def styles():
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return {"title": ParagraphStyle("title", fontName=FONT, fontSize=22, leading=30,
                                    alignment=1),
            "body": ParagraphStyle("body", fontName=FONT, fontSize=11, leading=18),
            "cell": ParagraphStyle("cell", fontName=FONT, fontSize=10, leading=13),
            "small": ParagraphStyle("small", fontName=FONT, fontSize=7, leading=10)}


def render_pdf(content, signature, link):
    style = styles()
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=A4, title="志愿服务记录证明",
                                 author=content["issuer"], leftMargin=20 * mm,
                                 rightMargin=20 * mm, topMargin=20 * mm)
    document.build([
        Paragraph("志愿服务记录证明", style["title"]), Spacer(1, 6 * mm),
        Paragraph("证明编号:{}".format(content["number"]), style["body"]),
        Paragraph("志愿者姓名:{}".format(content["volunteer_name"]), style["body"]),
        Paragraph("工会会员编号:{}".format(content["member_number"] or "(非会员)"),
                  style["body"]),
        Spacer(1, 4 * mm), activity_table(content), Spacer(1, 4 * mm),
        Paragraph(STATEMENT.format(issuer=content["issuer"], total=content["total_hours"]),
                  style["body"]),
        Spacer(1, 4 * mm),
        Paragraph("出具单位:{}".format(content["issuer"]), style["body"]),
        Paragraph("出具日期:{}".format(content["issued_on"]), style["body"]),
        Spacer(1, 4 * mm), QrCode(link, 32 * mm),
        Paragraph("扫码核验:{}".format(link), style["small"]),
        Paragraph("电子签名(Ed25519):{}".format(signature), style["small"]),
    ])
    return out.getvalue()


def activity_table(content):
    rows = [["服务日期", "活动名称", "服务地点", "时长(小时)"]]
    cell = styles()["cell"]
    rows += [[line["date"], Paragraph(line["title"], cell), Paragraph(line["venue"], cell),
              "{:g}".format(line["hours"])] for line in content["activities"]]
    rows.append(["合计", "", "", "{:g}".format(content["total_hours"])])
    table = Table(rows, colWidths=[28 * mm, 60 * mm, 62 * mm, 20 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), FONT), ("FONTSIZE", (0, 0), (-1, -1), 10),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e3e3")),
        ("ALIGN", (-1, 0), (-1, -1), "RIGHT")]))
    return table
