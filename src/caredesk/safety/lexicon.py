"""Word lists of the safety screen, per language, on folded text (lower case, no accents).

Each concept is (kind, level, pattern, own_negation): `kind` is one of the labelled set's kinds,
`level` "event" or "possible", and `own_negation` says the pattern holds its negation itself
("the alarm did not sound"), so a negation cue before it does not cancel it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from caredesk.safety.context import NEGATION
from caredesk.safety.families import FAMILIES
from caredesk.safety.trigger import Gate


class Concept(NamedTuple):
    kind: str
    level: str
    pattern: re.Pattern[str]
    own_negation: bool
    asked: bool = False  # a question's cue does not cancel it: the question is the report


EVENT, POSSIBLE = "event", "possible"

_RAW: dict[str, list[tuple[str, str, str, bool]]] = {
    "en": [
        (
            "injury",
            EVENT,
            r"\binjur(?:ed|y|ies)\b|\b(?:was|were|got|been|is|am|are|get|gets|getting) (?:badly "
            r"|seriously |really )?hurt\b"
            r"|\bhurt (?:his|her|my|their|himself|herself|myself|themselves|a lot|badly)\b"
            r"|\bit (?:really )?hurt\b|\bhurts? (?:so much|a lot)"
            r"|\bbleed(?:ing|s)?\b(?! edge)|\bbled\b|\bwounds?\b(?! care)"
            r"|\b(?:a |small |deep |nasty )cut (?:on|to|in)\b|\bcut (?:his|her|my"
            r"|their) (?:\w+ )?(?:hand|finger|arm|leg|head|skin|face|thumb)"
            r"|\bbruis(?:ed|es|ing)\b|\bfractur\w*"
            r"|\bbroke (?:his|her|my|their) (?:arm|wrist|hip|leg|ankle|nose|rib|ribs|finger|toe"
            r"|collarbone|shoulder|jaw)\b|\bscrapes?\b|\blacerat\w+|part of the needle"
            r"|needle stayed"
            r"|\bstruck (?:the patient|her|him)\b|\bhit (?:his|her|my) head|\b(?:very "
            r"|really )?(?:red and )?sore (?:arm|leg|back|shoulder|hip|skin|thigh)|\bred dots\b"
            r"|\b(?:arm|leg|knee|ankle|hand|wrist|face|lip|lips|eye|hip|foot|feet|finger)s? (?:is "
            r"|are |was |were )?(?:very )?swollen\b",
            False,
        ),
        (
            "injury",
            POSSIBLE,
            r"\bbruise\b|\bred (?:patch|mark|spot|area)\b|\bredness\b|\bsore\b|\bswollen\b",
            False,
        ),
        (
            "burn",
            EVENT,
            r"\bburn(?:s|ed|t)?\b(?! (?:smell|odou?r))|\bburning\b(?! (?:smell|odou?r|sensation))"
            r"|\bblister\w*|\bscald\w*|\bscorch\w*|\bred and sore\b|\bcontact burn",
            False,
        ),
        (
            "shock",
            EVENT,
            r"\belectric(?:al)? shock|\b(?:got|get|getting|received|had|felt|took|gave (?:me|him"
            r"|her)) (?:a |an |the )?"
            r"(?:real |proper |nasty |big |small |slight |strong |little )?(?:mains )?shock\b"
            r"|\bshock (?:off|from|sensation|through)"
            r"|\belectrocut\w*|\bzapp?(?:ed|ing)\b|\bleakage current|\bmains shock"
            r"|\bzap (?:off|from)\b|\bfelt it (?:go )?(?:up|through|in) (?:my|his|her|both) "
            r"(?:arm|hand|elbow|shoulder)s?\b|\binappropriate shocks?\b|\bshocks? delivered\b"
            r"|\bdelivered (?:an? )?(?:extra |unexpected |unprompted )?shock"
            r"|\b(?:icd|defibrillator|defib) (?:\w+ ){0,6}(?:fired|discharged)\b",
            False,
        ),
        (
            "shock",
            POSSIBLE,
            r"\btingl\w*|\bstatic (?:electricity|shock|discharge)|\b(?:just|maybe|be|probably"
            r"|was) static\b|\bpins and needles",
            False,
        ),
        (
            "fall",
            EVENT,
            r"\bfell\b|\bfallen\b|\bhad a (?:bad )?fall\b|\bslid (?:off|out|down|partly)"
            r"|\bslipped (?:out|off|partly|down)"
            r"|\bwent down on\b|\btripped\b|\bdropped (?:about |\d|her|him|the (?:patient"
            r"|resident))",
            False,
        ),
        (
            "fall",
            POSSIBLE,
            r"\bunsteady\b|\bnearly fell\b|\balmost fell\b|\bwobbly\b|\bloss of balance\b",
            False,
        ),
        (
            "wrong_dose",
            EVENT,
            r"\boverdos\w*|\bdouble(?:d)? (?:the |a |his |her )?(?:dose|amount|bolus)"
            r"|\btwice the (?:programmed |usual |set )?(?:dose|amount)"
            r"|\b(?:doses?|bolus|basal|rates?|insulin|units|diuretic|medication|tablets?"
            r"|amount)\w* (?:were |was |got |had been )?doubled\b"
            r"|\bdoubled (?:his|her|my|the|their) (?:\w+ )?(?:dose|bolus|basal|rate|insulin"
            r"|diuretic"
            r"|medication|tablets?)"
            r"|\btenfold\b|\b(?:ten ?times|10x) (?:the|as much|more|too much|the dose)"
            r"|\bwrong dose\b"
            r"|\bextra (?:units|insulin|dose)"
            r"|\btoo much (?:insulin|medication|drug)|\b(?:huge|massive|big|large) bolus"
            r"|\bunits? (?:instead of|extra)"
            r"|\bdelivered (?:it )?twice|\bfree-?flow|\btook both\b|\bdouble dose"
            r"|\bwhole queued amount"
            r"|\bunits went in|\bgot the remainder|\bgave the extra|\bextra units\b",
            False,
        ),
        (
            "wrong_dose",
            POSSIBLE,
            r"\b(?:dropped|fell) faster than usual|\bgave more\b|\bdoses? changed|\bmiscount\w*"
            r"|\bunder-?treated"
            r"|\bmuch (?:higher|lower) than\b|\bsugars? (?:a bit )?higher than normal"
            r"|\bwrong (?:reading|amount)s?\b",
            False,
        ),
        (
            "allergic_reaction",
            EVENT,
            r"\ballergic reaction|\breaction to (?:the |something )|\brash\b|\bhives\b|\bwelts?\b"
            r"|\bdermatitis\b"
            r"|\banaphyla\w*|\bantihistamine\w*|\bswell(?:ed|ing) up\b|\blips swell\w*",
            False,
        ),
        (
            "allergic_reaction",
            POSSIBLE,
            r"\bitch(?:y|es|ed|ing)?\b(?! to)|\bpimples?\b|\bbumps (?:around|on|under|where)\b"
            r"|\bspots around\b"
            r"|\bskin (?:irritation|is irritated)|\birritat\w+ (?:around|under|where)\b"
            r"|\birritated skin",
            False,
        ),
        (
            "unconscious",
            EVENT,
            r"\bpass(?:ed|es|ing)? out\b|\bfaint(?:ed|s|ing)\b|\bunconscious\b|\bunresponsive\b"
            r"|\bcollapsed\b|\bslumped\b|\bblacked out\b|\blost consciousness|\bconscious now\b",
            False,
        ),
        (
            "unconscious",
            POSSIBLE,
            r"\bdizz(?:y|iness)\b|\b(?:he|she|mum|mom|dad|father|mother|patient|son|daughter"
            r"|husband|wife|they|resident)\b[^.]{0,30}\bconfused\b"
            r"|\bzoned out\b|\blight-?headed\b|\bdrowsy\b",
            False,
        ),
        (
            "breathing",
            EVENT,
            r"\bstopped breathing|\btrouble breathing|\bdifficulty breathing|\bchok(?:ing|ed)\b"
            r"|\bgasping\b|\bapno?e(?:a|ic)\b|\bdesaturat\w*"
            r"|\bsats dropped|\bsuffocat\w*|\brespiratory arrest|\bbagged him|\bbagged her",
            False,
        ),
        (
            "breathing",
            POSSIBLE,
            r"\bshort(?:ness)? of breath|\bcoughing\b|\bwheez\w*|\bbreathless",
            False,
        ),
        ("seizure", EVENT, r"\bseizures?\b|\bseizing\b|\bconvuls\w*", False),
        (
            "hospital",
            EVENT,
            r"\ba&e\b|\ba and e\b|\bemergency room|\bthe er\b|\bto er\b|\bin the er\b|\b(?:to|at"
            r"|went to) urgent care\b|\b(?:an|the) ambulance (?:took|came|arrived|was called"
            r"|brought|crew)|\bcalled (?:an|the|for an) ambulance|\b(?:by|in an"
            r"|in the) ambulance\b"
            r"|\b(?:call|called|calling|dial|dialled|dialed|rang|ring) (?:\w+ )?(?:911|999|112)\b"
            r"|\bparamedics?\b"
            r"|\b(?:was|were|been|got|is|being|she's|he's) (?:\w+ )?admitted\b|\badmitted (?:to"
            r"|overnight|for|last|this|yesterday)\b|\bhospitali[sz]ed\b|\b(?:gone|went|go|taken"
            r"|rushed|brought|sent|transferred) to (?:the )?(?:[\w']+ )?hospital"
            r"|\b(?:is|was|been|she's|he's|still|now|currently|nights?|days?|stay(?:ed|ing)?"
            r"|ended up"
            r"|landed) in hospital\b"
            r"|\b(?:transferred|moved|admitted|taken|went|rushed|sent|is|was|been|now|still"
            r"|ended up) (?:\w+ ){0,2}(?:in|to|into) (?:the )?(?:icu|intensive care)\b"
            r"|\bkept (?:him"
            r"|her|them|my \w+) in\b|\bemergency services"
            r"|\b(?:gave|given|needed|injected|had|got) (?:\w+ )?(?:glucagon|dextrose|naloxone)\b"
            r"|\bdka\b|\bheart attack|\bcardiac monitoring",
            False,
        ),
        (
            "hospital",
            POSSIBLE,
            r"\bsaw the gp\b|\bgp (?:measured|asked|is worried)|\bdoctor (?:measured|is worried)",
            False,
        ),
        (
            "death",
            EVENT,
            r"\bdied\b|\bdeath\b|\bdeceased\b|\bpassed away|\bfatal\w*|\bfound dead|\bcoroner\b",
            False,
        ),
        (
            "overheating",
            EVENT,
            r"\boverheat\w*|\btoo hot\b|\bso hot\b|\bvery hot\b|\breally hot\b|\bextremely hot\b"
            r"|\bhot enough\b"
            r"|\bburning hot|\bmelt(?:ed|ing|s)\b|\bdeform\w*|\bswelled up and the case"
            r"|\bbattery swell\w*|\bswollen battery|\btoo hot to (?:hold|touch)"
            r"|\bgot (?:very |so |really )?hot\b|\bthat hot\b",
            False,
        ),
        (
            "overheating",
            POSSIBLE,
            r"\b(?:gets?|got|getting|feels?|felt|runs?|running|ran|became|becomes?|turns?|turned"
            r"|is|was|were|quite|very|bit|little|seems?)\s+(?:\w+\s+)?(?:warm|warmer|hotter)\b"
            r"|\bheats? up\b",
            False,
        ),
        (
            "smoke_fire",
            EVENT,
            r"\bfires?\b|\bflames?\b|\bsmok(?:e|ed|ing|es|y)\b|\bsparks?\b|\bsparking\b"
            r"|\bexplod\w*|\bpopped\b"
            r"|\bbang\b|\bcaught fire",
            False,
        ),
        (
            "smoke_fire",
            POSSIBLE,
            r"\bsmell(?:ed|s|ing)? (?:odd|funny|weird|strange|burnt|hot|of burning|like burning"
            r"|like (?:hot |melting )?plastic)"
            r"|\bburning (?:smell|odou?r)|\bplastic smell|\bsmell of burning",
            False,
        ),
        (
            "unintended_motion",
            EVENT,
            r"\b(?:mov|tilt|lower|rais|rose|rising|dropp|went (?:up|down)|start|swung|swing|roll"
            r"|inflat|deflat|shift|slid|slide|travel|fold|collaps|head|went)\w*"
            r"[^.]{0,40}?\b(?:on (?:its|their) own|by itself|by themselves|of its own accord"
            r"|without (?:anyone|anybody) (?:touching|pressing)"
            r"|nobody (?:pressed|touched)|no one (?:pressed|touched))"
            r"|\b(?:swung|moved|tilted|dropped) unexpectedly|\bdropped all the way",
            True,
        ),
        (
            "unintended_energy",
            EVENT,
            r"\bdischarged without|\bjumped from level|\bwent to high\b|\bstayed (?:on )?high\b"
            r"|\babove (?:the )?setpoint"
            r"|\bscorching\b|\bdisplay said \d+ but",
            True,
        ),
        (
            "failure_to_stop",
            EVENT,
            r"\b(?:would not|wouldn'?t|did not|didn'?t|won'?t|couldn'?t|could not"
            r"|failed to) (?:stop|deflate|switch off|turn off|shut off|release)"
            r"|\bkept (?:going|running|inflating|pumping|dripping|delivering|lowering|rising"
            r"|heating"
            r"|infusing)\b|\bauto-?off (?:did not|didn'?t|failed)"
            r"|\bstill (?:on|running) (?:and \w+ )?after|\bpast (?:its|the) volume"
            r"|\bcontinued (?:to run|running|infusing)|\bstayed tight"
            r"|\bafter the volume to be infused was reached",
            True,
        ),
        ("failure_to_stop", POSSIBLE, r"\bran longer|\brun longer|\bseemed to run", True),
        (
            "alarm_failure",
            EVENT,
            r"\b(?:alarm|alert|warning|alarms|alerts)\w* (?:did not|didn'?t|never|failed to"
            r"|does not|doesn'?t|wasn'?t|was not)"
            r" ?(?:go off|sound|trigger|alarm|fire|come|went off|sounded|came)|\b(?:with|and|but"
            r"|there was|gave) no (?:audible )?(?:alarm|alert|warning)\b"
            r"|\bno (?:audible )?(?:alarm|alert|warning) (?:sounded|went off|came|at all)"
            r"|\b(?:did not|didn'?t|never|without|failed to) (?:alarm|alert)\b"
            r"|\bproduced no audible alarm|\bnever sounded|\bnever went off"
            r"|\breminder\w* (?:in your app )?never came",
            True,
        ),
        ("alarm_failure", POSSIBLE, r"\balarm maybe didn'?t|\bslept through it", True),
        (
            "wrong_patient_data",
            EVENT,
            r"\banother patient'?s\b|\bbelong(?:ed|s|ing)? to another patient"
            r"|\bfrom another patient|\bother patient'?s\b"
            r"|\bsomeone else'?s (?:data|readings?|chart|results|record|values|glucose"
            r"|measurements)"
            r"|\bwrong patient|\bbelong(?:ed|s)? to (?:another|someone)"
            r"|\bunder patient \d+'?s name|\bserious mix-?up\b|\bmixed up the (?:data|records"
            r"|patients|charts|readings)|\bswapped (?:the )?(?:data|readings|records)"
            r"|\bshowed up in (?:mrs?|ms|dr)\.? [\w-]+'s record|\bchart shown was another",
            True,
        ),
        (
            "wrong_patient_data",
            POSSIBLE,
            r"\bfrom someone else\b|\bwasn'?t wearing the monitor",
            True,
        ),
    ],
    "es": [
        (
            "injury",
            EVENT,
            r"\bherid[oa]s?\b|\bheridas?\b|\blesion(?:es|ado|ada)?\b|\bsangr(?:aba|ando|o|ado"
            r"|e mucho)\b|\bmoraton\w*|\bhematoma\w*|\bfractur\w*"
            r"|\bse rompio (?:el|la) (?:brazo|muneca|cadera|pierna|tobillo|nariz|costilla|dedo"
            r"|hombro)|\brasp(?:on|ones|ado)\b|\bme hizo dano|\ble hizo dano|\bse hizo dano"
            r"|\bduele mucho|\bdolor fuerte"
            r"|\btrozo de la aguja|\bse quedo en el brazo|\bgolpe en la cabeza|\bgolpeo",
            False,
        ),
        ("injury", POSSIBLE, r"\bmancha roja|\benrojecid\w+|\bmoraton\b|\bun poco de dolor", False),
        (
            "burn",
            EVENT,
            r"\bquemadur\w+|\bquem(?:o|e|aron|ado|ada|ados|adas)\b|\bampollas?\b|\bescald\w+"
            r"|\bse me esta pelando|\bpelando la piel",
            False,
        ),
        (
            "shock",
            EVENT,
            r"\bdescarga electrica\b|\b(?:me|le|nos|les) dio (?:una )?descarga\b"
            r"|\brecibio una descarga|\bsintio una descarga|\buna descarga (?:en|al|del|de la)\b"
            r"|\b(?:me|le|nos|les) dio (?:un |unos )?calambr\w+|\bdio calambre|\bcalambrazo|\b(?:me"
            r"|le|nos|les) (?:dio|paso) (?:la )?corriente\b|\belectrocut\w*|\belectrocucion"
            r"|\bme dio (?:unos |un )?toques?"
            r"|\bchispazo|\bcalambrazo",
            False,
        ),
        ("shock", POSSIBLE, r"\bhormigueo\b|\bcosquilleo\b|\bestatica\b", False),
        (
            "fall",
            EVENT,
            r"\b(?:paciente|senora|senor|madre|padre|abuel\w|hij[oa]|marido|mujer|esposo|esposa"
            r"|residente|herman[oa]|nin[oa]|bebe|ella|mama|papa"
            r"|usuari[oa])\b[^.]{0,40}\b(?:se cayo|se cayeron|cayo|se cae)\b|\bcayo al suelo"
            r"|\b(?:se cayo|cayo) (?:de la cama|de la silla|de la grua|por las escaleras"
            r"|de espaldas|al suelo)"
            r"|\b(?:sufrio|tuvo|ha tenido) una caida|\bse resbalo|\bresbal\w+|\btropezo"
            r"|\bal suelo\b"
            r"|\bse desplomo",
            False,
        ),
        ("fall", POSSIBLE, r"\bcasi se cae|\binestable\b|\bmareo al levantarse", False),
        (
            "wrong_dose",
            EVENT,
            r"\bsobredosis\b|\bel doble de (?:lo programado|la dosis|insulina|unidades)"
            r"|\bel doble\b[^.]{0,20}\b(?:dosis|unidades|insulina|ml|bolo)"
            r"|\bdoble de (?:la )?dosis|\b(?:diez|10) veces (?:la|mas) (?:dosis)?"
            r"|\bdosis (?:incorrecta|equivocada)"
            r"|\bunidades en vez de|\bpaso de mas|\b(?:unidades|dosis|ml|insulina) de mas\b"
            r"|\bflujo libre|\bse las puso|\bsiguio infundiendo|\bdemasiad[ao] insulina",
            False,
        ),
        (
            "wrong_dose",
            POSSIBLE,
            r"\bbajo mas rapido|\bmas rapido de lo normal|\bdio de mas|\bmal calculad\w+",
            False,
        ),
        (
            "allergic_reaction",
            EVENT,
            r"\breaccion alergica|\balergi\w+ al\b|\bronchas?\b|\bsarpullido|\berupcion"
            r"|\burticaria|\bhinch(?:o|ado|ada|azon)\b"
            r"|\bantihistaminic\w*|\banafila\w+",
            False,
        ),
        (
            "allergic_reaction",
            POSSIBLE,
            r"\bpic(?:a|an|or|azon)\b|\bgranitos?\b|\bgranos\b|\birritacion",
            False,
        ),
        (
            "unconscious",
            EVENT,
            r"\binconsciente\b|\bse desmay\w+|\bdesmay\w+|\bperdio el conocimiento|\bse desvanecio"
            r"|\bse quedo como ida"
            r"|\bse desplomo|\bcolapso",
            False,
        ),
        (
            "unconscious",
            POSSIBLE,
            r"\bmaread[oa]\b|\bmareos?\b|\bconfus[oa]\b|\bdesorientad[oa]",
            False,
        ),
        (
            "breathing",
            EVENT,
            r"\bdejo de respirar|\bapenas respiraba|\bahog\w+|\basfixi\w+|\bapnea\b|\bsin aire\b",
            False,
        ),
        ("breathing", POSSIBLE, r"\bfalta de aire|\bme cuesta respirar|\btos\b|\bahogo\b", False),
        ("seizure", EVENT, r"\bconvulsi\w+|\bataque epilep\w+|\bcrisis epilep\w+", False),
        (
            "hospital",
            EVENT,
            r"\burgencias\b|\bambulancia\b|\b112\b|\b061\b|\b(?:fue|ha sido|esta|estuvo|lo|la|le"
            r"|han|quedo|sigue) ingresad[oa]s?\b|\bingresaron a\b|\bhan ingresado a\b"
            r"|\bingreso en (?:el hospital|urgencias|la uci|planta)|\bhospitaliz\w+|\b(?:en"
            r"|a) la ucin?\b|\bestable en la ucin?\b|\bingres\w* en (?:la )?ucin?\b"
            r"|\bal hospital\b|\bglucagon\b|\bnaloxona\b|\bparamedicos?\b",
            False,
        ),
        (
            "death",
            EVENT,
            r"\bfallec\w+|\bmuri(?:o|eron)\b|\bmuerte\b|\bmuerto\b|\bdefuncion\b|\bforense\b",
            False,
        ),
        (
            "overheating",
            EVENT,
            r"\bsobrecalent\w+|\bmuy caliente\b|\btan caliente\b|\bdemasiado caliente"
            r"|\bse calento tanto|\bquemaba\b|\bderreti\w+"
            r"|\bdeform\w+|\bhinch(?:o|ada) la bateria|\bardiendo\b|\bse puso muy caliente"
            r"|\bse puso (?:bien |re |super |tan )?caliente|\bque pelaba\b|\bchamusc\w+"
            r"|\bse calento (?:muchisimo|demasiado|un monton)"
            r"|\bno se pod\w+ (?:ni )?(?:tocar|agarrar|sujetar)|\bse (?:inflo|hincho)\b",
            False,
        ),
        ("overheating", POSSIBLE, r"\bcaliente\b|\btibi[oa]\b|\bse calienta\b", False),
        (
            "smoke_fire",
            EVENT,
            r"\bfuego\b|\ben llamas\b|\bllamaradas?\b|\bhumo\b|\bchispas?\b|\bincendi\w+"
            r"|\bexploto\b|\bardio\b|\bse quemo\b|\bolia a quemado",
            False,
        ),
        (
            "smoke_fire",
            POSSIBLE,
            r"\bolia (?:un poco )?raro|\bolor raro|\bolor a quemado|\bolor a plastico"
            r"|\bplastico caliente",
            False,
        ),
        (
            "unintended_motion",
            EVENT,
            r"\bsol[oa] hacia|\bse (?:inclino|movio|solto|bajo|subio|levanto|abrio) sol[oa]\b"
            r"|\bpor si sol[oa]|\bnadie toco"
            r"|\bsin que nadie (?:la |lo )?(?:tocara|tocase|pulsara)",
            True,
        ),
        (
            "unintended_energy",
            EVENT,
            r"\bsubio sol[oa] al nivel|\bsalto (?:del|de) nivel|\bdescargo sin",
            True,
        ),
        (
            "failure_to_stop",
            EVENT,
            r"\bno se (?:paro|detuvo|desinflo|apago|freno)\b|\bsiguio (?:encendida|funcionando"
            r"|infundiendo|inflando|bajando)"
            r"|\bapagado automatico (?:de la \w+ )?no funciono|\bno funciono el apagado",
            True,
        ),
        (
            "alarm_failure",
            EVENT,
            r"\bno (?:sono|salto|se activo|se disparo|aviso|llego) (?:la |el |ninguna? )?(?:alarma"
            r"|alerta|aviso)"
            r"|\b(?:alarma|alerta)\w* (?:[\w ]{0,25})no (?:sono|salto|se activo|se disparo)"
            r"|\bsin alarma\b|\bno llego ninguna alerta",
            True,
        ),
        (
            "wrong_patient_data",
            EVENT,
            r"\b(?:de|a|del) otr[oa] paciente\b|\bde otra persona\b|\bpaciente equivocad\w+"
            r"|\bdatos (?:cruzados|mezclados|intercambiados)"
            r"|\bmezclo (?:los )?(?:datos|historiales)|\bintercambi\w+ los datos",
            True,
        ),
    ],
    "fr": [
        (
            "injury",
            EVENT,
            r"\bbless(?:e|ee|es|ees|ure|ures)\b|\bsaign\w+|\bhematome\w*|\b(?:des|quelques"
            r"|plein de|couverte? de) bleus\b|\bun bleu (?:sur|au|a la)\b|\bfractur\w+|\bplaie\b"
            r"|\bcoupure\b|\begratign\w+"
            r"|\bs'est fait mal|\bfait mal\b|\bmal a la hanche|\bbout de l'aiguille"
            r"|\best reste dans (?:mon|son) bras|\bcontusion",
            False,
        ),
        ("injury", POSSIBLE, r"\bplaque rouge|\brougeur\w*|\btache rouge", False),
        (
            "burn",
            EVENT,
            r"\bbrulure\w*|\bbrule(?:e|s|es)?\b|\bcloques?\b|\bampoules?\b|\bebouillant\w*"
            r"|\bla peau pele|\bbrulant\w*",
            False,
        ),
        (
            "shock",
            EVENT,
            r"\belectris\w+|\belectrocut\w+|\bdecharge electrique|\b(?:recu|pris|senti|pris une"
            r"|eu une) (?:une )?decharge\b|\bchataigne\b|\bpris le jus|\bchoc electrique"
            r"|\bchocs? (?:electriques? )?en (?:touchant|branchant|debranchant|allumant)\b"
            r"|\bpogne un (?:\w+ )?choc|\belectrifi\w+|\bchocs? (?:inappropries?|delivres?)\b"
            r"|\b(?:m'a|lui a|nous a) envoye (?:un |une |des |deux |trois )?(?:\w+ )?chocs?\b"
            r"|\b(?:donne|fait) (?:un |une )?(?:\w+ )?choc (?:dans|au|a la|a l'|jusqu)",
            False,
        ),
        ("shock", POSSIBLE, r"\bpicotement\w*|\bfourmill\w+|\bstatique\b", False),
        (
            "fall",
            EVENT,
            r"\b(?:patient\w*|resident\w*|mere|pere|fils|fille|mari|femme|grand-\w+|monsieur"
            r"|madame|mme|il|elle|enfant|bebe|soeur|frere|dame)\b[^.]{0,40}\b(?:est"
            r"|sont) tombee?s?\b(?! en panne)|\bs'est fait mal en tombant|\b(?:fait|faite"
            r"|a fait) une chute"
            r"|\bune chute (?:de|du) (?:lit|fauteuil|sa hauteur)|\b(?:a glisse|en glissant"
            r"|glisse (?:du|de la|hors))\b|\btrebuch\w+",
            False,
        ),
        (
            "fall",
            POSSIBLE,
            r"\bfailli tomber|\bpresque tombe\w*|\binstable\b|\bdesequilibr\w+",
            False,
        ),
        (
            "wrong_dose",
            EVENT,
            r"\bsurdos\w+|\bdouble (?:de la )?dose|\bdeux fois la dose|\b(?:dix|10) fois (?:la"
            r"|plus)\b|\bmauvaise dose|\bunites au lieu de"
            r"|\ba tout pris|\bdebit libre|\bcontinue (?:a|de) perfuser|\btrop d'insuline",
            False,
        ),
        (
            "wrong_dose",
            POSSIBLE,
            r"\bchute plus vite|\bplus vite que d'habitude|\berreur de (?:glucides|dose)"
            r"|\bmal calcul\w+",
            False,
        ),
        (
            "allergic_reaction",
            EVENT,
            r"\breaction allergique|\ballergi\w+ a l'|\burticaire|\beruption|\beczema"
            r"|\bantihistamin\w+"
            r"|\b(?:bras|main|jambe|visage|levres|cou|peau|doigt|pied|cheville|oeil|yeux"
            r"|gorge)s? (?:a |ont |est |sont )?(?:gonfl|enfl)\w+|\bgonfle\w* jusqu"
            r"|\banaphyla\w+|\bplaques rouges",
            False,
        ),
        (
            "allergic_reaction",
            POSSIBLE,
            r"\bgratte\b|\bdemange\w*|\bprurit|\b(?:petits )?boutons (?:autour|sur la peau|rouges"
            r"|qui grattent)|\birritation",
            False,
        ),
        (
            "unconscious",
            EVENT,
            r"\binconscient\w*|\bevanoui\w*|\bmalaise\b|\bperdu connaissance"
            r"|\bperte de connaissance|\bpartie? dans les vapes"
            r"|\bs'est effondre\w*|\btombe dans les pommes",
            False,
        ),
        (
            "unconscious",
            POSSIBLE,
            r"\bvertiges?\b|\bdes etourdissements|\betourdi\w*|\b(?:il|elle|patient\w*|mere"
            r"|pere)\b[^.]{0,30}\bconfus\w*|\bdesoriente\w*",
            False,
        ),
        (
            "breathing",
            EVENT,
            r"\brespirait mal|\barret respiratoire|\bapnee\b|\bs'etouff\w+|\betouff\w+"
            r"|\basphyxi\w+|\bdesatur\w+",
            False,
        ),
        (
            "breathing",
            POSSIBLE,
            r"\bessouffl\w+|\bdu mal a respirer|\bmanque d'air|\btousse\w*|\btoux\b",
            False,
        ),
        ("seizure", EVENT, r"\bconvuls\w+|\bcrise d'epilepsie|\bcrise epilept\w+", False),
        (
            "hospital",
            EVENT,
            r"\burgences\b|\bsamu\b|\bpompiers\b|\bambulance\b|\bhospitalis\w+|\b(?:en|a la"
            r"|transfere\w* en) reanimation\b|\breanime\w*|\ben rea\b|\ba la rea\b"
            r"|\bsoins intensifs|\b(?:a ete|est|etait) admise?s? (?:a|aux|en)\b"
            r"|\badmise? (?:aux urgences|a l'hopital|en rea)|\ba l'hopital\b|\bglucagon\b"
            r"|\bnaloxone\b|\bsmur\b",
            False,
        ),
        (
            "death",
            EVENT,
            r"\bdeced\w+|\bmort\b|\bmorte\b|\bmourut|\bdeces\b|\best mort|\bmedecin legiste"
            r"|\blegiste\b",
            False,
        ),
        (
            "overheating",
            EVENT,
            r"\bsurchauff\w+|\btres chaude?s?\b|\btrop chaude?s?\b|\btellement (?:chaud|chauffe)"
            r"|\ba tellement chauffe|\bbrulant\w*|\bfondu\b|\bdeform\w+"
            r"|\bbatterie a gonfle|\bchauff\w* (?:tellement|au point)\b|\bramolli\w*|\btout mou\b"
            r"|\b(?:on ne pouvait|je ne pouvais|impossible de) (?:plus |pas )?(?:le |la )?"
            r"(?:tenir|toucher)\b",
            False,
        ),
        (
            "overheating",
            POSSIBLE,
            r"\b(?:devient|est devenue?|etait|est|reste) (?:\w+ )?chaude?\b|\bchauffe (?:beaucoup"
            r"|trop|fort)|\btiede\b",
            False,
        ),
        (
            "smoke_fire",
            EVENT,
            r"\bfeu\b(?! vert)|\bflammes?\b|\bfum(?:ee|er|e|ait)\b|\betincelles?\b|\bincendie\b"
            r"|\bexplos\w+|\bodeur de brule",
            False,
        ),
        (
            "smoke_fire",
            POSSIBLE,
            r"\bsentait (?:un peu )?(?:bizarre|le brule|le chaud)|\bodeur (?:bizarre|etrange"
            r"|de plastique)|\bplastique chaud",
            False,
        ),
        (
            "unintended_motion",
            EVENT,
            r"\bs'est (?:mis|mise|abaiss|lev|baiss|incline|deplac|releve|bouge|gonfl|ferme"
            r"|ouvert)\w*[^.]{0,40}?\b(?:tout(?:e)? seule?|de lui-meme|d'elle-meme)"
            r"|\bpersonne n'a touche|\bsans que personne (?:ne )?(?:touche|appuie)",
            True,
        ),
        ("unintended_energy", EVENT, r"\best passe (?:seul )?au niveau|\bdechargee? sans", True),
        (
            "failure_to_stop",
            EVENT,
            r"\bne s'est pas (?:arrete|eteint|degonfle)\w*|\b(?:arret|coupure"
            r"|extinction) automatique[^.]{0,30}n'a pas (?:marche|fonctionne)"
            r"|\bencore allume\w* et chaud|\b(?:a )?continue (?:de|a) (?:perfuser|gonfler|chauffer"
            r"|couler|descendre|monter|delivrer)|\bne se degonflait",
            True,
        ),
        (
            "alarm_failure",
            EVENT,
            r"\b(?:alarme|alerte)\w*(?: [\w']+){0,6} ne s'est pas declench\w+|\b(?:alarme"
            r"|alerte) n'a pas (?:sonne|retenti)"
            r"|\bn'a pas sonne|\bsans alarme|\baucune (?:alarme|alerte)",
            True,
        ),
        (
            "wrong_patient_data",
            EVENT,
            r"\bd'un autre patient|\bd'une autre patiente|\bappartenaient a un autre"
            r"|\bmelange les (?:dossiers|donnees)"
            r"|\bmauvais patient|\binverse\w* les (?:dossiers|donnees)",
            True,
        ),
    ],
    "de": [
        (
            "injury",
            EVENT,
            r"\bverletz\w+|\bblut(?:et|ete|ung|ergu\w+)\b|\bbluterg\w+|\b(?:arm|bein|handgelenk"
            r"|huefte|rippe|nase|finger|knoechel|schulter)\w* (?:ist |war )?gebrochen\b"
            r"|\bknochenbruch|\bwunde\b|\bplatzwunde|\bschnittwunde|\bgeschnitten\b|\bschuerf\w+"
            r"|\bprellung\w*|\bstueck der nadel|\bim arm geblieben|\bmit dem kopf gegen|\bweh getan"
            r"|\bwehgetan|\btat weh|\bschmerzen\b",
            False,
        ),
        ("injury", POSSIBLE, r"\broter fleck|\bgeroetet|\broetung\w*|\bblauer fleck", False),
        (
            "burn",
            EVENT,
            r"\bverbrenn\w+|\bverbrannt\b|\bbrandblase\w*|\bblasen (?:am|an|auf)\b|\bbrandstelle"
            r"|\bbrandwunde\w*|\bverbrueh\w+|\bblasig",
            False,
        ),
        (
            "shock",
            EVENT,
            r"\bstromschlag|\belektrischen schlag|\bschlag bekommen|\beine gewischt"
            r"|\bgewischt bekommen|\bgeschockt\b|\bstrom abbekommen"
            r"|\bunter strom|\bgezuckt\b"
            r"|\bschlag (?:\w+ ){0,3}(?:gekriegt|kriegt|kriagt|gekriagt|bekommen|uebercho|ubercho"
            r"|ggeh|verpasst)\b"
            r"|\b(?:gwischt|gewischt) (?:\w+ )?(?:kriagt|kriegt|gekriegt|bekommen)\b"
            r"|\bschockabgabe\b",
            False,
        ),
        ("shock", POSSIBLE, r"\bkribbeln\b|\bkribbelt\b|\bstatisch\w*", False),
        (
            "fall",
            EVENT,
            r"\b(?:er|sie|ich|patient\w*|bewohner\w*|vater|mutter|mann|frau|sohn|tochter|oma|opa"
            r"|kind|baby|schwester|bruder|herr|pflegekraft)\b[^.]{0,50}\b(?:gestuerzt|hingefallen"
            r"|umgefallen|gefallen|gestolpert|ausgerutscht|gerutscht|zu boden gegangen)\b"
            r"|\bsturz\b|\bhingefallen\b|\bgestuerzt\b",
            False,
        ),
        ("fall", POSSIBLE, r"\bfast gestuerzt|\bbeinahe gestuerzt|\bunsicher\b|\bwackelig", False),
        (
            "wrong_dose",
            EVENT,
            r"\bueberdos\w+|\bdoppelte (?:programmierte )?(?:menge|dosis)|\bzehnfache\b"
            r"|\bzehnmal\b|\bfalsche dosis|\beinheiten statt"
            r"|\bstatt \d|\bbeide genommen|\bverdoppel\w+|\bzu viel insulin|\bfreier fluss"
            r"|\bweiter infundiert",
            False,
        ),
        (
            "wrong_dose",
            POSSIBLE,
            r"\bschneller gefallen|\bschneller als sonst|\bmehr gegeben|\bfalsch geschaetzt",
            False,
        ),
        (
            "allergic_reaction",
            EVENT,
            r"\ballergisch\w*|\bquaddeln\b|\bausschlag\b|\bnesselsucht|\bangeschwollen\b"
            r"|\bgeschwollen\b|\bantihistamin\w*"
            r"|\banaphyla\w+|\bekzem",
            False,
        ),
        ("allergic_reaction", POSSIBLE, r"\bjuck\w*|\bpickel\w*|\bpusteln|\breizung", False),
        (
            "unconscious",
            EVENT,
            r"\bohnmaechtig\b|\bbewusstlos\w*|\bbewusstsein verloren|\bwieder bei bewusstsein"
            r"|\bweggetreten\b|\bkollabiert"
            r"|\bzusammengebrochen|\bumgekippt",
            False,
        ),
        (
            "unconscious",
            POSSIBLE,
            r"\bschwindel\w*|\b(?:er|sie|patient\w*|vater|mutter)\b[^.]{0,30}\bverwirrt\b"
            r"|\bbenommen\b",
            False,
        ),
        (
            "breathing",
            EVENT,
            r"\bkaum (?:noch )?geatmet|\batemstillstand|\berstick\w+|\bapnoe\b|\bgeroechelt"
            r"|\bgewuergt",
            False,
        ),
        ("breathing", POSSIBLE, r"\batemnot\b|\bkurzatmig\w*|\bhusten\w*|\bluftnot", False),
        (
            "seizure",
            EVENT,
            r"\bkrampfanfall|\bkrampfanfaelle|\bepilept\w+ anfall|\bkrampfte",
            False,
        ),
        (
            "hospital",
            EVENT,
            r"\bnotaufnahme\b|\bkindernotaufnahme|\bnotarzt\b|\brettungswagen|\bkrankenwagen"
            r"|\bsanitaeter\b|\b112\b|\b(?:im|ins) krankenhaus\b"
            r"|\bkrankenhaus (?:eingeliefert|gebracht|aufgenommen)|\bklinik eingeliefert"
            r"|\beingeliefert\b|\b(?:auf der|auf die|in die|zur) intensivstation|\bneo-intensiv"
            r"|\bauf der intensiv\b"
            r"|\b(?:glukagon|naloxon) (?:gegeben|gespritzt|bekommen)|\b(?:gab|gaben"
            r"|bekam) (?:\w+ )?(?:glukagon|naloxon)",
            False,
        ),
        (
            "death",
            EVENT,
            r"\bverstorben\b|\bgestorben\b|\btod\b|\btot\b|\btodesfall|\brechtsmedizin",
            False,
        ),
        (
            "overheating",
            EVENT,
            r"\bueberhitz\w+|\bsehr heiss|\bso heiss|\bzu heiss|\btotal heiss|\bheiss geworden"
            r"|\bgeschmolzen|\bverformt|\baufgebläht|\baufgeblaeht",
            False,
        ),
        ("overheating", POSSIBLE, r"\bwarm\b|\bwaermer\b|\bheiss\b", False),
        (
            "smoke_fire",
            EVENT,
            r"\bfeuer\b|\bflamme\w*|\brauch\b|\bgeraucht\b|\bqualm\w*|\bfunken(?:flug|schlag)"
            r"|\b(?:es gab|sah|kamen|flogen|spruehten) (?:\w+ )?funken\b|\bbrand\b|\bbrannte\b"
            r"|\bexplod\w+|\bverschmort",
            False,
        ),
        (
            "smoke_fire",
            POSSIBLE,
            r"\bkomisch gerochen|\bseltsam gerochen|\bverbrannt gerochen|\bgeruch nach"
            r"|\bwarmem plastik|\bschmorgeruch",
            False,
        ),
        (
            "unintended_motion",
            EVENT,
            r"\bvon (?:allein|selbst|sich aus)\b[^.]{0,40}?\b(?:gefahren|bewegt|abgesenkt"
            r"|hochgefahren|gekippt|gerollt|gesenkt|angehoben|aufgepumpt|losgefahren)\b"
            r"|\b(?:gefahren|bewegt|abgesenkt|hochgefahren|gekippt|gerollt|gesenkt|angehoben"
            r"|losgefahren)\b[^.]{0,20}\bvon (?:allein|selbst)\b"
            r"|\bkeiner hat (?:die bedienung )?(?:angefasst|gedrueckt)"
            r"|\bohne dass jemand (?:\w+ )?(?:gedrueckt|angefasst|beruehrt)",
            True,
        ),
        ("unintended_energy", EVENT, r"\bvon selbst auf stufe|\bausgeloest ohne", True),
        (
            "failure_to_stop",
            EVENT,
            r"\bnicht (?:mehr )?(?:abgelassen|abgeschaltet|gestoppt|aufgehoert|ausgegangen)"
            r"|\babschaltautomatik\w* (?:[\w ]{0,20})?(?:hat )?nicht"
            r"|\bimmer weiter (?:aufgepumpt|aufgeblasen|gelaufen|infundiert|geheizt|abgesenkt)"
            r"|\bimmer noch an und heiss|\b(?:pumpe|infusion|geraet|heizkissen"
            r"|motor)\w*[^.]{0,20}lief weiter",
            True,
        ),
        (
            "alarm_failure",
            EVENT,
            r"\b\w*alarm\w* (?:[\w ]{0,40})?(?:hat )?(?:nicht|nie|kein\w*) (?:ausgeloest"
            r"|losgegangen|geklingelt|angeschlagen|gemeldet)"
            r"|\bohne alarm\b",
            True,
        ),
        (
            "wrong_patient_data",
            EVENT,
            r"\banderen patient\w*|\bandere patient\w*|\bdaten vertauscht|\bvertausch\w+"
            r"|\bfalschen patient\w*",
            True,
        ),
    ],
}

# Broader wording from general knowledge of each language (synonyms, inflections, slang).
_RAW["en"] += [
    (
        "injury",
        EVENT,
        r"\bstroke\b|\bhad a (?:bad |severe |big )?hypo\b|\bwent hypo\b|\bsevere hypo\w*"
        r"|\bhypoglyc\w+|\bgash\w*|\bconcussion"
        r"|\bpinned\b|\btrapped (?:his|her|my|the)|\bentrap\w*|\bcrushed (?:his|her|my|their"
        r"|the patient)\b|\bpinched (?:his|her|my)"
        r"|\bstitches\b|\bsprain\w*|\bdislocat\w*"
        r"|\bpunctur\w+ (?:his|her|my)|\bskin tear|\bnosebleed|\bchest pain|\bin (?:a lot of "
        r"|severe )?pain\b|\bsevere pain",
        False,
    ),
    (
        "shock",
        EVENT,
        r"\bshocked (?:him|her|me|the patient|them|us)\b|\bjolt(?:ed)?\b|\bcurrent went through"
        r"|\bgot zapped",
        False,
    ),
    (
        "fall",
        EVENT,
        r"\bhit the (?:floor|ground)|\bon the ground\b|\btoppled\b|\btipped over with|\brolled off"
        r"|\bfell out of",
        False,
    ),
    (
        "wrong_dose",
        EVENT,
        r"\bexcessive (?:dose|amount|bolus)|\btoo (?:high|large|big) (?:a )?dose"
        r"|\bhigher dose than|\bover-?infus\w+"
        r"|\bunder-?dos\w+|\bunder-?infus\w+|\bmissed (?:two |three |\d+ )?(?:hours|doses?) of"
        r"|\btoo much (?:morphine|medicine|heparin|fluid)",
        False,
    ),
    (
        "allergic_reaction",
        EVENT,
        r"\bswelling\b|\bswelled\b|\bblotch\w*|\bepi-?pen\b|\bthroat (?:closed|swelled|felt tight"
        r"|tightened)",
        False,
    ),
    (
        "unconscious",
        EVENT,
        r"\bkeeled over|\bknocked out|\bcame round\b|\bcame to\b|\bwent limp|\bunarousable",
        False,
    ),
    (
        "breathing",
        EVENT,
        r"\bstruggling to breathe|\bturned blue|\bwent blue|\bcyano\w+|\brespiratory distress"
        r"|\baspirat\w+|\bstrangl\w+"
        r"|\b(?:oxygen|o2|sats|saturation)\w* (?:dropped|fell|plummeted)|\bentangled (?:around|in)",
        False,
    ),
    ("seizure", EVENT, r"\bhad a fit\b", False),
    (
        "hospital",
        EVENT,
        r"\bemergency department|\bcasualty\b|\baccident and emergency|\b112\b|\bems\b"
        r"|\bresuscitat\w+|\bcpr\b|\bintubat\w+"
        r"|\blife support|\bsurgery to|\bemergency surgery|\bcalled an ambulance|\bcritical care",
        False,
    ),
    (
        "death",
        EVENT,
        r"\b(?:is|was|were|found|pronounced) dead\b|\bhas died\b|\bkilled (?:him|her|them|my)\b"
        r"|\blost (?:him|her) (?:on|last|this)",
        False,
    ),
    (
        "overheating",
        EVENT,
        r"\bscalding hot|\bboiling hot|\bburning up\b|\bhot to the touch|\btoo warm to"
        r"|\bsmoking hot",
        False,
    ),
    (
        "smoke_fire",
        EVENT,
        r"\bignit\w+|\bcaught alight|\bburst into flames|\bspark(?:ed|ing)\b|\barcing\b"
        r"|\bshort-?circuit\w*|\bcharred\b|\bscorch marks",
        False,
    ),
    (
        "unintended_motion",
        EVENT,
        r"\bstarted moving\b|\bself-?activat\w+|\bspontaneous(?:ly)? (?:moved|lowered|raised|rose"
        r"|dropped|started)"
        r"|\bunexpectedly (?:moved|lowered|raised|rose|dropped|started|collapsed)|\buncommanded\b"
        r"|\bwithout warning (?:moved|dropped|lowered)",
        True,
    ),
    (
        "unintended_energy",
        EVENT,
        r"\bfired without|\bshock without (?:anyone|reason|warning)"
        r"|\bstimulation (?:suddenly )?(?:increased|jumped|spiked)"
        r"|\bsurged to\b|\bfull power by itself",
        True,
    ),
    (
        "failure_to_stop",
        EVENT,
        r"\bcouldn'?t stop it|\bkept heating|\bdidn'?t shut off|\bstop button (?:did nothing"
        r"|didn'?t work)"
        r"|\bemergency stop (?:didn'?t|did not|failed)|\brunaway\b|\bwouldn'?t (?:switch|turn"
        r"|shut) off",
        True,
    ),
    (
        "alarm_failure",
        EVENT,
        r"\balarm was silent|\bsilent(?:ly)? fail\w*|\bwithout alarming|\bnever alerted"
        r"|\balert never (?:arrived|came)"
        r"|\bno warning (?:at all|came|sounded)",
        True,
    ),
    (
        "wrong_patient_data",
        EVENT,
        r"\banother person'?s\b|\bsomeone else'?s (?:data|readings|chart|results|record)"
        r"|\bmixed up with (?:another|a different)"
        r"|\bmerged (?:two )?(?:patients|records)|\bwrong (?:chart|record)\b",
        True,
    ),
    ("wrong_patient_data", POSSIBLE, r"\bnot (?:my|her|his) (?:readings|data|results)\b", True),
    ("unconscious", POSSIBLE, r"\bfelt faint\b|\bfaintness\b|\bwoozy\b", False),
    ("injury", POSSIBLE, r"\bnumb(?:ness)?\b|\bstinging\b|\bmarks? on (?:his|her|my) skin", False),
]
_RAW["es"] += [
    (
        "wrong_dose",
        EVENT,
        r"\bdosis excesiva|\bdemasiad[ao] (?:dosis|insulina|medicacion|medicamento)"
        r"|\bdosis (?:doble|mayor|mas alta)|\bdosis de mas"
        r"|\bel triple\b|\bse paso de dosis|\bmas unidades de las|\binfusion libre"
        r"|\bse quedo sin su (?:medicacion|antibiotico|insulina|dosis|tratamiento)",
        False,
    ),
    (
        "injury",
        EVENT,
        r"\bse lesiono|\bsangrando\b|\bcardenal\w*|\bchichon\b|\bpuntos de sutura"
        r"|\batrapad[oa]\b|\baplastad[oa]\b"
        r"|\bpellizc\w+|\bdolor en el pecho|\bictus\b|\binfarto\b|\bhipoglucemia (?:fuerte|grave"
        r"|severa)|\bhipoglucemia\b|\bbajon de azucar",
        False,
    ),
    ("fall", EVENT, r"\bacabo en el suelo|\bse fue al suelo|\bse volco|\bse vino abajo", False),
    ("burn", EVENT, r"\bse abraso|\babrasad\w+|\bescaldad\w+", False),
    (
        "shock",
        EVENT,
        r"\bme electrocuto|\bme dio corriente|\ble dio corriente|\bdio calambre",
        False,
    ),
    ("unconscious", EVENT, r"\bperdio la conciencia", False),
    (
        "breathing",
        EVENT,
        r"\ble costaba respirar|\bse ahogaba|\bse puso (?:morad[oa]|azul)|\bsaturacion (?:bajo"
        r"|cayo)|\bdesatur\w+|\bparada respiratoria",
        False,
    ),
    ("seizure", EVENT, r"\bconvulsiones\b|\bconvulsiono", False),
    (
        "hospital",
        EVENT,
        r"\bsamur\b|\bemergencias\b|\blo llevaron al hospital|\bla llevaron al hospital"
        r"|\breanim\w+|\brcp\b|\bcuidados intensivos",
        False,
    ),
    ("death", EVENT, r"\bha muerto\b|\bfallecimiento\b|\bsin vida\b", False),
    (
        "overheating",
        EVENT,
        r"\bse calento\b|\brecalent\w+|\bhirviendo\b|\bse derritio|\bse hincho la bateria"
        r"|\bse deformo",
        False,
    ),
    (
        "smoke_fire",
        EVENT,
        r"\bse incendio|\bestallo\b|\bprendio fuego|\bcortocircuito|\bechar humo|\bechaba humo",
        False,
    ),
    (
        "unintended_motion",
        EVENT,
        r"\bse movio sol[oa]|\bde repente se (?:bajo|subio|movio|inclino)",
        True,
    ),
    (
        "unintended_energy",
        EVENT,
        r"\bsubio sola la intensidad|\baumento sol[oa]|\bdio una descarga sin|\bse disparo sol[oa]",
        True,
    ),
    (
        "failure_to_stop",
        EVENT,
        r"\bno se detenia|\bno paraba\b|\bno se apagaba|\bno hubo forma de pararl\w"
        r"|\bseguia encendid\w",
        True,
    ),
    (
        "alarm_failure",
        EVENT,
        r"\bla alarma no sono|\bno dio ninguna alarma|\bninguna alarma|\bsin ningun aviso"
        r"|\bno aviso\b",
        True,
    ),
    (
        "wrong_patient_data",
        EVENT,
        r"\bde otro paciente|\bdatos de otra persona|\bhistorial equivocado"
        r"|\bse mezclaron los datos|\blecturas de otra persona",
        True,
    ),
    ("unconscious", POSSIBLE, r"\bmareo\w*|\bcasi me desmayo", False),
]
_RAW["fr"] += [
    (
        "wrong_dose",
        EVENT,
        r"\bdose trop (?:forte|elevee|importante)|\bdose excessive|\bsurdose\b|\bdose double"
        r"|\ba double (?:la|sa|son) (?:dose|traitement|diuretique|insuline)"
        r"|\bn'a pas recu (?:son|sa|ses) (?:antibiotique|traitement|dose|insuline)"
        r"|\bprive de (?:son"
        r"|sa|ses) (?:antibiotique|traitement)",
        False,
    ),
    (
        "injury",
        EVENT,
        r"\bsaigne\w*|\bdu sang\b|\bs'est casse (?:le|la|les|un|une|son|sa|ses) (?:\w+ )?(?:bras"
        r"|poignet|hanche|jambe|cheville|nez|cote|cotes|doigt|orteil|clavicule|epaule|machoire|col"
        r"|dent|pied|genou|main)\b|\bcasse (?:le|la|son|sa) (?:bras|poignet|hanche|jambe|cheville"
        r"|nez|cote|doigt|clavicule|epaule|col|main|pied)\b|\bentorse|\bcoince\w*"
        r"|\becrase\w*|\bpince\w* (?:le|la|son|sa)"
        r"|\bdouleur (?:forte|intense|thoracique)|\bavc\b|\binfarctus|\bcrise cardiaque"
        r"|\bhypo severe"
        r"|\bgrosse hypo|\bhypoglycemie",
        False,
    ),
    ("fall", EVENT, r"\bs'est effondre\w*", False),
    ("burn", EVENT, r"\bebouillant\w+|\bbrule (?:la|le|les|sa|son|ses) ", False),
    (
        "shock",
        EVENT,
        r"\bj'ai pris le jus|\bpris une decharge|\bprend le jus|\bdu courant (?:dans|a travers)",
        False,
    ),
    ("unconscious", EVENT, r"\btombe dans les pommes", False),
    (
        "breathing",
        EVENT,
        r"\bs'etouffait|\bdevenu bleu|\bdevenue bleue|\bcyanos\w+|\bdesature\w*",
        False,
    ),
    ("seizure", EVENT, r"\bcrise convulsive|\bconvulsion", False),
    (
        "hospital",
        EVENT,
        r"\bsoins intensifs|\btransporte\w* a l'hopital|\bemmene\w* a l'hopital|\b112\b"
        r"|\bdefibrill\w+",
        False,
    ),
    ("death", EVENT, r"\bnous a quitte\w*|\bdecede\w*", False),
    (
        "overheating",
        EVENT,
        r"\bbouillant\w*|\bdeforme\w*|\bbatterie (?:a |est )?gonfl\w+|\bchauffe (?:enormement"
        r"|beaucoup trop)",
        False,
    ),
    ("smoke_fire", EVENT, r"\bpris feu|\bcourt-circuit|\ba brule\b|\ba explose\b", False),
    (
        "unintended_motion",
        EVENT,
        r"\bs'est mis en mouvement|\bs'est deplace\w* seul|\bs'est (?:leve|baisse"
        r"|incline)\w* (?:tout )?seul",
        True,
    ),
    (
        "unintended_energy",
        EVENT,
        r"\baugmente\w* tout seul|\bdecharge sans|\bs'est declenche\w* tout seul",
        True,
    ),
    (
        "failure_to_stop",
        EVENT,
        r"\bne s'arretait pas|\bimpossible de l'arreter|\bn'a pas coupe",
        True,
    ),
    (
        "alarm_failure",
        EVENT,
        r"\bpas d'alarme|\bpas d'alerte|\baucune alerte|\bl'alarme ne s'est pas"
        r"|\bl'alerte n'est (?:jamais )?arrivee",
        True,
    ),
    (
        "wrong_patient_data",
        EVENT,
        r"\bdossiers? melange\w*|\bdonnees d'un autre|\bdonnees d'une autre",
        True,
    ),
    ("unconscious", POSSIBLE, r"\bla tete qui tourne|\bfaillie? m'evanouir", False),
]
_RAW["de"] += [
    (
        "wrong_dose",
        EVENT,
        r"\bzu viel (?:medikament\w*|morphin|heparin)|\bdoppelte dosis|\bzu hohe dosis"
        r"|\bdosis zu hoch|\bzweimal abgegeben"
        r"|\b(?:antibiose|medikament\w*|dosis|insulin) verpasst|\bueberdosis",
        False,
    ),
    (
        "injury",
        EVENT,
        r"\bblutet\b|\bblaue flecken|\beingeklemmt|\bgequetscht|\bgenaeht|\bschlaganfall"
        r"|\bherzinfarkt|\bunterzuckerung"
        r"|\bunterzucker\w+|\bhypo\b|\bverletzung\w*",
        False,
    ),
    ("fall", EVENT, r"\baus dem bett (?:gefallen|gestuerzt|gerutscht)", False),
    ("burn", EVENT, r"\bbrandwunde|\bverbrueht", False),
    ("shock", EVENT, r"\belektrisiert|\bstromstoss|\bgeschlagen hat es mich|\beinen schlag", False),
    ("unconscious", EVENT, r"\bzusammengesackt|\bohnmacht", False),
    (
        "breathing",
        EVENT,
        r"\bblau angelaufen|\bsaettigung (?:ist )?(?:gefallen|abgefallen)|\bhoerte auf zu atmen",
        False,
    ),
    ("seizure", EVENT, r"\banfall\b|\bkrampfte", False),
    (
        "hospital",
        EVENT,
        r"\brtw\b|\beingeliefert|\bstationaer aufgenommen|\breanimiert|\bwiederbelebt"
        r"|\bnotoperation",
        False,
    ),
    ("death", EVENT, r"\bums leben|\bverstarb\b|\bist tot\b", False),
    ("overheating", EVENT, r"\bgluehend heiss|\bkochend heiss|\bheiss geworden", False),
    (
        "smoke_fire",
        EVENT,
        r"\bgebrannt\b|\bfeuer gefangen|\bkurzschluss|\bexplodiert|\bgeschmort",
        False,
    ),
    (
        "unintended_motion",
        EVENT,
        r"\bselbststaendig (?:bewegt|gefahren|hochgefahren|abgesenkt)|\bohne zutun",
        True,
    ),
    (
        "unintended_energy",
        EVENT,
        r"\bvon selbst (?:hochgedreht|erhoeht|ausgeloest)|\bschock ohne",
        True,
    ),
    (
        "failure_to_stop",
        EVENT,
        r"\bliess sich nicht (?:stoppen|abschalten|ausschalten|anhalten)|\bhoerte nicht auf"
        r"|\bging nicht aus|\bschaltete nicht ab",
        True,
    ),
    (
        "alarm_failure",
        EVENT,
        r"\balarm blieb aus|\bnicht alarmiert|\bkein alarm (?:kam|ertoente|ging los)",
        True,
    ),
    (
        "wrong_patient_data",
        EVENT,
        r"\bfalschen patienten|\bvon einem anderen patienten|\bdaten (?:eines|einer) anderen",
        True,
    ),
    ("unconscious", POSSIBLE, r"\bschwummerig|\bschwindlig", False),
]

_RAW["en"] += [
    (
        "smoke_fire",
        POSSIBLE,
        r"\bsmells? (?:of )?(?:burnt|burning|hot|melting|electrical)|\bsmelt (?:odd|funny|burnt"
        r"|hot)|\bfishy smell",
        False,
    ),
    ("overheating", POSSIBLE, r"\bunusually (?:warm|hot)|\bgets? (?:quite |very )?hot\b", False),
]
_RAW["es"] += [
    (
        "smoke_fire",
        POSSIBLE,
        r"\bhuele (?:raro|a quemado|a plastico)|\bolor extrano|\bolor a quemado",
        False,
    ),
    (
        "overheating",
        POSSIBLE,
        r"\bse pone (?:algo |un poco |bastante )?calient\w+|\bcalentito",
        False,
    ),
    ("hospital", POSSIBLE, r"\besta en el hospital|\bingresad[oa] desde", False),
]
_RAW["fr"] += [
    (
        "smoke_fire",
        POSSIBLE,
        r"\bsent (?:le brule|bizarre|le chaud|le plastique)|\bodeur de chaud|\bodeur de plastique",
        False,
    ),
    ("overheating", POSSIBLE, r"\bdevient (?:assez |tres |un peu )?chaud", False),
    ("hospital", POSSIBLE, r"\best a l'hopital", False),
]
_RAW["de"] += [
    (
        "smoke_fire",
        POSSIBLE,
        r"\b(?:riecht|roch|gerochen)\b(?:(?!nicht|kein)[\w ]){0,20}(?:verbrannt|plastik|komisch"
        r"|seltsam|merkwuerdig|verschmort)",
        False,
    ),
    (
        "overheating",
        POSSIBLE,
        r"\bwird (?:ziemlich |sehr |etwas )?warm|\bwird (?:ziemlich |etwas )?heiss",
        False,
    ),
]

_RAW["en"] += [
    (
        "injury",
        EVENT,
        r"\b(?:arm|hand|fingers?|leg|foot|feet|lips?|face)\w* (?:went|turned) (?:purple|blue|white"
        r"|black)",
        False,
    ),
    (
        "unintended_motion",
        EVENT,
        r"\b(?:lowered|raised|moved|tilted|started|switched on|turned on|inflated|activated"
        r"|reclined) (?:itself|themselves)\b",
        True,
    ),
    (
        "wrong_patient_data",
        EVENT,
        r"\b(?:from|of|for|belonged to) a different (?:patient|person|resident)\b"
        r"|\ba different patient'?s (?:readings?|data|chart|record)",
        True,
    ),
]
_RAW["es"] += [
    (
        "unintended_motion",
        EVENT,
        r"\b(?:bajo|subio|se movio|se inclino|se abrio|se solto|arranco|se puso en marcha"
        r"|se encendio) sol[oa]\b",
        True,
    ),
]
_RAW["fr"] += [
    (
        "unintended_motion",
        EVENT,
        r"\b(?:est )?(?:descendu|monte|parti|bouge|deplace|incline|releve|abaisse"
        r"|mis en marche)e? tout(?:e)? seule?\b",
        True,
    ),
]

# Wording that holds its own negation ("wasn't breathing"): a cue before it does not cancel it.
_RAW["en"] += [
    (
        "breathing",
        EVENT,
        r"\bnot breathing|\bwasn'?t breathing|\bcouldn'?t breathe|\bcan'?t breathe"
        r"|\bcouldn'?t get (?:any )?air|\bunable to breathe",
        True,
    ),
    (
        "unconscious",
        EVENT,
        r"\bnot responding\b|\bwouldn'?t wake up|\bcouldn'?t wake (?:him|her)|\bdidn'?t respond\b"
        r"|\bwasn'?t responding",
        True,
    ),
    ("wrong_dose", EVENT, r"\bdidn'?t stop priming", True),
    (
        "alarm_failure",
        EVENT,
        r"\b(?:alarm|alert|warning|notification|sensor|detection|monitor|watch|pendant"
        r"|mat)\w*(?: [\w']+){0,4} (?:did not|didn'?t|never|failed to|wasn'?t|was not)"
        r" (?:work|trigger|activate|alert|notify|call|raise|go off|sound|detect)\w*|\bno (?:alarm"
        r"|alert|notification|call|warning) (?:was|were) (?:sent|raised|triggered|made|given)"
        r"|\bwithout (?:an |any )?(?:alarm|alert|alarming)\b",
        True,
    ),
]
_RAW["es"] += [
    ("breathing", EVENT, r"\bno respiraba|\bno podia respirar|\bno le entraba aire", True),
    (
        "unconscious",
        EVENT,
        r"\bno respondia|\bno reaccionaba|\bsin sentido\b|\bsin conocimiento|\bno se despertaba",
        True,
    ),
    (
        "alarm_failure",
        EVENT,
        r"\b(?:alarma|alerta|aviso|sensor)\w*(?: \w+){0,5} no (?:funciono|aviso|salto|sono"
        r"|se activo|se disparo|detecto)"
        r"|\bsin (?:ninguna )?(?:alarma|alerta)\b|\bno (?:hubo|dio|emitio) (?:ninguna )?(?:alarma"
        r"|alerta|aviso)",
        True,
    ),
]
_RAW["fr"] += [
    (
        "breathing",
        EVENT,
        r"\bne respirait plus|\bn'arrivait plus a respirer|\bne pouvait plus respirer",
        True,
    ),
    (
        "unconscious",
        EVENT,
        r"\bne repondait plus|\bsans connaissance|\bpas de reaction|\bne reagissait plus"
        r"|\bne se reveillait pas",
        True,
    ),
    (
        "alarm_failure",
        EVENT,
        r"\b(?:alarme|alerte|alarmes|alertes)\w*(?: [\w']+){0,6} (?:n'a|n'ont) (?:pas"
        r"|jamais) (?:sonne|retenti|fonctionne|marche|alerte|bipe|ete declench\w+)"
        r"|\b(?:alarme|alerte)\w*[^.]{0,30}(?:est restee?|etait|restee?) (?:muette|silencieuse)"
        r"|\bsans (?:aucune )?(?:alarme|alerte|bip|signal)\b"
        r"|\bn'a (?:pas|jamais) (?:alerte|averti|prevenu|bipe|sonne)\b|\baucun (?:bip|signal sonore"
        r"|avertissement)|\bne s'est (?:pas|jamais) declench\w+|\bn'a emis aucun\w*",
        True,
    ),
    (
        "overheating",
        EVENT,
        r"\ba (?:beaucoup |enormement |fortement )?chauffe\b|\bchauff\w+ anormalement"
        r"|\bchauffait (?:beaucoup|fort|enormement)|\bbrulait\b|\bchaud au toucher",
        False,
    ),
]
_RAW["de"] += [
    (
        "breathing",
        EVENT,
        r"\bkeine luft|\bbekam keine luft|\bnicht mehr geatmet|\batmete nicht"
        r"|\bkonnte nicht (?:mehr )?atmen",
        True,
    ),
    (
        "unconscious",
        EVENT,
        r"\bnicht (?:mehr )?reagiert|\breagierte nicht|\bnicht (?:mehr )?ansprechbar"
        r"|\bkeine reaktion|\bnicht (?:mehr )?wach zu bekommen|\bohne bewusstsein",
        True,
    ),
    (
        "unconscious",
        EVENT,
        r"\bbewusstseinsverlust|\bkreislaufkollaps|\bsynkope|\bweggekippt|\bzusammengeklappt"
        r"|\bwar kurz weg\b|\bin ohnmacht",
        False,
    ),
]
_RAW["en"] += [
    (
        "seizure",
        EVENT,
        r"\bepileptic (?:fit|episode|attack)|\btonic-?clonic|\bjerking\b"
        r"|\bshaking (?:uncontrollably|all over)|\btwitching\b",
        False,
    ),
    (
        "wrong_dose",
        EVENT,
        r"\bextra bolus|\bbolus(?:ed)? twice|\bdelivered more than|\bdelivered the (?:full|whole"
        r"|entire) (?:bag|syringe|cartridge|reservoir)"
        r"|\bwrong concentration|\bten-?fold|\bdecimal (?:point|error)|\btook (?:a |an )?(?:extra"
        r"|double|second) (?:dose|tablet|pill|injection)"
        r"|\btook (?:the same dose|(?:his|her|my|their) (?:\w+ ){0,2}(?:tablets?|pills?|insulin"
        r"|medication|medicine|doses?|injections?)) twice|\bdosed twice|\bdouble-?dosed"
        r"|\bwrong (?:medication|insulin|drug|medicine)\b"
        r"|\btoo many units|\bmore insulin than|\bmore than (?:programmed|prescribed|set)\b",
        False,
    ),
    (
        "overheating",
        EVENT,
        r"\b(?:charger|battery|pump|device|unit|plate|pad|wrap|case|cable|plug|adapter|reader"
        r"|monitor|tablet|phone|watch|mattress|motor|machine|dock|base|cuff|strap|sensor)\w*"
        r"(?: \w+){0,3} (?:was|got|gets|became|is|went|getting|running|felt|feels) (?:very |really "
        r"|extremely |super |too |so |quite |burning )?hot\b"
        r"|\bheated up\b|\bthermal runaway|\btemperature (?:rose|spiked|climbed|jumped) to"
        r"|\bred-?hot\b|\bsizzl\w+|\bwarped\b|\bdiscolou?r(?:ed|ation)\b|\bsinged\b",
        False,
    ),
    (
        "fall",
        EVENT,
        r"\b(?:found|lying|lay|was|been|ended up|left) (?:\w+ ){0,2}on the (?:floor|ground)\b"
        r"|\btook a (?:bad )?fall|\bhad a tumble|\btumbled\b|\bfell over\b",
        False,
    ),
]

# Broader wording, from general knowledge, for concepts measured as fragile.
_RAW["en"] += [
    (
        "unintended_motion",
        EVENT,
        r"\b(?:driv|drove|accelerat|lurch|jerk|spun|spin|turn|open|clos|bent|bend|reclin|sank"
        r"|sink)\w*[^.]{0,40}?\b(?:on (?:its|their) own|by itself|by themselves)"
        r"|\bsuddenly (?:moved|dropped|lowered|tilted|raised|lurched|accelerated|jerked|drove"
        r"|rolled"
        r"|collapsed|sank|swung)\b|\bself-?propelled|\bmoved without (?:being|anyone)",
        True,
    ),
    (
        "wrong_dose",
        EVENT,
        r"\bgiven (?:the |a |an )?(?:wrong|double|extra|second)\b|\breceived (?:a |an )?(?:double"
        r"|extra|second|wrong)\b|\badministered twice"
        r"|\b(?:bolus|dose) (?:was )?repeated|\brepeated (?:bolus|dose)|\binfused (?:too fast"
        r"|faster"
        r"|at \d+ times)|\b(?:ran|went) in (?:too fast|over (?:\d+|a few) minutes)"
        r"|\b(?:entire|whole) (?:bag|syringe|infusion) (?:ran|went) in|\brate was (?:\d+"
        r"|ten) times",
        False,
    ),
    (
        "overheating",
        EVENT,
        r"\bbulg(?:ed|ing)\b|\bpuffed up|\b(?:gave off|radiating|excessive) heat|\bhot ?spots?\b"
        r"|\bheat damage|\b(?:reached|measured|at) \d+ ?(?:°|degrees)",
        False,
    ),
]
_RAW["es"] += [
    (
        "hospital",
        EVENT,
        r"\b(?:lo|la|le|los|las) ingresaron|\b(?:lo|la|le) han ingresado|\bingres(?:o|aron) en\b"
        r"|\ben observacion\b|\bpaso la noche en (?:el hospital|urgencias)"
        r"|\ble atendieron en urgencias|\bacabo en el hospital|\btuvo que ir al hospital"
        r"|\bla trasladaron|\blo trasladaron|\ben el hospital\b(?! de (?:dia|referencia))",
        False,
    ),
    (
        "wrong_dose",
        EVENT,
        r"\b\d+ (?:unidades|ml|mg|u) en (?:vez|lugar) de \d+|\b(?:le|se|me) (?:puso|pusieron"
        r"|administro|administraron|dio|dieron|paso|pasaron) (?:\w+ ){0,2}(?:de mas|el doble"
        r"|demasiad\w+)"
        r"|\bsobredosific\w+|\bdosis (?:superior|muy alta)",
        False,
    ),
]
_RAW["fr"] += [
    (
        "shock",
        EVENT,
        r"\b(?:senti|sentir|pris|ressenti) (?:le |du )?courant\b|\ble courant (?:est )?passe"
        r"|\bcoup de jus|\bune decharge\b(?! de responsabilite)",
        False,
    ),
]
_RAW["de"] += [
    (
        "fall",
        EVENT,
        r"\baus dem (?:bett|rollstuhl|lifter|tuch|sitz|stuhl|sessel|gurt)\b[^.]{0,20}\b(?:gefallen"
        r"|gerutscht|gestuerzt|geglitten)"
        r"|\b(?:lag|lagen|gefunden) (?:\w+ ){0,2}auf dem boden|\bzu boden (?:gefallen|gegangen"
        r"|gestuerzt)|\bauf den boden (?:geknallt|geschlagen|gestuerzt)",
        False,
    ),
    (
        "unconscious",
        EVENT,
        r"\bnicht mehr aufgewacht|\bschwer erweckbar|\beingetruebt|\bbewusstseinsstoerung"
        r"|\bweggesackt|\bregungslos|\bnicht mehr bei sich",
        False,
    ),
    (
        "hospital",
        EVENT,
        r"\b(?:in die|in der|in eine|ins|im) (?:klinik|klinikum|kinderklinik)\b|\b(?:in ein|in das"
        r"|ins) krankenhaus|\baufgenommen worden",
        False,
    ),
    (
        "wrong_dose",
        EVENT,
        r"\bzu viel (?:\w+ ){0,2}(?:insulin|bekommen|abgegeben|gegeben|infundiert)"
        r"|\bdoppelt (?:so viel|abgegeben|gegeben)|\bmehr als (?:programmiert|verordnet"
        r"|eingestellt)"
        r"|\bfalsche menge|\bfehldosier\w+|\bdreifache\b|\b\d+ (?:einheiten|ml|mg|ie) statt \d+",
        False,
    ),
    (
        "failure_to_stop",
        EVENT,
        r"\b(?:pumpe|infusion|geraet|heizkissen|heizdecke|motor|lifter|bett|manschette|perfusor)\w*"
        r"[^.]{0,40}\b(?:lief|pumpte|foerderte|infundierte|heizte) (?:\w+ ){0,5}weiter"
        r"|\bueber das (?:volumen|ziel) hinaus|\bobwohl das volumen erreicht",
        True,
    ),
]


# More wording from general knowledge (verified on tune and hand-written cases).
_RAW["fr"] += [
    (
        "failure_to_stop",
        EVENT,
        r"\ba continue (?:apres|malgre|a tourner|de tourner|a couler|de couler)",
        True,
    ),
    (
        "wrong_dose",
        EVENT,
        r"\btrop de (?:liquide|produit|medicament|solution|perfusion|morphine|heparine)",
        False,
    ),
    ("injury", EVENT, r"\bs'est cogne\w*|\bs'est tape\w* la tete|\bse cogner la tete", False),
    (
        "unintended_motion",
        EVENT,
        r"\bs'est (?:abaisse|affaisse|baisse|descendu|leve|releve)\w* d'un coup",
        True,
    ),
]
_RAW["de"] += [
    (
        "failure_to_stop",
        EVENT,
        r"\b(?:pumpe|infusion|geraet|heizkissen|heizdecke|motor|lifter|bett|manschette|perfusor)\w*"
        r"[^.]{0,40}\b(?:lief|pumpte|foerderte|infundierte|heizte) (?:\w+ ){0,5}weiter",
        True,
    ),
    (
        "wrong_dose",
        EVENT,
        r"\bzu viel (?:fluessigkeit|medikament\w*|infusion|loesung|morphin|heparin)",
        False,
    ),
    (
        "injury",
        EVENT,
        r"\b(?:den )?kopf (?:gestossen|angeschlagen|aufgeschlagen)|\bsich (?:\w+ )?gestossen",
        False,
    ),
    (
        "unintended_motion",
        EVENT,
        r"\b(?:ploetzlich|auf einmal) (?:\w+ )?(?:abgesackt|abgesenkt|runtergefahren|hochgefahren"
        r"|losgefahren|gekippt)|\babgesackt\b",
        True,
    ),
    (
        "unconscious",
        EVENT,
        r"\bverlor (?:\w+ ){0,4}(?:das )?bewusstsein|\bbewusstsein verlor",
        False,
    ),
]

# Third pass: families from general knowledge of clinical shorthand, voice-to-text and lay wording
# (each a whole concept, not a report's phrase; see docs/benchmarks.md, "Third pass").
# - Cyanosis: a person's skin or lips turning blue or grey is a breathing event in any wording.
# - Oxygen shorthand: "SOB", "desat", "sats dropped", "not enough air".
# - Shocked by a named device ("shocked by the heating pad"), apart from surprise at a bill.
# - Clinical shorthand: "s/p fall", "found down", "+LOC", "pt c/o".
# - A progressive choking verb ("se estaba ahogando"): in voice-to-text with no punctuation a
#   negation of the verb before it does not reach it.
# - Silence of an alarm told as "no beep, nothing".
# - A dose in the history the patient does not remember giving: possible wrong dose.
# - A bolus or dose delivered twice, in each language's word order.
# - A low glucose value after a dose ("bajó a 45", "BZ 28"): possible wrong dose.
# - Data that may be someone else's: a question about it is the report itself.
_RAW["en"] += [
    (
        "breathing",
        EVENT,
        r"\bblu(?:e-?ish|ish)\b|\b(?:lips?|face|skin|fingers?) (?:\w+ )?(?:was |were |looked |went "
        r"|turned |got )(?:all |a bit |kind of )?(?:blue|grey|gray|purple)\b|\bdesatt?(?:ed|ing)\b"
        r"|\bsats? (?:dropped|fell|went down|plummeted|tanked|in the (?:70|80)s)",
        False,
    ),
    (
        "breathing",
        POSSIBLE,
        r"\b(?:enough|any) air\b|\bshort of breath|\bsob\b|\bshortness of breath|\bbreathless",
        True,
    ),
    ("breathing", EVENT, r"\bwas (?:choking|suffocating)\b", True),
    (
        "shock",
        EVENT,
        r"\bshocked (?:by|from|off) (?:the|my|his|her|a|an|this|that) (?:\w+ )?(?:pad|pump|device"
        r"|charger|cable|plug|unit|machine|bed|lift|electrodes?|tens|cuff|outlet|socket|wire|lead"
        r"|adapter|blanket|stimulator)\b",
        False,
    ),
    (
        "fall",
        EVENT,
        r"\bs/p (?:a |mechanical |unwitnessed )?fall\b|\bfound down\b|\bunwitnessed fall\b",
        False,
    ),
    ("unconscious", EVENT, r"(?<!\w)\+ ?loc\b|\bwith loc\b|\bbrief loc\b", False),
    (
        "alarm_failure",
        EVENT,
        r"\bno (?:beep|alarm|alert|sound|tone)s?,? (?:nothing|at all|whatsoever)\b"
        r"|\bnot (?:a|one) (?:single )?(?:beep|alarm|sound)\b",
        True,
    ),
    (
        "wrong_dose",
        POSSIBLE,
        r"\b(?:bolus|dose|injection|units?|\d+ ?u)\b[^.]{0,50}\b(?:i|we|she|he) (?:don'?t|do not"
        r"|didn'?t|did not|can'?t) (?:remember|recall) (?:giving|taking|doing|programming|entering"
        r"|setting|ordering)",
        True,
    ),
    (
        "wrong_dose",
        POSSIBLE,
        r"\b(?:bg|bs|blood sugar|sugar|glucose|cbg)\w* (?:was |of |at |dropped to |down to |fell "
        r"to |read )?(?:[1-4]\d|5[0-4])\b(?! ?(?:min|minutes|hours|%|years|mmol))",
        False,
    ),
]
_RAW["es"] += [
    (
        "breathing",
        EVENT,
        r"\bse (?:estaba|esta|estaban) (?:ahogando|asfixiando)|\b(?:labios|cara|piel) (?:\w+ )?"
        r"(?:azul\w*|morad\w*)|\bazulad[oa]s?\b|\bamoratad[oa]s?\b",
        True,
    ),
    ("breathing", POSSIBLE, r"\b(?:suficiente|bastante) aire\b", True),
    ("alarm_failure", EVENT, r"\bni (?:un )?(?:pitido|pip|bip|alarma|sonido)\b", True),
    (
        "wrong_dose",
        EVENT,
        r"\b(?:bolo|dosis|inyeccion)\w* (?:\w+ ){0,2}dos veces\b|\bdos veces (?:el|la) (?:bolo"
        r"|dosis)",
        False,
    ),
    (
        "wrong_dose",
        POSSIBLE,
        r"\b(?:bolo|dosis|unidades|\d+ ?u)\b[^.]{0,50}\bno (?:me )?(?:acuerdo|recuerdo) (?:de )?"
        r"(?:haber|haberlo|haberla|poner|dar)"
        r"|\b(?:bajo|cayo) a (?:[1-4]\d|5[0-4])\b|\b(?:glucosa|glucemia|azucar) (?:de |en |a )?"
        r"(?:[1-4]\d|5[0-4])\b(?! ?(?:min|minutos|horas|%|anos))",
        True,
    ),
]
_RAW["fr"] += [
    (
        "breathing",
        EVENT,
        r"\b(?:etait|est) en train de s'etouffer|\b(?:levres|visage|peau) (?:\w+ )?(?:bleu\w*"
        r"|violac\w*)|\bbleuatres?\b|\bbleute\w*\b",
        True,
    ),
    ("breathing", POSSIBLE, r"\b(?:assez|suffisamment) d'air\b|\bmanqu\w+ d'air", True),
    ("alarm_failure", EVENT, r"\bpas un (?:seul )?(?:bip|son)\b|\baucune alarme\b", True),
    (
        "wrong_dose",
        EVENT,
        r"\b(?:bolus|dose|injection)\w* (?:\w+ ){0,2}deux fois\b|\bdeux fois (?:le|la) (?:bolus"
        r"|dose)",
        False,
    ),
    (
        "wrong_dose",
        POSSIBLE,
        r"\b(?:bolus|dose|unites|\d+ ?u)\b[^.]{0,50}\bne me (?:souviens|rappelle) pas (?:d'avoir"
        r"|de l'avoir|l'avoir)",
        True,
    ),
]
_RAW["de"] += [
    (
        "breathing",
        EVENT,
        r"\bblau angelaufen|\bblaeulich\w*|\b(?:lippen|gesicht|haut) (?:\w+ )?(?:blau|lila|grau)\b"
        r"|\b(?:ist|war) am ersticken|\berstickte fast",
        True,
    ),
    ("breathing", POSSIBLE, r"\b(?:genug|genuegend) luft\b|\bluftnot\b|\batemnot\b", True),
    ("alarm_failure", EVENT, r"\bkein (?:einziger )?(?:piep\w*|ton|alarm|mucks)\b", True),
    (
        "wrong_dose",
        EVENT,
        r"\b(?:bolus|dosis|injektion)\w* (?:\w+ ){0,2}zweimal\b|\bzweimal (?:den|die) (?:bolus"
        r"|dosis)|\b\d+[.,]\d+ (?:ie|einheiten|ml)(?:/h)? (?:\w+ ){0,2}als \d+[.,]\d+",
        False,
    ),
    (
        "wrong_dose",
        POSSIBLE,
        r"\b(?:bolus|dosis|einheiten|\d+ ?ie)\b[^.]{0,50}\b(?:nicht erinnern|erinnere mich nicht"
        r"|weiss nichts)"
        r"|\b(?:bz|blutzucker|glukose)\w* (?:\w+ )?(?:von |bei |auf |nur )?(?:[1-4]\d|5[0-4])\b"
        r"(?! ?(?:min|minuten|stunden|%|jahre|mmol))",
        True,
    ),
    (
        "hospital",
        EVENT,
        r"\bstationaere? aufnahme|\bstationaer aufgenommen|\bnotarzt\w*",
        False,
    ),
]

# Data that may be someone else's, said as an attribution ("could it be someone else's?",
# "¿puede ser de otra persona?"): asking it is the report, so only a strong hypothetical
# ("what if", "in case") cancels it.
_ASKED: dict[str, str] = {
    "en": r"\b(?:be|is|are|was|were|belongs? to|from|maybe|probably|perhaps) (?:someone"
    r"|somebody) else'?s?\b"
    r"|\bnot (?:even )?my name\b",
    "es": r"\b(?:sea|es|ser|sean|son|era|quizas|quiza|tal vez|capaz) (?:\w+ )?de (?:otra persona"
    r"|alguien mas|otro paciente)\b"
    r"|\bni siquiera (?:es )?mi nombre",
    "fr": r"\b(?:est|soit|serait|c'est|etait|peut-etre) (?:\w+ )?(?:celle |celui |celles |ceux )?"
    r"(?:de quelqu'un"
    r" d'autre|d'un autre patient)|\b(?:pas|meme pas) mon nom\b",
    "de": r"\bvon jemand(?:em)? (?:anderem|anderen|anders) (?:sein|ist|sind|stammen|stammt)\b"
    r"|\b(?:vielleicht|wohl|eher|evtl) von jemand(?:em)? (?:anderem|anderen|anders)\b"
    r"|\b(?:ist|sind|stammt|stammen) (?:\w+ )?von jemand(?:em)? (?:anderem|anderen|anders)\b"
    r"|\bnicht (?:mal )?mein name",
}

for _lang, _rows in FAMILIES.items():
    _RAW[_lang] += [(kind, POSSIBLE, pattern, own) for kind, pattern, own in _rows]


def _alternatives(pattern: str) -> list[str]:
    """Split a pattern at its top-level `|` (outside groups, classes and escapes)."""
    parts, current, depth, in_class, index = [], "", 0, False, 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            current += pattern[index : index + 2]
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(current)
            current = ""
            index += 1
            continue
        current += char
        index += 1
    return [*parts, current]


def _concepts(lang: str, rows: list[tuple[str, str, str, bool]]) -> tuple[Concept, ...]:
    """One compiled pattern per alternative of the lists above, grouped by (kind, level, own
    negation) in first-seen order: the gate then sends a sentence only to the few
    alternatives whose words it holds. An alternative that spells a negation itself ("could
    not breathe", "no podía respirar") holds its own negation: the harm is in the negation."""
    groups: dict[tuple[str, str, bool], list[str]] = {}
    for kind, level, pattern, own in rows:
        groups.setdefault((kind, level, own), []).extend(_alternatives(pattern))
    return tuple(
        Concept(kind, level, re.compile(alternative), own or _spells_negation(lang, alternative))
        for (kind, level, own), alternatives in groups.items()
        for alternative in dict.fromkeys(alternatives)
    )


def _spells_negation(lang: str, pattern: str) -> bool:
    words = re.sub(r"\\[bwWsSd]|[\\()?:*+|\[\]{}^$]", " ", pattern)
    return bool(NEGATION[lang].search(words))


CONCEPTS: dict[str, tuple[Concept, ...]] = {
    lang: _concepts(lang, rows)
    + tuple(
        Concept("wrong_patient_data", POSSIBLE, re.compile(alternative), True, asked=True)
        for alternative in _alternatives(_ASKED[lang])
    )
    for lang, rows in _RAW.items()
}


GATES: dict[str, Gate] = {
    lang: Gate([concept.pattern for concept in concepts]) for lang, concepts in CONCEPTS.items()
}
