"""Word families of harm and hazard per language: the screen's safe fallback.

Written from each language's morphology, not from example reports: stems with their
inflections (verbs in every person and tense, participles, plurals, feminine forms), common
slang, unaccented spellings (the text is folded first), Spanish and French clitics and
elisions, and German compounds (a harm morpheme anywhere inside a word: Hautverbrennung,
Stromschlag, Notaufnahme). A family word that is not negated, hypothetical, historical or in a
sense that is not harm makes a finding at least "possible": recall first, the context cues keep
the false alarms down. Each row is (kind, pattern, own_negation) as in `lexicon`.
"""

from __future__ import annotations

FAMILIES: dict[str, list[tuple[str, str, bool]]] = {
    "en": [
        (
            "injury",
            r"\binjur\w*|\bhurt(?:s|ing)?\b|\bwound(?:s|ed)?\b|\bbleed\w*|\bbled\b|\bbruis\w*"
            r"|\bfractur\w*|\bsprain\w*|\blacerat\w*|\bgash\w*|\bpunctur\w*|\bcrush (?:injur\w*)"
            r"|\bcrushed (?:his|her|my|their)\b"
            r"|\b(?:pinch|trap|caught|jam|squash)\w* (?:his|her|my|their|the patient'?s) (?:\w+ )?"
            r"(?:arm|hand|finger|fingers|leg|foot|toe|skin|neck|head)\b"
            r"|\bbroken (?:arm|wrist|hip|leg|ankle|nose|rib|ribs|finger|toe|bone|tooth|jaw)\b"
            r"|\b(?:painful|pain in|in pain|agony|ouch)\b|\bstitch(?:es|ed)\b|\bconcussion\b"
            r"|\bswelling\b"
            # something that came down on, or struck, a part of a person
            r"|\b(?:fell|dropped|crashed|came|landed|slammed|swung|banged|smashed)(?: down| back)?"
            r" (?:on|onto|into|against) (?:his|her|my|their|the patient'?s|the resident'?s)"
            r" (?:\w+ )?(?:arm|hand|finger|fingers|wrist|leg|foot|feet|toe|toes|knee|shin|ankle"
            r"|head|face|chest|back|hip|shoulder)\b|\b(?:hit|struck|whacked|clipped) (?:him|her|me"
            r"|them)? ?(?:on |in )?(?:his|her|my|their|the patient'?s|the resident'?s) (?:\w+ )?"
            r"(?:arm|hand|finger|fingers|wrist|leg|foot|feet|toe|toes|knee|shin|ankle|head|face"
            r"|chest|back|hip|shoulder)\b",
            False,
        ),
        ("burn", r"\bburn\w*|\bblister\w*|\bscald\w*|\bscorch\w*|\bsinge\w*|\bseared\b", False),
        (
            "shock",
            r"\bshock(?:s|ed|ing)?\b|\bzap\w*|\belectrocut\w*|\bjolt\w*|\btingl\w*"
            r"|\belectric(?:ity|al)? (?:went|ran|through|current)",
            False,
        ),
        (
            "fall",
            r"\bfell\b|\bfall(?:s|en|ing)?\b|\bslipped\b|\bslip(?:s|ped)? (?:on|off|out|and)\b"
            r"|\btripped\b|\btrips? (?:over|on)\b|\btumbl\w*"
            r"|\b(?:on|hit|to) the (?:floor|ground)\b|\bfaceplant\w*",
            False,
        ),
        (
            "wrong_dose",
            r"\boverdos\w*|\bunderdos\w*|\bover-?deliver\w*|\bover-?infus\w*|\bunder-?deliver\w*"
            r"|\btoo much (?:insulin|medicine|medication|drug|fluid|morphine|heparin|dose)"
            r"|\b(?:double|doubled|extra|wrong|incorrect|excess|excessive|triple|tripled)"
            r" (?:the )?(?:dose|doses|dosage|bolus|units|amount|rate|basal|insulin)\b"
            r"|\bhypo(?:glyc\w*)?\b|\blow (?:blood )?sugar\w*|\bsugar (?:crash|dropped|plummet\w*)"
            r"|\bmedication error|\bdosing error|\bdouble-?deliver\w*"
            r"|\bwent (?:very |really |dangerously |super )?low\b|\bcrashed low\b"
            r"|\b(?:strip|reading|meter|sensor|result|value)s? (?:was|were|is|are) (?:wrong|off"
            r"|incorrect|inaccurate|false)\b"
            r"|\b(?:two|2|three|3|duplicate|double|extra|unexpected|unrequested) (?:bolus(?:es)?"
            r"|doses)\b|\bprogrammed\b[^.]{0,40}\b(?:delivered|infused|ran|went in|given)\b",
            False,
        ),
        (
            "allergic_reaction",
            r"\ballerg\w*|\brash\w*\b|\bhives\b|\bitch\w*|\beczema\b|\bwelts?\b"
            r"|\bswell(?:ed|ing|s)? up\b|\b(?:skin|local|bad|severe|strong) reaction\b"
            r"|\breaction (?:to|on|around|under|where)\b|\banaphyla\w*|\bepipen\b",
            False,
        ),
        (
            "unconscious",
            r"\bunconscious\w*|\bfaint(?:ed|s|ing)\b|\b(?:feel|felt|feeling|went|go|goes) faint\b"
            r"|\bpass(?:ed|es|ing)? out\b|\bcollaps\w*"
            r"|\bblack(?:ed|s)? out\b|\bunresponsive\b|\bcame (?:round|to) (?:after|on the|a few"
            r"|in the)\b|\bout cold\b|\bkeeled over\b"
            r"|\bdizz\w*|\blight-?headed\w*|\bvertigo\b|\bwoozy\b",
            False,
        ),
        (
            "breathing",
            r"\b(?:stop|stopped|struggl\w*|trouble|difficult\w*|hard|couldn'?t|could not|can'?t"
            r"|not) breath\w*|\bbreathless\w*|\bshort of breath\b|\bchok\w*|\bsuffocat\w*"
            r"|\bstrangl\w*|\bapno?e\w*|\bgasp\w*|\bcyano\w*|\bturn(?:ed|ing)? blue\b"
            r"|\bblue lips\b|\bwheez\w*|\brespiratory (?:arrest|distress|failure)\b"
            r"|\bairway\b|\bdesat\w*",
            False,
        ),
        (
            "seizure",
            r"\bseiz(?:ure|ures|ing)\b|\bconvuls\w*|\bepilep\w*|\bhad a fit\b"
            r"|\btwitch\w*|\bjerk(?:ed|ing|s)\b|\bspasm\w*",
            False,
        ),
        (
            "hospital",
            r"\bhospitali[sz]\w*|\b(?:emergency|casualty) (?:room|department|ward|services?)\b"
            r"|\ba&e\b|\ba & e\b|\bthe er\b|\bambulance\w*|\bparamedic\w*|\b(?:911|999|112)\b"
            r"|\bicu\b|\bintensive care\b|\badmitted (?:to|into|overnight|for)\b|\b(?:was|were"
            r"|been|got|is|being) admitted\b|\burgent care\b|\bpoison control\b"
            r"|\b(?:taken|rushed|went|gone|go|going|brought|sent|ended up|landed|stay\w*|kept|is"
            r"|was"
            r"|been|still|now|spent \w+ \w+) (?:\w+ )?(?:to|in|into|at) (?:the )?hospital\b(?!'s)"
            r"|\bhospital (?:stay|admission|visit)",
            False,
        ),
        (
            "death",
            r"\bdie(?:d|s)?\b|\bdying\b|\bdeath\w*"
            r"|\b(?:he|she|they|patient|mum|mom|dad|father|mother|husband|wife|son|daughter"
            r"|grand\w+|brother|sister|resident|client|friend|baby|child|partner)\b[^.]{0,20}"
            r"\b(?:is|was|were|found|be) dead\b|\bdeceased\b|\bpassed away\b"
            r"|\bfatal\w*|\bkilled\b|\bpassed on\b|\bno longer with us\b|\bfuneral\b",
            False,
        ),
        (
            "overheating",
            r"\boverheat\w*|\b(?:too|very|so|really|extremely|scorching|burning|blazing|boiling)"
            r" hot\b|\bhot to (?:the )?touch\b|\bmelt\w*|\bbulg\w*|\bswollen battery"
            r"|\bbattery (?:swell\w*|swollen|puff\w*)|\bpuffed up\b|\bdeform\w*|\bwarp(?:ed|ing)\b"
            r"|\b(?:displayed|showed|set to|set at|said|read) \d+ ?(?:°|deg\w*)? ?c?\b[^.]{0,40}"
            r"\b(?:but|while|yet)\b[^.]{0,30}\b(?:measured|actual\w*|was|read)\b",
            False,
        ),
        (
            "smoke_fire",
            r"\bsmok\w*|\bfires?\b|\bflam(?:e|es|ing)\b|\bspark\w*|\bexplo(?:d|s)\w*|\bignit\w*"
            r"|\bcaught fire\b|\bon fire\b|\bchar(?:red|ring)\b|\bblaze\b|\bsmoulder\w*"
            r"|\bsmolder\w*|\bsmell\w*\b[^.]{0,30}\b(?:odd|funny|weird|strange|burn\w*|hot"
            r"|plastic|electrical|melt\w*|chemical|toxic)\b|\bhot plastic\b"
            r"|\bburning (?:smell|odou?r)|\bshort[- ]circuit\w*",
            False,
        ),
        (
            "unintended_motion",
            r"\b(?:mov|tilt|lower|rais|rose|ris|drop|swung|swing|roll|inflat|deflat|shift|slid"
            r"|travel|fold|collaps|drove|driv|lift|spun|spin|bent|bend|tighten|squeez|sank|sink"
            r"|went (?:up|down)|came down|reclin|retract|extend|step|walk|lurch|pitch|jump|stood"
            r"|stand|sat|sit|turn(?:ed)? (?:left|right|around)"
            r"|took a step)\w*\b[^.]{0,30}\b(?:by itself"
            r"|on its own|of its own accord|by themselves|on their own|unexpectedly"
            r"|without (?:anyone|anybody|any) (?:touching|pressing|input|command))\b"
            r"|\buncommanded\b",
            True,
        ),
        (
            "unintended_energy",
            r"\bdischarg(?:ed|ing) (?:on its own|by itself|without|unexpectedly)"
            r"|\b(?:stuck|stayed|jumped|went) (?:on |at |to )?(?:max|maximum|full power|high)\b",
            True,
        ),
        (
            "failure_to_stop",
            r"\b(?:would ?n[o']t|wouldn'?t|did ?n[o']t|didn'?t|won'?t|couldn'?t|could not"
            r"|can'?t|cannot|failed to|unable to) (?:stop|switch (?:it )?off|turn (?:it )?off"
            r"|shut (?:it )?off|shut down|power (?:it )?off|deflate|release)\b"
            r"|\bkept (?:on )?(?:going|running|pumping|infusing|delivering|heating|inflating"
            r"|moving|lowering|raising)\b|\bcontinu\w* (?:to )?(?:run|pump|infus|deliver|heat)\w*"
            r"|\brunaway\b",
            True,
        ),
        (
            "alarm_failure",
            r"\b(?:alarm|alert|alarms|alerts|warning|alarming|beeper)\b[^.]{0,40}\b(?:did ?n[o']t"
            r"|didn'?t|never|failed to|wasn'?t|was not|not|no longer) (?:go|goes|gone|went"
            r"|sound|sounded|trigger\w*|activat\w*|alarm\w*|beep\w*|come|came|fire|fired|work)"
            r"|\b(?:with|and|but|there was|gave|had|without) (?:no|any|an) (?:audible )?(?:alarm"
            r"|alert|warning)s?\b|\bno (?:audible )?(?:alarm|alert|warning) (?:sounded|went off"
            r"|came|at all|was given)|\bsilent alarm\b",
            True,
        ),
        (
            "wrong_patient_data",
            r"\b(?:another|other|different|wrong) (?:patient|person|resident|user)'s\b"
            r"|\b(?:data|readings?|results?|values?|records?|charts?|doses?|images?|scans?"
            r"|profile|history)\b[^.]{0,30}\b(?:of|from|for|belong\w* to) (?:another|a different"
            r"|the wrong|a wrong|some other|other) (?:patient|person|resident|user)s?\b"
            r"|\b(?:someone|somebody) else'?s (?:data|readings?|results?|chart|record|values"
            r"|glucose|measurements?|doses?|prescription|profile|images?|scans?)\b"
            r"|\bmix(?:ed)?[- ]up (?:of|between|with) (?:the )?(?:patients?|records?|charts?"
            r"|readings?|data|results|profiles)\b|\b(?:patients?|records?|charts?|readings?|data"
            r"|results|profiles) (?:were|got|was|are) mixed up\b"
            r"|\bnot (?:my|his|her|their) (?:data|readings|results|record|chart)"
            r"|\b\w+'s (?:readings?|results?|data|values|chart|records?) (?:on|in|under) (?:my|his"
            r"|her|their|the|another) (?:[\w']+ )?(?:profile|account|chart|record|dashboard|file)",
            True,
        ),
    ],
    "es": [
        (
            "injury",
            r"\bherid\w*|\blesion\w*|\blastim\w*|\bsangr(?:a|an|aba|aban|o|ando|ado|ada|ante)\b"
            r"|\bsangrado\w*"
            r"|\b(?:perdio|salia|sale|salio|hay|con) (?:mucha |algo de )?sangre\b|\bmoraton\w*"
            r"|\bhematoma\w*"
            r"|\bfractur\w*|\besguince\w*|\bcortad\w*|\bcortes? (?:en|profundo)|\bgolpe en (?:la"
            r"|el)"
            r" (?:cabeza|cara|brazo|pierna|frente)|\bse (?:dio|ha dado) un golpe|\bse golpe\w*"
            r"|\bdolor\w*|\bduel(?:e|en|ia)\b|\bhinchad\w*"
            r"|\baplast\w*|\bpellizc\w*|\batrapad[oa]s? (?:el|la|los|las|su|sus) (?:\w+ )?"
            r"(?:brazo|mano|dedo|dedos|pierna|pie|cuello|cabeza)|\b(?:se|me|le|te) hi(?:zo|ce"
            r"|cieron) dano\b|\bpuntos de sutura",
            False,
        ),
        (
            "burn",
            r"\bquem(?:a|as|an|o|e|aste|aron|ado|ada|ados|adas|adura|aduras|andose|arse|ando)\b"
            r"|\bse (?:me |le |te )?quem\w*|\bampolla\w*|\bescald\w*|\bchamusc\w*|\babras\w*",
            False,
        ),
        (
            "shock",
            r"\bdescarga (?:electrica|en|al|de corriente)\b|\b(?:una|otra|la) descarga(?! de"
            r"l? (?:informe|archivo|pdf|app|aplicacion|datos|fichero|documento))\b|\bcalambr\w*"
            r"|\belectrocut\w*|\belectrocucion\w*|\bcorrientazo\w*"
            r"|\bchispazo\w*|\bhormigue\w*|\b(?:me|le|nos|les|te) (?:dio|da|dieron|paso|pasa)"
            r" (?:la |una |un )?(?:corriente|toque|toques|calambre)\b|\belectrizad\w*",
            False,
        ),
        (
            "fall",
            r"\b(?:se )?(?:cayo|cayeron|cae|caen|caia|caido|caida|caidas|cayendo|cai|caimos)\b"
            r"|\bresbal\w*|\btropez\w*|\btropiez\w*|\b(?:al|en el|por el) suelo\b|\bdesplom\w*",
            False,
        ),
        (
            "wrong_dose",
            r"\bsobredosis\b|\bsobre-?infusion\w*|\bsobredosific\w*|\binfradosific\w*"
            r"|\bdosis (?:doble|excesiva|incorrecta|equivocada|erronea|de mas|mal)"
            r"|\b(?:doble|triple) (?:de )?(?:la )?dosis|\bdemasiad[oa] (?:insulina|medicacion"
            r"|medicamento|dosis|suero|morfina)|\bhipoglucemi\w*|\bhipo\b|\bazucar (?:muy )?baj\w*"
            r"|\b(?:unidades|bolo|ml|dosis) (?:de mas|extra)\b|\berror de (?:medicacion|dosis)"
            r"|\bprogramad[oa]s?\b[^.]{0,40}\b(?:paso|pasaron|infundi\w*|administr\w*)\b"
            r"|\b(?:dos|tres|diez) veces (?:la |su |mas )?(?:dosis|cantidad|insulina)"
            r"|\b(?:dos|2|tres|3) (?:bolos|dosis)\b",
            False,
        ),
        (
            "allergic_reaction",
            r"\balergi\w*|\balergic\w*|\bsarpullido\w*|\berupcion\w*|\broncha\w*|\burticaria\b"
            r"|\bpicor\w*|\bpica(?:n|ba|zon)?\b|\beccema\w*|\breaccion (?:alergica|en la piel"
            r"|cutanea|local|fuerte)\b"
            r"|\breaccion (?:a|al|a la) (?:parche|adhesivo|sensor|esparadrapo|electrodo|material"
            r"|pegamento|mascarilla)|\bhinch(?:o|aron|azon)\b"
            r"|\banafila\w*|\bse (?:le |me )?hinch\w*",
            False,
        ),
        (
            "unconscious",
            r"\bdesmay\w*|\binconscien\w*|\bperdi\w* (?:el )?(?:conocimiento|sentido)\b"
            r"|\bdesvanec\w*|\bcolaps\w*|\bmare(?:o|os|ad[oa]s?|aba|aban|arse|a|an|e)\b"
            r"|\b(?:paciente|padre"
            r"|madre|hij[oa]|marido|mujer|abuel[oa]|el|ella|bebe|nin[oa])\b"
            r"[^.]{0,20}\bno respond\w*"
            r"|\bsincope\b|\bse quedo (?:ida|ido|inconsciente|sin sentido)",
            False,
        ),
        (
            "breathing",
            r"\b(?:dej\w*|no podia|no puede|le costaba|le cuesta|me cuesta|dificultad para)"
            r" (?:de )?respirar\b|\bahog\w*|\basfixi\w*|\bapnea\w*|\batragant\w*|\bfalta de aire"
            r"|\bsin aire\b|\bse puso (?:azul|morad[oa])|\blabios morados|\bparada respiratoria"
            r"|\bsofoc\w*|\bsin respirar\b",
            False,
        ),
        (
            "seizure",
            r"\bconvulsi\w*|\bconvulsion\w*|\bepilep\w*|\bataque epilep\w*|\bcrisis epilep\w*",
            False,
        ),
        (
            "hospital",
            r"\bhospitaliz\w*|\b(?:esta|estuvo|sigue|lleva|paso|pasamos|llevaron|fue|fuimos|ir"
            r"|ingresad[oa]s?) (?:\w+ )?(?:en el|al) hospital\b|\burgencias\b|\bemergencias\b"
            r"|\bambulancia\w*"
            r"|\buci\b|\bcuidados intensivos\b|\bingresad[oa]s?\b"
            r"|\b(?:lo|la|le|los|las) ingres(?:aron|o)\b|\bingres(?:o|aron) en (?:el hospital"
            r"|urgencias"
            r"|la uci|planta)"
            r"|\b(?:112|061|911)\b|\bparamedic\w*|\bsamur\b"
            # back from a stay ("desde que salí del hospital"); "dar de alta" is also to register
            r"|\b(?:sali|salio|salimos|salieron|volvi|volvio|regrese|regreso) (?:\w+ )?del"
            r" hospital\b",
            False,
        ),
        (
            "death",
            r"\bmuri(?:o|eron|endo|era)\b|\bmuert[oa]s?\b|\bmuerte\b|\bmuere\w*\b|\bmorir\w*"
            r"|\bfallec\w*|\bdefuncion\b|\bobito\b|\bsin vida\b|\bperdio la vida\b|\bmato\b"
            r"|\bfunera\w*|\bvelatorio\b",
            False,
        ),
        (
            "overheating",
            r"\bsobrecalent\w*|\brecalent\w*|\b(?:muy|demasiado|super|tan|bastante) calient\w*"
            r"|\bardiendo\b|\bquemaba\b|\bderriti\w*|\bderret\w*|\bdeformad\w*|\bhinchad[oa] la"
            r" bateria|\bbateria hinchad\w*|\bcalent(?:o|aba|aron) (?:mucho|demasiado)",
            False,
        ),
        (
            "smoke_fire",
            r"\bhumo\w*|\bhumeaba\b|\bfuego\w*|\bincendi\w*|\ben llamas\b|\bllamaradas?\b"
            r"|\bchispa\w*|\bchisporrote\w*|\bexplot(?:o|aron|ado|ada)\b|\bexplosion\w*|\bestall\w*"
            r"|\b(?:olor|olia|huele|olio) a (?:quemado|plastico|chamusquina)|\bcortocircuito\w*"
            r"|\bcarbonizad\w*",
            False,
        ),
        (
            "unintended_motion",
            r"\b(?:mov|baj|subi|sub|inclin|infl|desinfl|desliz|desplaz|levant|gir|cerr|apret"
            r"|plieg|dobl|rod|arranc)\w*\b[^.]{0,25}\b(?:por si sol[oa]|sol[oa]s?|sin que nadie"
            r"|sin tocar(?:la|lo)?|de repente)\b|\bde repente se (?:movio|bajo|subio|inclino)\b",
            True,
        ),
        (
            "unintended_energy",
            r"\b(?:se quedo|siguio|subio|salto) (?:en |al )?(?:maximo|maxima potencia|alto)\b",
            True,
        ),
        (
            "failure_to_stop",
            r"\bno (?:se )?(?:paraba|paro|detenia|detuvo|apagaba|apago|desinflaba|desinflo)\b"
            r"|\bno (?:habia|hubo) (?:forma|manera) de (?:parar|apagar|detener)\w*"
            r"|\bsiguio (?:funcionando|infundiendo|bombeando|calentando|inflando|bajando|subiendo)"
            r"|\bseguia (?:funcionando|infundiendo|bombeando|calentando|inflando)",
            True,
        ),
        (
            "alarm_failure",
            r"\b(?:alarma|alerta|aviso)s?\b[^.]{0,40}\bno (?:sono|sonaba|salto|avis\w*|funciono"
            r"|se activo|se disparo|dio aviso)\b|\bno (?:sono|salto|se activo|se disparo)"
            r" (?:la |ninguna )?(?:alarma|alerta)|\b(?:sin|ninguna) (?:alarma|alerta|aviso)\b",
            True,
        ),
        (
            "wrong_patient_data",
            r"\b(?:otr[oa]s?|distint[oa]) (?:paciente|persona|usuari[oa])s?\b"
            r"|\bpaciente equivocad\w*|\bno (?:son|eran) (?:mis|sus|nuestros) (?:datos"
            r"|valores|resultados)",
            True,
        ),
    ],
    "fr": [
        (
            "injury",
            r"\bbless\w*|\bplaies?\b|\bsaign\w*|\bhematome\w*|\becchymose\w*|\bfractur\w*"
            r"|\bentorse\w*|\bentaill\w*|\bcoupure\w*|\bs'est coupe\w*|\becrase\w* (?:le |la |les "
            r"|son |sa |ses )?(?:bras|main|doigt|doigts"
            r"|jambe|pied|cou|tete|poitrine)|\bs'est fait ecraser|\b(?:s'est|m'a|lui a|a) pince\w*"
            r"|\bpincement\w*"
            r"|\bcoince\w* (?:le |la |les |son |sa |ses )?(?:bras|main|doigt|doigts|jambe|pied|cou"
            r"|tete)|\bdouleur\w*|\b(?:s'est|se sont|m'a|lui a|me suis|s'etait) fait mal"
            r"|\bfait (?:tres )?mal\b|\bpeau (?:\w+ ){0,3}rouge\w*|\brougi\w*|\bcontusion\w*"
            r"|\bgonfle\w*|\bpoints de suture"
            # everyday wording: "le nez en sang", "tordu la cheville", "une bosse à la tête"
            r"|\ben sang\b|\btordu\w* (?:la |le |les |son |sa )?(?:cheville|poignet|genou|pied"
            r"|cou|dos)|\bbosse (?:a|sur) (?:la |le |l')?(?:tete|front|crane)|\becorch\w*"
            r"|\begratign\w*|\bbleus? (?:a|au|aux|sur|partout)\b|\benfl(?:e|ee|es|ees|ure)\b",
            False,
        ),
        (
            "burn",
            r"\bbrul(?:e|ee|es|ees|ure|ures|ant|ante|ait|aient|er|e|a)\b|\bs'est brule\w*"
            r"|\bcloque\w*|\bebouillant\w*|\brouss(?:i|ie|is|ies|it)\b"
            r"|\bampoules? (?:sur|a|au|sous)\b",
            False,
        ),
        (
            "shock",
            r"\bdecharge (?:electrique|dans|au|a la|en)\b|\b(?:pris|recu|ressenti|senti) (?:une )?"
            r"decharge\b|\bune decharge (?:en|au|a la|dans)\b|\belectrocut\w*|\belectris\w*"
            r"|\bchataigne\b|\bcoup de jus\b"
            r"|\bpris du jus\b|\b(?:pris|pris un|recu un|pris une|recu une) (?:coup de )?"
            r"(?:courant|jus|decharge)|\bfourmill\w*|\bpicotement\w*",
            False,
        ),
        (
            "fall",
            r"\btomb(?:e|ee|es|ees|er|ait|aient|a|ent|ant|era)\b|\bchut(?:e|es|er|ait|ant)\b"
            r"|\b(?:a|ont|avait|est|suis|s'est) glisse\w*|\bglisse\w* (?:de|du|hors|sur le sol"
            r"|par terre)|\btrebuch\w*|\bpar terre\b|\bau sol\b|\baffaiss\w*|\beffondr\w*"
            # everyday and slang falls: "s'est cassé la figure", "pris une gamelle"
            r"|\bcass\w* la (?:figure|gueule|binette)\b|\bs'est (?:ramasse|vautre|etale|affale)\w*"
            r"|\b(?:pris|prend|prendre|prit|ramasse) (?:une |un )?(?:gamelle|gadin|boite|buche)\b"
            r"|\bdegringol\w*|\bvaldingu\w*"
            r"|\bperdu (?:l'|son )equilibre\b|\b(?:rate|loupe|manque) (?:une|la|sa) marche\b"
            r"|\bpris les pieds dans\b"
            r"|\bpart(?:i|ie|ir) en (?:arriere|avant)\b(?! (?:toute|sur|dans))",
            False,
        ),
        (
            "wrong_dose",
            r"\bsurdos\w*|\boverdose\b|\bsous-?dos\w*|\bdouble (?:de )?(?:la )?dose\b"
            r"|\bdose (?:double|doublee|trop|incorrecte|erronee|excessive|en trop)"
            r"|\btrop d'(?:insuline|medicament\w*|heparine|morphine)|\bhypoglycemi\w*|\bhypo\b"
            r"|\b(?:unites|bolus|ml|dose) en trop\b|\berreur de (?:dose|dosage|medicament)"
            r"|\bprogramme\w*\b[^.]{0,40}\b(?:passe|perfuse|administre|delivre)\w*"
            r"|\b(?:deux|trois|dix) fois (?:la |sa |plus de |trop de )?(?:dose|quantite|insuline)"
            r"|\b(?:deux|2|trois|3) (?:bolus|doses)\b",
            False,
        ),
        (
            "allergic_reaction",
            r"\ballerg\w*|\beruption\w*|\brougeur\w*|\burticaire\w*|\bdemange\w*|\beczema\w*"
            r"|\bplaques? rouges?|\breaction (?:allergique|cutanee|locale|forte)\b"
            r"|\breaction (?:a|au|a la|aux) (?:patch|adhesif|capteur|pansement|electrode|materiau"
            r"|colle|masque|sparadrap)|\banaphyla\w*|\b(?:petits )?boutons (?:rouges|sur (?:la|le"
            r"|les"
            r"|sa|son|ses))\b|\boedeme\w*",
            False,
        ),
        (
            "unconscious",
            r"\bevanoui\w*|\binconscien\w*|\bperdu (?:la )?connaissance\b|\bmalaise\w*"
            r"|\bsyncope\w*|\bdans les pommes\b|\bvertige\w*|\betourdi\w*|\bne repond\w* plus"
            r"|\binanime\w*|\beffondre\w*",
            False,
        ),
        (
            "breathing",
            r"\b(?:ne respirait|ne respire|n'arrivait (?:plus )?a|du mal a|peine a|arrete de)"
            r" (?:plus |pas )?respirer?\b|\bne respir\w* (?:plus|pas)\b|\betouff\w*|\basphyxi\w*"
            r"|\bapnee\w*|\bsuffoqu\w*|\bessouffl\w*|\bdevenu\w* bleu\w*|\bcyanos\w*"
            r"|\bs'est etrangl\w*|\barret respiratoire|\bfausse route\b",
            False,
        ),
        (
            "seizure",
            r"\bconvuls\w*|\bepilep\w*|\bcrise d'epilep\w*|\bcrise convuls\w*",
            False,
        ),
        (
            "hospital",
            r"\b(?:est|etait|reste|encore|toujours|emmene\w*|transporte\w*|conduit\w*|admis\w*"
            r"|passe\w*|nuit\w*|sorti\w*|aller|alle\w*|va) (?:\w+ )?(?:a l'|de l')hopital\b"
            r"|\bhospitalis\w*|\burgences\b|\bsamu\b|\bpompiers\b|\bambulance\w*"
            r"|\breanimation\b|\bsoins intensifs\b|\b(?:112|911)\b|\b(?:appele\w*|fait|faire"
            r"|compose\w*) le 15\b|\b(?:le|au|du) 15 est (?:venu|arrive|passe)\b"
            r"|\b(?:aux|les|des) urg\b|\bhosto\b|\b(?:au|du|le) chuv?\b|\b(?:le|au) 144\b"
            r"|\b(?:passe|passee|garde|gardee|reste|restee|mis|mise|nuit) (?:\w+ ){0,2}(?:en|sous)"
            r" observation\b",
            False,
        ),
        (
            "death",
            r"\bmort(?:e|s|es)?\b|\bdecede\w*|\bdeces\b|\bmeur(?:t|ent)\b|\bmourir\b"
            r"|\bmouru\w*|\bsans vie\b|\bfatal\w*|\btue\w*\b|\bnous a quitte\w*|\bobseques\b"
            r"|\benterrement\b",
            False,
        ),
        (
            "overheating",
            r"\bsurchauff\w*|\bbrulant\w*|\b(?:tres|trop|super|hyper) chaud\w*|\bfondu\w*"
            r"|\ba fondu\b|\bdeform\w*|\bbatterie gonfl\w*|\bgonfle\w* (?:la )?batterie"
            r"|\bchauff(?:e|ait|ent|aient) (?:beaucoup|trop|enormement)",
            False,
        ),
        (
            "smoke_fire",
            r"\bfumee\w*|\bfum(?:e|ait|aient)\b|\bfeu\b|\bincendi\w*|\bflammes?\b|\betincel\w*"
            r"|\bexplos\w*|\bexplos\w*|\bodeur de (?:brule|plastique|chaud|cram\w*)"
            r"|\bsent(?:ait)? le (?:brule|chaud|plastique)|\bcrepit\w*|\bcourt-?circuit\w*"
            r"|\bcarbonis\w*|\ba pris feu\b",
            False,
        ),
        (
            "unintended_motion",
            r"\b(?:bouge|monte|mont|descend|baiss|leve|incline|gonfl|degonfl|deplac|recul|avanc"
            r"|roul|bascul|pench|abaiss|releve|redress|serr|pli|affaiss)\w*\b[^.]{0,25}"
            r"\b(?:tout seul|toute seule|tous seuls|toutes seules|d'elle-meme|de lui-meme"
            r"|sans que personne|sans commande|sans aucune commande|sans qu'on|d'un coup)\b",
            True,
        ),
        (
            "unintended_energy",
            r"\b(?:reste|restee|bloque|bloquee|passe|passee) (?:au |a |en )?(?:maximum|max"
            r"|pleine puissance)\b",
            True,
        ),
        (
            "failure_to_stop",
            r"\bne s'(?:est|etait) pas (?:arrete|eteint|degonfle)\w*|\bne s'arret\w* pas\b"
            r"|\bne s'eteign\w* pas\b|\bimpossible de l'?(?:arreter|eteindre|stopper)"
            r"|\ba continue (?:a|de) (?:perfuser|pomper|chauffer|tourner|fonctionner|monter"
            r"|descendre|gonfler)|\bcontinuait (?:a|de) (?:perfuser|pomper|chauffer|tourner"
            r"|fonctionner|gonfler)",
            True,
        ),
        (
            "alarm_failure",
            r"\b(?:alarme|alerte|avertissement|bip)s?\b[^.]{0,40}\b(?:n'a|n'ont|n'avait|ne s'est"
            r"|ne s'etait)? ?(?:pas|jamais|aucun\w*|rien) (?:sonne|retenti|declenche\w*|signale"
            r"|indique|fonctionne"
            r"|alerte|bipe)|\b(?:aucune|sans|pas d')(?: ?)(?:alarme|alerte)\b",
            True,
        ),
        (
            "wrong_patient_data",
            r"\b(?:d'un |un |une |d'une )?autre (?:patient|patiente|personne|resident)\w*"
            r"|\bmauvais(?:e)? patient\w*|\bpas (?:mes|ses|leurs) donnees\b",
            True,
        ),
    ],
    "de": [
        (
            "injury",
            r"(?<!datenschutz)(?<!pflicht)(?<!vertrags)verletz\w*|\w*wunden?\b|\bblut(?:e|et|ete"
            r"|eten|ung|ungen|end|ig)\b|\bgeblutet\b"
            r"|bluterguss\w*|\bblaue[rn]? fleck\w*|prellung\w*|(?:knochen|arm|bein|hueft|hand"
            r"|fuss|finger|rippen|schluesselbein|oberschenkelhals|handgelenks?)bruch\w*"
            r"|\b(?:arm|bein|hand|finger|rippe|rippen|hueft\w*|nase|handgelenk) (?:\w+ )?"
            r"gebrochen|\bgeschnitten\b|quetsch\w*|\b(?:arm|hand|finger|bein|fuss|kopf"
            r"|hals)\w* (?:\w+ )?eingeklemmt"
            r"|\beingeklemmt\w* (?:\w+ )?(?:arm|hand|finger|bein|fuss)|\bschmerz(?:en|t|te|ten"
            r"|haft\w*)?\b|\w+schmerz(?:en)?\b|\btut (?:\w+ )?weh\b"
            r"|\bweh ?getan\b|geschwollen\w*|schwellung\w*|\bgenaeht\b|\bgeroetet\w*"
            r"|\b\d+ stiche\b|\bmit \w+ stichen\b|\bgeklammert\b"
            r"|\bhaut (?:ist |war )?(?:\w+ )?rot\b",
            False,
        ),
        (
            "burn",
            r"verbrenn\w*|verbrannt\w*|brandblase\w*|brandwunde\w*|\b(?:haut|bekam|bekommen|hat"
            r"|hatte|hatten)"
            r" (?:\w+ )?blasen\b|verbrueh\w*"
            r"|versengt\w*|angesengt\w*",
            False,
        ),
        (
            "shock",
            r"stromschlag\w*|stromschlaeg\w*|stromstoss\w*|\bgewischt\b"
            r"|\bgeschlagen\b(?= [^.]{0,20}"
            r"strom)|\bstrom (?:bekommen|abbekommen|gekriegt)|elektrisiert\w*|elektrischen? schlag"
            r"|kribbel\w*",
            False,
        ),
        (
            "fall",
            r"\bgestuerzt\b|\bstuerz\w*|\b\w*(?<!ab)(?<!kurs)(?<!preis)(?<!system)sturz\b"
            r"|\bstuerze\b|hingefallen|umgefallen|hingeflogen|hingeknallt|hingeschlagen"
            r"|\bhat (?:ihn|sie) (?:\w+ ){0,3}hin(?:ge)?(?:hauen|haut|gehauen|geschmissen)\b"
            r"|\b(?:ist|sind|war) (?:\w+ ){0,2}aus dem \w*(?:bett|stuhl|rollstuhl|lifter|sessel)"
            r" (?:\w+ )?(?:gekippt|gerutscht|gekullert|gepurzelt)\b"
            r"|rausgefallen|herausgefallen|\bgefallen\b|ausgerutscht|gestolpert"
            r"|\b(?:auf den|am|auf dem) boden\b|zusammengesackt|\b(?:er|sie|patient\w*|mutter"
            r"|vater)\b[^.]{0,30}zusammengebrochen",
            False,
        ),
        (
            "wrong_dose",
            r"ueberdos\w*|unterdos\w*|fehldos\w*"
            r"|\b(?:doppelte|dreifache|zehnfache)\w* (?:\w+ )?(?:dosis|menge|bolus|einheiten)"
            r"|\b(?:doppelt|dreimal|zehnmal) so viel\b"
            r"|\bzu (?:viel|hohe|hoher|grosse) (?:insulin|dosis|medikament\w*|bolus|heparin"
            r"|morphin)|\bfalsche\w* dosis|ueberinfusion\w*|unterzuckerung\w*|\bunterzucker\b"
            r"|hypoglyk\w*|\bhypo\b|\bmedikationsfehler\w*|\b(?:zwei|2|drei|3) (?:boli|bolus"
            r"|dosen)\b"
            r"|\bprogrammiert\b[^.]{0,40}\b(?:gelaufen|abgegeben|gefoerdert|infundiert)\b",
            False,
        ),
        (
            "allergic_reaction",
            r"allergi\w*|\w*ausschlag(?:e|s)?\b|quaddel\w*|nesselsucht|\bjuck\w*|ekzem\w*"
            r"|anaphyla\w*"
            r"|\broetung\w*|hautreizung\w*|hautroetung\w*|\bgereizt\w* haut",
            False,
        ),
        (
            "unconscious",
            r"bewusstlos\w*|ohnmacht\w*|ohnmaechtig\w*|\bbewusstsein verl\w*|\b(?:ohne|wieder bei"
            r"|nicht bei) bewusstsein\b|kollabier\w*"
            r"|\bumgekippt\b|schwindel(?:ig|gefuehl|anfall\w*)?\b|schwindl\w*|benommen\w*"
            r"|\bnicht (?:mehr )?ansprechbar\b",
            False,
        ),
        (
            "breathing",
            r"atemnot|atemstillstand|atemaussetz\w*|\batm(?:et|ete|eten) (?:nicht|kaum|schwer)"
            r"|\bnicht mehr geatmet|\bkaum (?:luft|atmen)|erstick\w*|\bkeine luft\b|luftnot"
            r"|apnoe\w*|\bblau angelaufen|verschluckt\w*|roechel\w*|\batembeschwerden",
            False,
        ),
        (
            "seizure",
            r"krampfanfall\w*|krampfanfaell\w*|\bepilep\w*|\banfall\b|\bkrampf(?:te|ten|t|en)\b"
            r"|gekrampft|\bzuckungen\b",
            False,
        ),
        (
            "hospital",
            r"\b(?:im|ins|in ein|in einem|in das|ins naechste|aus dem|vom) \w*krankenhaus\b"
            r"|krankenhaus(?:aufenthalt|aufnahme|einweisung)\w*|notaufnahme\w*|notarzt\w*"
            r"|rettungswagen\w*|\brtw\b|\bnotruf(?:e|s)?\b"
            r"|\b112\b|rettungsdienst\w*|intensivstation\w*|\bstationaer\b|eingeliefert"
            r"|\bsanitaeter\w*|\bklinik (?:eingewiesen|gebracht|gekommen)"
            # Austrian and Swiss: "ins Spital", "die Rettung", "144"
            r"|\b(?:im|ins|aus dem|vom) spital\b|\bspitalaufenthalt\w*|\bsanka\b"
            r"|\b(?:die|den) 144\b|\b144 (?:gerufen|angerufen|gewaehlt|alarmiert)\b"
            r"|\b(?:auf den|in den) notfall\b"
            r"|\b(?:die|der|mit der|mit) rettung (?:war|kam|ist|hat|holen|gerufen|geholt|musste)\b"
            r"|\brettung (?:gerufen|geholt|alarmiert)",
            False,
        ),
        (
            "death",
            r"\bgestorben\b|\bverstorben\w*|\bstirbt\b|\bstarb\w*|\bsterben\b|\btod(?:es)?\b"
            r"|toedlich\w*|\bums leben\b|\bleblos\w*|\btot\b|\btote[nr]?\b|\bbeerdigung\b",
            False,
        ),
        (
            "overheating",
            r"ueberhitz\w*|\b(?:sehr|zu|extrem|total|richtig|so) (?:heiss|warm)\w*|\bheiss\b"
            r"|\bglueh(?:t|te|ten|end\w*)\b|\brotglueh\w*|geschmolzen|schmilzt|geschmort"
            r"|verformt\w*|aufgeblaeht\w*"
            r"|\bakku (?:ist )?(?:aufgequollen|gewoelbt)",
            False,
        ),
        (
            "smoke_fire",
            r"\brauch(?:t|te|ten|en|entwicklung|wolke|geruch)?\b|qualm\w*|\bfeuer\b"
            r"|\bbrand\b|\bgebrannt\b|\bbrannte\w*|\bbrennt\b|\bflamme\w*|\bfunken\w*\b|\bfunke\b"
            r"|explod\w*|explosion\w*|verkohlt\w*|kurzschluss\w*|schmorgeruch|brandgeruch"
            r"|(?:riecht|roch|gerochen) (?:\w+ )?(?:verbrannt|verschmort|nach plastik|angebrannt)",
            False,
        ),
        (
            "unintended_motion",
            r"\b(?:beweg|fuhr|faehrt|gefahren|senk|hob|hebt|gehoben|kipp|neig|roll|stell|sack"
            r"|sank|stieg|aufgepumpt|pumpt\w* (?:sich )?auf|blies|zog|klapp|drueck)\w*\b[^.]{0,30}"
            r"\b(?:von selbst|von allein\w*|selbststaendig|ohne dass (?:jemand|wir|ich)"
            r"|ohne zutun|wie von geisterhand)\b|\b(?:von selbst|von allein\w*) (?:\w+ )?"
            r"(?:hoch|runter|nach unten|nach oben|los|zusammen)\b",
            True,
        ),
        (
            "unintended_energy",
            r"\b(?:blieb|ging|sprang|stand) (?:\w+ )?(?:auf|in) (?:maximum|volle(?:r)? leistung"
            r"|hoechste\w* stufe|stufe \d)",
            True,
        ),
        (
            "failure_to_stop",
            r"\bhoerte nicht (?:mehr )?auf\b|\bliess sich nicht (?:mehr )?(?:ab|aus)?"
            r"(?:schalten|stoppen|anhalten)|\bstoppte nicht\b|\bschaltete (?:sich )?nicht ab"
            r"|\b(?:pumpte|heizte|foerderte|infundierte) (?:\w+ ){0,3}weiter\b"
            r"|\bweiter (?:gefoerdert|gelaufen|gepumpt|geheizt|infundiert|gefahren)\b",
            True,
        ),
        (
            "alarm_failure",
            r"\b(?:alarm|warnung|alarmton|warnton|alarme)\w*\b[^.]{0,40}\b(?:nicht|nie|kein)"
            r" ?(?:\w+ )?(?:ausgeloest|angeschlagen|ertoent|gepiept|losgegangen|gekommen"
            r"|reagiert)\b|\b(?:kein|ohne|keinen) (?:\w+ )?(?:alarm|warnton|alarmton)\b"
            r"|\balarm blieb aus\b",
            True,
        ),
        (
            "wrong_patient_data",
            r"\banderen? (?:patient\w*|person|bewohner\w*)\b|\bfremde\w* (?:daten|werte"
            r"|patient\w*)|\bfalsche\w* patient\w*|\b(?:patient\w*|daten|werte|befunde|proben"
            r"|akten)\w* (?:\w+ ){0,3}verwechselt"
            r"|\bverwechslung (?:von|der) (?:patient\w*|daten|werte|befunde|proben)"
            r"|patientenverwechslung\w*",
            True,
        ),
    ],
}
