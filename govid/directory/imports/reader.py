"""XLSX or CSV -> rows of {email, name, unit, phone} with their line numbers.

Columns may come in any order, named in English or Vietnamese, with or without diacritics.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass

from govid.diacritics import unaccent
from govid.spreadsheets import original_text

COLUMNS = ("email", "name", "unit", "phone")
REQUIRED = ("email", "phone")
# Header words, unaccented and squeezed ("Số điện thoại" -> "sodienthoai").
HEADERS = {
    "email": {"email", "mail", "emailcongvu", "thudientu", "thudientucongvu", "hopthu", "taikhoan"},
    "name": {"name", "hoten", "hovaten", "ten", "fullname"},
    "unit": {"unit", "donvi", "madonvi", "coquan", "coquandonvi", "unitcode"},
    "phone": {"phone", "mobile", "sodienthoai", "dienthoai", "sdt", "didong", "sodidong"},
}
MAX_UNZIPPED = 50 * 1024 * 1024  # an XLSX that inflates beyond this is a zip bomb, not a list


class ImportFileError(ValueError):
    """The file as a whole cannot be read; ``code`` is stable."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class SourceRow:
    line: int  # 1 is the header
    values: dict[str, str]


def _header_key(text: str) -> str | None:
    squeezed = re.sub(r"[^a-z0-9]", "", unaccent(text).lower())
    for column, words in HEADERS.items():
        if squeezed in words:
            return column
    return None


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone typed as a number: 393555121.0 -> "393555121"
    # A list exported by govid and corrected comes back as it left: "'=x" was "=x".
    return original_text(str(value).strip()).strip()


def _rows(raw_rows: list[tuple[int, list[object]]], max_rows: int) -> list[SourceRow]:
    if not raw_rows:
        raise ImportFileError("no_header")
    _header_line, header = raw_rows[0]
    columns: dict[int, str] = {}
    for index, text in enumerate(header):
        key = _header_key(_cell(text))
        if key and key not in columns.values():
            columns[index] = key
    missing = [c for c in REQUIRED if c not in columns.values()]
    if missing:
        raise ImportFileError("missing_columns", ", ".join(missing))
    rows = []
    for line, cells in raw_rows[1:]:
        values = {key: _cell(cells[i]) if i < len(cells) else "" for i, key in columns.items()}
        if any(values.values()):
            rows.append(SourceRow(line=line, values={c: values.get(c, "") for c in COLUMNS}))
    if len(rows) > max_rows:
        raise ImportFileError("too_many_rows", str(max_rows))
    return rows


def _read_csv(content: bytes) -> list[tuple[int, list[object]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("not_utf8") from None
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        return [(reader.line_num, list(row)) for row in reader]
    except csv.Error as error:
        raise ImportFileError("bad_csv", str(error)) from None


def _read_xlsx(content: bytes) -> list[tuple[int, list[object]]]:
    from openpyxl import load_workbook  # imported here: only imports need it

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED:
                raise ImportFileError("too_big")
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError("not_a_spreadsheet") from None
    try:
        sheet = book.worksheets[0]
        return [(n, list(row)) for n, row in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        book.close()


def read_table(content: bytes, filename: str, *, max_rows: int = 5000) -> list[SourceRow]:
    """The rows of an XLSX (first sheet) or CSV (UTF-8, comma/semicolon/tab) file."""
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        raw = _read_xlsx(content)
    elif filename.lower().endswith((".csv", ".txt")):
        raw = _read_csv(content)
    else:
        raise ImportFileError("unknown_format")
    return _rows(raw, max_rows)
