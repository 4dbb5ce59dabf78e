"""What the screen reads of a mail: its newest message (`caredesk.safety.text.newest_part`)."""

from caredesk.safety.text import newest_part


def test_a_reply_keeps_its_own_text_and_drops_the_quoted_thread():
    text = "Thanks, that fixed it.\n\nOn Mon, 2 Nov, Support wrote:\n> Did she fall?\n"
    assert newest_part(text).strip() == "Thanks, that fixed it."


def test_a_mail_that_opens_with_its_own_header_keeps_its_body_and_drops_the_header():
    text = (
        "From: Night pharmacist\nSubject: Wrong label\n\n"
        "The patient took the double dose.\n\n"
        "On Mon, 2 Nov, Support wrote:\n> an older question about invoices\n"
    )
    assert newest_part(text).strip() == "The patient took the double dose."


def test_a_message_of_quoted_lines_only_is_read_without_its_markers():
    text = ">> agent: What happened?\n>> user: the pad blistered her leg\n"
    assert newest_part(text) == "agent: What happened?\nuser: the pad blistered her leg"
