"""Bounded reading of one member of a zip archive held in memory (the ``.eval`` format).

``zipfile`` decompresses a whole compressed chunk at a time for zstd, so a few kilobytes
can inflate to hundreds of megabytes before anything can stop them. Here a member is
inflated in steps of at most ``STEP`` bytes, never past its declared size nor
``max_bytes``, and refused when its declared compression ratio is that of a zip bomb.
"""

import io
import struct
import zlib

from backports import zstd
from backports.zstd import zipfile
from backports.zstd.zipfile import ZipInfo

from governance.evidence.importers import LogTooLarge, NotALog

STEP = 1 << 20
RATIO_FLOOR = 1 << 20
"""Members smaller than this are not ratio-checked: tiny files compress oddly well."""

_UNREADABLE = (zipfile.BadZipFile, NotImplementedError, ValueError, OverflowError, EOFError, OSError, struct.error)
"""What ``zipfile`` raises on a damaged directory (BadZipFile, LargeZipFile and version errors)."""
_CENTRAL_HEADER = b"PK\x01\x02"
_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader (30 bytes)


def open_archive(content: bytes, *, max_members: int) -> "zipfile.ZipFile":
    """The archive's directory, refused before it is read when it lists too many members
    (each costs memory and time to parse: 200,000 empty ones fit in 18 MB)."""
    listed = content.count(_CENTRAL_HEADER)  # a directory entry each (an overcount at worst)
    if listed > max_members:
        raise LogTooLarge(f"The archive lists {listed} members; at most {max_members} are read.")
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except _UNREADABLE as error:
        raise NotALog(f"The archive cannot be read ({str(error)[:200]}).") from error


def read_member(content: bytes, info: ZipInfo, *, max_bytes: int, max_ratio: int) -> bytes:
    """The member's bytes, inflated under the bounds, its CRC checked."""
    label = info.filename[:100]
    if info.flag_bits & 0x1:
        raise NotALog(f"{label} is encrypted.")
    if info.file_size > max_bytes:
        raise LogTooLarge(f"{label} would inflate to {info.file_size} bytes; at most {max_bytes} are read.")
    if info.file_size > RATIO_FLOOR and info.file_size > max_ratio * max(info.compress_size, 1):
        ratio = info.file_size // max(info.compress_size, 1)
        raise NotALog(f"{label} is compressed {ratio}:1 (at most {max_ratio}:1 is accepted): it looks like a zip bomb.")
    raw = _raw_data(content, info, label)
    limit = info.file_size
    if info.compress_type == zipfile.ZIP_STORED:
        data = raw
    elif info.compress_type == zipfile.ZIP_DEFLATED:
        data = _inflate(raw, limit, label)
    elif info.compress_type == zipfile.ZIP_ZSTANDARD:
        data = _unzstd(raw, limit, label)
    else:
        raise NotALog(f"{label} uses compression method {info.compress_type}, which is not read here.")
    if len(data) != info.file_size:
        raise NotALog(f"{label} holds {len(data)} bytes where the archive declares {info.file_size}: it is corrupt.")
    if zlib.crc32(data) != info.CRC:
        raise NotALog(f"{label} fails its checksum: the archive is corrupt.")
    return data


def _raw_data(content: bytes, info: ZipInfo, label: str) -> bytes:
    offset = info.header_offset
    header = content[offset : offset + _LOCAL_HEADER.size]
    if len(header) != _LOCAL_HEADER.size or header[:4] != b"PK\x03\x04":
        raise NotALog(f"{label}: the archive's local header is missing: it is corrupt.")
    fields = _LOCAL_HEADER.unpack(header)
    start = offset + _LOCAL_HEADER.size + fields[-2] + fields[-1]  # name and extra lengths
    raw = content[start : start + info.compress_size]
    if len(raw) != info.compress_size:
        raise NotALog(f"{label} is truncated: the archive is corrupt.")
    return raw


def _inflate(raw: bytes, limit: int, label: str) -> bytes:
    decompressor = zlib.decompressobj(-15)
    out = bytearray()
    pending = raw
    try:
        while not decompressor.eof:
            chunk = decompressor.decompress(pending, min(STEP, limit + 1 - len(out)))
            pending = decompressor.unconsumed_tail
            out += chunk
            if len(out) > limit:
                raise NotALog(f"{label} inflates beyond its declared size: the archive is corrupt.")
            if not chunk and not pending:
                break
    except zlib.error as error:
        raise NotALog(f"{label} cannot be inflated ({error}): the archive is corrupt.") from error
    if not decompressor.eof:
        raise NotALog(f"{label} is truncated: the archive is corrupt.")
    return bytes(out)


def _unzstd(raw: bytes, limit: int, label: str) -> bytes:
    out = bytearray()
    pending = raw
    try:
        while pending:
            decompressor = zstd.ZstdDecompressor()
            data = pending
            while not decompressor.eof:
                chunk = decompressor.decompress(data, min(STEP, limit + 1 - len(out)))
                data = b""
                out += chunk
                if len(out) > limit:
                    raise NotALog(f"{label} inflates beyond its declared size: the archive is corrupt.")
                if not chunk and decompressor.needs_input:
                    raise NotALog(f"{label} is truncated: the archive is corrupt.")
            pending = decompressor.unused_data
    except (zstd.ZstdError, EOFError) as error:
        raise NotALog(f"{label} cannot be decompressed ({error}): the archive is corrupt.") from error
    return bytes(out)
