"""What a file is, read from its first bytes rather than from its name or declared type."""

from __future__ import annotations

SIGNATURES = {  # content sniffing: the first bytes of each accepted binary type
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"%PDF-": "application/pdf",
    b"PK\x03\x04": "application/zip",
}

PROGRAMS = {  # the first bytes of programs and scripts, refused wherever strangers upload
    b"MZ": "a Windows program",
    b"\x7fELF": "a Linux program",
    b"\xfe\xed\xfa\xce": "a macOS program",
    b"\xfe\xed\xfa\xcf": "a macOS program",
    b"\xce\xfa\xed\xfe": "a macOS program",
    b"\xcf\xfa\xed\xfe": "a macOS program",
    b"\xca\xfe\xba\xbe": "a macOS or Java program",
    b"#!": "a script",
}


def sniff(data: bytes, declared: str) -> str:
    """The content type the bytes really are (declared text is kept if it decodes as text)."""
    for magic, ctype in SIGNATURES.items():
        if data.startswith(magic):
            return ctype
    declared = (declared or "").split(";")[0].strip().lower()
    if declared.startswith("text/") or declared in ("application/json", ""):
        try:
            data[:4096].decode("utf-8")
        except UnicodeDecodeError:
            return "application/octet-stream"
        return declared or "text/plain"
    return "application/octet-stream"


def program_kind(data: bytes) -> str:
    """What kind of program the bytes are ("a Windows program"), or "" when they are none."""
    for magic, kind in PROGRAMS.items():
        if data.startswith(magic):
            return kind
    return ""
