"""Context of a match: negation, hypotheticals, history, hedging and senses that are not harm.

All patterns work on folded text (see `text.fold`).
"""

from __future__ import annotations

import re

from caredesk.safety.trigger import Gate


def _any(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


def _each(*parts: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(part) for part in parts)


# Senses that are not harm: blanked out, one after another, before the concepts are matched;
# `NOT_HARM_GATES` tells which of them can match a sentence at all.
NOT_HARM: dict[str, tuple[re.Pattern[str], ...]] = {
    "en": _each(
        r"\bwound (?:care|up|down|dressings?)\b",
        r"\bpain ?points?\b|\ba (?:real |bit of a |huge )?pain (?:to|in the)\b"
        r"|\bpainful(?:ly)? (?:slow"
        r"|process|experience|to use)",
        r"\bhurt (?:our|the|my|your|their) (?:business|sales|workflow|ratings?|reputation|chances"
        r"|numbers|feelings)\b|\bwouldn'?t hurt to\b",
        r"\bculture shock\b",
        r"\bfall(?:s|ing|en)? (?:back|under|into|within|outside|off the radar|on (?:a|the) "
        r"(?:weekend|holiday|monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b"
        r"|\bfallback\b|\bfell (?:into|under|within|off the radar)\b|\b(?:this|next|last|in the"
        r"|early|late) fall\b",
        r"\bcollaps\w* (?:the |all |a |this )?(?:\w+ )?(?:menu|section|panel|sidebar|view|list"
        r"|tree|rows?"
        r"|columns?|threads?|cards?|widgets?|groups?)\b|\bcollapsible\b",
        r"\b(?:non-?)?smok(?:er|ers|ing) (?:status|cessation|history|habits?|programme|program"
        r"|clinic|field|question)\b|\bnon-?smok\w*|\bsmokers?\b|\b(?:quit|stop|stopped) smoking\b",
        r"\b(?:reminder|notification|alert|trigger|event|webhook|rule|job|cron|script|alarm)s? "
        r"(?:\w+ )?fires?\b|\bfires? (?:off )?(?:a |an |the |twice |two )?(?:notifications?"
        r"|reminders?|alerts?|webhooks?|events?|e-?mails?|requests?)\b",
        r"\b(?:inbox|notifications?|e-?mails?|messages?|queue|tickets?|costs?|prices?|usage|demand"
        r"|traffic)\b[^.]{0,20}\bexplod\w*|\bexplosion of (?:e-?mails|requests|tickets"
        r"|notifications|messages)",
        r"\b(?:battery|batteries|charger|cable|phone|tablet|app|call|video|screen|connection"
        r"|signal|session|wifi|laptop|computer|it)\b(?:'s)? (?:\w+ )?(?:dies|dying)\b",
        r"\bstroke of (?:luck|genius|midnight)|\b(?:brush|key|pen) ?strokes?\b",
        r"\bunconscious bias\b",
        r"\bdying (?:to|for) (?:know|see|try|hear|get|find|use|test)\b|\bdying of curiosity\b",
        r"\b(?:fall|seizure|fire|burn|injury)s? (?:reminders?|notifications?|newsletters?"
        r"|campaigns?|webinars?|events?|collections?|sales?|promotions?|training)\b",
        r"\b(?:discussion|conversation|debate|meeting|argument|call|chat|exchange|thread)\b"
        r"[^.]{0,50}\boverheat\w*|\bheated (?:discussion|debate|argument|exchange)",
        r"\b(?:tv|drama|film|movie|show|series|scene|episode|cartoon|novel|documentary)\b"
        r"[^.]{0,60}",
        r"\b(?:seizure|fall|fire|smoke|overdose|apnea|apnoea)s? (?:detection|detector|alerts?"
        r"|monitoring|sensor|feature|mode|setting)s?\b",
        r"\b(?:is|am|are|'s|'m|being) allergic to\b",
        r"\b(?:about|any|known|list of|field for|record of|history of|for) allergies\b",
        r"\b(?:field|form|section|question|list|record|box|entry|tab)s? (?:[\w']+ ){0,3}allerg\w*"
        r"|\ballerg\w* (?:field|list|section|record|question|tab)s?\b",
        r"\b(?:has|have|had|with|diagnosed with|history of|known) (?:\w+ )?(?:epilepsy|asthma"
        r"|diabetes|copd)\b",
        r"\b(?:typed|entered|searched|clicked|picked|selected)\b[^.]{0,20}\bwrong patient"
        r" (?:id|number|name)\b",
        r"\b(?:training session|simulation|simulated|dummy patient|mannequin|manikin|demo mode"
        r"|test mode|test patient|on purpose)\b[^.!?]*",
        r"\b(?:colou?rs?|font|theme|design|layout|text|brightness|glare)\b[^.]{0,40}\bhurts?\b",
        r"\bicd-?10\b[^\n?]{0,80}|\(\w+ (?:injury|poisoning|burn)\w* of [\w ]+\)",
        r"\bburn(?:t|ed|ing)? out\b",
        r"\bburns? (?:unit|ward|centre|center|clinic|team)s?\b",
        r"\b(?:our|the|your|their) (?:a&e|er|icu|emergency department|intensive care unit"
        r"|hospital)(?:'s)?(?: department| team| staff| nurses| ward| it| unit)? (?:wants?|needs?"
        r"|uses?|would like|asks?|is asking|trials?|trialling|trialing|plans?|is planning)\b",
        r"\bfor (?:our|the|their|your) (?:a&e|er|icu|emergency department|ward)\b",
        r"\bseizure (?:action plan|plan|log|diary|tracker|record|alert setting"
        r"|detection setting)s?\b",
        r"\b(?:charger|cable|adapter|plug|remote|speaker|mouse|keyboard|printer|port|pen"
        r"|stylus)s?(?:'s)? (?:is |was )?(?:dead|died)\b",
        r"\b(?:team|support|sales|staff|you|you guys|everyone|agents?)\b[^.]{0,20}\bon fire\b",
        r"\b(?:feature|update|design|app|this|release) is (?:straight |pure )?fire\b",
        r"\bin hospital for (?:a |an |his |her |their )?(?:planned|elective|scheduled|routine)\b",
        r"\bchoking back\b",
        r"\b(?:turned|went) blue and (?:green|red|yellow|white)\b",
        r"\b(?:video|screen|image|picture|display|colou?rs)\b[^.]{0,40}\b(?:turned|went) (?:blue"
        r"|green|purple)\b",
        r"\bburn[- ]?ins?\b",
        r"\bburn[- ]?outs?\b",
        r"\bburnout\b",
        r"\bburn rate\b",
        r"\bburn(?:ing|ed)? the midnight oil",
        r"\bburn\w*\b[^.]{0,40}\b(?:cd|dvd|disc|usb)\b",
        r"\bfall (?:newsletter|season|semester|term|collection|campaign|risk|prevention|detection)",
        r"\bfall-?risk\b",
        r"\b(?:falling|fell|fall) (?:behind|through|apart|short)\b",
        r"\bfell (?:\w+ ){1,2}behind",
        r"\b(?:price|prices|share price|costs?)\b[^.]{0,30}\b(?:fall|fell|falls|tumble\w*)",
        r"\bshock absorbers?",
        r"\bshocking(?:ly)?\b",
        r"\bshocked (?:by|at|about|to see)(?! (?:the|my|his|her|a|an|this|that) (?:\w+ )?(?:pad"
        r"|pump|device|charger|cable|plug|unit|machine|bed|lift|electrodes?|tens|cuff|outlet"
        r"|socket|wire|lead|adapter|blanket|stimulator)\b)",
        r"\b(?:got|get|had) a shock when i (?:saw|read|opened|looked)",
        r"\bkill(?:ing|ed|s)? (?:the |my |our )?(?:app|battery|process|sync|it|feature|time)\w*",
        r"\bkiller\b",
        r"\bwarm(?:est)? (?:regards|wishes|welcome|thanks)",
        r"\bfire (?:up|drill|wall|away)|\bfir(?:ed|ing) (?:it |them |the \w+ )?up\b",
        r"\bfirewall\w*",
        r"\bhot new\b",
        r"\bsmoke-?free\b",
        r"\boverdose of (?:e-?mails?|notifications?|messages?|updates?)",
        r"\ballergic to (?:long )?(?:forms?|paperwork|meetings|emails?)",
        r"\b(?:injury|poisoning|overdose|s and t|t-)[ /]?(?:codes?|categor\w+)",
        r"\b(?:poisoning|injury)/overdose\b",
        r"\bicd-?10\b[^.]{0,60}",
        r"\bcode blue\b",
        r"\b(?:battery|batteries|pump|device|call|app|phone|screen|tablet|link|zone|line"
        r"|it)(?:'s)? (?:is |was )?(?:dead|died)\b",
        r"\bdead (?:battery|zone|link|spot|pixel)s?\b",
        r"\bbreathing exercises?\b",
        r"\b(?:laptop|computer|pc|desktop)\w* overheat\w*",
        # A crash is the software's unless it goes into, onto or against something: "the lift
        # crashed into the wall" is a collision the model must see.
        r"\b(?:crash|crashes|crashed|crashing)\b(?! (?:into|onto|against|down|through|over"
        r"|to the (?:floor|ground))\b)",
        r"\bfall prevention\b",
        r"\bgutted\b",
        r"\bknackered\b",
        r"\bpassed the \w+",
        r"\bsmoke test\w*",
        r"\bmove (?:my|the|our) (?:video )?visit",
        r"\bseizure of (?:assets|goods|property)",
        r"\bstaff burn\w*",
        r"\bfell asleep\b",
        r"\bfall(?:s|ing)? asleep\b",
        r"\b(?:breaker|fuse|circuit|switch|rcd|trip switch)\w* tripped",
        r"\btripped the (?:breaker|fuse|switch)",
        r"\bfatal (?:error|exception|crash)\w*",
        r"\bto death\b",
        r"\bdead on (?:my|his|her|our|their) feet\b",
        r"\bjump(?:ed|s|ing)? out of (?:my|his|her|our|their) skin\b",
        # frustration: "like banging my head against a brick wall", "I could hit my head ..."
        r"\b(?:like|could|want to|wanna) (?:\w+ )?(?:hit|hitting|bang|banging|bash|bashing) "
        r"(?:my|our) heads? against (?:a|the) (?:brick )?wall\b",
        r"\bbanging (?:my|our) heads? against (?:a|the) brick wall\b",
        r"\bdeath by\b",
        r"\bmeltdown\b",
        r"\bpop(?:s|ped)?[- ]up\b",
        r"\bbang (?:for|on)\b",
        r"\bsparked (?:a |some |our |an )?(?:interest|debate|discussion|conversation|idea)",
        r"\bfire (?:safety|resistan\w+|retardant|rating|extinguisher|exit|door|code|marshal)",
        r"\b(?:fire|smoke) (?:alarm|detector) (?:test|drill|check)\w*",
        r"\brash decision",
        r"\bitching to\b",
        r"\bburn(?:ed|t|ing)? through\b",
        r"\bburning question",
        r"\bweather\b[^.]{0,40}",
        r"\b(?:it's|it is|it has been|it was|been) (?:so |very |really |too )?(?:hot|warm) (?:here"
        r"|outside|today|this|lately|these|in)",
        r"\bhot (?:weather|day|days|summer|climate|topic)",
        r"\bheat ?wave\b",
        r"\bbleeding edge",
        r"\b(?:alarm|alarms|beep\w*|notification\w*|reminder\w*|ringing|sound"
        r"|chime)\b[^.]{0,30}\b(?:won'?t|wouldn'?t|didn'?t|doesn'?t|did not|does not|would not"
        r"|will not|never) stop",
        r"\bwon'?t stop (?:beeping|ringing|alarming|sounding|chiming)",
        r"\bdied on me\b",
        r"\b(?:video|session|connection|wifi|internet|router|sensor|meter|reader|laptop|computer"
        r"|headset)(?:'s)? (?:just )?(?:is |has |was )?(?:dead|died)\b",
        r"\bgot (?:a )?(?:an )?(?:error|warning) (?:message|code)",
        r"\b(?:burn|fall|injury|shock|fire|overdose)s? (?:prevention|awareness|training|leaflet"
        r"|policy|policies|risk|safety|protocol)\w*",
        r"\b(?:sensor|pump|phone|device|reader|tablet|charger|cable|clip|patch|meter|monitor|box"
        r"|parcel|screen|lid|cover|battery|it|cap|holder|strap|band|mask|tube|tubing|cannula|label"
        r"|sticker|part|piece|knob|button|wheel|adhesive|electrode|pad"
        r"|lead)s?\b(?: \w+){0,2} (?:fell|fallen|has fallen|had fallen|dropped)\b"
        r"(?! (?:down |back )?(?:on|onto|into|against) (?:him|her|me|them|his|her|my|their"
        r"|the (?:patient|resident)'?s)\b)",
        r"\bhypo\w* (?:alarm|alert|warning)s?",
        r"\b(?:alarm|alert|warning)s? for (?:hypo|low)\w*",
        r"\boverdose of \w+",
        r"\b(?:the|our) (?:emergency department|a&e|er|icu) (?:wants?|needs?|uses?|would like)\b",
        r"\b(?:the|an|our) ambulance (?:service|trust|company|provider)s? (?:we|that|which|who"
        r"|wants?|is|are|uses?)\b",
        r"\bpower cut\b",
        r"\b(?:game|robot|character|avatar|cartoon)\b[^.]{0,40}",
        r"\bsales? (?:fell|dropped)",
    ),
    "es": _each(
        r"\bca(?:e|en|yo|yera|era) en (?:lunes|martes|miercoles|jueves|viernes|sabado|domingo"
        r"|fin de semana|festivo|el dia|dia)\b",
        r"\b(?:pago|cuota|cargo|recibo|factura|cobro|plazo)s? (?:\w+ )?ca(?:e|en|yo|era)\b",
        r"\b(?:precio|precios|ventas|acciones|cifras)\b[^.]{0,30}\bdesplom\w*",
        r"\bahogad[oa]s? (?:en|de|con) (?:papeleo|trabajo|correos|tareas|deudas|llamadas)",
        r"\b(?:numero|telefono|contacto|boton|plan)(?:es|s)? de (?:emergencia|urgencia)s?\b",
        r"\b(?:tiempo|punto|letra|hora)s? muert[oa]s?\b",
        r"\bvende\w* humo\b",
        r"\bquem\w* las pestanas",
        r"\bse (?:me|le|nos|te|les) (?:cayo|cayeron|cae|caen) (?:el|la|los|las|un|una|mi|su)"
        r" (?:lector|sensor|bomba|movil|telefono|tablet\w*|cargador|aparato|dispositivo|mando"
        r"|caja|tapa|pieza|medidor|monitor|gafas|pantalla)\b",
        r"\b(?:precio|precios|tarifa|tarifas|coste|costes|ventas)\b[^.]{0,30}\bca\w+",
        r"\blibre de humo",
        r"\bsimulacro\w*(?: de)? (?:incendio|evacuacion)\w*",
        r"\b(?:portatil|ordenador|pc|movil)\w* se (?:calienta|recalienta)\w*",
        r"\b(?:juego|robot|personaje|dibujo)\b[^.]{0,40}",
        r"\bquemando las pestanas",
        r"\bprevencion de caidas",
        r"\briesgo de caidas?",
        r"\bpantalla quemada\b",
        r"\bquemad[oa]s? con\b",
        r"\b(?:esta|estan|estamos|esta el personal) quemad[oa]s?\b",
        r"\bpersonal (?:de \w+ )?(?:esta )?quemado",
        r"\bburn-?out\b",
        r"\bcaida del (?:pelo|cabello|sistema|servidor|precio)",
        r"\bcaer los precios",
        r"\b(?:ha )?caido en desuso",
        r"\bcae(?:n|ra)? (?:el|los) precios?",
        r"\bamortiguador\w*",
        r"\bsusto con la factura",
        r"\balergic[oa] a los (?:formularios|papeles)",
        r"\bcie-?10\b[^.]{0,60}",
        r"\b(?:bateria|pila)\b[^.]{0,20}\bmuerta\b",
        r"\bembargo\b",
        r"\bse me quedo colgada",
        r"\bfuncion estrella",
        r"\bes de traca\b",
        r"\bse (?:cayo|cae|cayeron) (?:el|la|los|las) (?:sistema|servidor|app|aplicacion|conexion"
        r"|web|red|plataforma|portal|pagina|llamada|videollamada|videoconsulta|internet|wifi)\w*",
        r"\b(?:sistema|servidor|app|aplicacion|conexion|web|red|plataforma|portal|pagina|llamada"
        r"|videollamada|internet|wifi)\w* se (?:cayo|cae|cayeron)\b",
        r"\bcaida (?:del|de la|de los|de las) (?:servicio|sistema|servidor|app|aplicacion|conexion"
        r"|web|red|plataforma|portal|ventas|llamada)\w*",
        r"\b(?:analisis|azucar|glucosa|presion|prueba|muestra)\w* (?:de |en )?sangre\b",
        r"\bcorte de (?:luz|corriente|la llamada|conexion)",
        r"\b(?:cuenta|al) corriente\b",
        r"\bproductos? sanitarios?\b",
        r"\bfuego amigo\b",
        r"\bme muero de\b",
        r"\b(?:lo|la) mata\b",
        r"\bsobredosis de (?:correos|emails|notificaciones|reuniones|avisos|mensajes)",
        r"\b(?:alarma|aviso|alerta)s? de hipoglucemia",
        r"\bcodigos? (?:\w+ ){0,3}(?:lesion|intoxicacion|envenenamiento|sobredosis)\w*",
        r"\b(?:servicio|departamento|equipo|personal) de (?:urgencias|la uci) (?:quiere|quieren"
        r"|necesita|necesitan|usa|usan|utiliza|solicita|desea|pide|nos pide)\b[^.]{0,30}",
        r"\bempresa de ambulancias",
        r"\bque pasaria si\b",
        r"\b(?:enlace|bateria|pila|pantalla|linea|llamada)s? (?:esta |estaba )?muert[oa]s?\b",
        r"\bhumo\b(?= de (?:tabaco|cigarro))",
        r"\bmuerto de (?:risa|ganas)",
        r"\bmatar la app",
        r"\bcerrar la app a la fuerza",
    ),
    "fr": _each(
        r"\bdecharge (?:de |d')(?:la )?(?:batterie|responsabilite)|\bsigner une decharge\b",
        r"\btomb\w* (?:bien|mal|a pic)\b|\btombe (?:un|le) (?:lundi|mardi|mercredi|jeudi|vendredi"
        r"|samedi|dimanche|week-end)\b|\btomb\w* sur (?:un|une|le|la|votre|ce|cet|cette)\b",
        r"\bexplosion (?:des|de) (?:demandes|mails|e-mails|tickets|appels|couts|prix)\b",
        r"\btuer le temps\b",
        r"\becraser (?:le|la|les|un|une) (?:fichier|donnees|version|sauvegarde)",
        r"\ballergique (?:aux?|a la|a l'|a) (?:\w+ )?(?:formulaires|paperasse|reunions"
        r"|mails|e-mails|bureaucratie|administration|demarches)",
        r"\bfait tomber (?:le|la|les|l'|mon|ma|mes|son|sa|ses|notre|votre)\b",
        r"\b(?:prix|tarifs?|couts?|ventes)\b[^.]{0,30}\bchut\w*",
        r"\b(?:batterie|pile|ecran|appli|application|lien|telephone|tablette|lecteur|chargeur)s?"
        r"\b[^.]{0,25}\b(?:est|etait|sont) (?:\w+ )?morte?s?\b",
        r"\bexercice\w*(?: d'evacuation| d'incendie| incendie| evacuation)+",
        r"\b(?:jeu|robot|personnage|dessin anime)\b[^.]{0,40}",
        r"\b(?:ordinateur|pc|portable|telephone)\w* (?:\w+ )?chauffe\w*",
        r"\bprevention des chutes",
        r"\brisque de chute",
        r"\bburn-?out\b",
        r"\bchute (?:de la connexion|de cheveux|des prix|du reseau)",
        r"\bsaisie\b",
        r"\bchoque\w* par la facture",
        r"\bpetit choc\b",
        r"\bje meurs d'envie",
        r"\bmeurs? d'envie",
        r"\bfeu vert\b",
        r"\bca me brule les doigts",
        r"\bbrule les doigts de",
        r"\bcim-?10\b[^.]{0,60}",
        r"\bcrise (?:chez nous|avec la facturation)",
        r"\bc'est la crise\b",
        r"\becran (?:est )?(?:brule|marque)",
        r"\bquand je tue l'appli",
        r"\btue l'appli",
        r"\blettre de sortie",
        r"\bamortisseur\w*",
        r"\bcoupure de courant",
        r"\ben automne\b",
        r"\btombee?s? en panne",
        r"\btombe a l'eau",
        r"\b(?:serveur|site|systeme|appli|application|reseau|connexion|plateforme|portail|wifi"
        r"|internet)\w* (?:est |sont )?tombee?s?\b",
        r"\b(?:lien|batterie|pile|ecran|appel|ligne|telephone)s? (?:est |etait )?morte?s?\b",
        r"\bmort de rire",
        r"\bpoint mort",
        r"\btemps morts?\b",
        r"\b(?:overdose|surdose) de (?:mails|e-mails|notifications|reunions|messages)",
        r"\b(?:alarme|alerte)s? (?:d'|de )hypo\w*",
        r"\bcodes? (?:\w+ ){0,3}(?:blessure|intoxication|surdosage)\w*",
        r"\b(?:service|equipe|personnel) (?:des |de )?(?:urgences|reanimation|rea) (?:souhaite"
        r"|veut|voudrait|utilise|demande|a besoin)\b[^.]{0,30}",
        r"\bsociete d'ambulances?",
        r"\btuer l'appli",
        r"\bmort de (?:fatigue|rire|peur)",
        r"\bbatterie a plat",
        r"\b(?:ordinateur|pc|portable) (?:\w+ )?surchauff\w*",
        r"\bc'est chaud\b",
        r"\bau courant\b",
        r"\bglisser-?deposer",
        r"\bje suis confus\w*",
        r"\bchute (?:de la connexion|des ventes|du debit|du reseau|du service|des prix)",
        r"\bbouton bleu",
        r"\becran bleu",
    ),
    "de": _each(
        r"\b(?:datenschutz|pflicht|vertrags|urheberrechts|sicherheits)\w*verletzung\w*",
        r"\bverletz\w* (?:\w+ )?(?:die|den|das|unsere|ihre)? ?(?:dsgvo|datenschutz\w*|vertrag"
        r"|richtlinie|vorschrift|regel|pflicht|privatsphaere|rechte|nutzungsbedingungen)",
        r"\b(?:entscheidung|wahl|wuerfel|groschen|startschuss) (?:ist|sind|war) (?:\w+ )?gefallen",
        r"\b(?:system|server|netz|verbindung|app|portal|seite|leitung|internet|wlan)\w* (?:\w+ )?"
        r"zusammengebrochen|\bzusammenbruch de[sr] (?:systems|servers|netzes)",
        r"\bjuckt (?:mich|uns|keinen|niemanden) nicht\b",
        r"\b(?:kosten|preise|anfragen|zahlen|nachrichten|mails|tickets)\w* (?:\w+ )?explod\w*",
        r"\b(?:war|bin|waren|sind) (?:\w+ )?geschockt\b",
        r"\b(?:hat|haben|hatte|hatten|haette)\b(?: \w+){0,4} gefallen\b",
        r"\bbrennt (?:mir|uns|ihm|ihr|euch|ihnen|allen) unter den naegeln",
        r"\b(?:akku|batterie|display|geraet|lesegeraet|handy|tablet|app|bildschirm|ladegeraet)\w*"
        r"\b[^.]{0,25}\b(?:ist|war|sind) (?:\w+ )?tot\b",
        r"\b(?:preise|kosten|umsatz|tarife)\w*\b[^.]{0,30}\b(?:fallen|gefallen|sinken|stuerzen)",
        r"\b(?:spiel|roboter|figur|zeichentrick)\w*\b[^.]{0,40}",
        r"\b(?:laptop|computer|pc|rechner|handy)\w* (?:wird|ist|war) (?:\w+ )?(?:heiss|warm)",
        r"\bsturzprophylaxe\b",
        r"\bbrandschutz\w*",
        r"\brauchfrei\w*",
        r"\beingebrannt\w*",
        r"\bburn-?out\b",
        r"\bherbst-?newsletter",
        r"\bstossdaempfer\w*",
        r"\berschreckend\b",
        r"\bschockiert\b",
        r"\bfeuer und flamme",
        r"\bfeuer frei\b",
        r"\bpfaendung\w*",
        r"\babschiess\w*",
        r"\bstuerzt\w* (?:jedes mal |immer )?ab\b",
        r"\babgestuerzt\b",
        r"\bfallen die preise",
        r"\bpreise fallen",
        r"\bicd-?10\b[^.]{0,60}",
        r"\bbrennt (?:mir )?unter den naegeln",
        r"\bstromausfall\b",
        r"\bakku ist (?:leer|tot)",
        r"\bherbstsaison\b",
        r"\bschnittstelle\w*",
        r"\b(?:akku|batterie|link|leitung|display|geraet|handy|app|bildschirm|verbindung"
        r"|anruf)\w* (?:ist |war )?(?:tot|tote\w*)\b",
        r"\btote\w* (?:link|pixel|winkel|zone)",
        r"\ballergisch (?:gegen|auf) (?:lange |die |den )?(?:formulare|papierkram|meetings"
        r"|e-?mails|buerokratie)",
        r"\bhat (?:mir|uns) (?:\w+ )?gefallen",
        r"\bso ein krampf\b",
        r"\bich bin verwirrt",
        r"\b(?:preise|kosten|umsatz)\w* (?:sind |ist )?gefallen",
        r"\bfunkt\w* nicht",
        r"\b(?:alarm|piepen|ton|signal)\w*[^.]{0,30}\b(?:hoert|hoerte) nicht auf",
        r"\bwarmwasser\w*",
        r"\bsturz-?(?:erkennung|risiko|praevention|melder|sensor|alarm)\w*",
        r"\bunterzucker\w*(?:alarm|warnung)\w*",
        r"\bhypo-?(?:alarm|warnung)\w*",
        r"\b(?:unsere|die) (?:notaufnahme|intensivstation) (?:moechte|will|braucht|nutzt|hat"
        r"|testet)\b[^.]{0,30}",
        r"\b(?:verletzungs|vergiftungs)\w*codes?",
        r"\bueberdosis (?:an|von) (?:e-?mails|meldungen|nachrichten|terminen)",
        r"\bden ausschlag\b",
        r"\bausschlag gegeben",
        r"\b(?:cds?|dvds?)\b[^.]{0,20}\bgebrannt",
        r"\bheiss (?:begehrt|ersehnt|geliebt|diskutiert)",
        r"\bwunde(?:n)? punkt",
        r"\bkillen\b",
        r"\b(?:aus der hand|vom tisch|runter|herunter|hinunter)\s?gefallen",
        r"\bist (?:mir|uns) (?:\w+ ){0,3}gefallen",
    ),
}
# Third pass: senses that are not harm, as families (see docs/benchmarks.md, "Third pass").
# - Money and feelings: "shocked by the bill", "it really hurts" about a charge, a price "a shock
#   to" someone, amounts of money (a price "statt" another is not a dose).
# - Things, not people: a device "dead" that will not switch on, a probe or strap that slipped,
#   a dent in a parcel or a housing.
# - Idioms: "tout feu tout flamme".
# - A crushed parcel, a slippery path: the state of a thing or a surface, not a person.
# - An all-clear list: "no smoke, no smell, no alarm" (a hazard's absence, not an alarm's).
# - Someone else's thing, not their data: "someone else's charger", "le chargeur de quelqu'un
#   d'autre" (never "d'un autre patient").
# - A call or a connection that "died" ("die Verbindung ist gestorben"), "burnt toast" under a
#   smoke alarm, "el tema más caliente", and an all-clear list: "no pica, no quema".
_MONEY = r"(?:[$€£] ?\d[\d.,]*|\d[\d.,]* ?(?:€|\$|£|eur|euros?|usd|chf|dollars?|pesos)(?!\w))"
_THIRD_PASS_NOT_HARM: dict[str, tuple[str, ...]] = {
    "en": (
        _MONEY,
        r"\b(?:i'?m|i am|we'?re|we are|was|were|is|are|be|been) (?:\w+ ){0,2}shocked (?:at|that"
        r"|how|it|to (?:see|hear|find|learn|read|get)|when (?:i|we) (?:saw|read|opened|got|heard)"
        r"|by (?:the|this|your|a|their) (?:bill|price|invoice|quote|charge|cost|amount|fee"
        r"|renewal|increase|news|response|reply|delay|change|letter))\b",
        r"\b(?:was|is|came as|quite|such|bit of) an? (?:real |bit of a |big |huge )?shock to\b",
        r"\b(?:income|budget|bill|charge|account|pay|price|cost)\b[^.]{0,80}\bit (?:really |"
        r"truly )?hurts\b",
        r"\b(?:cuff|monitor|meter|charger|reader|sensor|watch|scale|remote|controller|unit|device"
        r"|tablet|phone|laptop|it)(?:'s)? (?:is |was |went |seems |looks )?(?:completely |totally "
        r"|just |stone )?dead\b",
        r"\b(?:probe|sensor|cuff|mask|strap|clip|cannula|tube|tubing|lead|patch|electrode|cable"
        r"|band|line)s? (?:has |had |have |keeps? )?(?:just )?(?:slipped|slips|fell off|falls off)",
        r"\b(?:box|parcel|package|carton|packaging|shipment)s? (?:\w+ ){0,2}(?:crushed|squashed"
        r"|dented)|\b(?:crushed|squashed|dented) (?:box|parcel|package|carton|packaging)",
        r"\b(?:is|are|was|were|very|so) (?:\w+ )?(?:slippery|icy)\b",
        r"\b(?:no|not any) (?:smoke|smell|odou?r|heat|sparks?|damage|leak)\w*,? (?:no|not any)"
        r" \w+,? (?:no|not any) (?:alarm|alert)s?\b",
        r"\b(?:someone|somebody|anyone|anybody) else'?s (?:charger|cable|cord|plug|adapter|tablet"
        r"|phone|laptop|case|bag|box|headphones|stand|car|pen)\b",
        r"\b(?:burnt|burned) toast\b",
        r"\b(?:nearly|almost|about to) (?:gave|give|given|had|have) (?:me |him |her |us |them )?a"
        r" heart attack\b",
        r"\b(?:fall|falls|fell|fallen|falling) due\b(?! to\b)",
        r"\b(?:app|application|portal|software|tablet|site|website|program|browser|system|laptop"
        r"|phone|video|call|stream)s? (?:(?:just|always|still|constantly|often|then|now|also|again"
        r"|randomly|sometimes|keeps|kept|keep|has been|was|is|started|began) ){0,2}(?:crash(?:ing"
        r"|ed|es)?|freez(?:ing|es)|froze|glitch\w*|lagg\w*)\b",
    ),
    "es": (
        _MONEY,
        r"\b(?:golpe|golpes|abolladura|bollo)\w* en (?:la|el) (?:carcasa|caja|tapa|pantalla|paquete"
        r"|embalaje|esquina)|\b(?:caja|carcasa|paquete)\w* (?:\w+ )?golpead\w+",
        r"\b(?:me|nos|le) (?:quede|quedamos|quedo|dejo) (?:\w+ )?(?:en shock|impactad\w+)",
        r"\bsin humo,? sin olor,? (?:sin|ninguna) alarma\b",
        r"\b(?:caja|paquete|embalaje|envase|carton)\w* (?:\w+ ){0,2}(?:aplastad|abollad"
        r"|golpead)\w*",
        r"\b(?:esta|estan|es|son|muy|estaba) (?:\w+ )?resbal(?:os|adiz)[oa]s?\b",
        r"\b(?:cargador|cable|enchufe|adaptador|tablet|tableta|celular|movil|telefono|funda"
        r"|estuche)(?:es|s)? (?:de|del) (?:otra persona|alguien mas)\b",
        r"\b(?:tema|asunto|noticia|debate)s? (?:mas |muy )?calientes?\b",
        r"\bno pica,? no quema\b",
        r"\b(?:esta|estaba|estoy|estan|estamos|estaban) que (?:echa|echaba|echo|echan|echamos"
        r"|echaban) chispas\b",
        r"\bcasi (?:me|le|nos|les) (?:da|dio|daba|dan|va a dar) (?:un )?(?:infarto|patatus"
        r"|soponcio|ataque)\b",
        r"\bfire up\b",
        r"\b(?:app|aplicacion|portal|programa|tablet|tableta|pagina|sistema|celular|movil|video"
        r"|videollamada)s? (?:(?:siempre|todavia|aun|ya|tambien|a veces|de nuevo|sigue|siguio"
        r"|seguia|se|me|nos|le) ){0,3}(?:colg\w+|trab\w+|congel\w+|cierra|cerro|crashe\w+|pet\w+"
        r"|cuelga|cuelgue)\b",
    ),
    "fr": (
        _MONEY,
        r"\btout feu,? tout flamme\b",
        r"\b(?:mon|son|notre|leur) coeur a fait un bond\b",
        r"\bpas de fumee,? pas d'odeur,? pas d'alarme\b",
        r"\b(?:choc|coup|bosse)s? (?:sur|a) (?:le|la|l') ?(?:boitier|carton|colis|coque|ecran)",
        r"\b(?:carton|colis|boite|emballage)s? (?:\w+ ){0,3}(?:ecrase|abime|cabosse)\w*",
        r"\b(?:est|sont|etait|tres) (?:\w+ )?glissant\w*",
        r"\b(?:chargeur|cable|prise|adaptateur|tablette|telephone|portable|housse|etui)s? (?:de "
        r"quelqu'un d'autre|d'une autre personne)\b",
        r"\b(?:j'ai |il a |elle a |on a )?(?:failli|manque de) (?:faire |avoir |me faire )?(?:une "
        r"crise cardiaque|un infarctus|une attaque)\b",
        r"\b(?:continu\w*|n'arrete pas|arrete pas|ne cesse|ne cessait) (?:de|d'|a) ?(?:planter"
        r"|bugu?er|beuguer|ramer|freezer|crasher|se fermer|redemarrer|se deconnecter)\b",
        r"\b(?:appli|application|app|logiciel|portail|site|tablette|ordi|ordinateur|telephone"
        r"|visio)s? (?:(?:toujours|encore|souvent|parfois|aussi|me|nous|a|n'arrete pas de"
        r"|continue de) ){0,2}(?:plant(?:e|es|ent|ait|er)|bugu?\w*|beugu\w*|freez\w*|crash\w*)\b",
    ),
    "de": (
        _MONEY,
        r"\bschockiert\b|\b(?:ziemlich|total|echt|voellig|sehr) geschockt\b(?! (?:vom|von der"
        r"|durch))|\bgeschockt (?:ueber|von (?:der|den|dem) (?:rechnung|preis\w*|kosten"
        r"|gebuehr\w*))",
        r"\bkein rauch,? kein geruch,? kein alarm\b",
        r"\blach(?:e|t|te|en)? mich (?:tot|schief|kaputt|krumm)\b",
        r"\bzu tode (?:erschrocken|gelangweilt|geaergert|geschaemt)\b",
        r"\b(?:fast|beinahe|beinah) (?:einen )?herzinfarkt (?:bekommen|gekriegt|gehabt|kriegen)\b"
        r"|\bfast (?:der|den) schlag getroffen\b",
        r"\b(?:delle|dellen|beule|beulen) (?:im|in der|am) (?:gehaeuse|karton|paket|deckel)",
        r"\b(?:karton|paket|verpackung)\w* (?:\w+ ){0,2}(?:zerdrueckt|eingedrueckt|beschaedigt)",
        r"\b(?:ist|sind|war|sehr) (?:\w+ )?(?:glatt|rutschig|vereist)\b",
        r"\b(?:ladegeraet|ladekabel|kabel|netzteil|adapter|tablet|handy|telefon|huelle)\w* (?:von "
        r")?(?:jemand(?:em)? anderem|jemand anderes|einer anderen person)\b",
        r"\b(?:verbindung|leitung|videosprechstunde|video|videocall|stream|internet|wlan|app"
        r"|session) (?:(?:ist|war|mir|uns|dann|heute|ganz|einfach|staendig|dauernd|schon|wieder"
        r"|\w+mal|mitten (?:im|in der) \w+) ){0,5}(?:ab)?gestorben\b",
    ),
}
NOT_HARM = {
    lang: senses + _each(*_THIRD_PASS_NOT_HARM.get(lang, ())) for lang, senses in NOT_HARM.items()
}
NOT_HARM_GATES: dict[str, Gate] = {lang: Gate(list(senses)) for lang, senses in NOT_HARM.items()}

# Negation cues: before a match within its clause.
NEGATION: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\bno\b",
        r"\bnot\b",
        r"\bnever\b",
        r"\bnobody\b",
        r"\bno one\b",
        r"\bnone\b",
        r"\bwithout\b",
        r"n't\b",
        r"\bnor\b",
        r"\bruled out\b",
        r"\bneither\b",
        r"\bnothing\b",
        r"\bavoid\w*\b",
        r"\bprevent\w*\b",
        r"\bagainst\b",
        r"\bfree of\b",
        r"\bisn'?t\b",
    ),
    "es": _any(
        r"\bno\b",
        r"\bni\b",
        r"\bsin\b",
        r"\bnadie\b",
        r"\bningun[oa]?\b",
        r"\bnunca\b",
        r"\bdescart\w+",
        r"\bevitar\b",
        r"\bcontra\b",
        r"\bnada\b",
    ),
    "fr": _any(
        r"\bpas\b",
        r"\baucune?\b",
        r"\bpersonne\b",
        r"\bsans\b",
        r"\bni\b",
        r"\bjamais\b",
        r"\brien\b",
        r"\beviter\b",
        r"\bcontre\b",
        r"\bexclu\w*",
        r"\becart\w*",
    ),
    "de": _any(
        r"\bkein\w*\b",
        r"\bnicht\b",
        r"\bniemand\b",
        r"\bohne\b",
        r"\bnie\b",
        r"\bweder\b",
        r"\bnoch\b(?= nie)",
        r"\bausgeschlossen\b",
        r"\bvermeid\w+",
    ),
}
# Negation that follows the match ("verletzt wurde natuerlich niemand").
NEGATION_AFTER: dict[str, re.Pattern[str]] = {  # within the clause: never past a comma
    "en": _any(
        r"^[^\w,;:.!?]*(?:was|were)? ?(?:not|none|ruled out)\b",
        r"^[^\w,;:.!?]*(?:\w+ ){0,2}as (?:it )?(?:should|expected|designed|intended)\b",
        r"^[^\w,;:.!?]*(?:\w+ ){0,2}ruled out\b",
    ),
    "es": _any(r"^[^\w,;:.!?]*(?:no|ninguno|ninguna)\b", r"^[^\w,;:.!?]*(?:\w+ ){0,2}descart\w+"),
    "fr": _any(r"^[^\w,;:.!?]*(?:n'a pas|n'ont pas|aucun)\b"),
    "de": _any(
        r"^[^\w,;:.!?]*(?:wurde|hat|ist|war)? ?(?:\w+ )?(?:niemand|keiner|nicht)\b",
        r"^[^\w,;:.!?]*(?:hat|haben|wurde|ist) sich (?:\w+ ){0,3}(?:niemand|keiner)\b",
    ),
}
# A clause ends at these: a negation never reaches past them.
CLAUSE = re.compile(
    r",|:|\s-\s|\b(?:but|aber|pero|mais|sondern|however|then|dann|puis|luego|and|und|et|y|so|also"
    r"|donc|asi)\b"
)

# A sentence that rules harm out ("the ER ruled out an overdose") or only speaks figuratively
# reports nothing.
RULED_OUT: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\bruled (?:\w+ )?out\b",
        r"\bexcluded\b",
        r"\b(?:said|confirmed|found|told us|saw)\b[^.]{0,20}\b(?:there was |it was |it wasn'?t |"
        r"it'?s )?(?:no|not an?|nothing like an?) (?:sign of )?(?:an? )?(?:overdose|injury|burn"
        r"|fracture|harm|damage|poisoning|allergic reaction|allergy|reaction|seizure|infection)\b",
        # a figure of speech about money: "I stopped breathing when I saw the quote"
        r"\b(?:when|after) (?:i|we) (?:saw|read|opened|got|looked at) (?:the|your|our|my) "
        r"(?:\w+ )?(?:bill|invoice|quote|price|renewal|statement)",
    ),
    "es": _any(
        r"\bdescartad[oa]s?\b",
        r"\bdescart(?:o|aron|amos)\b",
        r"\b(?:dijo|dijeron|confirmo|confirmaron|vio|vieron) que no (?:hubo|habia|era|fue|tiene"
        r"|tenia) (?:ninguna? |una? )?(?:sobredosis|lesion|quemadura|fractura|dano|reaccion"
        r"|alergia|infeccion)",
    ),
    "fr": _any(
        r"\becarte\w*",
        r"\bexclu(?:e|s|es)?\b",
        r"\b(?:a dit|ont dit|a confirme|ont confirme|a constate|ont constate) qu'il n'y (?:avait|a"
        r"|a eu) (?:pas de |aucune? )(?:surdosage|surdose|blessure|brulure|fracture|lesion"
        r"|reaction|allergie|infection)",
    ),
    "de": _any(
        r"\bausgeschlossen\b",
        r"\bschloss\w* (?:\w+ ){0,3}aus\b",
        r"\b(?:sagte|sagten|bestaetigte\w*|meinte\w*|fand\w*),? (?:dass )?(?:es )?(?:\w+ )?"
        r"(?:keine?|nicht) (?:\w+ )?(?:ueberdosis|verletzung|verbrennung|fraktur|bruch|schaden"
        r"|reaktion|allergie|infektion)",
    ),
}

# Hypotheticals and questions: strong cues always, weak cues only in a question.
HYPOTHETICAL_STRONG: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\bwhat (?:happens|if|would happen)\b",
        r"\bin case\b",
        r"\bjust (?:asking|planning)\b",
        r"\bfor planning\b",
        r"\brisk assessment\b",
        r"\bhypothetic\w*",
        r"\bwhether (?:anyone|anybody|any|the)\b",
        r"\byour question\b",
    ),
    "es": _any(
        r"\bque pasa(?:ria)? si\b",
        r"\ben caso de\b",
        r"\bpor si\b",
        r"\by si\b",
        r"\bsi algun dia\b",
    ),
    "fr": _any(
        r"\bque se passe-t-il\b",
        r"\bque se passerait-il\b",
        r"\bqu'arrive-t-il\b",
        r"\bau cas ou\b",
        r"\bet si\b",
        r"\bsi jamais\b",
        r"\bpeut-(?:il|elle)\b",
    ),
    "de": _any(
        r"\bwas passiert\b",
        r"\bwas (?:waere|ist),? wenn\b",
        r"\bfalls\b",
        r"\bim falle\b",
        r"\bfuer den fall\b",
    ),
}
HYPOTHETICAL_WEAK: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\bis (?:it|that|this) normal\b",
        r"\bif\b",
        r"\bcould\b",
        r"\bwould\b(?! not)",
        r"\bcan (?:it|this|the|a|an)\b",
        r"\bwill (?:it|the|my)\b",
        r"\bever\b",
        r"\bdoes (?:it|the)\b",
        r"\bis it safe\b",
        r"\bmight\b",
    ),
    "es": _any(r"\bsi\b", r"\bpuede\b", r"\bpodria\b", r"\bpuedo\b", r"\btiene\b"),
    "fr": _any(
        r"\bsi\b",
        r"\bpeut\b",
        r"\bpourrait\b",
        r"\best-ce\b",
        r"-t-(?:il|elle|on)\b",
        r"\ba-t-elle\b",
    ),
    "de": _any(
        r"\bwenn\b",
        r"\bkann\b",
        r"\bkoennte\b",
        r"\bkonnte\b",
        r"\bhat die\b",
        r"\bob\b",
        r"\bgibt es\b",
        r"\bbei welche[rm]?\b",
    ),
}
# Past or third-party mentions with no current event.
HISTORY: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\byears? ago\b",
        r"\blast year\b",
        r"\blast (?:spring|summer|autumn|winter)\b",
        r"\bin (?:19|20)\d\d\b",
        r"\banother brand\b",
        r"\bother brand\b",
        r"\bdifferent brand\b",
        r"\bbefore (?:she|he|they|i|we) (?:used|joined|got)",
        r"\bmy late\b",
        r"\bcompleted recall\b",
        r"\bdeceased in\b",
        r"\bpassed in\b",
    ),
    "es": _any(
        r"\b(?:la primavera|el verano|el otono|el invierno) pasad[oa]\b",
        r"\bhace (?:unos |varios )?(?:meses|anos)\b",
        r"\bhace (?:\w+ )?anos\b",
        r"\bel ano pasado\b",
        r"\botra marca\b",
        r"\ben (?:19|20)\d\d\b",
    ),
    "fr": _any(
        r"\b(?:le printemps|l'ete|l'automne|l'hiver) dernier\b",
        r"\bil y a (?:quelques |plusieurs )?(?:mois|annees)\b",
        r"\bil y a (?:\w+ )?(?:longtemps|ans)\b",
        r"\bl'an dernier\b",
        r"\bl'annee derniere\b",
        r"\bautre marque\b",
        r"\ben (?:19|20)\d\d\b",
        r"\bde (?:19|20)\d\d\b",
    ),
    "de": _any(
        r"\b(?:letzten|im letzten|vergangenen) (?:fruehling|sommer|herbst|winter)\b",
        r"\bvor (?:einigen |ein paar |mehreren )?(?:monaten|jahren)\b",
        r"\bvor (?:\w+ )?jahren\b",
        r"\bletztes jahr\b",
        r"\bletzten jahr\b",
        r"\banderen marke\b",
        r"\bandere marke\b",
        r"\b(?:im jahr|seit|bis|anfang|ende|mitte|vor|im \w+) (?:19|20)\d\d\b",
        r"\b(?:19|20)\d\d (?:verstorben|gestorben)",
    ),
}
# History or a ruled-out harm: the whole sentence reports nothing now.
# Third pass: a sentence about billing that cites injury or fall codes (ICD-10 chapters S to Y),
# and a question about a rating or a limit ("maximum load before deformation"), report nothing.
_ICD_CODE = r"\b[s-y]\d{2}(?:\.\d{0,4}[a-z]?|\b)"
_BILLING = (
    r"\b(?:claims?|billing|billed|invoices?|coded|coding|reimburs\w*|denied|insurer|payer"
    r"|aseguradora|rechazad\w+|factur\w+|reembols\w*|rembours\w*|mutuelle|refus\w+|abrechn\w*"
    r"|rechnung\w*|krankenkasse|kasse|abgelehnt)\b"
)
_RATING = (
    r"\b(?:what|which|quelle?s?|cual|welche[rs]?)\b[^?]{0,40}\b(?:maximum|maximal\w*|max|limit\w*"
    r"|rating|tolerance|hoechst\w*|grenzwert\w*|maxim[ao]|umbral)\b[^?]*\?"
)
_THIRD_PASS_DISMISSED = f"{_BILLING}[^!]*{_ICD_CODE}|{_ICD_CODE}[^!]*{_BILLING}|{_RATING}"
DISMISSED: dict[str, re.Pattern[str]] = {
    lang: re.compile(f"{HISTORY[lang].pattern}|{RULED_OUT[lang].pattern}|{_THIRD_PASS_DISMISSED}")
    for lang in HISTORY
}
# Hedging: the writer is unsure, so a finding is "possible" (death and seizure stay events).
HEDGE: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\bmaybe\b",
        r"\bmight\b",
        r"\bnot sure\b",
        r"\bseems?\b",
        r"\bseemed\b",
        r"\bi think\b",
        r"\bpossibly\b",
        r"\bperhaps\b",
        r"\bcould be\b",
        r"\bunsure\b",
        r"\bwonder\b",
        r"\ba little\b",
        r"\ba bit\b",
        r"\bslight\w*\b",
        r"\bnearly\b",
        r"\balmost\b",
        r"\bnot yet known\b",
        r"\bdon'?t know (?:why|if|whether)\b",
        r"\bquite\b",
        r"\bsmall\b",
        r"\bmild\w*\b",
        r"\bbrief\w*\b",
        r"\bodd\w*\b",
    ),
    "es": _any(
        r"\bquizas?\b",
        r"\btal vez\b",
        r"\bpuede ser\b",
        # "no sé" (I do not know), not the reflexive "no se podía tocar"
        r"\bno se\b(?=\s*(?:[,.!?;:]|$|si\b|que\b|por que\b|como\b|cuando\b|donde\b|bien\b"
        r"|exactamente\b|muy bien\b))",
        r"\bno sabemos\b",
        r"\bun poco\b",
        r"\bligero\b",
        r"\bligera\b",
        r"\bcasi\b",
        r"\bparece\b",
        r"\bpequen\w+\b",
        r"\balgo de\b",
    ),
    "fr": _any(
        r"\bpeut-etre\b",
        r"\bje ne sais pas\b",
        r"\bon ne sait pas\b",
        r"\bun peu\b",
        r"\bleger\b",
        r"\blegere?\b",
        r"\bpresque\b",
        r"\bfailli\b",
        r"\bsemble\b",
        r"\bpetits?\b",
        r"\bpetites?\b",
    ),
    "de": _any(
        r"\bvielleicht\b",
        r"\bweiss nicht\b",
        r"\bwissen (?:wir )?(?:noch )?nicht\b",
        r"\betwas\b",
        r"\bleicht\w*\b",
        r"\bfast\b",
        r"\bbeinahe\b",
        r"\bscheint\b",
        r"\bkleine?\b",
        r"\bein bisschen\b",
        r"\bwarum\b",
    ),
}

# A death mentioned only to close or hand over an account, with no device involved.
ACCOUNT_ADMIN: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\b(?:close|cancel|transfer|stop|end|deactivate|delete)\b[^.]{0,40}\b(?:order|account"
        r"|subscription|membership|profile|direct debit)"
    ),
    "es": _any(
        r"\b(?:dar de baja|cerrar|cancelar|transferir|anular)\b[^.]{0,40}\b(?:cuenta|suscripcion"
        r"|perfil|abono)"
    ),
    "fr": _any(
        r"\b(?:cloturer|fermer|resilier|annuler|transferer|arreter)\b[^.]{0,40}\b(?:compte"
        r"|abonnement|profil)"
    ),
    "de": _any(
        r"\b(?:kuendigen|schliessen|loeschen|uebertragen|beenden|aufloesen)\b|\b(?:konto|abo"
        r"|abonnement|vertrag)\w* (?:\w+ ){0,3}(?:kuendigen|schliessen|loeschen|uebertragen)"
    ),
}
