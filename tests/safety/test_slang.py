"""Everyday and regional wording of falls and hospital stays, and look-alikes that are not."""

import pytest

from caredesk.safety.screen import listed, screen


@pytest.mark.parametrize(
    ("lang", "text", "kinds"),
    [
        ("fr", "Mamie s'est cassé la figure en sortant du lit, direction les urg.", {"fall"}),
        ("fr", "Il s'est ramassé dans la douche, on l'a emmené à l'hosto.", {"fall", "hospital"}),
        ("fr", "Elle a pris une gamelle en sortant du lève-personne, passée au CHU.", {"fall"}),
        ("fr", "Il s'est vautré dans l'escalier, le 15 est venu.", {"fall", "hospital"}),
        ("de", "Oma ist aus dem Bett hingeflogen, die Rettung hat sie mitgenommen.", {"fall"}),
        ("de", "Hat ihn beim Umsetzen hingehauen, jetzt liegt er im Spital.", {"fall", "hospital"}),
        ("de", "Wir mussten heute Nacht den Sanka rufen.", {"hospital"}),
        ("fr", "Elle est partie en avant en se levant, le nez en sang.", {"fall", "injury"}),
        ("fr", "Il a raté la marche du lit médicalisé, cheville enflée.", {"fall", "injury"}),
        ("fr", "Il a perdu l'équilibre au lève-personne, bosse à la tête.", {"fall", "injury"}),
        ("fr", "Elle s'est pris les pieds dans le tuyau, genou écorché.", {"fall", "injury"}),
        ("de", "Er ist aus dem Pflegebett gekippt, auf den Notfall, 3 Stiche.", {"fall", "injury"}),
    ],
)
def test_slang_falls_and_stays_are_found_and_flagged(lang, text, kinds):
    assert kinds <= set(listed(text, lang=lang).kinds)
    assert screen(text, lang=lang).flagged


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("fr", "Le rendez-vous de contrôle est le 15, merci de confirmer."),
        ("fr", "Le nouveau capteur est en observation chez nous jusqu'au 15 décembre."),
        ("de", "Die Rettung der alten Messdaten hat geklappt, danke!"),
        ("de", "Das Angebot hat mich echt hingehauen, so günstig!"),
        ("de", "Bestellnummer 144-22 fehlt noch in der Lieferung."),
        ("de", "Im Notfall rufe ich dann die Hotline an, oder?"),
        ("fr", "Le projet est parti en avant toute, merci pour la démo."),
        ("fr", "Je suis parti en avance pour le rendez-vous, la visio a bien marché."),
    ],
)
def test_look_alikes_of_slang_falls_and_stays_are_not_found(lang, text):
    assert listed(text, lang=lang).outcome == "none"
