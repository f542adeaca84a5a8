"""Delimited records (FINESS, COG, La Poste), read as they are published: their encoding
detected, quotes understood, blank lines passed over, and every malformed record reported in
French with its line — an unclosed quote where it opens, never at the end of the file."""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from gradation.core.text import noncharacter
from gradation.errors import GradationError, os_error_text

MAX_FIELD = 64 * 1024  # a field longer than this is a quote left open


def clean(field: str) -> str:
    """A field without control, invisible or non-character code points (an ESC in a name
    would reach the terminal; U+FFFF breaks a terminal's completion menu), one line."""
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")
                   or noncharacter(ch) else ch for ch in field)


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without its BOM) when the start of the file is valid UTF-8, else
    Windows-1252, the encoding of older extracts."""
    import codecs

    from gradation.files.atomic import require_regular

    require_regular(path, 4 << 30)  # a national extract is a few hundred MB
    try:
        with path.open("rb") as handle:
            head = handle.read(4 << 20)
    except FileNotFoundError:
        raise GradationError(f"fichier introuvable : {path}") from None
    except OSError as exc:
        raise GradationError(f"{path} : lecture impossible ({os_error_text(exc)})") from None
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def records(path: Path, delimiter: str | None = None, header: bool = False
            ) -> Iterator[tuple[int, list[str]]]:
    """(line number, cleaned fields) of each record; `delimiter` None guesses « ; » or « , »
    from the first line. With `header`, the first record is yielded like the others."""
    encoding = detect_encoding(path)  # refuses what is not a regular file
    csv.field_size_limit(MAX_FIELD)
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        if delimiter is None:
            first = handle.readline()
            delimiter = ";" if first.count(";") >= first.count(",") else ","
            handle.seek(0)
        reader = csv.reader(handle, delimiter=delimiter, quotechar='"', strict=False)
        start = 1
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise GradationError(
                    f"{path}:{start}: guillemet ouvert sur cette ligne et jamais fermé (ou "
                    f"champ de plus de {MAX_FIELD // 1024} Kio) : corrigez l'extrait ou "
                    "téléchargez-le de nouveau") from None
            number, start = start, reader.line_num + 1
            if not fields or not any(f.strip() for f in fields):
                continue  # a blank line
            yield number, [clean(f) for f in fields]


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one that starts like a formula (« =HYPERLINK(… »
    from a FINESS routing line) is prefixed with « ' »."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def excel_csv(rows: list[list[object]]) -> bytes:
    """CSV for a French Excel: « ; » between cells, UTF-8 with its byte-order mark, CRLF, every
    cell that could start a formula made text."""
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for row in rows:
        writer.writerow([excel_cell(v) for v in row])
    return "\ufeff".encode() + buffer.getvalue().encode("utf-8")
