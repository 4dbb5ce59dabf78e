"""The shipped stylesheets are whole: an unclosed block would swallow every rule after it."""

from pathlib import Path

import caredesk

STATIC = Path(caredesk.__file__).parent / "static"


def test_every_stylesheet_closes_each_block_it_opens():
    sheets = sorted(STATIC.rglob("*.css"))
    assert sheets
    for sheet in sheets:
        depth = 0
        for number, line in enumerate(sheet.read_text(encoding="utf-8").splitlines(), 1):
            depth += line.count("{") - line.count("}")
            assert depth >= 0, f"{sheet.name}:{number} closes a block it never opened"
            if line.startswith("/*"):
                assert depth == 0, f"{sheet.name}:{number}: a section starts inside an open block"
        assert depth == 0, f"{sheet.name} leaves {depth} block(s) open"
