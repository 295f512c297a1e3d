"""Find references to Vietnamese legal and administrative documents in free text.

Recognised shapes (type word and "số" optional, any letter case, NFC or NFD input):

* administrative ``Kế hoạch số 61/KH-UBND ngày 10/4/2019``
* legal normative, with the year in the number ``Nghị định số 09/2019/NĐ-CP``
* Party style ``Nghị quyết số 17-NQ/CP``
* dispatches whose notation is just the issuer ``Công văn số 392/UBND``
* sloppy typing ``Kế hoạch số: 12 /KH-SNV, ngày 15/3/2021``
* dates ``10/4/2019``, ``10-4-2019``, ``10.4.2019`` or ``05 tháng 8 năm 2019`` after "ngày"
* laws named by title ``Luật Giao dịch điện tử số 20/2023/QH15``

Notation rule: `Citation.notation` is the ký hiệu as written (case kept; typographic dashes
become "-") *after* the number, the year segment of a legal document and the separator that
joins it to the number: 61/KH-UBND → "KH-UBND", 44/2022/QĐ-UBND → "QĐ-UBND",
17-NQ/CP → "NQ/CP", 392/UBND → "UBND". `Citation.type_code` is the catalogue code that
opens the notation (None when the notation starts with the issuer, as for Công văn).

A bare "số" with no number (the blank "Số: /BC-UBND" heading of a draft) is not a citation,
and neither is a bare issuer-only notation ("392/UBND") without a type word or "số",
which is too easily confused with other slashed text.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from cqs.core.doctypes import DOCUMENT_TYPES, DocumentType, type_by_code


@dataclass(frozen=True, slots=True)
class Citation:
    type_name: str | None
    type_code: str | None
    number: str
    year: int | None
    notation: str
    date_text: str | None
    date: dt.date | None
    text: str
    start: int
    end: int


# ---------------------------------------------------------------- matching key


def _tone_on_second_vowel() -> dict[str, str]:
    """Open syllables ending in oa/oe/uy carry the tone on either vowel ("hóa"/"hoá",
    "ủy"/"uỷ"). The key moves it to the second; both spellings are two characters long,
    so offsets in the key stay those of the text."""
    table = {}
    for first, second in (("o", "a"), ("o", "e"), ("u", "y")):
        for mark in ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323"):
            on_first = unicodedata.normalize("NFC", first + mark) + second
            table[on_first] = first + unicodedata.normalize("NFC", second + mark)
    return table


_TONE_ON_SECOND = _tone_on_second_vowel()
_TONE_PLACEMENT_RE = re.compile(f"(?:{'|'.join(_TONE_ON_SECOND)})(?![^\\W_])")


def _lower_char(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


def _key(text: str) -> str:
    """Lower-case, tone-placement-neutral copy of NFC `text`, character for character."""
    lowered = "".join(map(_lower_char, text))
    return _TONE_PLACEMENT_RE.sub(lambda m: _TONE_ON_SECOND[m.group()], lowered)


# ------------------------------------------------------------- NFD → NFC offsets


class _Offsets:
    """Maps positions in the NFC form of a string back to the string as given."""

    def __init__(self, original: str) -> None:
        self._starts: list[int] | None = None
        self._ends: list[int] | None = None
        if unicodedata.is_normalized("NFC", original):
            self.text = original
            return
        # Cut the input into chunks that normalise independently: a new chunk begins at a
        # starter that does not compose with what precedes it.
        chunks: list[tuple[int, int]] = []
        chunk_start = 0
        for i in range(1, len(original) + 1):
            if i == len(original) or self._is_boundary(original, chunk_start, i):
                chunks.append((chunk_start, i))
                chunk_start = i
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        for begin, end in chunks:
            piece = unicodedata.normalize("NFC", original[begin:end])
            pieces.append(piece)
            starts.extend([begin] * len(piece))
            ends.extend([end] * len(piece))
        self.text = "".join(pieces)
        self._starts, self._ends = starts, ends

    @staticmethod
    def _is_boundary(s: str, chunk_start: int, i: int) -> bool:
        ch = s[i]
        if unicodedata.combining(ch):
            return False
        if ord(ch) < 0x300:  # nothing below U+0300 composes onto a preceding character
            return True
        head = s[chunk_start:i]
        joined = unicodedata.normalize("NFC", head + ch)
        return joined == unicodedata.normalize("NFC", head) + unicodedata.normalize("NFC", ch)

    def start(self, i: int) -> int:
        return i if self._starts is None else self._starts[i]

    def end(self, i: int) -> int:
        """Original position just after NFC position `i - 1`."""
        return i if self._ends is None else self._ends[i - 1]


# ------------------------------------------------------------------- patterns

_TYPES_BY_KEY: dict[str, DocumentType] = {_key(t.name): t for t in DOCUMENT_TYPES}

_WS = r"(?:[^\S\n]+\n?[^\S\n]*|\n[^\S\n]*)"  # whitespace spanning at most one line break
_NOT_WORD = r"(?![^\W_])"
_TYPE_ALTERNATIVES = "|".join(
    re.escape(k).replace(r"\ ", _WS) for k in sorted(_TYPES_BY_KEY, key=len, reverse=True)
)
_SEGMENT = r"[^\W\d_](?:[^\W_]|&)*"  # KH, UBND, QH15, BCVT&CNTT
_DASH = "[-\u2010\u2011\u2013]"  # word processors turn the hyphen into ‐ ‑ or –
_DASHES = str.maketrans("\u2010\u2011\u2013", "---")
_DATE = rf"""
    (?P<day>[0-9]{{1,2}})(?P<sep>[/.\-])(?P<month>[0-9]{{1,2}})(?P=sep)(?P<year>[0-9]{{4}})
  | (?P<long_day>[0-9]{{1,2}}){_WS}tháng{_WS}(?P<long_month>[0-9]{{1,2}})
    {_WS}năm{_WS}(?P<long_year>[0-9]{{4}})
"""

# Matched against the `_key` of the text, so the type words and "số"/"ngày" are lower-case.
_CITATION_RE = re.compile(
    rf"""
    (?<![^\W_])(?<![/.\-])
    (?:
        (?:
            (?P<type>{_TYPE_ALTERNATIVES}){_NOT_WORD}(?:{_WS}số{_NOT_WORD})?
          | (?P<so_only>số){_NOT_WORD}
        )
        (?:[^\S\n]*:[^\S\n]*|{_WS})
    )?
    (?P<number>[0-9]{{1,6}})
    (?:
        [^\S\n]*/[^\S\n]*(?:(?P<notation_year>(?:19|20)[0-9]{{2}})/)?(?P<notation>{_SEGMENT}(?:{_DASH}{_SEGMENT})*)
      | {_DASH}(?P<party_notation>{_SEGMENT}/{_SEGMENT}(?:(?:{_DASH}|/){_SEGMENT})*)
    )
    {_NOT_WORD}
    (?:
        (?:[^\S\n]*,[^\S\n]*|{_WS})ngày{_WS}(?P<date>{_DATE})(?![0-9])
    )?
    """,
    re.VERBOSE,
)

# "Luật <Title> số …": the title is capitalised, which keeps "pháp luật của …" out.
_TITLED_RE = re.compile(
    r"(?<![^\W_])(?P<type>Luật|LUẬT|Pháp lệnh|PHÁP LỆNH)"
    r"(?P<title>(?:[^\S\n]+(?!(?:Luật|LUẬT)\b)[^\W\d_][^\W_]*){1,12}?)[^\S\n]+\Z"
)
_TITLE_LOOKBACK = 160


def find_citations(text: str) -> list[Citation]:
    """All document citations in `text`, in order; offsets and `text` refer to the input."""
    offsets = _Offsets(text)
    normal = offsets.text
    key = _key(normal)
    citations = []
    for m in _CITATION_RE.finditer(key):
        citation = _build(m, normal, text, offsets)
        if citation is not None:
            citations.append(citation)
    return citations


def _build(m: re.Match[str], normal: str, original: str, offsets: _Offsets) -> Citation | None:
    def written(group: str) -> str:
        return normal[m.start(group) : m.end(group)]

    party = m.group("party_notation") is not None
    notation = written("party_notation" if party else "notation").translate(_DASHES)
    start = m.start()
    doc_type = _TYPES_BY_KEY[re.sub(r"\s+", " ", m.group("type"))] if m.group("type") else None

    if doc_type is None and m.group("so_only") is not None:
        titled = _TITLED_RE.search(normal, max(0, start - _TITLE_LOOKBACK), start)
        if titled is not None and titled.group("title").strip()[0].isupper():
            doc_type = _TYPES_BY_KEY[_key(titled.group("type"))]
            start = titled.start()
    elif doc_type is None and m.group("so_only") is None:
        # A bare notation must look like one: capitalised, and with a code-issuer hyphen,
        # a year segment or the Party form; "37/37 TTHC" or "423/489" never get here.
        distinctive = party or m.group("notation_year") or "-" in notation
        if not (distinctive and notation[0].isupper()):
            return None

    code_type = type_by_code(re.split(r"[-/]", notation, maxsplit=1)[0])
    type_code = None if code_type is None or (doc_type and doc_type.code is None) else code_type.code

    date_text = date = None
    year = int(m.group("notation_year")) if m.group("notation_year") else None
    if m.group("date") is not None:
        date_text = written("date")
        long_form = m.group("long_day") is not None
        day, month, date_year = (
            int(m.group(name))
            for name in (("long_day", "long_month", "long_year") if long_form else ("day", "month", "year"))
        )
        try:
            date = dt.date(date_year, month, day)
        except ValueError:
            date = None
        if year is None:
            year = date_year

    begin, end = offsets.start(start), offsets.end(m.end())
    return Citation(
        type_name=doc_type.name if doc_type else None,
        type_code=type_code,
        number=written("number"),
        year=year,
        notation=notation,
        date_text=date_text,
        date=date,
        text=original[begin:end],
        start=begin,
        end=end,
    )
