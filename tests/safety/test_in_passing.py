"""Harm told in passing, in a message about something else, is still flagged."""

import pytest

from caredesk.safety.screen import listed, screen


@pytest.mark.parametrize(
    ("lang", "text", "kind"),
    [
        (
            "es",
            "Cambien la dirección de entrega de las tiras: estoy en casa de mi hija desde que salí"
            " del hospital por la bajada de azúcar que me dio la bomba.",
            "hospital",
        ),
        (
            "fr",
            "Le coussin est resté allumé toute la nuit malgré la minuterie, draps roussis.",
            "burn",
        ),
    ],
)
def test_harm_told_in_passing_is_flagged_with_its_kind(lang, text, kind):
    found = screen(text, lang=lang)
    assert found.flagged
    assert kind in listed(text, lang=lang).kinds


def test_registering_a_user_is_not_a_discharge_from_hospital():
    text = "¿Pueden dar de alta al nuevo usuario en el portal? Ya está dado de alta en el sistema."
    assert screen(text, lang="es").outcome == "none"
