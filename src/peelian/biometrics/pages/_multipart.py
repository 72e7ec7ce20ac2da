"""A multipart/form-data parser that keeps every part in memory (no temporary files).

Starlette's form parser spools uploads to ``SpooledTemporaryFile``, which rolls over to a file
on disk past 1 MB; a fingerprint probe must never touch the disk, so the officer page reads the
(size-capped) body into memory and parses it here with python-multipart's push parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from python_multipart.exceptions import FormParserError, MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header

__all__ = ["FormError", "MemoryForm", "parse_form"]

MAX_PARTS = 20


class FormError(ValueError):
    """The body is not a well-formed multipart form."""


@dataclass
class MemoryForm:
    """Text fields and file contents of a form, all in memory."""

    fields: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)

    def text(self, name: str) -> str:
        """A text field, stripped ('' when absent)."""
        return self.fields.get(name, "").strip()


@dataclass
class _Part:
    headers: dict[bytes, bytes] = field(default_factory=dict)
    data: bytearray = field(default_factory=bytearray)


def parse_form(body: bytes, content_type: str) -> MemoryForm:
    """Parse a multipart/form-data body held in memory."""
    kind, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise FormError("send the form as multipart/form-data")
    parts: list[_Part] = []
    header = {"field": bytearray(), "value": bytearray()}

    def begin() -> None:
        if len(parts) >= MAX_PARTS:
            raise FormError("the form has too many parts")
        parts.append(_Part())

    def header_end() -> None:
        parts[-1].headers[bytes(header["field"]).lower()] = bytes(header["value"])
        header["field"].clear()
        header["value"].clear()

    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": begin,
            "on_part_data": lambda d, s, e: parts[-1].data.extend(d[s:e]),
            "on_header_field": lambda d, s, e: header["field"].extend(d[s:e]),
            "on_header_value": lambda d, s, e: header["value"].extend(d[s:e]),
            "on_header_end": header_end,
        },
    )
    try:
        parser.write(body)
        parser.finalize()
    except (MultipartParseError, FormParserError):
        raise FormError("the form could not be read; send it again") from None
    form = MemoryForm()
    for part in parts:
        _, disposition = parse_options_header(part.headers.get(b"content-disposition", b""))
        name = disposition.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in disposition:
            if part.data:
                form.files[name] = bytes(part.data)
        else:
            form.fields[name] = part.data.decode("utf-8", "replace")
        part.data.clear()
    return form
