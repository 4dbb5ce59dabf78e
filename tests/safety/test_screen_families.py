"""Word families, compounds, inflections and context, written per language and kind.

These cases were written from each language's grammar, not copied from the labelled reports:
verbs in other persons and tenses, feminine and plural forms, unaccented spellings, German
compounds, Spanish and French clitics and elisions, and hard negatives.
"""

import pytest

from caredesk.safety import screen

FLAGGED = [
    # English
    ("en", "My grandson scalded his wrist on the humidifier chamber.", "burn"),
    ("en", "Mum keeled over in the bathroom while the monitor was on.", "unconscious"),
    ("en", "The hoist lowered itself unexpectedly and trapped her leg.", "unintended_motion"),
    ("en", "Sparks came out of the docking station when I plugged it in.", "smoke_fire"),
    ("en", "Baby was gasping and the apnoea monitor stayed silent.", "breathing"),
    ("en", "He's been hospitalised since Tuesday after the pump overdelivered.", "hospital"),
    ("en", "The TENS unit jolted her so hard she dropped her cup.", "shock"),
    ("en", "My husband tumbled down the stairs when the walker's brake slipped.", "fall"),
    ("en", "Her lips swelled up an hour after the new patch went on.", "allergic_reaction"),
    ("en", "The compression sleeve wouldn't deflate and her arm went numb.", "failure_to_stop"),
    ("en", "The occlusion alarm never beeped and the line was blocked for hours.", "alarm_failure"),
    ("en", "We dosed him from somebody else's readings on the dashboard.", "wrong_patient_data"),
    # Spanish
    ("es", "Mi hija se quemó la mano con la almohadilla térmica.", "burn"),
    ("es", "Al tocar la cama me dio la corriente en el brazo.", "shock"),
    ("es", "Mi madre se resbaló al bajar de la grúa.", "fall"),
    ("es", "El paciente convulsionaba durante la videoconsulta.", "seizure"),
    ("es", "Se desmayaron los dos al mismo tiempo, no sé qué pasó.", "unconscious"),
    ("es", "El cargador echó humo y olía a quemado.", "smoke_fire"),
    ("es", "La bomba siguió infundiendo con la bolsa vacía.", "failure_to_stop"),
    ("es", "Lo ingresaron en la UCI anoche por una hipoglucemia.", "hospital"),
    ("es", "Mi abuelo falleció el domingo con la bomba puesta.", "death"),
    ("es", "Le salió un sarpullido en todo el brazo donde va el sensor.", "allergic_reaction"),
    ("es", "La batería estaba tan caliente que no se podía tocar.", "overheating"),
    # French
    ("fr", "Ma fille s'est ébouillantée avec l'humidificateur.", "burn"),
    ("fr", "J'ai pris une décharge en branchant le moniteur.", "shock"),
    ("fr", "Mon mari a glissé en sortant du lit et s'est cassé le poignet.", "fall"),
    ("fr", "Elle a fait un malaise pendant la téléconsultation.", "unconscious"),
    ("fr", "Il a convulsé deux fois cette nuit.", "seizure"),
    ("fr", "Le chargeur a dégagé une fumée noire.", "smoke_fire"),
    ("fr", "Elle est hospitalisée depuis hier soir.", "hospital"),
    ("fr", "La pompe a administré une dose double à mon fils.", "wrong_dose"),
    ("fr", "Des plaques rouges sont apparues sous l'électrode.", "allergic_reaction"),
    ("fr", "Le lit est monté tout seul pendant la nuit.", "unintended_motion"),
    ("fr", "Mon père est décédé samedi, il portait encore le capteur.", "death"),
    # German
    ("de", "Sie hat eine Hautverbrennung am Oberschenkel vom Heizkissen.", "burn"),
    ("de", "Er hat beim Einstecken einen Stromschlag abbekommen.", "shock"),
    ("de", "Meine Mutter ist im Bad gestolpert und hingefallen.", "fall"),
    ("de", "Nach dem Bolus wurde er bewusstlos.", "unconscious"),
    ("de", "Sie hatte heute Nacht einen Krampfanfall.", "seizure"),
    ("de", "Wir mussten den Rettungswagen rufen, jetzt ist sie in der Notaufnahme.", "hospital"),
    ("de", "Das Netzteil hat gequalmt und es roch verschmort.", "smoke_fire"),
    ("de", "Der Akku ist überhitzt und hat sich aufgebläht.", "overheating"),
    ("de", "Die Pumpe hat eine Überdosis Insulin abgegeben.", "wrong_dose"),
    ("de", "Der Lifter fuhr von selbst nach unten.", "unintended_motion"),
    ("de", "Der Okklusionsalarm hat nicht ausgelöst.", "alarm_failure"),
    ("de", "Im Portal standen die Werte eines anderen Patienten.", "wrong_patient_data"),
]


@pytest.mark.parametrize(("lang", "text", "kind"), FLAGGED)
def test_word_families_are_flagged_in_every_language(lang, text, kind):
    finding = screen(text)
    assert finding.flagged
    assert kind in finding.kinds, finding.reasons
    assert finding.language == lang


NONE = [
    # English
    ("en", "Nobody was hurt, the box was just crushed in transit."),
    ("en", "If the battery ever overheats, what should we do?"),
    ("en", "Please add a field for the patient's allergies to the intake form."),
    ("en", "Our fall prevention programme wants to use your hip sensors."),
    ("en", "The app keeps killing my phone's battery."),
    ("en", "The price of the sensors fell again, great news."),
    ("en", "Is it safe to shower with the patch, or could it cause a rash?"),
    # Spanish
    ("es", "No se ha quemado nada, solo pregunto por la garantía."),
    ("es", "¿Y si la batería se calienta demasiado en verano?"),
    ("es", "Se me cayó el móvil y se rompió la pantalla, ¿tienen fundas?"),
    ("es", "Los precios han caído, ¿me aplican el descuento?"),
    ("es", "Nadie resultó herido, la caja llegó abollada."),
    ("es", "En urgencias descartaron una sobredosis, era un virus."),
    # French
    ("fr", "Personne ne s'est blessé, le colis était juste abîmé."),
    ("fr", "Si jamais la batterie chauffe, que faut-il faire ?"),
    ("fr", "Les prix ont chuté, pouvez-vous revoir le devis ?"),
    ("fr", "La batterie du capteur est morte, je voudrais la remplacer."),
    ("fr", "J'ai fait tomber la tablette, l'écran est fêlé mais ça marche."),
    ("fr", "Je suis allergique aux formulaires administratifs."),
    # German
    ("de", "Verletzt wurde niemand, das Paket war nur eingedrückt."),
    ("de", "Was passiert, falls der Akku zu heiß wird?"),
    ("de", "Das Display ist eingebrannt, können Sie es tauschen?"),
    ("de", "Der Akku vom Sensor ist tot, wo bekomme ich Ersatz?"),
    ("de", "Die Preise sind gefallen, gilt das auch für uns?"),
    ("de", "Riecht nicht verbrannt, wird nicht heiß, nur laut."),
]


@pytest.mark.parametrize(("lang", "text"), NONE)
def test_hard_negatives_are_not_flagged(lang, text):
    finding = screen(text)
    assert finding.outcome == "none", finding.reasons
    assert finding.language == lang


def test_a_negation_never_swallows_a_second_real_event():
    assert "smoke_fire" in screen("No one was hurt but it caught fire.").kinds
    assert "burn" in screen("Nadie se cayó, pero se quemó la mano.").kinds
    assert "smoke_fire" in screen("Personne n'est tombé, mais le chargeur a pris feu.").kinds
    assert "burn" in screen("Gestürzt ist niemand, aber sie hat sich verbrannt.").kinds


# A second batch, written the same way after the word families were in place and measured
# before any change (37 of 40 flagged, 18 of 21 negatives kept; see docs/benchmarks.md).
MORE_FLAGGED = [
    # a fourth batch, after the third: unsure signs (10 of 12 flagged before any change)
    (
        "en",
        "Not sure it's the device, but since Monday he's had headaches and a tingling in his fingers after each session.",
    ),
    ("en", "Mum's been really confused since the new dose schedule, the GP is coming tomorrow."),
    ("en", "The charger felt hot and the plug looks slightly melted, nobody was hurt."),
    ("es", "No sé si tiene que ver, pero desde la actualización se marea al levantarse."),
    ("es", "El cargador olía raro, como a plástico caliente."),
    ("es", "Mi padre está en el hospital desde ayer, todavía no sabemos por qué."),
    ("fr", "Je ne sais pas si c'est lié, mais il a des vertiges depuis le nouveau réglage."),
    ("fr", "La peau est un peu rouge sous l'électrode, est-ce une brûlure ?"),
    ("fr", "Le lit a bougé tout seul cette nuit, heureusement personne n'était dessus."),
    (
        "de",
        "Ich weiß nicht, ob es daran liegt, aber seit dem Update ist mir oft übel und schwindlig.",
    ),
    ("de", "Unter dem Pflaster ist die Haut gerötet und juckt."),
    ("de", "Das Ladegerät wurde so heiß, dass man es nicht anfassen konnte."),
    # a third batch, after the senses that are not harm were widened (23 of 24 flagged before
    # any change)
    ("en", "Her heel got caught in the lift's footplate and it's badly swollen now."),
    (
        "en",
        "After the firmware update the pump gave him two boluses in a row and he needed juice and glucose tabs.",
    ),
    ("en", "The cuff kept squeezing tighter and left bruises on his arm."),
    ("en", "We smelled something burning and the adapter was black around the pins."),
    ("en", "My daughter's insulin pen delivered nothing and she ended up in DKA."),
    ("en", "The TENS pads left red raw marks that blistered overnight."),
    ("es", "Al quitarle el sensor le sangró bastante el brazo."),
    ("es", "Mi marido tropezó con el cable del concentrador y se golpeó la cabeza."),
    ("es", "La manta eléctrica se puso al rojo y chamuscó la sábana."),
    ("es", "Mi hijo tuvo una reacción alérgica al parche y se le cerró la garganta."),
    ("es", "La silla de ruedas arrancó sola y chocó contra la pared con mi madre."),
    ("es", "El desfibrilador dio una descarga sin motivo mientras estaba sentada."),
    ("fr", "Mon père a fait une chute en se levant du fauteuil releveur."),
    ("fr", "Le tensiomètre a serré si fort que son bras est couvert de bleus."),
    ("fr", "La prise a fait des étincelles et a noirci le mur."),
    ("fr", "Ma fille s'est étouffée avec un morceau de l'embout."),
    ("fr", "L'alarme de débranchement n'a rien signalé et il a passé la nuit sans ventilation."),
    ("fr", "Il a été admis en réanimation après l'hypoglycémie."),
    ("de", "Beim Abnehmen des Sensors hat es stark geblutet."),
    ("de", "Der Blutdruckmesser hat so fest zugedrückt, dass sie blaue Flecken hat."),
    ("de", "Die Steckdosenleiste hat Funken geschlagen und es roch nach Plastik."),
    ("de", "Meine Tochter hat sich an einem Teil vom Mundstück verschluckt und bekam kaum Luft."),
    ("de", "Das Bett hat sich nachts selbstständig hochgestellt und ihn eingeklemmt."),
    ("de", "Nach dem doppelten Bolus musste er mit Unterzucker in die Klinik."),
    ("en", "Grandad slipped getting off the bed and cracked a rib."),
    (
        "en",
        "The glucose meter read 250 and she injected 12 units, it turns out the strip was wrong and she went very low.",
    ),
    ("en", "My son was zapped by the pump charger when he unplugged it."),
    ("en", "She blacked out at the table and we called an ambulance."),
    ("en", "The infusion pump free-flowed the whole bag in ten minutes."),
    ("en", "Smoke was pouring out of the back of the concentrator."),
    ("en", "The mattress kept inflating and squeezed him against the rail."),
    ("en", "He choked on the mouthpiece and could not catch his breath."),
    ("en", "The monitor showed Mrs Ash's readings on my mother's profile."),
    ("en", "My wife passed away in her sleep last night while on the ventilator."),
    ("es", "Mi hermano se electrocutó al enchufar el monitor."),
    ("es", "La cama se levantó sola y le aplastó la mano."),
    ("es", "Se le hincharon los labios y tuvo que tomar un antihistamínico."),
    ("es", "Mi madre se ha caído en el baño y no se puede levantar."),
    ("es", "La bomba le puso el triple de insulina."),
    ("es", "El respirador se apagó y mi padre dejó de respirar."),
    ("es", "Le ha dado un ataque epiléptico durante la consulta."),
    ("es", "El concentrador empezó a echar chispas."),
    ("es", "La almohadilla le dejó la piel quemada y con ampollas."),
    ("es", "Nos llevaron a urgencias en ambulancia."),
    ("fr", "Ma mère a chuté dans la salle de bain."),
    ("fr", "Il s'est électrocuté en branchant le chargeur."),
    ("fr", "La pompe a délivré deux fois la dose prévue."),
    ("fr", "Mon fils a perdu connaissance pendant la séance."),
    ("fr", "Le capteur lui a provoqué une éruption sur tout le bras."),
    ("fr", "L'appareil a surchauffé et le boîtier est déformé."),
    ("fr", "Le lève-personne est descendu tout seul avec ma femme dessus."),
    ("fr", "Elle a été transportée à l'hôpital en urgence."),
    ("fr", "La perfusion ne s'est pas arrêtée à la fin du volume."),
    ("fr", "Ma grand-mère est morte dimanche, elle avait la pompe."),
    ("de", "Meine Frau ist gestern in der Dusche ausgerutscht."),
    ("de", "Der Patient hat eine Verbrühung am Arm vom Befeuchter."),
    ("de", "Das Kind hat einen elektrischen Schlag bekommen."),
    ("de", "Die Pumpe hat die dreifache Menge Insulin abgegeben."),
    ("de", "Er ist beim Frühstück umgekippt und war kurz bewusstlos."),
    ("de", "Unser Vater bekam keine Luft mehr, als die Maske verrutschte."),
    ("de", "Sie hatte einen epileptischen Anfall während des Videotermins."),
    ("de", "Aus dem Ladegerät kam Rauch und es hat Funken gesprüht."),
    ("de", "Der Rollstuhl fuhr von allein los und sie ist gestürzt."),
    ("de", "Mein Großvater ist letzte Nacht verstorben, die Pumpe lief noch."),
]


@pytest.mark.parametrize(("lang", "text"), MORE_FLAGGED)
def test_more_harm_in_other_words_is_flagged(lang, text):
    finding = screen(text)
    assert finding.flagged
    assert finding.language == lang


MORE_NONE = [
    # fourth batch, following the labelling rules' kinds of "none" (24 of 26 kept before any
    # change)
    (
        "en",
        "The alarm beeps every night at 2am even though everything is fine, can we change the threshold?",
    ),
    ("en", "The screen cracked when the box was dropped by the courier, the pump works."),
    ("en", "In 2019 my husband had a fall with a different walker, is this model more stable?"),
    ("en", "What should we do if the patient faints during a video visit?"),
    ("en", "The ER doctor said there was no overdose, we just need the pump log."),
    ("en", "The belt clip broke off, can you send a new one?"),
    ("en", "Please remove my late father's account, he died in March."),
    ("en", "The app froze and I had to force quit it."),
    ("es", "La alarma suena cada dos por tres sin motivo, ¿se puede bajar la sensibilidad?"),
    ("es", "¿Qué hago si el cargador se calienta mucho?"),
    ("es", "Ninguna herida, solo se rompió la tapa de la batería."),
    ("es", "Mi madre falleció el año pasado, quiero cancelar su suscripción."),
    ("es", "La videollamada se cortó tres veces, ¿me pueden devolver la consulta?"),
    ("es", "El clip del sensor se despegó, ¿me mandan otro?"),
    ("fr", "L'alarme sonne toutes les nuits pour rien, comment la régler ?"),
    ("fr", "Que faire si le capteur chauffe ?"),
    ("fr", "Aucune blessure, juste le boîtier fissuré après la livraison."),
    ("fr", "Mon mari est décédé l'an dernier, merci de fermer son compte."),
    ("fr", "L'application plante quand j'ouvre l'historique."),
    ("fr", "Le clip de la ceinture s'est cassé, pouvez-vous en envoyer un ?"),
    ("de", "Der Alarm piept jede Nacht ohne Grund, kann man die Schwelle ändern?"),
    ("de", "Was sollen wir tun, wenn das Gerät heiß wird?"),
    ("de", "Keine Verletzung, nur das Gehäuse hat einen Riss."),
    ("de", "Meine Mutter ist letztes Jahr verstorben, bitte kündigen Sie ihr Konto."),
    ("de", "Die App hängt sich beim Öffnen des Verlaufs auf."),
    ("de", "Der Gürtelclip ist abgebrochen, können Sie einen neuen schicken?"),
    # third batch (22 of 24 kept before any change)
    ("en", "Can you collapse the alerts panel by default? It takes up half the screen."),
    ("en", "Our clinic falls under the enterprise plan, please fix the invoice."),
    ("en", "The reminder fires twice when the patient has two devices."),
    ("en", "Smoking status is missing from the intake export."),
    ("en", "The mix-up with my shipping address is sorted now, thanks."),
    ("en", "Her appointment was moved to the hospital's outpatient building, where do we park?"),
    ("es", "¿Pueden quitar el número de emergencias del pie de página?"),
    ("es", "La cita cae en domingo, ¿la podemos mover?"),
    ("es", "Estamos ahogados de trabajo, ¿hay una forma más rápida de exportar?"),
    ("es", "La app no responde cuando abro el historial."),
    ("es", "Ingresé el pago ayer, ¿cuándo se activa la cuenta?"),
    ("es", "¿Me llamas mañana para configurar la bomba?"),
    ("fr", "Glissez votre doigt vers le haut pour ouvrir le menu."),
    ("fr", "J'ai signé la décharge pour la location de l'appareil."),
    ("fr", "Les boutons de l'application sont trop petits."),
    ("fr", "Ça tombe bien, je voulais justement vous écrire."),
    ("fr", "La visite dure 15 minutes, est-ce suffisant ?"),
    ("fr", "L'hôpital où je travaille voudrait un devis."),
    ("de", "Das ist eine Datenschutzverletzung, bitte löschen Sie meine Daten."),
    ("de", "Der Systemabsturz gestern hat alle Termine gelöscht."),
    ("de", "Die Entscheidung ist gefallen, wir nehmen das Jahresabo."),
    ("de", "Der Notrufknopf am Armband ist schwer zu drücken."),
    ("de", "Ich habe die beiden Passwörter verwechselt, jetzt bin ich gesperrt."),
    ("de", "Die Kosten sind explodiert, warum ist die Rechnung so hoch?"),
    ("en", "Nobody fainted, the video just froze for a minute."),
    ("en", "Could the patch cause a rash if worn for a week?"),
    ("en", "Our ER team would like a demo of the triage board."),
    ("en", "The battery died overnight, no heat, no smell."),
    ("en", "Is there a way to stop the fall reminders on Sundays?"),
    ("en", "I'm dying to know when the Android app ships."),
    ("es", "¿Podría quemar la piel si se deja toda la noche?"),
    ("es", "Nadie se desmayó, solo se cortó la videollamada."),
    ("es", "La batería del lector está muerta, ¿cómo la cambio?"),
    ("es", "Los precios de las tiras han bajado, ¿aplican el descuento?"),
    ("es", "Estamos quemados con tanto papeleo, ¿hay un formulario más corto?"),
    ("fr", "Est-ce que l'appareil peut surchauffer en plein soleil ?"),
    ("fr", "Personne ne s'est évanoui, la vidéo a juste gelé."),
    ("fr", "Je meurs d'envie de tester la nouvelle application."),
    ("fr", "La saisie des glycémies est trop lente sur la tablette."),
    ("fr", "Notre service des urgences veut tester la plateforme."),
    ("de", "Könnte das Heizkissen verbrennen, wenn man einschläft?"),
    ("de", "Niemand ist gestürzt, die Lieferung kam nur beschädigt an."),
    ("de", "Das Update hat mir sehr gut gefallen, danke!"),
    ("de", "Wir sind Feuer und Flamme für die neue Funktion."),
    ("de", "Der Bildschirm ist eingebrannt, das Logo bleibt sichtbar."),
]


@pytest.mark.parametrize(("lang", "text"), MORE_NONE)
def test_more_hard_negatives_are_not_flagged(lang, text):
    finding = screen(text)
    assert finding.outcome == "none", finding.reasons
    assert finding.language == lang


HARM_THAT_IS_A_NEGATION = [
    ("en", "He could not breathe after the mask slipped."),
    ("es", "Mi madre no podía respirar bien con la mascarilla nueva."),
    ("fr", "Il ne respirait plus quand l'alarme a sonné."),
    ("de", "Mein Vater war plötzlich nicht mehr ansprechbar."),
]


@pytest.mark.parametrize(("lang", "text"), HARM_THAT_IS_A_NEGATION)
def test_a_harm_that_is_itself_a_negation_is_not_cancelled_by_it(lang, text):
    assert screen(text).flagged


def test_a_text_too_short_to_tell_its_language_is_screened_in_every_language():
    finding = screen("No podía respirar.")
    assert finding.flagged
    assert "breathing" in finding.kinds
    assert screen("Bewusstlos!").flagged
    assert not screen("Thanks!").flagged
