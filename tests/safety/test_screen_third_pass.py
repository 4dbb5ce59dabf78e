"""The screen's third pass: concept families written per language from general knowledge of
clinical shorthand, voice-to-text notes and lay wording, and senses that are not harm.

Every sentence here was written for this file; none is copied from a labelled set.
"""

import pytest

from caredesk.safety import screen

EVENTS = [
    # A fall due to something is a fall, not a payment that fell due.
    ("en", "She had a fall due to the bed rail giving way and cut her arm.", "fall"),
    # A device that overheated and then froze is not an app that froze.
    ("en", "The tablet overheated and froze during the visit.", "overheating"),
    ("es", "La tablet se recalentó y se colgó en plena consulta.", "overheating"),
    # A heart attack that happened is not the idiom "nearly gave me a heart attack".
    ("es", "A mi padre le dio un infarto durante la videoconsulta.", "injury"),
    ("de", "Mein Vater hat während der Videosprechstunde einen Herzinfarkt bekommen.", "injury"),
    ("fr", "Mon père a fait un infarctus pendant la téléconsultation.", "injury"),
    # Sparks from a device are sparks; only a person "que echa chispas" is angry.
    ("es", "El cargador echaba chispas y olía a quemado cuando lo desenchufé.", "smoke_fire"),
    # Laughing is an idiom; a fright from a shock is still a shock.
    ("de", "Das TENS-Gerät hat mir einen Schlag versetzt, ich bin zu Tode erschrocken.", "shock"),
    # A death on a call is not a call that died.
    ("de", "In der Videosprechstunde ist uns die Patientin gestorben, kein Alarm vom Monitor.",
     "death"),
    # Cyanosis and oxygen shorthand.
    ("en", "Resident looked bluish around the mouth this morning after the concentrator stopped.",
     "breathing"),
    ("en", "Pt desatted to 82% overnight while on the home vent.", "breathing"),
    ("es", "Cuando entré tenía los labios medio morados y el concentrador estaba apagado.",
     "breathing"),
    ("fr", "Ce matin il avait les lèvres bleutées, le concentrateur était éteint.", "breathing"),
    ("de", "Heute früh war er blau angelaufen, das Beatmungsgerät war aus.", "breathing"),
    # A progressive choking verb after a negated one, with no punctuation.
    ("es", "el aparato no arrancaba y mi abuelo se estaba asfixiando vengan rapido", "breathing"),
    ("fr", "la machine ne marchait pas elle était en train de s'étouffer rappelez moi",
     "breathing"),
    ("de", "das geraet ging nicht an er war am ersticken bitte zurueckrufen", "breathing"),
    # Clinical shorthand.
    ("en", "Pt s/p fall from the lift sling at 14:00, skin tear to forearm.", "fall"),
    ("en", "Resident found down next to the bed with LOC.", "unconscious"),
    ("en", "Pt collapsed in the waiting room +LOC, vitals stable now.", "unconscious"),
    # An alarm that stayed silent.
    ("en", "The oximeter lost the signal overnight, no alarm at all.", "alarm_failure"),
    ("es", "Se desconectó el circuito y ni un pitido del equipo.", "alarm_failure"),
    ("fr", "Le circuit s'est débranché et pas un seul bip de l'appareil.", "alarm_failure"),
    ("de", "Der Schlauch war ab und kein einziger Piepton vom Gerät.", "alarm_failure"),
    # A dose delivered twice.
    ("es", "La bomba administró la dosis dos veces seguidas esta mañana.", "wrong_dose"),
    ("fr", "La pompe a envoyé le bolus deux fois à une minute d'écart.", "wrong_dose"),
    ("de", "Die Pumpe hat den Bolus zweimal abgegeben, kurz hintereinander.", "wrong_dose"),
    ("de", "Die Rate 1,5 IE/h wurde als 15,0 IE/h übernommen.", "wrong_dose"),
    # Surprise is not a shock, but a shock from a device still is.
    ("en", "My mother was shocked by the heating pad when she unplugged it.", "shock"),
    ("de", "Das Heizkissen hat mich beim Einstecken geschockt.", "shock"),
    # Hospital admission wording.
    ("de", "Der Notarzt kam, danach stationäre Aufnahme zur Beobachtung.", "hospital"),
]  # fmt: skip

POSSIBLE = [
    # A dose in the history nobody remembers giving.
    ("en", "The log shows a 6u bolus at midnight that we don't remember giving.", "wrong_dose"),
    ("es", "Aparece una dosis de 4 unidades que no recuerdo haber puesto.", "wrong_dose"),
    ("fr", "Il y a une dose de 5 unités que je ne me souviens pas d'avoir faite.", "wrong_dose"),
    ("de", "Im Verlauf steht ein Bolus von 3 Einheiten, an den ich mich nicht erinnern kann.",
     "wrong_dose"),
    # Surprise is not a shock, but being shocked by touching a device still counts.
    ("en", "She was shocked when she touched the plug of the heating pad.", "shock"),
    # A low glucose value.
    ("en", "His BG was 41 when the carer checked it.", "wrong_dose"),
    ("es", "A la noche bajó a 38 y le dimos azúcar.", "wrong_dose"),
    ("de", "Der BZ lag bei 35 am Morgen.", "wrong_dose"),
    # Shortness of breath in lay and clinical wording.
    ("en", "Since the new tubing she says she can't get enough air at night.", "breathing"),
    ("es", "Dice que con la mascarilla nueva no le llega suficiente aire.", "breathing"),
    ("fr", "Avec le nouveau masque il dit qu'il manque d'air la nuit.", "breathing"),
    ("de", "Mit der neuen Maske hat sie nachts Atemnot.", "breathing"),
    # Data that may belong to someone else, asked as a question.
    ("en", "There is a weight entry from Sunday, could it be someone else's?",
     "wrong_patient_data"),
    ("es", "Hay una presión del domingo en mi app, ¿puede ser de otra persona?",
     "wrong_patient_data"),
    ("fr", "Une glycémie de dimanche apparaît, est-ce que c'est celle de quelqu'un d'autre ?",
     "wrong_patient_data"),
    ("de", "Da ist ein Gewicht vom Sonntag, kann das von jemand anderem sein?",
     "wrong_patient_data"),
]  # fmt: skip

NOT_HARM = [
    # A fright told as a heart attack, an app fired up, a rollout given the go-ahead.
    ("en", "The bill for the sensors almost gave me a heart attack, is that the right price?"),
    ("es", "Casi me da un infarto con la factura, ¿es correcto ese importe?"),
    ("fr", "J'ai failli faire une crise cardiaque en voyant la facture, c'est bien le bon montant ?"),
    ("de", "Bei der Rechnung hab ich fast einen Herzinfarkt bekommen, stimmt der Betrag?"),
    ("en", "Fired up the tablet this morning and it asks me to log in again."),
    # An app that keeps crashing has not failed to stop.
    ("en", "Since Tuesday the tablet app keeps crashing whenever I open my messages."),
    ("es", "Desde el martes la aplicación se sigue colgando cuando abro los mensajes."),
    ("fr", "Depuis mardi l'application continue de planter dès que j'ouvre mes messages."),
    # Something that happened twice is not a double dose.
    ("en", "The picture froze twice during this morning's visit, then the call was fine."),
    ("en", "I got logged out of the portal twice today and my results page will not load."),
    ("en", "The reminder went off twice at 8am, is that a setting?"),
    ("es", "La videollamada se congeló dos veces esta mañana y el portal no carga mis resultados."),
    ("fr", "La visio a figé deux fois ce matin et le portail ne charge pas mes résultats."),
    ("de", "Das Video ist heute früh zweimal eingefroren, und das Portal lädt meine Befunde nicht."),
    ("en", "The second instalment for the rental fell due last week, can I pay it by card?"),
    ("es", "Le di fire up a la tablet y me pide otra vez la contraseña."),
    ("de", "Feuer frei für die Schulung am Donnerstag, alle Geräte sind geladen."),
    # A call that died, toast under a smoke alarm, a hot topic, an all-clear list.
    ("de", "Der Videocall ist uns gestern zweimal abgestorben, liegt das am Router?"),
    ("en", "The hallway smoke detector beeped because of burned toast in the staff kitchen."),
    ("es", "La receta electrónica es el asunto más caliente de la reunión de mañana."),
    ("es", "Después de la sesión no pica, no quema, todo normal. ¿Cada cuánto cambio los electrodos?"),
    # Money and feelings.
    ("en", "We were honestly shocked at the renewal quote."),
    ("en", "The new price of $240 a year on a pension, it really hurts."),
    ("en", "The price change came as a shock to our office manager."),
    ("de", "Wir waren total schockiert über die neue Gebühr."),
    ("de", "Die Lizenz kostet jetzt 300 € statt 120 € im Jahr."),
    # Billing codes in claims.
    ("en", "Two claims with codes S42.001A and W19 were denied by the payer."),
    ("es", "La aseguradora rechazó las facturas con los códigos S52.5 y W10."),
    # Things, not people.
    ("en", "The scale is completely dead, new batteries did nothing."),
    ("en", "The sensor strap slipped a little when he turned over, readings are fine."),
    ("en", "The box arrived crushed but the meter inside works."),
    ("es", "El paquete llegó todo aplastado pero el monitor funciona."),
    ("es", "La entrada está muy resbalosa, que el repartidor deje la caja en el portón."),
    ("fr", "Le colis est arrivé tout écrasé, l'appareil fonctionne quand même."),
    ("de", "Der Karton kam völlig zerdrückt an, das Gerät geht aber."),
    ("de", "Der Weg ist sehr glatt, bitte das Paket beim Nachbarn abgeben."),
    # Idioms, rating questions and all-clear lists.
    ("fr", "Toute l'équipe est tout feu tout flamme pour la nouvelle version."),
    ("fr", "Quelle est la température maximale du boîtier avant déformation ?"),
    ("en", "What is the maximum weight the rail takes before it bends?"),
    ("de", "Gibt es bei Überhitzung des Netzteils eine Abschaltung?"),
    ("en", "No smoke, no smell, no alarm, the fan is just noisy."),
    ("fr", "Pas de fumée, pas d'odeur, pas d'alarme, juste un cliquetis."),
    ("de", "Beim Aufbauen hat sich zum Glück niemand verletzt, nur der Karton ist hin."),
    # Idioms of tiredness, fright, anger and laughter.
    ("en", "I am dead on my feet after the night shift, could you call me back tomorrow?"),
    ("en", "Jumped out of my skin when the reminder chimed in the middle of the film."),
    ("es", "La gerente está que echa chispas por el retraso del pedido, ¿hay fecha de entrega?"),
    ("fr", "Mon cœur a fait un bond quand la tablette a sonné pour le rappel du rendez-vous."),
    ("de", "Der Chatbot hat mich Frau Sensor genannt, ich lach mich tot."),
    ("de", "Hab mich zu Tode erschrocken, als der Erinnerungston kam, war aber nur der Termin."),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text", "kind"), EVENTS)
def test_third_pass_harm_families_are_events(lang, text, kind):
    finding = screen(text, lang=lang)
    assert finding.outcome == "event", (lang, text)
    assert kind in finding.kinds


@pytest.mark.parametrize(("lang", "text", "kind"), POSSIBLE)
def test_third_pass_unsure_signs_are_flagged_for_review(lang, text, kind):
    finding = screen(text, lang=lang)
    assert finding.flagged, (lang, text)
    assert kind in finding.kinds


@pytest.mark.parametrize(("lang", "text"), NOT_HARM)
def test_third_pass_senses_that_are_not_harm_are_not_flagged(lang, text):
    assert screen(text, lang=lang).outcome == "none", (lang, text)


def test_a_forwarded_message_is_screened_not_its_header():
    text = (
        "---------- Forwarded message ---------\n"
        "From: Clinic Nurse <nurse@clinic.example>\n"
        "Subject: pump question\n"
        "\n"
        "Please escalate: the patient was admitted to hospital overnight after the pump "
        "delivered a double dose.\n"
        "\n"
        "On Monday, Support wrote:\n"
        "Nothing serious, just a how-to question about basal profiles."
    )
    finding = screen(text)
    assert finding.outcome == "event"
    assert {"hospital", "wrong_dose"} <= set(finding.kinds)


def test_a_hypothetical_about_someone_elses_data_is_not_flagged():
    text = "In case a reading ever belonged to someone else, what would you do?"
    assert screen(text, lang="en").outcome == "none"


SOMEONE_ELSES_THINGS = [
    ("en", "I borrowed someone else's charger for the night."),
    ("es", "El cable es de otro equipo, no del monitor."),
    ("de", "Jemand anderes aus der Praxis ruft Sie morgen an."),
    ("en", "I used my sister's charger overnight, mine is lost."),
    ("en", "Can my husband use my login to book his own visit?"),
    ("en", "My son borrowed his grandad's tablet for the video call."),
    ("es", "Uso el cargador de mi hermana mientras llega el nuevo."),
    ("fr", "J'ai emprunté le chargeur de ma voisine en attendant le mien."),
    ("de", "Ich lade das Gerät mit dem Kabel meines Mannes, meins ist kaputt."),
    ("en", "Is it fine to use someone else's charger for the pump tonight?"),
    ("es", "Mientras tanto cargo el monitor con el cargador de otra persona."),
    ("fr", "En attendant je charge la pompe avec le chargeur de quelqu'un d'autre."),
    ("de", "Bis dahin lade ich mit dem Ladekabel von jemand anderem."),
]


@pytest.mark.parametrize(("lang", "text"), SOMEONE_ELSES_THINGS)
def test_someone_elses_things_are_not_anothers_data(lang, text):
    assert screen(text, lang=lang).outcome == "none"


@pytest.mark.parametrize(
    "text", ["Hi", "Hello?", "?", "Back again", "One more thing", "Urgent", "See attached", "Hola"]
)
def test_a_reply_too_short_to_read_is_not_flagged_by_the_model(text):
    assert screen(text).outcome == "none"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "She fainted."),
        ("es", "Se desmayó."),
        ("de", "Er ist gestürzt."),
        ("fr", "Il est tombé."),
    ],
)
def test_a_short_report_the_word_lists_know_is_still_flagged(lang, text):
    assert screen(text, lang=lang).flagged


def test_a_mail_that_opens_with_its_own_header_is_read():
    text = (
        "From: Night pharmacist, Alderbrook Pharmacy\n"
        "Subject: Wrong label on a refill\n\n"
        "The patient took the double dose printed on the label and was admitted overnight.\n"
    )
    finding = screen(text, lang="en")
    assert finding.outcome == "event"
    assert {"wrong_dose", "hospital"} & set(finding.kinds)


def test_a_pasted_transcript_of_quoted_lines_is_read():
    harm = ">> agent: What happened?\n>> user: the heating pad blistered her leg last night"
    plain = ">> user: where is my order\n>> agent: It shipped yesterday, tracking to follow"
    assert screen(harm, lang="en").flagged
    assert screen(plain, lang="en").outcome == "none"
