"""Pure helpers: references, levels, cursors and HTML sanitising."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from caredesk.core.html import html_to_text, sanitize, text_to_html
from caredesk.core.pagination import BadCursor, decode_cursor, encode_cursor
from caredesk.tickets.pure import Level, pk_from_ref, ref_for


@given(st.integers(min_value=1, max_value=10**11))
def test_reference_round_trips(pk):
    assert pk_from_ref(ref_for("CD", pk)) == pk
    assert pk_from_ref(str(pk + 1000)) == pk


@pytest.mark.parametrize(
    "text", ["", "CD-", "CD-abc", "hello world", "CD-999", "-5", "CD-1042 extra"]
)
def test_non_references_are_rejected(text):
    assert pk_from_ref(text) is None


def test_levels_carry_their_advice_but_no_promised_times():
    # what is promised comes from the requester's SLA policy (sla.requester), never from here
    assert not hasattr(Level.L1.info, "first_response_hours")
    assert Level.L1.info.call_now and Level.L2.info.call_now
    assert not Level.L3.info.call_now and not Level.L4.info.call_now
    assert Level.L1.label == "Level 1 · Critical"


@given(
    st.one_of(
        st.none(),
        st.integers(min_value=-(2**31), max_value=2**31),
        st.text(max_size=40),
        st.datetimes(timezones=st.just(UTC)),
    ),
    st.integers(min_value=0, max_value=2**62),
)
def test_cursor_round_trips(value, pk):
    decoded_value, decoded_pk = decode_cursor(encode_cursor(value, pk))
    assert decoded_pk == pk
    assert decoded_value == (value.isoformat() if isinstance(value, datetime) else value)


@given(st.text(max_size=60))
def test_garbage_cursors_raise_bad_cursor_never_crash(text):
    with contextlib.suppress(BadCursor):
        decode_cursor(text)


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<svg onload="alert(1)"></svg>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    ],
)
def test_sanitize_removes_active_content(payload):
    cleaned = sanitize(payload).lower()
    for bad in ("<script", "onerror", "javascript:", "onload", "<iframe", "style=", "<svg"):
        assert bad not in cleaned


def test_sanitize_keeps_ordinary_formatting_and_marks_links():
    cleaned = sanitize('<p>Hi <strong>there</strong> <a href="https://docs.example/kb">KB</a></p>')
    assert "<strong>there</strong>" in cleaned
    assert 'rel="noopener noreferrer nofollow"' in cleaned


def test_text_and_html_conversions():
    assert text_to_html("a < b\nline two\n\nnext") == "<p>a &lt; b<br>line two</p><p>next</p>"
    assert html_to_text("<p>One</p><p>Two &amp; three</p>") == "One\nTwo & three"
