"""Reading an office's registry file (CSV or XLSX) and checking each row, in words.

An office already keeps its MSMEs and cooperatives in a spreadsheet. `read_registry_file`
turns the upload into rows of text keyed by our column names (headers in Indonesian or
English, `COLUMNS`); `check_rows` converts and checks each row and says everything wrong
with it, so the preview can list every row with its errors before anything is written.
Writing is `products.registry_services`.

Nothing here trusts the file: its size and row count are limited before it is read
through, an XLSX is opened read-only (no formulas evaluated, no macros), and every value
is converted by the same validators as the business form.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kernel.errors import WorkflowError
from products.models import Business, LegalForm, Region, TurnoverBand
from products.validators import (
    strip_punctuation,
    validate_founded_year,
    validate_kbli,
    validate_nib,
    validate_npwp,
)

# Limits that keep one upload to a few seconds of work: a regency's registry of a few
# thousand businesses fits; a larger one is imported in parts.
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000


@dataclass(frozen=True)
class Column:
    key: str
    label: Any  # lazy translation
    headers: tuple[str, ...]  # accepted headers, normalised (`_header_key`)
    required: bool = False


COLUMNS = (
    Column("nib", gettext_lazy("NIB"), ("nib",), required=True),
    Column("name", gettext_lazy("Name"), ("name", "nama", "nama usaha", "business name"), True),
    Column("npwp", gettext_lazy("NPWP"), ("npwp",)),
    Column("address", gettext_lazy("Address"), ("address", "alamat", "alamat usaha"), True),
    Column(
        "region",
        gettext_lazy("Region code"),
        ("region", "region code", "kode wilayah", "wilayah", "kode kabupaten kota"),
    ),
    Column(
        "legal_form",
        gettext_lazy("Legal form"),
        ("legal form", "bentuk usaha", "badan usaha", "bentuk badan usaha"),
    ),
    Column("kbli", gettext_lazy("KBLI"), ("kbli", "kode kbli")),
    Column(
        "founded_year",
        gettext_lazy("Year founded"),
        ("founded", "year founded", "founded year", "tahun berdiri"),
    ),
    Column(
        "workforce",
        gettext_lazy("Workforce"),
        ("workforce", "employees", "tenaga kerja", "jumlah tenaga kerja"),
    ),
    Column(
        "turnover",
        gettext_lazy("Annual sales"),
        ("turnover", "annual sales", "turnover band", "omzet", "omset", "omzet per tahun"),
    ),
    Column("size", gettext_lazy("Size"), ("size", "skala", "skala usaha")),
    Column(
        "women_led",
        gettext_lazy("Led by a woman"),
        ("women led", "woman led", "dipimpin perempuan", "pemilik perempuan"),
    ),
    Column("email", gettext_lazy("E-mail"), ("email", "e mail", "surel")),
    Column("phone", gettext_lazy("Phone"), ("phone", "telepon", "telp", "no hp", "hp")),
)
COLUMN_BY_HEADER = {header: column for column in COLUMNS for header in column.headers}

# Values as offices write them, normalised (`_word`), to ours.
LEGAL_FORMS = {
    **{choice.value: choice.value for choice in LegalForm},
    "perorangan": LegalForm.INDIVIDUAL,
    "perseorangan": LegalForm.INDIVIDUAL,
    "usaha perseorangan": LegalForm.INDIVIDUAL,
    "ud": LegalForm.INDIVIDUAL,  # usaha dagang: an individual's trading name
    "perseroan terbatas": LegalForm.PT,
    "pt perorangan": LegalForm.PT,
    "persekutuan komanditer": LegalForm.CV,
    "fa": LegalForm.FIRMA,
    "koperasi": LegalForm.COOPERATIVE,
    "kelompok usaha bersama": LegalForm.KUB,
    "lainnya": LegalForm.OTHER,
    "lain lain": LegalForm.OTHER,
}
SIZES = {
    **{choice.value: choice.value for choice in Business.Size},
    "mikro": Business.Size.MICRO,
    "kecil": Business.Size.SMALL,
    "menengah": Business.Size.MEDIUM,
    "besar": Business.Size.LARGE,
}
TURNOVER_BANDS = {choice.value: choice.value for choice in TurnoverBand}
YES = {"yes", "y", "true", "1", "ya", "iya"}
NO = {"no", "n", "false", "0", "tidak", "bukan", "t"}
BILLION = 1_000_000_000


def _header_key(text: Any) -> str:
    return re.sub(r"[\s_\-./]+", " ", str(text or "")).strip().lower()


def _word(text: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", text).strip().lower()


def _text(value: Any) -> str:
    """A cell as text: a number a spreadsheet stored for an NIB or a year without its
    ".0", None as empty."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# Reading the file.


def read_registry_file(name: str, content: bytes) -> tuple[list[str], list[dict[str, Any]]]:
    """The rows of a registry file as {"row": its number in the sheet, "values": {key:
    text}}, with the headers we did not recognise; WorkflowError when the file cannot be
    read or is over the limits."""
    if len(content) > MAX_BYTES:
        raise WorkflowError(
            _("The file is %(size)s MB; a registry file may have at most %(max)s MB. Split it.")
            % {"size": round(len(content) / 1_048_576, 1), "max": MAX_BYTES // 1_048_576}
        )
    if not content.strip():
        raise WorkflowError(_("The file is empty."))
    if content.startswith(b"PK\x03\x04"):
        table = _xlsx_rows(content)
    elif name.lower().endswith(".xlsx"):
        raise WorkflowError(_("This file is not a readable XLSX workbook."))
    else:
        table = _csv_rows(content)
    return _rows_by_header(table)


def _csv_rows(content: bytes) -> Iterable[list[Any]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise WorkflowError(_("The CSV file is not in UTF-8: save it again as “CSV UTF-8”."))
    first_line = text.split("\n", 1)[0]
    # Excel in Indonesian saves "CSV" with semicolons.
    delimiter = max(",;\t", key=first_line.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(content: bytes) -> Iterable[list[Any]]:
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise WorkflowError(_("This file is not a readable XLSX workbook.")) from None
    sheet = workbook.worksheets[0]
    return (list(row) for row in sheet.iter_rows(values_only=True))


def _rows_by_header(table: Iterable[list[Any]]) -> tuple[list[str], list[dict[str, Any]]]:
    lines = iter(table)
    headers = None
    for line in lines:
        if any(_text(cell) for cell in line):
            headers = [_header_key(cell) for cell in line]
            break
    if headers is None:
        raise WorkflowError(_("The file has no header row."))
    columns = [COLUMN_BY_HEADER.get(header) for header in headers]
    found = {column.key for column in columns if column}
    missing = [
        str(column.label) for column in COLUMNS if column.required and column.key not in found
    ]
    if missing:
        raise WorkflowError(
            _("The file has no column for: %(columns)s. See the accepted headers below.")
            % {"columns": ", ".join(missing)}
        )
    unknown = [
        header for header, column in zip(headers, columns, strict=True) if header and not column
    ]
    rows: list[dict[str, Any]] = []
    # The header is row 1 of the sheet, or lower when blank lines come before it.
    for number, line in enumerate(lines, start=2):
        values = {
            column.key: _text(cell)
            for column, cell in zip(columns, line, strict=False)
            if column is not None
        }
        if not any(values.values()):
            continue
        if len(rows) >= MAX_ROWS:
            raise WorkflowError(
                _("The file has more than %(max)s rows; import it in parts.") % {"max": MAX_ROWS}
            )
        rows.append({"row": number, "values": values})
    if not rows:
        raise WorkflowError(_("The file has a header row but no businesses under it."))
    return unknown, rows


# Checking the rows.


def _message(error: ValidationError) -> str:
    return " ".join(error.messages)


def parse_turnover(text: str) -> str:
    """A turnover band from its key (up_to_2b, ...) or from an amount in rupiah (dots or
    commas as thousands separators)."""
    word = _word(text).replace(" ", "_")
    if text in TURNOVER_BANDS:
        return text
    if word in TURNOVER_BANDS:
        return word
    digits = re.sub(r"[\s.,]|^rp", "", text.lower())
    if not digits.isdigit():
        raise ValueError(text)
    amount = int(digits)
    if amount <= 2 * BILLION:
        return TurnoverBand.UP_TO_2B
    if amount <= 15 * BILLION:
        return TurnoverBand.FROM_2B_TO_15B
    if amount <= 50 * BILLION:
        return TurnoverBand.FROM_15B_TO_50B
    return TurnoverBand.OVER_50B


def _region_code(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return f"{digits[:2]}.{digits[2:]}" if len(digits) == 4 else text


def check_row(
    values: Mapping[str, str],
    *,
    regions: Mapping[str, Region],
    default_region: Region | None,
    all_regions: Mapping[str, str],
) -> tuple[dict[str, Any], list[str]]:
    """The row converted to Business fields, and what is wrong with it in words (each
    message names its column). `regions` are the ones the importing user works for, by
    code; `default_region` is used for a row without a region code when there is one;
    `all_regions` names every region by code."""
    fields: dict[str, Any] = {}
    errors: list[str] = []

    def refuse(column: str, message: str) -> None:
        label = next(c.label for c in COLUMNS if c.key == column)
        errors.append(f"{label}: {message}")

    for key in ("name", "address"):
        value = values.get(key, "")
        if not value:
            refuse(key, _("missing."))
        elif key == "name" and len(value) > 200:
            refuse(key, _("at most %(count)s characters.") % {"count": 200})
        fields[key] = value

    nib = strip_punctuation(values.get("nib", ""))
    fields["nib"] = nib
    if not nib:
        refuse("nib", _("missing."))
    else:
        try:
            validate_nib(nib)
        except ValidationError as e:
            refuse("nib", _message(e))

    npwp = strip_punctuation(values.get("npwp", ""))
    fields["npwp"] = npwp
    if npwp:
        try:
            validate_npwp(npwp)
        except ValidationError as e:
            refuse("npwp", _message(e))

    code = values.get("region", "")
    region = regions.get(_region_code(code)) if code else default_region
    if region is None:
        if code:
            known = all_regions.get(_region_code(code))
            message = (
                _("%(region)s is not one of the regions you work for.") % {"region": known}
                if known
                else _("%(code)s is not a region code (for example 35.71).") % {"code": code}
            )
            refuse("region", message)
        else:
            refuse("region", _("missing: you work for several regions, so say which."))
    fields["region_id"] = region.pk if region else None

    legal_form = values.get("legal_form", "")
    fields["legal_form"] = LEGAL_FORMS.get(_word(legal_form), "") if legal_form else ""
    if legal_form and not fields["legal_form"]:
        refuse(
            "legal_form",
            _("%(value)s is not a legal form we know: write one of %(choices)s.")
            % {"value": legal_form, "choices": "perorangan, CV, PT, firma, koperasi, KUB, lainnya"},
        )

    kbli = strip_punctuation(values.get("kbli", ""))
    fields["kbli"] = kbli
    if kbli:
        try:
            validate_kbli(kbli)
        except ValidationError as e:
            refuse("kbli", _message(e))

    for key, validate in (("founded_year", validate_founded_year), ("workforce", None)):
        text = values.get(key, "")
        fields[key] = None
        if not text:
            continue
        if not re.fullmatch(r"\d{1,7}", text):
            refuse(key, _("%(value)s is not a whole number.") % {"value": text})
            continue
        number = int(text)
        if validate is not None:
            try:
                validate(number)
            except ValidationError as e:
                refuse(key, _message(e))
                continue
        fields[key] = number

    turnover = values.get("turnover", "")
    fields["turnover_band"] = ""
    if turnover:
        try:
            fields["turnover_band"] = parse_turnover(turnover)
        except ValueError:
            refuse(
                "turnover",
                _(
                    "%(value)s is neither an amount in rupiah (for example 750000000) nor a "
                    "band (%(choices)s)."
                )
                % {"value": turnover, "choices": ", ".join(TURNOVER_BANDS)},
            )

    size = values.get("size", "")
    fields["size"] = SIZES.get(_word(size), "") if size else ""
    if size and not fields["size"]:
        refuse(
            "size",
            _("%(value)s is not a size: write mikro, kecil, menengah or besar.") % {"value": size},
        )

    women_led = _word(values.get("women_led", ""))
    fields["women_led"] = True if women_led in YES else False if women_led in NO else None
    if women_led and fields["women_led"] is None:
        refuse("women_led", _("write ya or tidak (yes or no), or leave it empty."))

    email = values.get("email", "")
    fields["email"] = email
    if email:
        try:
            validate_email(email)
        except ValidationError:
            refuse("email", _("%(value)s is not an e-mail address.") % {"value": email})
    fields["phone"] = values.get("phone", "")[:30]
    return fields, errors


def check_rows(rows: list[dict[str, Any]], *, region_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Each row with its converted `fields` and its `errors`: those of `check_row`, a NIB
    that appears twice in the file (neither row is imported: which one is right is the
    office's to say), and a NIB registered to a business outside the user's regions."""
    regions = {region.code: region for region in Region.objects.filter(pk__in=list(region_ids))}
    default_region = next(iter(regions.values())) if len(regions) == 1 else None
    all_regions = {region.code: str(region) for region in Region.objects.all()}
    checked = []
    for row in rows:
        fields, errors = check_row(
            row["values"],
            regions=regions,
            default_region=default_region,
            all_regions=all_regions,
        )
        checked.append({**row, "fields": fields, "errors": errors})
    rows_of_nib: dict[str, list[int]] = {}
    for row in checked:
        if row["fields"]["nib"]:
            rows_of_nib.setdefault(row["fields"]["nib"], []).append(row["row"])
    counts = Counter({nib: len(numbers) for nib, numbers in rows_of_nib.items()})
    elsewhere = dict(
        Business.objects.filter(nib__in=list(rows_of_nib))
        .exclude(region__in=list(regions.values()))
        .values_list("nib", "region__code")
    )
    for row in checked:
        nib = row["fields"]["nib"]
        if counts.get(nib, 0) > 1:
            others = [str(n) for n in rows_of_nib[nib] if n != row["row"]]
            row["errors"].append(
                _("NIB: %(nib)s is also in row %(rows)s; give each business once.")
                % {"nib": nib, "rows": ", ".join(others)}
            )
        if nib in elsewhere:
            row["errors"].append(
                _("NIB: %(nib)s is registered in region %(region)s, which you do not work for.")
                % {"nib": nib, "region": elsewhere[nib]}
            )
    return checked
