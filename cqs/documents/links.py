"""Citation links: the documents a document cites, and the documents that cite it.

`link_citations(document)` finds the citations in the document's subject, body and file
texts (`cqs.core.citations.find_citations`) and stores one `Citation` row per distinct
reference, linked to the registered document it names when that can be told:

* candidates have the same number ("5" and "05" are one number) and notation (letter
  case and the catalogue spelling of the type code aside: "QYĐ-UBND" is "QyĐ-UBND"), the
  same year when the citation gives one (from the notation or the date) — the document's
  year is its date of issue, else its register year — and are issued (an outgoing draft
  has no number yet);
* the outgoing original is preferred to copies; an incoming copy is a candidate only in
  the citing document's own agency (the original was not issued on the platform);
* a date given in the citation that differs from the candidate's date of issue ranks it
  below the others; so does, for originals, not being the agency's own document or one
  it received; when the year is unknown, documents of the citing document's year come
  first, then the nearest years;
* when two originals still tie (communes share the notation "UBND": "12/KH-UBND" exists
  once per commune), the citation stays unlinked rather than pointing at a guess. Copies
  that tie are one document registered twice: the first registered is taken.

The document itself, its original and the other copies of that original never count:
a file's text repeats the document's own "Số: 12/KH-UBND".

`relink_citations_to(document)`, called when a document is issued or registered, links
the earlier citations that name it (or moves them to it when it is now the better
target). Citations are stored with the number in Decree 30 form (at least two digits).

`cites` and `cited_by` are the document page's selectors; pass the documents the user
may see as `visible` so links never reveal a document the user cannot open."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from cqs.core.citations import Citation as FoundCitation
from cqs.core.citations import find_citations
from cqs.core.doctypes import type_by_code
from cqs.documents.models import Citation, Direction, Document, DocumentStatus

CITATION_TEXT_MAX = Citation._meta.get_field("text").max_length or 300
NUMBER_MAX = Citation._meta.get_field("number").max_length or 11
NOTATION_MAX = Citation._meta.get_field("notation").max_length or 30

# Outgoing states before release: no number has been given yet, nothing can cite them.
NOT_ISSUED = (
    DocumentStatus.DRAFT,
    DocumentStatus.IN_REVIEW,
    DocumentStatus.REVIEWED,
    DocumentStatus.APPROVED,
)
_CANDIDATE_FIELDS = ("id", "direction", "owner_id", "source_id", "issued_on", "registered_year", "status")


# --- keys -------------------------------------------------------------------------------------


def normal_number(number: str) -> str:
    """The number as Decree 30 writes it: no extra leading zeros, at least two digits."""
    return (number.lstrip("0") or "0").zfill(2)


def number_variants(number: str) -> list[str]:
    """Spellings of one number a stored document may carry ("5", "05")."""
    bare = number.lstrip("0") or "0"
    return sorted({number, bare, bare.zfill(2)})


_NOTATION_HEAD = re.compile(r"([^-/]*)([-/]?)(.*)", re.DOTALL)


def notation_variants(notation: str) -> list[str]:
    """Spellings of one notation: as written, upper case, and with the type code spelt as
    the catalogue does ("QYĐ-UBND" → "QyĐ-UBND", "TTR-UBND" → "TTr-UBND")."""
    match = _NOTATION_HEAD.fullmatch(notation)
    assert match is not None  # every part of the pattern is optional
    head, sep, rest = match.groups()
    doc_type = type_by_code(head)
    canonical = f"{doc_type.code}{sep}{rest}" if doc_type is not None and doc_type.code else notation
    return sorted({notation, notation.upper(), canonical, canonical.upper()} - {""})


def document_year(document: Document) -> int | None:
    if document.issued_on is not None:
        return document.issued_on.year
    return document.registered_year


def _same_notation(a: str, b: str) -> bool:
    return a.casefold() == b.casefold()


# --- resolving one reference --------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """What a citation says about the document it names."""

    number: str
    notation: str
    year: int | None
    date: dt.date | None

    @classmethod
    def of(cls, found: FoundCitation) -> Reference:
        return cls(normal_number(found.number), found.notation, found.year, found.date)


def _related_family(document: Document) -> Q:
    """The document, its original and every copy of either: never a citation target."""
    family = Q(pk=document.pk) | Q(source_id=document.pk)
    if document.source_id is not None:
        family |= Q(pk=document.source_id) | Q(source_id=document.source_id)
    return family


def resolve_reference(document: Document, reference: Reference) -> Document | None:
    """The registered document `reference` (found in `document`) names, or None."""
    candidates = [
        d
        for d in Document.objects.filter(
            number__in=number_variants(reference.number),
            notation__in=notation_variants(reference.notation),
        )
        .exclude(status__in=NOT_ISSUED)
        .exclude(_related_family(document))
        .only(*_CANDIDATE_FIELDS, "notation")
        if _same_notation(d.notation, reference.notation)
        and (reference.year is None or document_year(d) in (None, reference.year))
        and (d.direction != Direction.INCOMING or d.owner_id == document.owner_id)
        and (d.direction != Direction.INTERNAL or d.owner_id == document.owner_id)
    ]
    if not candidates:
        return None
    originals = [d.pk for d in candidates if d.direction != Direction.INCOMING]
    held: set[int] = set()
    if len(originals) > 1:
        held = set(
            Document.objects.filter(owner_id=document.owner_id, source_id__in=originals).values_list(
                "source_id", flat=True
            )
        )
    citing_year = document_year(document) or timezone.localdate().year

    def rank(d: Document) -> tuple[int, ...]:
        date_differs = (
            reference.date is not None and d.issued_on is not None and d.issued_on != reference.date
        )
        copy = d.direction == Direction.INCOMING
        related = copy or d.owner_id == document.owner_id or d.pk in held
        year = document_year(d)
        distance = 0 if reference.year is not None or year is None else abs(citing_year - year)
        return (int(date_differs), int(copy), int(not related), distance)

    ranked = sorted(candidates, key=lambda d: (rank(d), d.pk))
    best = [d for d in ranked if rank(d) == rank(ranked[0])]
    if len(best) == 1 or all(d.direction == Direction.INCOMING for d in best):
        return best[0]
    return None  # two originals fit equally well: do not guess


# --- citations of a document --------------------------------------------------------------------


def citable_text(document: Document) -> str:
    """Subject, body and the text of every file, one paragraph each."""
    parts = [document.subject, document.body]
    if document.pk is not None:
        parts.extend(document.files.order_by("id").values_list("text", flat=True))
    return "\n\n".join(p for p in parts if p)


def _is_own_reference(document: Document, reference: Reference) -> bool:
    """The document's own number as printed in its heading (or its original's)."""
    if not document.number or normal_number(document.number) != reference.number:
        return False
    if not _same_notation(document.notation, reference.notation):
        return False
    return reference.year is None or document_year(document) in (None, reference.year)


def _references(document: Document) -> list[tuple[Reference, str]]:
    """Distinct references found in `document`, with the text of their first occurrence."""
    seen: dict[tuple[str, str, int | None], tuple[Reference, str]] = {}
    for found in find_citations(citable_text(document)):
        if len(found.number) > NUMBER_MAX or len(found.notation) > NOTATION_MAX:
            continue  # cannot be stored faithfully; no document carries such a number either
        reference = Reference.of(found)
        if _is_own_reference(document, reference):
            continue
        key = (reference.number, reference.notation.casefold(), reference.year)
        if key not in seen:
            text = re.sub(r"\s+", " ", found.text).strip()[:CITATION_TEXT_MAX]
            seen[key] = (reference, text)
    return list(seen.values())


def link_citations(document: Document) -> list[Citation]:
    """Replace `document`'s citations with those found in it now, linked where possible."""
    rows = [
        Citation(
            document=document,
            text=text,
            number=reference.number,
            notation=reference.notation,
            year=reference.year,
            target=resolve_reference(document, reference),
        )
        for reference, text in _references(document)
    ]
    with transaction.atomic():
        Citation.objects.filter(document=document).delete()
        Citation.objects.bulk_create(rows)
    return rows


def _reference_of(citation: Citation) -> Reference:
    """A stored citation as a reference; its date is read again from its text."""
    date = None
    for found in find_citations(citation.text):
        if normal_number(found.number) == citation.number and _same_notation(
            found.notation, citation.notation
        ):
            date = found.date
            break
    return Reference(citation.number, citation.notation, citation.year, date)


def relink_citations_to(document: Document) -> int:
    """Re-resolve the stored citations that may name `document` (just issued or
    registered); return how many now point somewhere else."""
    if not document.number or document.status in NOT_ISSUED:
        return 0
    citations = (
        Citation.objects.filter(
            number=normal_number(document.number),
            notation__in=notation_variants(document.notation),
        )
        .exclude(document_id=document.pk)
        .select_related("document")
    )
    year = document_year(document)
    if year is not None:
        citations = citations.filter(Q(year__isnull=True) | Q(year=year))
    changed: list[Citation] = []
    for citation in citations:
        if not _same_notation(citation.notation, document.notation):
            continue
        target = resolve_reference(citation.document, _reference_of(citation))
        target_id = target.pk if target is not None else None
        if target_id != citation.target_id:
            citation.target_id = target_id
            changed.append(citation)
    Citation.objects.bulk_update(changed, ["target"])
    return len(changed)


# --- selectors for the document page ------------------------------------------------------------


def cites(document: Document, *, visible: QuerySet[Document] | None = None) -> QuerySet[Citation]:
    """What `document` cites, in reading order, with `target_visible` telling whether the
    linked document may be opened (False for unlinked citations)."""
    qs = Citation.objects.filter(document=document).select_related("target").order_by("id")
    if visible is None:
        return qs.annotate(
            target_visible=ExpressionWrapper(Q(target__isnull=False), output_field=BooleanField())
        )
    return qs.annotate(target_visible=Exists(visible.filter(pk=OuterRef("target_id"))))


def cited_by(document: Document, *, visible: QuerySet[Document] | None = None) -> QuerySet[Document]:
    """The documents citing `document` (or, for a copy, its original), newest first,
    among `visible` when given."""
    targets = [document.pk] if document.source_id is None else [document.pk, document.source_id]
    base = Document.objects.all() if visible is None else visible
    return base.filter(pk__in=Citation.objects.filter(target_id__in=targets).values("document_id")).order_by(
        "-issued_on", "-id"
    )
