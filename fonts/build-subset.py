#!/usr/bin/env python3
"""Build the bundled UI font: a Simplified Chinese subset of Noto Sans CJK.

The subset holds ASCII, CJK punctuation, full-width forms, every GB2312 character and every
non-ASCII character used in frontend/src and in the Rust crates. It is written twice:
fonts/NotoSansSC-Subset.otf (for the certificate renderer) and
frontend/src/assets/fonts/NotoSansSC-Subset.woff2 (for the web frontend).

A second file, fonts/NotoSansSC-Rare.otf, is the certificate renderer's fallback for rare
characters in names: every ideograph of the same face (CJK Unified Ideographs, Extension A,
the compatibility ideographs and the supplementary-plane extensions B onwards) that the first
subset leaves out.

A missing glyph is never silent: characters the source font lacks are listed, and the build
fails when one of them is used in the source code.

Needs fontTools and brotli (`pip install fonttools brotli`) and the Debian package
fonts-noto-cjk, or a NotoSansSC-Regular.otf passed with --source.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

ROOT = Path(__file__).resolve().parent.parent
OTF_OUT = ROOT / "fonts" / "NotoSansSC-Subset.otf"
WOFF2_OUT = ROOT / "frontend" / "src" / "assets" / "fonts" / "NotoSansSC-Subset.woff2"
RARE_OUT = ROOT / "fonts" / "NotoSansSC-Rare.otf"

# Ideograph blocks the rare-character fallback draws from (inclusive code point ranges).
IDEOGRAPH_BLOCKS = [
    (0x3400, 0x4DBF),  # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),  # CJK Unified Ideographs
    (0xF900, 0xFAFF),  # CJK Compatibility Ideographs
    (0x20000, 0x2FA1F),  # Extensions B to F, Compatibility Ideographs Supplement
    (0x30000, 0x323AF),  # Extensions G and H
]

SOURCE_CANDIDATES = [
    Path("/usr/share/fonts/opentype/noto/NotoSansSC-Regular.otf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"),
]

# The Simplified Chinese face inside a Noto Sans CJK collection, found by its PostScript name.
SC_POSTSCRIPT_NAME = "NotoSansCJKsc-Regular"

# Where the characters in use are read from: (folder, file name patterns).
SCANNED = [
    (ROOT / "frontend" / "src", ["*.ts", "*.vue", "*.css", "*.js", "*.json", "*.html"]),
    (ROOT / "frontend", ["index.html"]),
    (ROOT / "crates", ["*.rs"]),
]

# Format and control characters are never drawn, so they need no glyph.
UNDRAWN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def ranges() -> set[str]:
    """ASCII, CJK symbols and punctuation, half- and full-width forms, common punctuation."""
    wanted: set[int] = set(range(0x20, 0x7F))
    wanted |= set(range(0x3000, 0x3040))
    wanted |= set(range(0xFF01, 0xFF5F))
    wanted |= set(range(0xFFE0, 0xFFE7))
    wanted |= {0x00A0, 0x00B7, 0x00D7, 0x2013, 0x2014, 0x2018, 0x2019, 0x201C, 0x201D, 0x2026}
    return {chr(code) for code in wanted}


def gb2312() -> set[str]:
    """Every character of GB2312, by decoding each two-byte code with Python's codec."""
    found: set[str] = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                found.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return found


def used_in_source() -> dict[str, set[Path]]:
    """Every drawn non-ASCII character in the scanned source files, with where it appears."""
    used: dict[str, set[Path]] = {}
    for folder, patterns in SCANNED:
        if not folder.is_dir():
            continue
        for pattern in patterns:
            for path in sorted(folder.rglob(pattern)):
                if "node_modules" in path.parts or not path.is_file():
                    continue
                try:
                    text = path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    continue
                for char in text:
                    if ord(char) < 0x80 or char.isspace():
                        continue
                    if unicodedata.category(char) in UNDRAWN_CATEGORIES:
                        continue
                    used.setdefault(char, set()).add(path.relative_to(ROOT))
    return used


def find_source(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    for candidate in SOURCE_CANDIDATES:
        if candidate.is_file():
            return candidate
    sys.exit(
        "no source font found: install fonts-noto-cjk (apt-get install fonts-noto-cjk) "
        "or pass --source NotoSansSC-Regular.otf"
    )


def open_source(path: Path) -> TTFont:
    """The Simplified Chinese face: the file itself, or its face inside a collection."""
    if path.suffix.lower() != ".ttc":
        return TTFont(path)

    collection = TTCollection(path, lazy=True)
    for number, face in enumerate(collection.fonts):
        if face["name"].getDebugName(6) == SC_POSTSCRIPT_NAME:
            return TTFont(path, fontNumber=number)
    sys.exit(f"{path} holds no face named {SC_POSTSCRIPT_NAME}")


def describe(chars: set[str]) -> str:
    return " ".join(f"U+{ord(char):04X}({char})" for char in sorted(chars))


def write(font: TTFont, path: Path, flavor: str | None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = flavor
    font.save(path)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size // 1024} KiB)")


def subset_of(font: TTFont, unicodes: set[int]) -> TTFont:
    """`font` cut down to `unicodes`, unhinted, with its names and a .notdef box, reproducibly."""
    options = subset.Options()
    options.hinting = False
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    font.recalcTimestamp = False
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=sorted(unicodes))
    subsetter.subset(font)
    return font


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, help="NotoSansSC-Regular.otf or a Noto CJK .ttc")
    args = parser.parse_args()

    source_path = find_source(args.source)
    source = open_source(source_path)
    covered_codes = set(source.getBestCmap())
    covered = {chr(code) for code in covered_codes}
    print(f"source: {source_path} ({source['name'].getDebugName(4)})")

    base = ranges() | gb2312()
    in_source = used_in_source()
    wanted = base | set(in_source)

    missing_base = {char for char in base - covered if not char.isspace()}
    missing_used = set(in_source) - covered
    if missing_base:
        print(f"source font lacks {len(missing_base)} requested characters: {describe(missing_base)}")
    if missing_used:
        print(f"source font lacks {len(missing_used)} characters used in the source code:")
        for char in sorted(missing_used):
            places = ", ".join(str(place) for place in sorted(in_source[char]))
            print(f"  U+{ord(char):04X} {char!r} in {places}")

    font = subset_of(source, {ord(char) for char in wanted & covered})
    print(f"subset: {len(font.getBestCmap())} characters, {len(in_source)} of them from the source")
    write(font, OTF_OUT, None)
    write(font, WOFF2_OUT, "woff2")

    in_subset = set(font.getBestCmap())
    rare = {
        code
        for code in covered_codes
        if code not in in_subset and any(low <= code <= high for low, high in IDEOGRAPH_BLOCKS)
    }
    rare_font = subset_of(open_source(source_path), rare)
    print(f"rare-character fallback: {len(rare)} ideographs")
    write(rare_font, RARE_OUT, None)

    if missing_used:
        print("error: characters used in the source code have no glyph", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
