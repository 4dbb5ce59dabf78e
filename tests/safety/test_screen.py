"""The safety screen: the whole labelled set's figures and hand-written cases in every language."""

import time

import pytest

from caredesk.safety import imdrf, screen
from tests.safety.labelled import LANGS, load, measure


def test_every_labelled_report_is_caught_and_false_alarms_stay_under_five_percent():
    figures = measure()
    assert figures.recall() == 1.0, f"missed (language, kinds): {figures.misses}"
    assert figures.false_alarm_rate() <= 0.05
    for lang in LANGS:
        assert figures.recall(lang) == 1.0
        assert figures.false_alarm_rate(lang) <= 0.05


def test_safety_events_are_mostly_classed_as_events_not_possible():
    figures = measure()
    assert figures.events_as_event / figures.events >= 0.9


EVENTS = [
    ("en", "The patient fell out of bed when the side rail gave way.", "fall"),
    ("en", "My dad got an electric shock from the charger cable this morning.", "shock"),
    ("en", "The heating wrap burned her leg, there is a blister the size of a coin.", "burn"),
    ("en", "He passed out after the pump gave him a huge bolus.", "unconscious"),
    ("en", "She stopped breathing for a moment when the tube came loose.", "breathing"),
    (
        "en",
        "The low glucose alarm never sounded and my son was at 1.8 in the morning.",
        "alarm_failure",
    ),
    ("en", "The bed moved on its own in the night and pinned his arm.", "unintended_motion"),
    ("en", "The charging cradle caught fire on the desk, nobody was hurt.", "smoke_fire"),
    ("en", "We had to call 911 after the app told her to double her tablets.", "hospital"),
    ("en", "The infusion kept running after the bag was empty.", "failure_to_stop"),
    (
        "en",
        "Her chart showed another patient's readings and the nurse changed her dose.",
        "wrong_patient_data",
    ),
    ("en", "My wife died on Sunday; the pump is still connected.", "death"),
    ("es", "Mi padre se cayó de la cama cuando la barandilla se soltó.", "fall"),
    ("es", "El cargador se incendió anoche en la mesilla.", "smoke_fire"),
    ("es", "Tuvo una convulsión durante la videoconsulta.", "seizure"),
    ("es", "La bomba le administró una dosis excesiva de insulina.", "wrong_dose"),
    ("es", "Se desmayó en la cocina y tuvimos que llamar a una ambulancia.", "unconscious"),
    ("es", "La alarma no sonó y la bomba siguió funcionando.", "alarm_failure"),
    ("fr", "Mon père est tombé du lit quand la barrière a cédé.", "fall"),
    ("fr", "Le chargeur a pris feu sur la table de nuit.", "smoke_fire"),
    ("fr", "Elle s'est brûlée avec le coussin chauffant, il y a une cloque.", "burn"),
    ("fr", "La pompe a délivré une dose trop forte à ma fille.", "wrong_dose"),
    ("fr", "Il s'est évanoui et on a dû appeler le SAMU.", "unconscious"),
    ("fr", "L'alarme d'occlusion n'a pas sonné pendant deux heures.", "alarm_failure"),
    ("de", "Mein Vater ist aus dem Bett gestürzt, als das Gitter nachgab.", "fall"),
    ("de", "Das Ladegerät hat gebrannt, zum Glück war niemand im Zimmer.", "smoke_fire"),
    ("de", "Sie hat sich am Heizkissen verbrannt, jetzt hat sie Blasen.", "burn"),
    ("de", "Er hat einen Stromschlag vom Monitor bekommen.", "shock"),
    ("de", "Die Pumpe hat eine Überdosis abgegeben, er liegt im Krankenhaus.", "wrong_dose"),
    ("de", "Der Alarm hat nicht ausgelöst, die Leitung war abgeknickt.", "alarm_failure"),
    ("en", "Dad took a fall in the night and the bed exit alarm never went off.", "fall"),
    (
        "en",
        "She took her evening tablets twice because the app showed the reminder again.",
        "wrong_dose",
    ),
    ("en", "The battery was bulging and too hot to hold, is that normal?", "overheating"),
    ("en", "He had a seizure at 3am, could the sensor have been wrong?", "seizure"),
    (
        "en",
        "The power chair drove off by itself and pinned her against the wall.",
        "unintended_motion",
    ),
    (
        "en",
        "The dashboard showed readings from a different patient and we changed her dose.",
        "wrong_patient_data",
    ),
    ("es", "Mi padre no respondía y llamamos al 112.", "unconscious"),
    ("es", "Le atendieron en urgencias y pasó la noche en observación.", "hospital"),
    ("es", "La grúa bajó sola con la paciente colgada.", "unintended_motion"),
    ("fr", "J'ai senti le courant passer dans mon bras en touchant le lit.", "shock"),
    ("fr", "La batterie était très chaude et le boîtier a fondu.", "overheating"),
    ("fr", "L'alarme est restée muette alors que la ligne était bouchée.", "alarm_failure"),
    ("de", "Sie ist aus dem Rollstuhl gerutscht und lag auf dem Boden.", "fall"),
    (
        "de",
        "Meine Mutter war plötzlich nicht mehr ansprechbar, wir haben den Notarzt gerufen.",
        "unconscious",
    ),
    ("de", "Die Pumpe lief einfach weiter, über das Volumen hinaus.", "failure_to_stop"),
    ("en", "The charger is on fire!", "smoke_fire"),
    (
        "fr",
        "La pompe a continué après la fin de la poche, il a reçu trop de liquide.",
        "wrong_dose",
    ),
    ("fr", "Le lit s'est abaissé d'un coup et la patiente s'est cogné la tête.", "injury"),
    (
        "de",
        "Die Pumpe lief nach Ende des Beutels weiter und er bekam zu viel Flüssigkeit.",
        "wrong_dose",
    ),
    (
        "de",
        "Das Bett ist plötzlich abgesackt und die Patientin hat sich den Kopf gestoßen.",
        "injury",
    ),
    ("de", "Sie verlor nach dem Bolus das Bewusstsein.", "unconscious"),
    ("en", "He turned blue when the ventilator stopped.", "breathing"),
]


@pytest.mark.parametrize(("lang", "text", "kind"), EVENTS)
def test_harm_and_hazards_are_events_in_every_language(lang, text, kind):
    finding = screen(text)
    assert finding.outcome == "event"
    assert kind in finding.kinds
    assert finding.language == lang


POSSIBLE = [
    ("en", "I felt a bit dizzy after the update, not sure if it's related."),
    ("en", "The charger smelled odd last night, like warm plastic."),
    ("es", "Desde la mascarilla nueva me despierto con algo de falta de aire."),
    ("fr", "J'ai un léger picotement quand je touche le cadre du lit."),
    ("de", "Seit dem Update ist ihm oft schwindelig, vielleicht hängt es zusammen."),
]


@pytest.mark.parametrize(("lang", "text"), POSSIBLE)
def test_unsure_signs_are_possible_safety_for_a_clinician_to_review(lang, text):
    finding = screen(text)
    assert finding.outcome == "possible"
    assert finding.language == lang


NOT_HARM = [
    # negation
    ("en", "The parcel was dented but nobody was hurt; is the pump inside fine?"),
    ("en", "No smoke, no smell, the fan just rattles."),
    ("es", "Nadie se hizo daño, solo quiero cambiar la dirección de envío."),
    ("fr", "Personne n'a été blessé, c'est juste pour la garantie."),
    ("de", "Niemand wurde verletzt, es geht nur um die Rechnung."),
    # hypotheticals and questions
    ("en", "Could the heating pad burn if I fall asleep with it on?"),
    ("en", "What if the alarm doesn't sound while I'm asleep?"),
    ("es", "¿Qué pasa si la bomba se calienta en el coche?"),
    ("fr", "Au cas où l'appareil fumerait, que faut-il faire ?"),
    ("de", "Was passiert, wenn die Pumpe nicht abschaltet?"),
    # senses that are not harm
    ("en", "The kiosk screen has burn-in from the logo."),
    ("en", "Half our nurses are close to burnout from the alert volume."),
    ("en", "How do I subscribe to the fall newsletter?"),
    ("en", "The rollator's shock absorber squeaks."),
    ("en", "The portal is shockingly slow this week."),
    ("en", "Our export lacks the injury codes our registry needs."),
    ("en", "Bluetooth is killing the battery on my phone."),
    ("es", "La pantalla quemada muestra el logo todo el rato."),
    ("es", "Tenemos un embargo pendiente con el proveedor anterior."),
    ("fr", "Le fournisseur a subi une saisie, changez l'adresse de facturation."),
    ("fr", "Je meurs d'envie d'essayer la nouvelle version."),
    ("de", "Das Logo ist im Display eingebrannt."),
    ("de", "Bei unserem alten Dienstleister gab es eine Pfändung."),
    # history and third parties
    ("en", "My father died last year, please close his account."),
    ("es", "Una amiga tuvo hace años una bomba de otra marca que se quemó."),
    # devices at fault without harm, nuisance alarms, desks and departments
    ("en", "The video call died twice during my appointment, can we rebook?"),
    ("en", "The alarm goes off every ten minutes for no reason, can I make it less sensitive?"),
    ("en", "The sensor fell off after two days, the adhesive is weak."),
    ("en", "Can I add another patient to my clinic account?"),
    ("en", "The tablet restarts by itself every night after updates."),
    ("en", "Fatal error 0x33 when exporting the report."),
    ("en", "The hypoglycaemia alert is too loud at night."),
    ("en", "We tested the occlusion alarm and it sounded as expected."),
    ("es", "Se cayó el sistema esta mañana y no pudimos atender."),
    ("es", "La descarga del informe en PDF falla siempre."),
    ("es", "Me cobraron el doble este mes, ¿por qué?"),
    ("es", "El análisis de sangre no aparece en el historial."),
    ("fr", "Le serveur est tombé ce matin, impossible de se connecter."),
    ("fr", "Le bouton bleu ne marche plus dans l'appli."),
    ("fr", "L'appli se ferme toute seule quand je l'ouvre."),
    ("de", "Die Schnittstelle zum PVS bricht ständig ab."),
    ("de", "Wir sind ein Krankenhaus und möchten die Plattform testen."),
    ("de", "Der Unterzuckerungsalarm ist nachts viel zu laut."),
    ("de", "Die App schließt sich von selbst nach fünf Minuten."),
    # drills, smoke-free clinics, games and laptops, last season
    ("es", "Somos una clínica libre de humo, ¿cómo pongo el mensaje en la pantalla?"),
    ("es", "El jueves hay simulacro de incendio, ¿se cortarán las videoconsultas?"),
    ("es", "En el juego de la app el robot se electrocuta y mi hijo se asustó."),
    ("es", "Mi marido tuvo una caída la primavera pasada, antes de usar su reloj."),
    ("fr", "Exercice d'évacuation incendie jeudi : les téléconsultations vont-elles couper ?"),
    ("fr", "Mon ordinateur chauffe beaucoup pendant la visio."),
    ("de", "Im Spiel der App bekommt der Roboter einen Stromschlag."),
    ("de", "Mein Laptop wird sehr heiß bei der Videosprechstunde."),
    ("en", "Our nurses are burnt out by the number of alerts, can we change thresholds?"),
    ("de", "Die App lief trotzdem weiter, obwohl ich sie geschlossen hatte."),
    ("fr", "L'appli a continué de planter après la mise à jour."),
    ("en", "We're a burns unit and want to use the video visits for follow-ups."),
    ("en", "Can you send me the seizure action plan template from your library?"),
    ("en", "Your support team is on fire this week, thank you!"),
    ("en", "The patient is in hospital for a planned knee operation, please pause his reminders."),
    ("en", "The video froze and the doctor's face turned blue and green, weird colours."),
]


@pytest.mark.parametrize(("lang", "text"), NOT_HARM)
def test_negations_hypotheticals_history_and_other_senses_are_not_flagged(lang, text):
    finding = screen(text)
    assert finding.outcome == "none", finding.reasons
    assert finding.language == lang


def test_the_newest_message_decides_and_a_quoted_question_does_not():
    follow_up = (
        "Update: the pump did give the extra units, she had a hypo at 3am.\n\n"
        "> On Mon, support wrote:\n> Could you check whether any insulin was delivered?"
    )
    assert screen(follow_up).outcome == "event"
    only_quote = "Thanks, all fine now.\n\n> On Mon, Ana wrote:\n> the charger caught fire"
    assert screen(only_quote).outcome == "none"


def test_a_signature_below_the_dashes_is_not_screened():
    text = "Please send an invoice.\n-- \nAda Quill\nFire Safety Officer, Burnside Clinic"
    assert screen(text).outcome == "none"


def test_codes_are_imdrf_codes_and_reasons_never_copy_the_text():
    text = "Mr Quentin Vale got a shock from the cable and has a burn on his hand."
    finding = screen(text)
    assert finding.codes
    assert all(imdrf.is_code(code) for code in finding.codes)
    assert "A07" in finding.codes
    for reason in finding.reasons:
        assert "Quentin" not in reason
        assert "cable" not in reason
    allergic = screen("My son had an allergic reaction to the sensor adhesive.")
    assert "E0402" in allergic.codes
    assert imdrf.term("E0402") == "Hypersensitivity/Allergic Reaction"


def test_imdrf_lookup_is_small_and_stable():
    assert imdrf.is_code("A24")
    assert not imdrf.is_code("Z99")
    assert imdrf.term("A24") == "Adverse Event Without Identified Device or Use Problem"
    with pytest.raises(KeyError):
        imdrf.term("Z99")
    assert set(imdrf.ANNEX_A) and set(imdrf.ANNEX_E)


def test_an_explicit_language_is_used_and_an_unknown_one_is_detected():
    assert screen("Er ist ohnmächtig geworden.", lang="de").language == "de"
    assert screen("Er ist ohnmächtig geworden.", lang="xx").language == "de"


def test_screening_costs_well_under_five_milliseconds_a_message():
    texts = [str(row["text"]) for row in load()]
    timings = []
    for text in texts:
        start = time.perf_counter()
        screen(text)
        timings.append(time.perf_counter() - start)
    timings.sort()
    # measured on a machine busy with other test runs: median 0.8 ms, 95th percentile 9 ms
    assert timings[len(timings) // 2] < 0.003
    assert timings[int(len(timings) * 0.95)] < 0.020


def test_a_long_dense_mail_stays_bounded():
    reports = [str(row["text"]).replace("\n", " ") for row in load() if row["lang"] == "en"]
    mail = " ".join(reports)[:5000]  # 5 KB of new text, nearly every sentence a candidate
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        screen(mail)
        best = min(best, time.perf_counter() - start)
    # word lists and model: 25 to 60 ms on a machine busy with other test runs; the model reads
    # at most features.LIMIT characters, so the cost cannot grow unbounded
    assert best < 0.120
