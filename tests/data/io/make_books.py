#!/usr/bin/env python3
"""Writes the XLSX test workbooks of tests/data/io/xlsx/ and the hostile ones of fuzz/corpus/xlsx/.

Each workbook is a genuine Office Open XML package (content types, relationships, workbook,
styles, shared strings, worksheets) written part by part, so that the exact cell forms Excel and
WPS produce can be reproduced: styled blanks <c r="E2" s="1"/>, t="s" cells without a value,
t="str" formulas with an empty result, empty inline strings, numbers in exponent form. Run from
the repository root: python3 tests/data/io/make_books.py
"""
import os
import zipfile
from xml.sax.saxutils import escape

OUT = "tests/data/io/xlsx"
HOSTILE = "fuzz/corpus/xlsx"

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
{sst}{sheets}</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""

# cellXfs: 0 general, 1 general with a fill (what a formatted blank carries), 2 a date
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>
<fill><patternFill patternType="solid"><fgColor rgb="FFFFFF00"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="0" fillId="2" borderId="0" xfId="0" applyFill="1"/>
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ' \
     'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'


def col_name(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


class Book:
    """A workbook: shared strings plus sheets of raw cell XML."""

    def __init__(self):
        self.sst = []
        self.index = {}
        self.sheets = []  # (name, xml rows)

    def s(self, text):
        """Index of a shared string."""
        if text not in self.index:
            self.index[text] = len(self.sst)
            self.sst.append(text)
        return self.index[text]

    def sheet(self, name, rows):
        """rows: list of (row number, [cell xml])."""
        self.sheets.append((name, rows))

    def write(self, path, with_sst=True):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            over = "".join(
                '<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/'
                'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\n' % (i + 1)
                for i in range(len(self.sheets)))
            sst_ct = ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                      'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>\n'
                      if with_sst else "")
            z.writestr("[Content_Types].xml", CONTENT_TYPES.format(sst=sst_ct, sheets=over))
            z.writestr("_rels/.rels", ROOT_RELS)
            sheets = "".join('<sheet name="%s" sheetId="%d" r:id="rId%d"/>' %
                             (escape(n, {'"': "&quot;"}), i + 1, i + 1)
                             for i, (n, _) in enumerate(self.sheets))
            z.writestr("xl/workbook.xml",
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<workbook %s><sheets>%s</sheets></workbook>' % (NS, sheets))
            rels = "".join(
                '<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/'
                '2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>' % (i + 1, i + 1)
                for i in range(len(self.sheets)))
            n = len(self.sheets)
            rels += ('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/'
                     'officeDocument/2006/relationships/styles" Target="styles.xml"/>' % (n + 1))
            if with_sst:
                rels += ('<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/'
                         'officeDocument/2006/relationships/sharedStrings" '
                         'Target="sharedStrings.xml"/>' % (n + 2))
            z.writestr("xl/_rels/workbook.xml.rels",
                       '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships '
                       'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       '%s</Relationships>' % rels)
            z.writestr("xl/styles.xml", STYLES)
            if with_sst:
                items = "".join('<si><t xml:space="preserve">%s</t></si>' % escape(t)
                                for t in self.sst)
                z.writestr("xl/sharedStrings.xml",
                           '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst %s '
                           'count="%d" uniqueCount="%d">%s</sst>' %
                           (NS, len(self.sst), len(self.sst), items))
            for i, (_, rows) in enumerate(self.sheets):
                body = "".join('<row r="%d">%s</row>' % (r, "".join(cells)) for r, cells in rows)
                z.writestr("xl/worksheets/sheet%d.xml" % (i + 1),
                           '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                           '<worksheet %s><sheetData>%s</sheetData></worksheet>' % (NS, body))


def text_row(book, r, texts, col0=0):
    return (r, ['<c r="%s%d" t="s"><v>%d</v></c>' % (col_name(col0 + i), r, book.s(t))
                for i, t in enumerate(texts) if t is not None])


def str_cell(book, ref, text):
    return '<c r="%s" t="s"><v>%d</v></c>' % (ref, book.s(text))


def num_cell(ref, v, style=0):
    return '<c r="%s"%s><v>%s</v></c>' % (ref, ' s="%d"' % style if style else "", v)


HEAD = ["统一社会信用代码", "企业名称", "营业收入_2024(万元)", "净利润_2024(万元)",
        "研发费用_2024(万元)", "职工总数_2024", "资产总额_2024(万元)"]
USCC1 = "91320505MA1N2K3P9H"
USCC2 = "91321200MA1T5NX21J"


def blanks():
    """Row 2: revenue 5000 then the four blank forms Excel and WPS write; row 3 all filled."""
    b = Book()
    rows = [text_row(b, 1, HEAD)]
    rows.append((2, [str_cell(b, "A2", USCC1), str_cell(b, "B2", "苏州空白测试有限公司"),
                     num_cell("C2", 5000, 1),
                     '<c r="D2" s="1"/>',                                  # styled blank
                     '<c r="E2" s="1" t="s"/>',                            # t="s" without a value
                     '<c r="F2" t="str"><f>IF(C2&gt;0,"","x")</f><v></v></c>',  # empty formula
                     '<c r="G2" t="inlineStr"><is><t></t></is></c>']))     # empty inline string
    rows.append((3, [str_cell(b, "A3", USCC2), str_cell(b, "B3", "上海满格测试有限公司"),
                     num_cell("C3", 7000), num_cell("D3", 300), num_cell("E3", 120),
                     num_cell("F3", 85), num_cell("G3", 9000)]))
    b.sheet("企业", rows)
    b.write(os.path.join(OUT, "blanks.xlsx"))
    b.write(os.path.join(HOSTILE, "blanks.xlsx"))


def clear_marker():
    """A re-import that clears net profit (#清除) and leaves a blank research expense."""
    b = Book()
    rows = [text_row(b, 1, HEAD[:5])]
    rows.append((2, [str_cell(b, "A2", USCC1), str_cell(b, "B2", "苏州空白测试有限公司"),
                     num_cell("C2", 5100), str_cell(b, "D2", "#清除"), '<c r="E2" s="1"/>']))
    b.sheet("企业", rows)
    b.write(os.path.join(OUT, "clear.xlsx"))


def uscc_number():
    """An all-digit USCC typed into Excel as a number: 9.13204111347102E+17."""
    b = Book()
    rows = [text_row(b, 1, HEAD[:3]),
            (2, [num_cell("A2", "9.13204111347102E+17"), str_cell(b, "B2", "数字代码测试有限公司"),
                 num_cell("C2", 1200)]),
            (3, [str_cell(b, "A3", USCC2), num_cell("B3", 12345), num_cell("C3", 800)])]
    b.sheet("企业", rows)
    b.write(os.path.join(OUT, "uscc_number.xlsx"))
    b.write(os.path.join(HOSTILE, "uscc_number.xlsx"))


def title_row():
    """A title and a blank line above the header row (header on row 3)."""
    b = Book()
    rows = [text_row(b, 1, ["2025年苏州市专精特新企业申报汇总表"]),
            text_row(b, 3, HEAD[:3]),
            (4, [str_cell(b, "A4", USCC1), str_cell(b, "B4", "苏州标题测试有限公司"),
                 num_cell("C4", 4321)])]
    b.sheet("汇总", rows)
    b.write(os.path.join(OUT, "title_row.xlsx"))
    b.write(os.path.join(HOSTILE, "title_row.xlsx"))


def instructions_first():
    """A first sheet of instructions (填表说明), the firms on the second sheet."""
    b = Book()
    b.sheet("填表说明", [text_row(b, 1, ["填表说明"]),
                         text_row(b, 2, ["1. 金额单位为万元；"]),
                         text_row(b, 3, ["2. 统一社会信用代码为18位。"])])
    b.sheet("企业信息", [text_row(b, 1, HEAD[:3]),
                         (2, [str_cell(b, "A2", USCC1), str_cell(b, "B2", "苏州说明测试有限公司"),
                              num_cell("C2", 2500)])])
    b.write(os.path.join(OUT, "instructions_first.xlsx"))
    b.write(os.path.join(HOSTILE, "instructions_first.xlsx"))


def empty_and_header_only():
    b = Book()
    b.sheet("Sheet1", [])
    b.write(os.path.join(OUT, "empty.xlsx"))
    b.write(os.path.join(HOSTILE, "empty.xlsx"))
    b = Book()
    b.sheet("企业", [text_row(b, 1, HEAD[:3])])
    b.write(os.path.join(OUT, "header_only.xlsx"))
    b.write(os.path.join(HOSTILE, "header_only.xlsx"))


def duplicate_uscc():
    """The same USCC on rows 2 and 4 of a wide sheet."""
    b = Book()
    rows = [text_row(b, 1, HEAD[:3]),
            (2, [str_cell(b, "A2", USCC1), str_cell(b, "B2", "重复测试有限公司"), num_cell("C2", 100)]),
            (3, [str_cell(b, "A3", USCC2), str_cell(b, "B3", "另一测试有限公司"), num_cell("C3", 200)]),
            (4, [str_cell(b, "A4", USCC1.lower()), str_cell(b, "B4", "重复测试有限公司"),
                 num_cell("C4", 300)])]
    b.sheet("企业", rows)
    b.write(os.path.join(OUT, "dup_uscc.xlsx"))
    b.write(os.path.join(HOSTILE, "dup_uscc.xlsx"))


def hostile():
    """Workbooks that once crashed or misled the reader."""
    def one(name, cells, with_sst=True, rownum="2"):
        b = Book()
        b.s("统一社会信用代码")
        b.s("营业收入_2024")
        rows = [(1, ['<c r="A1" t="s"><v>0</v></c>', '<c r="B1" t="s"><v>1</v></c>'])]
        b.sheet("企业", rows)
        b.write(os.path.join(HOSTILE, name), with_sst)
        # patch the data row in by hand: rows with odd numbers need raw XML
        path = os.path.join(HOSTILE, name)
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = parts["xl/worksheets/sheet1.xml"].decode()
        sheet = sheet.replace("</sheetData>", '<row r="%s">%s</row></sheetData>' % (rownum, cells))
        parts["xl/worksheets/sheet1.xml"] = sheet.encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n, data in parts.items():
                z.writestr(n, data)

    one("sst_index_past_end.xlsx", '<c r="A2" t="s"><v>7</v></c>')
    one("sst_index_negative.xlsx", '<c r="A2" t="s"><v>-1</v></c>')
    one("sst_index_text.xlsx", '<c r="A2" t="s"><v>abc%s%s%n</v></c>')
    one("sst_index_exponent.xlsx", '<c r="A2" t="s"><v>1e3</v></c>')
    one("sst_missing.xlsx", '<c r="A2" t="s"><v>0</v></c>', with_sst=False)
    one("column_past_xfd.xlsx", '<c r="XFE2"><v>5</v></c>')
    one("row_huge.xlsx", '<c r="A2"><v>5</v></c>', rownum="99999999999999999999")
    one("exponent_wrap.xlsx", '<c r="A2" t="inlineStr"><is><t>91320500MA1N2K3P99</t></is></c>'
        '<c r="B2"><v>1E+4294967297</v></c>')
    one("exponent_huge.xlsx", '<c r="A2" t="inlineStr"><is><t>91320500MA1N2K3P99</t></is></c>'
        '<c r="B2"><v>1e308</v></c>')
    # one long shared string referenced by many cells of one row (memory amplification)
    b = Book()
    b.s("x" * 32000)
    cells = "".join('<c r="%s1" t="s"><v>0</v></c>' % col_name(i) for i in range(16000))
    b.sheet("企业", [(1, [cells])])
    b.write(os.path.join(HOSTILE, "sst_amplify.xlsx"))


def official():
    """An official's own workbook as it arrives: a first sheet of instructions, a title row and a
    units row above the header, amounts in 万元, header synonyms and one typo (营业收人), a
    Chinese-quoted firm name, styled blanks where figures were not given, a date cell, titles
    as officials write them."""
    b = Book()
    b.sheet("填表说明", [text_row(b, 1, ["填表说明"]),
                         text_row(b, 2, ["1. 金额单位为万元，人数单位为人；"]),
                         text_row(b, 3, ["2. 没有数据的格子请留空。"])])
    head = ["序号", "企业名称", "统一社会信用代码", "所在地区代码", "行业代码", "成立日期", "有效资质",
            "2023年营业收入(万元)", "2024年营业收入(万元)", "2024年净利润（万元）",
            "2024年扣非后净利润(万元)", "2024年研发费用(万元)", "2024年资产总计(万元)",
            "2024年负债总计(万元)", "2024年职工人数", "2024年研发人员", "2022年营业收人(万元)"]
    rows = [text_row(b, 1, ["2025年苏州市“专精特新”中小企业申报汇总表"]),
            text_row(b, 2, ["填报单位：苏州市工业和信息化局", None, None, None, None, None, None,
                            None, None, None, None, None, None, None, None, None, "金额单位：万元"]),
            text_row(b, 3, head)]
    firms = [
        (1, "苏州“精工”传动科技有限公司", "91320505MA1N2K3P9H", 320505, "C3451", 42079,
         "专精特新“小巨人”企业；高企", [8200, 9650.5, 812.3, 790, 486, 7300, 2900, 186, 41, 7000]),
        (2, "无锡华晟重工装备股份有限公司", "91320200725810369C", 320214, "C3511", 38412,
         "专精特新", [15000, 16800, None, None, None, 21000, 8800, 420, 60, 13200]),
        (3, "泰州空白测试有限公司", "91321200MA1T5NX21J", 321202, "C2710", 43466,
         "", [3100, 3550, 210, None, 180, None, None, 95, 18, None]),
    ]
    r = 4
    for no, name, uscc, region, ind, founded, titles, figures in firms:
        cells = [num_cell("A%d" % r, no), str_cell(b, "B%d" % r, name), str_cell(b, "C%d" % r, uscc),
                 num_cell("D%d" % r, region), str_cell(b, "E%d" % r, ind),
                 num_cell("F%d" % r, founded, 2)]
        cells.append(str_cell(b, "G%d" % r, titles) if titles else '<c r="G%d" s="1"/>' % r)
        for i, v in enumerate(figures):
            ref = "%s%d" % (col_name(7 + i), r)
            cells.append(num_cell(ref, v) if v is not None else '<c r="%s" s="1"/>' % ref)
        rows.append((r, cells))
        r += 1
    b.sheet("申报汇总", rows)
    b.write(os.path.join(OUT, "official.xlsx"))


if __name__ == "__main__":
    blanks()
    clear_marker()
    uscc_number()
    title_row()
    instructions_first()
    empty_and_header_only()
    duplicate_uscc()
    hostile()
    official()
