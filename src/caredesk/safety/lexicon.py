"""Word lists of the safety screen, per language, on folded text (lower case, no accents).

Each concept is (kind, level, pattern, own_negation): `kind` is one of the labelled set's kinds,
`level` "event" or "possible", and `own_negation` says the pattern holds its negation itself
("the alarm did not sound"), so a negation cue before it does not cancel it.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Concept(NamedTuple):
    kind: str
    level: str
    pattern: re.Pattern[str]
    own_negation: bool


EVENT, POSSIBLE = "event", "possible"

_RAW: dict[str, list[tuple[str, str, str, bool]]] = {
    "en": [
        ("injury", EVENT, r"\binjur(?:ed|y|ies)\b|\bhurt\b|\bbleed(?:ing|s)?\b|\bbled\b|\bwounds?\b"
         r"|\b(?:small |deep )?cut\b(?! (?:off|out|the|down|over|twice|in))|\bbruis(?:ed|es|ing)\b|\bfractur\w*"
         r"|\bbroke (?:his|her|my|their) \w+|\bscrapes?\b|\blacerat\w+|part of the needle|needle stayed"
         r"|\bstruck (?:the|her|him)\b|\bhit (?:his|her|my) head|\bsore\b|\bred dots\b|\bswollen\b", False),
        ("injury", POSSIBLE, r"\bbruise\b|\bred (?:patch|mark|spot|area)\b|\bredness\b|\bsore\b", False),
        ("burn", EVENT, r"\bburn(?:s|ed|t)?\b(?! (?:smell|odou?r))|\bburning\b(?! (?:smell|odou?r|sensation))"
         r"|\bblister\w*|\bscald\w*|\bscorch\w*|\bred and sore\b|\bcontact burn", False),
        ("shock", EVENT, r"\belectric(?:al)? shock|\b(?:got|get|getting|received|had|felt|took|gave (?:me|him|her)) (?:a |an |the )?"
         r"(?:real |proper |nasty |big |small |slight |strong |little )?(?:mains )?shock\b|\bshock (?:off|from|sensation|through)"
         r"|\belectrocut\w*|\bzapp?(?:ed|ing)\b|\bleakage current|\bmains shock", False),
        ("shock", POSSIBLE, r"\btingl\w*|\bstatic\b|\bpins and needles", False),
        ("fall", EVENT, r"\bfell\b|\bfallen\b|\bhad a (?:bad )?fall\b|\bslid (?:off|out|down|partly)|\bslipped (?:out|off|partly|down)"
         r"|\bwent down on\b|\btripped\b|\bdropped (?:about |\d|her|him|the (?:patient|resident))|\bon the floor\b", False),
        ("fall", POSSIBLE, r"\bunsteady\b|\bnearly fell\b|\balmost fell\b|\bwobbly\b|\bloss of balance\b", False),
        ("wrong_dose", EVENT, r"\boverdos\w*|\bdouble(?:d)? (?:the |a |his |her )?(?:dose|amount|bolus)|\btwice the (?:programmed |usual |set )?(?:dose|amount)"
         r"|\bwere doubled\b|\bdoubled\b|\btenfold\b|\bten ?times\b|\b10x\b|\bwrong dose\b|\bextra (?:units|insulin|dose)"
         r"|\btoo much (?:insulin|medication|drug)|\b(?:huge|massive|big|large) bolus|\bunits? (?:instead of|extra)|\binstead of \d"
         r"|\bdelivered (?:it )?twice|\bfree-?flow|\btook both\b|\bdouble dose|\bdidn'?t stop priming|\bwhole queued amount"
         r"|\bunits went in|\bgot the remainder|\bgave the extra|\bextra units\b", False),
        ("wrong_dose", POSSIBLE, r"\b(?:dropped|fell) faster than usual|\bgave more\b|\bdoses? changed|\bmiscount\w*|\bunder-?treated"
         r"|\bmuch (?:higher|lower) than\b|\bsugars? (?:a bit )?higher than normal|\bwrong (?:reading|amount)s?\b", False),
        ("allergic_reaction", EVENT, r"\ballergic reaction|\breaction to (?:the |something )|\brash\b|\bhives\b|\bwelts?\b|\bdermatitis\b"
         r"|\banaphyla\w*|\bantihistamine\w*|\bswell(?:ed|ing) up\b|\blips swell\w*", False),
        ("allergic_reaction", POSSIBLE, r"\bitch\w*|\bpimples?\b|\bbumps\b|\bspots around\b|\birritat\w+", False),
        ("unconscious", EVENT, r"\bpass(?:ed|es|ing)? out\b|\bfaint(?:ed|s)?\b|\bunconscious\b|\bunresponsive\b|\bnot responding\b"
         r"|\bcollapsed\b|\bslumped\b|\bblacked out\b|\blost consciousness|\bconscious now\b", False),
        ("unconscious", POSSIBLE, r"\bdizz(?:y|iness)\b|\bconfused\b|\bzoned out\b|\blight-?headed\b|\bdrowsy\b|\bvery tired\b", False),
        ("breathing", EVENT, r"\bstopped breathing|\bnot breathing|\bwasn'?t breathing|\bcouldn'?t breathe|\bcan'?t breathe"
         r"|\btrouble breathing|\bdifficulty breathing|\bchok(?:ing|ed)\b|\bgasping\b|\bapno?e(?:a|ic)\b|\bdesaturat\w*"
         r"|\bsats dropped|\bcouldn'?t get air|\bsuffocat\w*|\brespiratory arrest|\bbagged him|\bbagged her", False),
        ("breathing", POSSIBLE, r"\bshort(?:ness)? of breath|\bcoughing\b|\bwheez\w*|\bbreathless", False),
        ("seizure", EVENT, r"\bseizures?\b|\bseizing\b|\bconvuls\w*|\bfitting\b", False),
        ("hospital", EVENT, r"\ba&e\b|\ba and e\b|\bemergency room|\bthe er\b|\bto er\b|\bin the er\b|\burgent care\b|\bambulance\b"
         r"|\b911\b|\b999\b|\bparamedics?\b|\badmitted\b|\bhospitali[sz]ed\b|\b(?:gone|went|go|taken|rushed|brought|sent|transferred) to (?:the )?(?:[\w']+ )?hospital"
         r"|\bin hospital\b|\bicu\b|\bintensive care|\bkept (?:him|her|them|my \w+) in\b|\bemergency services|\bglucagon\b|\bdextrose\b"
         r"|\bnaloxone\b|\bdka\b|\bheart attack|\bx-ray\b|\bcardiac monitoring", False),
        ("hospital", POSSIBLE, r"\bsaw the gp\b|\bgp (?:measured|asked|is worried)|\bdoctor (?:measured|is worried)", False),
        ("death", EVENT, r"\bdied\b|\bdeath\b|\bdeceased\b|\bpassed away|\bfatal\w*|\bfound dead|\bcoroner\b", False),
        ("overheating", EVENT, r"\boverheat\w*|\btoo hot\b|\bso hot\b|\bvery hot\b|\breally hot\b|\bextremely hot\b|\bhot enough\b"
         r"|\bburning hot|\bmelt\w*|\bdeform\w*|\bswelled up and the case|\bbattery swell\w*|\bswollen battery|\btoo hot to (?:hold|touch)"
         r"|\bgot (?:very |so |really )?hot\b|\bthat hot\b", False),
        ("overheating", POSSIBLE, r"\bwarm(?:er)?\b|\bhotter\b|\bheats? up\b", False),
        ("smoke_fire", EVENT, r"\bfires?\b|\bflames?\b|\bsmok(?:e|ed|ing|es|y)\b|\bsparks?\b|\bsparking\b|\bexplod\w*|\bpopped\b"
         r"|\bbang\b|\bcaught fire", False),
        ("smoke_fire", POSSIBLE, r"\bsmell(?:ed|s|ing)? (?:odd|funny|weird|strange|burnt|hot|of burning|like burning|like (?:hot |melting )?plastic)"
         r"|\bburning (?:smell|odou?r)|\bplastic smell|\bsmell of burning", False),
        ("unintended_motion", EVENT, r"\bon (?:its|their) own\b|\bby itself\b|\bby themselves\b|\bof its own accord"
         r"|\bwithout (?:anyone|anybody) (?:touching|pressing)|\bnobody (?:pressed|touched)|\bno one (?:pressed|touched)"
         r"|\b(?:swung|moved|tilted|dropped) unexpectedly|\bdropped all the way", True),
        ("unintended_energy", EVENT, r"\bdischarged without|\bjumped from level|\bwent to high\b|\bstayed (?:on )?high\b|\babove (?:the )?setpoint"
         r"|\bscorching\b|\bdisplay said \d+ but", True),
        ("failure_to_stop", EVENT, r"\b(?:would not|wouldn'?t|did not|didn'?t|won'?t|couldn'?t|could not|failed to) (?:stop|deflate|switch off|turn off|shut off|release)"
         r"|\bkept (?:going|running|inflating|pumping|dripping|delivering|lowering|rising|on)\b|\bauto-?off (?:did not|didn'?t|failed)"
         r"|\bstill (?:on|running) (?:and \w+ )?after|\bpast (?:its|the) volume|\bcontinued (?:to run|running|infusing)|\bstayed tight"
         r"|\bafter the volume to be infused was reached|\bwas reached\b", True),
        ("failure_to_stop", POSSIBLE, r"\bran longer|\brun longer|\bseemed to run", True),
        ("alarm_failure", EVENT, r"\b(?:alarm|alert|warning|alarms|alerts)\w* (?:did not|didn'?t|never|failed to|does not|doesn'?t|wasn'?t|was not)"
         r" ?(?:go off|sound|trigger|alarm|fire|come|went off|sounded|came)|\bno (?:audible )?(?:alarm|alert|warning)\b"
         r"|\b(?:did not|didn'?t|never|without|failed to) (?:alarm|alert)\b|\bproduced no audible alarm|\bnever sounded|\bnever went off"
         r"|\breminder\w* (?:in your app )?never came", True),
        ("alarm_failure", POSSIBLE, r"\balarm maybe didn'?t|\bslept through it", True),
        ("wrong_patient_data", EVENT, r"\banother patient\b|\bother patient'?s\b|\bsomeone else'?s\b|\bwrong patient|\bbelong(?:ed|s)? to (?:another|someone)"
         r"|\bunder patient \d+'?s name|\bmix-?up\b|\bmixed up the (?:data|records|patients|charts|readings)|\bswapped (?:the )?(?:data|readings|records)"
         r"|\bshowed up in (?:mrs?|ms|dr)\.? [\w-]+'s record|\bchart shown was another", True),
        ("wrong_patient_data", POSSIBLE, r"\bfrom someone else\b|\bwasn'?t wearing the monitor", True),
    ],
    "es": [
        ("injury", EVENT, r"\bherid[oa]s?\b|\bheridas?\b|\blesion(?:es|ado|ada)?\b|\bsangr\w+|\bmoraton\w*|\bhematoma\w*|\bfractur\w*"
         r"|\bse rompio (?:el|la) \w+|\brasp(?:on|ones|ado)\b|\bcorte\b|\bme hizo dano|\ble hizo dano|\bse hizo dano|\bduele mucho|\bdolor fuerte"
         r"|\btrozo de la aguja|\bse quedo en el brazo|\bgolpe en la cabeza|\bgolpeo", False),
        ("injury", POSSIBLE, r"\bmancha roja|\benrojecid\w+|\bmoraton\b|\bun poco de dolor", False),
        ("burn", EVENT, r"\bquemadur\w+|\bquem(?:o|e|aron|ado|ada|ados|adas)\b|\bampollas?\b|\bescald\w+|\bse me esta pelando|\bpelando la piel", False),
        ("shock", EVENT, r"\bdescarga(?: electrica)?\b|\bcalambr(?:e|azo)\b|\bcorriente\b|\belectrocut\w*|\belectrocucion|\bme dio (?:unos |un )?toques?"
         r"|\bchispazo|\bcalambrazo", False),
        ("shock", POSSIBLE, r"\bhormigueo\b|\bcosquilleo\b|\bestatica\b", False),
        ("fall", EVENT, r"\bse cayo\b|\bcayo al suelo|\bse cay(?:o|eron)\b|\bcaida\b|\bcayo\b|\bse resbalo|\bresbal\w+|\btropezo|\bal suelo\b|\bse desplomo", False),
        ("fall", POSSIBLE, r"\bcasi se cae|\binestable\b|\bmareo al levantarse", False),
        ("wrong_dose", EVENT, r"\bsobredosis\b|\bel doble\b|\bdoble de (?:la )?dosis|\bdiez veces\b|\b10 veces\b|\bdosis (?:incorrecta|equivocada)"
         r"|\bunidades en vez de|\ben vez de \d|\bpaso de mas|\bde mas\b|\bflujo libre|\bse las puso|\bsiguio infundiendo|\bdemasiad[ao] insulina", False),
        ("wrong_dose", POSSIBLE, r"\bbajo mas rapido|\bmas rapido de lo normal|\bdio de mas|\bmal calculad\w+", False),
        ("allergic_reaction", EVENT, r"\breaccion alergica|\balergi\w+ al\b|\bronchas?\b|\bsarpullido|\berupcion|\burticaria|\bhinch(?:o|ado|ada|azon)\b"
         r"|\bantihistaminic\w*|\banafila\w+", False),
        ("allergic_reaction", POSSIBLE, r"\bpic(?:a|an|or|azon)\b|\bgranitos?\b|\bgranos\b|\birritacion", False),
        ("unconscious", EVENT, r"\binconsciente\b|\bse desmay\w+|\bdesmay\w+|\bperdio el conocimiento|\bse desvanecio|\bno respondia|\bse quedo como ida"
         r"|\bse desplomo|\bcolapso", False),
        ("unconscious", POSSIBLE, r"\bmaread[oa]\b|\bmareos?\b|\bconfus[oa]\b|\bdesorientad[oa]", False),
        ("breathing", EVENT, r"\bdejo de respirar|\bno respiraba|\bno podia respirar|\bapenas respiraba|\bahog\w+|\basfixi\w+|\bapnea\b|\bsin aire\b", False),
        ("breathing", POSSIBLE, r"\bfalta de aire|\bme cuesta respirar|\btos\b|\bahogo\b", False),
        ("seizure", EVENT, r"\bconvulsi\w+|\bataque epilep\w+|\bcrisis epilep\w+", False),
        ("hospital", EVENT, r"\burgencias\b|\bambulancia\b|\b112\b|\b061\b|\bingres(?:ado|ada|aron|o)\b|\bhospitaliz\w+|\buci\b|\bucin\b"
         r"|\bal hospital\b|\ben el hospital\b|\bglucagon\b|\bnaloxona\b|\bsanitarios\b|\bparamedicos?\b", False),
        ("death", EVENT, r"\bfallec\w+|\bmuri(?:o|eron)\b|\bmuerte\b|\bmuerto\b|\bdefuncion\b|\bforense\b", False),
        ("overheating", EVENT, r"\bsobrecalent\w+|\bmuy caliente\b|\btan caliente\b|\bdemasiado caliente|\bse calento tanto|\bquemaba\b|\bderreti\w+"
         r"|\bdeform\w+|\bhinch(?:o|ada) la bateria|\bardiendo\b|\bse puso muy caliente", False),
        ("overheating", POSSIBLE, r"\bcaliente\b|\btibi[oa]\b|\bse calienta\b", False),
        ("smoke_fire", EVENT, r"\bfuego\b|\bllamas?\b|\bhumo\b|\bchispas?\b|\bincendi\w+|\bexplot\w+|\bardio\b|\bse quemo\b|\bolia a quemado", False),
        ("smoke_fire", POSSIBLE, r"\bolia (?:un poco )?raro|\bolor raro|\bolor a quemado|\bolor a plastico|\bplastico caliente", False),
        ("unintended_motion", EVENT, r"\bsol[oa] hacia|\bse (?:inclino|movio|solto|bajo|subio|levanto|abrio) sol[oa]\b|\bpor si sol[oa]|\bnadie toco"
         r"|\bsin que nadie", True),
        ("unintended_energy", EVENT, r"\bsubio sol[oa] al nivel|\bsalto (?:del|de) nivel|\bdescargo sin", True),
        ("failure_to_stop", EVENT, r"\bno (?:se )?(?:paro|detuvo|desinflo|apago|freno)\b|\bsiguio (?:encendida|funcionando|infundiendo|inflando|bajando)"
         r"|\bapagado automatico (?:de la \w+ )?no funciono|\bno funciono el apagado", True),
        ("alarm_failure", EVENT, r"\bno (?:sono|salto|se activo|se disparo|aviso|llego) (?:la |el |ninguna? )?(?:alarma|alerta|aviso)"
         r"|\b(?:alarma|alerta)\w* (?:[\w ]{0,25})no (?:sono|salto|se activo|se disparo)|\bsin alarma\b|\bno llego ninguna alerta", True),
        ("wrong_patient_data", EVENT, r"\botro paciente\b|\botra paciente\b|\bde otra persona\b|\bpaciente equivocad\w+|\bdatos (?:cruzados|mezclados|intercambiados)"
         r"|\bmezclo (?:los )?(?:datos|historiales)|\bintercambi\w+ los datos", True),
    ],
    "fr": [
        ("injury", EVENT, r"\bbless(?:e|ee|es|ees|ure|ures)\b|\bsaign\w+|\bhematome\w*|\bbleus?\b|\bfractur\w+|\bplaie\b|\bcoupure\b|\begratign\w+"
         r"|\bs'est fait mal|\bfait mal\b|\bmal a la hanche|\bbout de l'aiguille|\best reste dans (?:mon|son) bras|\bcontusion", False),
        ("injury", POSSIBLE, r"\bplaque rouge|\brougeur\w*|\btache rouge", False),
        ("burn", EVENT, r"\bbrulure\w*|\bbrule(?:e|s|es)?\b|\bcloques?\b|\bampoules?\b|\bebouillant\w*|\bla peau pele|\bbrulant\w*", False),
        ("shock", EVENT, r"\belectris\w+|\belectrocut\w+|\bdecharge (?:electrique)?|\bchataigne\b|\bjus\b(?= )|\bpris le jus|\bchoc electrique|\bcourant\b", False),
        ("shock", POSSIBLE, r"\bpicotement\w*|\bfourmill\w+|\bstatique\b", False),
        ("fall", EVENT, r"\best tombee?\b|\bsont tombes?\b|\bchute\b(?! de (?:la connexion|cheveux|tension du reseau))|\bglisse\w*|\bpar terre\b|\bau sol\b|\btrebuch\w+", False),
        ("fall", POSSIBLE, r"\bfailli tomber|\bpresque tombe\w*|\binstable\b|\bdesequilibr\w+", False),
        ("wrong_dose", EVENT, r"\bsurdos\w+|\bdouble (?:de la )?dose|\bdeux fois la dose|\bdix fois\b|\b10 fois\b|\bmauvaise dose|\bunites au lieu de"
         r"|\bau lieu de \d|\ba tout pris|\bdeux rappels|\ba double\b|\bdebit libre|\bcontinue a perfuser|\btrop d'insuline", False),
        ("wrong_dose", POSSIBLE, r"\bchute plus vite|\bplus vite que d'habitude|\berreur de (?:glucides|dose)|\bmal calcul\w+", False),
        ("allergic_reaction", EVENT, r"\breaction allergique|\ballergi\w+ a l'|\burticaire|\beruption|\beczema|\bgonfl(?:e|ee|ement)\b|\bantihistamin\w+"
         r"|\banaphyla\w+|\bplaques rouges", False),
        ("allergic_reaction", POSSIBLE, r"\bgratte\b|\bdemange\w*|\bprurit|\bpetits boutons|\bboutons\b|\birritation", False),
        ("unconscious", EVENT, r"\binconscient\w*|\bevanoui\w*|\bmalaise\b|\bperdu connaissance|\bperte de connaissance|\bpartie? dans les vapes"
         r"|\bne repondait plus|\bs'est effondre\w*|\btombe dans les pommes", False),
        ("unconscious", POSSIBLE, r"\bvertiges?\b|\bdes etourdissements|\betourdi\w*|\bconfus\w*|\bdesoriente\w*", False),
        ("breathing", EVENT, r"\brespirait mal|\bne respirait plus|\bn'arrivait plus a respirer|\barret respiratoire|\bapnee\b|\bs'etouff\w+|\betouff\w+"
         r"|\basphyxi\w+|\bdesatur\w+", False),
        ("breathing", POSSIBLE, r"\bessouffl\w+|\bdu mal a respirer|\bmanque d'air|\btousse\w*|\btoux\b", False),
        ("seizure", EVENT, r"\bconvuls\w+|\bcrise d'epilepsie|\bcrise epilept\w+", False),
        ("hospital", EVENT, r"\burgences\b|\bsamu\b|\bpompiers\b|\b15\b(?= est)|\bambulance\b|\bhospitalis\w+|\breanimation\b|\breanim\w+|\brea\b"
         r"|\bsoins intensifs|\badmis\w*\b|\ba l'hopital\b|\bglucagon\b|\bnaloxone\b|\bsmur\b", False),
        ("death", EVENT, r"\bdeced\w+|\bmort\b|\bmorte\b|\bmourut|\bdeces\b|\best mort|\bmedecin legiste|\blegiste\b", False),
        ("overheating", EVENT, r"\bsurchauff\w+|\btres chaud\b|\btrop chaud|\btellement (?:chaud|chauffe)|\ba tellement chauffe|\bbrulant\w*|\bfondu\b|\bdeform\w+"
         r"|\bbatterie a gonfle", False),
        ("overheating", POSSIBLE, r"\bchaud\b|\btiede\b|\bchauffe\b", False),
        ("smoke_fire", EVENT, r"\bfeu\b(?! vert)|\bflammes?\b|\bfum(?:ee|er|e|ait)\b|\betincelles?\b|\bincendie\b|\bexplos\w+|\bodeur de brule", False),
        ("smoke_fire", POSSIBLE, r"\bsentait (?:un peu )?(?:bizarre|le brule|le chaud)|\bodeur (?:bizarre|etrange|de plastique)|\bplastique chaud", False),
        ("unintended_motion", EVENT, r"\btout(?:e)? seule?s?\b|\bpersonne n'a touche|\bsans que personne|\bde lui-meme|\bd'elle-meme", True),
        ("unintended_energy", EVENT, r"\best passe (?:seul )?au niveau|\bdechargee? sans", True),
        ("failure_to_stop", EVENT, r"\bne s'est pas (?:arrete|eteint|degonfle)\w*|\bn'a pas (?:marche|fonctionne|arrete)|\bencore allume|\bcontinue de"
         r"|\bcontinuait a|\bne se degonflait", True),
        ("alarm_failure", EVENT, r"\b(?:alarme|alerte)\w*(?: [\w']+){0,6} ne s'est pas declench\w+|\b(?:alarme|alerte) n'a pas (?:sonne|retenti)"
         r"|\bn'a pas sonne|\bsans alarme|\baucune (?:alarme|alerte)", True),
        ("wrong_patient_data", EVENT, r"\bun autre patient\b|\bune autre patiente\b|\bd'un autre patient|\bappartenaient a un autre|\bmelange les (?:dossiers|donnees)"
         r"|\bmauvais patient|\binverse\w* les (?:dossiers|donnees)", True),
    ],
    "de": [
        ("injury", EVENT, r"\bverletz\w+|\bblut(?:et|ete|ung|ergu\w+)\b|\bbluterg\w+|\bgebrochen\b|\bbruch\b|\bwunde\b|\bplatzwunde|\bschnitt\w*|\bschuerf\w+"
         r"|\bprellung\w*|\bstueck der nadel|\bim arm geblieben|\bmit dem kopf gegen|\bweh getan|\bwehgetan|\btat weh|\bschmerzen\b", False),
        ("injury", POSSIBLE, r"\broter fleck|\bgeroetet|\broetung\w*|\bblauer fleck", False),
        ("burn", EVENT, r"\bverbrenn\w+|\bverbrannt\b|\bbrandblase\w*|\bblasen\b|\bbrandstelle|\bbrandwunde\w*|\bverbrueh\w+|\bblasig", False),
        ("shock", EVENT, r"\bstromschlag|\belektrischen schlag|\bschlag bekommen|\beine gewischt|\bgewischt bekommen|\bgeschockt\b|\bstrom abbekommen"
         r"|\bunter strom|\bgezuckt\b", False),
        ("shock", POSSIBLE, r"\bkribbeln\b|\bkribbelt\b|\bstatisch\w*", False),
        ("fall", EVENT, r"\bgestuerzt\b|\bsturz\b|\bhingefallen\b|\bumgefallen\b|\bgefallen\b|\bgerutscht\b|\bausgerutscht|\bauf den boden|\bzu boden", False),
        ("fall", POSSIBLE, r"\bfast gestuerzt|\bbeinahe gestuerzt|\bunsicher\b|\bwackelig", False),
        ("wrong_dose", EVENT, r"\bueberdos\w+|\bdoppelte (?:programmierte )?(?:menge|dosis)|\bzehnfache\b|\bzehnmal\b|\bfalsche dosis|\beinheiten statt"
         r"|\bstatt \d|\bbeide genommen|\bverdoppel\w+|\bzu viel insulin|\bfreier fluss|\bweiter infundiert", False),
        ("wrong_dose", POSSIBLE, r"\bschneller gefallen|\bschneller als sonst|\bmehr gegeben|\bfalsch geschaetzt", False),
        ("allergic_reaction", EVENT, r"\ballergisch\w*|\bquaddeln\b|\bausschlag\b|\bnesselsucht|\bangeschwollen\b|\bgeschwollen\b|\bantihistamin\w*"
         r"|\banaphyla\w+|\bekzem", False),
        ("allergic_reaction", POSSIBLE, r"\bjuck\w*|\bpickel\w*|\bpusteln|\breizung", False),
        ("unconscious", EVENT, r"\bohnmaechtig\b|\bbewusstlos\w*|\bbewusstsein verloren|\bwieder bei bewusstsein|\bweggetreten\b|\bkollabiert"
         r"|\bzusammengebrochen|\bnicht (?:mehr )?reagiert|\bnicht ansprechbar|\bumgekippt", False),
        ("unconscious", POSSIBLE, r"\bschwindel\w*|\bverwirrt\b|\bbenommen\b", False),
        ("breathing", EVENT, r"\bkaum (?:noch )?geatmet|\bnicht mehr geatmet|\batemstillstand|\bkeine luft|\berstick\w+|\bapnoe\b|\bgeroechelt|\bgewuergt", False),
        ("breathing", POSSIBLE, r"\batemnot\b|\bkurzatmig\w*|\bhusten\w*|\bluftnot", False),
        ("seizure", EVENT, r"\bkrampfanfall|\bkrampfanfaelle|\bkrampf\b|\bepilept\w+ anfall|\bkrampfte", False),
        ("hospital", EVENT, r"\bnotaufnahme\b|\bkindernotaufnahme|\bnotarzt\b|\brettungswagen|\bkrankenwagen|\bsanitaeter\b|\b112\b|\bkrankenhaus\b"
         r"|\bklinik eingeliefert|\beingeliefert\b|\bstationaer\b|\bintensivstation|\bneo-intensiv|\bintensiv\b|\bglukagon\b|\bnaloxon\b", False),
        ("death", EVENT, r"\bverstorben\b|\bgestorben\b|\btod\b|\btot\b|\btodesfall|\brechtsmedizin", False),
        ("overheating", EVENT, r"\bueberhitz\w+|\bsehr heiss|\bso heiss|\bzu heiss|\btotal heiss|\bheiss geworden|\bgeschmolzen|\bverformt|\baufgebläht|\baufgeblaeht", False),
        ("overheating", POSSIBLE, r"\bwarm\b|\bwaermer\b|\bheiss\b", False),
        ("smoke_fire", EVENT, r"\bfeuer\b|\bflamme\w*|\brauch\b|\bgeraucht\b|\bqualm\w*|\bfunken\b|\bbrand\b|\bbrannte\b|\bexplod\w+|\bverschmort", False),
        ("smoke_fire", POSSIBLE, r"\bkomisch gerochen|\bseltsam gerochen|\bverbrannt gerochen|\bgeruch nach|\bwarmem plastik|\bschmorgeruch", False),
        ("unintended_motion", EVENT, r"\bvon (?:allein|selbst)\b|\bvon sich aus|\bkeiner hat (?:die bedienung )?(?:angefasst|gedrueckt)|\bohne dass jemand", True),
        ("unintended_energy", EVENT, r"\bvon selbst auf stufe|\bausgeloest ohne", True),
        ("failure_to_stop", EVENT, r"\bnicht (?:mehr )?(?:abgelassen|abgeschaltet|gestoppt|aufgehoert|ausgegangen)|\babschaltautomatik\w* (?:[\w ]{0,20})?(?:hat )?nicht"
         r"|\bimmer weiter|\bimmer noch an\b|\blief weiter", True),
        ("alarm_failure", EVENT, r"\b\w*alarm\w* (?:[\w ]{0,40})?(?:hat )?(?:nicht|nie|kein\w*) (?:ausgeloest|losgegangen|geklingelt|angeschlagen|gemeldet)"
         r"|\bohne alarm|\bkein alarm|\bkeine warnung", True),
        ("wrong_patient_data", EVENT, r"\banderen patient\w*|\bandere patient\w*|\bdaten vertauscht|\bvertausch\w+|\bfalschen patient\w*", True),
    ],
}

# Broader wording from general knowledge of each language (synonyms, inflections, slang).
_RAW["en"] += [
    ("injury", EVENT, r"\bstroke\b|\bhad a (?:bad |severe |big )?hypo\b|\bwent hypo\b|\bsevere hypo\w*|\bhypoglyc\w+|\bgash\w*|\bconcussion"
     r"|\bpinned\b|\btrapped (?:his|her|my|the)|\bentrap\w*|\bcrushed\b|\bpinched (?:his|her|my)|\bstitches\b|\bsprain\w*|\bdislocat\w*"
     r"|\bpunctur\w+ (?:his|her|my)|\bskin tear|\bnosebleed|\bchest pain|\bin (?:a lot of |severe )?pain\b|\bsevere pain", False),
    ("shock", EVENT, r"\bshocked (?:him|her|me|the patient|them|us)\b|\bjolt(?:ed)?\b|\bcurrent went through|\bgot zapped", False),
    ("fall", EVENT, r"\bhit the (?:floor|ground)|\bon the ground\b|\btoppled\b|\btipped over with|\brolled off|\bfell out of", False),
    ("wrong_dose", EVENT, r"\bexcessive (?:dose|amount|bolus)|\btoo (?:high|large|big) (?:a )?dose|\bhigher dose than|\bover-?infus\w+"
     r"|\bunder-?dos\w+|\bunder-?infus\w+|\bmissed (?:two |three |\d+ )?(?:hours|doses?) of|\btoo much (?:morphine|medicine|heparin|fluid)", False),
    ("allergic_reaction", EVENT, r"\bswelling\b|\bswelled\b|\bblotch\w*|\bepi-?pen\b|\bthroat (?:closed|swelled|felt tight|tightened)", False),
    ("unconscious", EVENT, r"\bkeeled over|\bknocked out|\bcame round\b|\bcame to\b|\bwent limp|\bunarousable", False),
    ("breathing", EVENT, r"\bstruggling to breathe|\bturned blue|\bwent blue|\bcyano\w+|\brespiratory distress|\baspirat\w+|\bstrangl\w+"
     r"|\b(?:oxygen|o2|sats|saturation)\w* (?:dropped|fell|plummeted)|\bentangled (?:around|in)", False),
    ("seizure", EVENT, r"\bhad a fit\b", False),
    ("hospital", EVENT, r"\bemergency department|\bcasualty\b|\baccident and emergency|\b112\b|\bems\b|\bresuscitat\w+|\bcpr\b|\bintubat\w+"
     r"|\blife support|\bsurgery to|\bemergency surgery|\bcalled an ambulance|\bcritical care", False),
    ("death", EVENT, r"\b(?:is|was|were|found|pronounced) dead\b|\bhas died\b|\bkilled (?:him|her|them|my)\b|\blost (?:him|her) (?:on|last|this)", False),
    ("overheating", EVENT, r"\bscalding hot|\bboiling hot|\bburning up\b|\bhot to the touch|\btoo warm to|\bsmoking hot", False),
    ("smoke_fire", EVENT, r"\bignit\w+|\bcaught alight|\bburst into flames|\bspark(?:ed|ing)\b|\barcing\b|\bshort-?circuit\w*|\bcharred\b|\bscorch marks", False),
    ("unintended_motion", EVENT, r"\bstarted moving\b|\bself-?activat\w+|\bspontaneous(?:ly)? (?:moved|lowered|raised|rose|dropped|started)"
     r"|\bunexpectedly (?:moved|lowered|raised|rose|dropped|started|collapsed)|\buncommanded\b|\bwithout warning (?:moved|dropped|lowered)", True),
    ("unintended_energy", EVENT, r"\bfired without|\bshock without (?:anyone|reason|warning)|\bstimulation (?:suddenly )?(?:increased|jumped|spiked)"
     r"|\bsurged to\b|\bfull power by itself", True),
    ("failure_to_stop", EVENT, r"\bcouldn'?t stop it|\bkept heating|\bdidn'?t shut off|\bstop button (?:did nothing|didn'?t work)"
     r"|\bemergency stop (?:didn'?t|did not|failed)|\brunaway\b|\bwouldn'?t (?:switch|turn|shut) off", True),
    ("alarm_failure", EVENT, r"\balarm was silent|\bsilent(?:ly)? fail\w*|\bwithout alarming|\bnever alerted|\balert never (?:arrived|came)"
     r"|\bno warning (?:at all|came|sounded)", True),
    ("wrong_patient_data", EVENT, r"\banother person'?s\b|\bsomeone else'?s (?:data|readings|chart|results|record)|\bmixed up with (?:another|a different)"
     r"|\bmerged (?:two )?(?:patients|records)|\bwrong (?:chart|record)\b", True),
    ("wrong_patient_data", POSSIBLE, r"\bnot (?:my|her|his) (?:readings|data|results)\b", True),
    ("unconscious", POSSIBLE, r"\bfelt faint\b|\bfaintness\b|\bwoozy\b", False),
    ("injury", POSSIBLE, r"\bnumb(?:ness)?\b|\bstinging\b|\bmarks? on (?:his|her|my) skin", False),
]
_RAW["es"] += [
    ("wrong_dose", EVENT, r"\bdosis excesiva|\bdemasiad[ao] (?:dosis|insulina|medicacion|medicamento)|\bdosis (?:doble|mayor|mas alta)|\bdosis de mas"
     r"|\bel triple\b|\bse paso de dosis|\bmas unidades de las|\binfusion libre|\bse quedo sin su (?:medicacion|antibiotico|insulina|dosis|tratamiento)", False),
    ("injury", EVENT, r"\bse lesiono|\bsangrando\b|\bsangre\b|\bcardenal\w*|\bchichon\b|\bpuntos de sutura|\bse rompio\b|\batrapad[oa]\b|\baplastad[oa]\b"
     r"|\bpellizc\w+|\bdolor en el pecho|\bictus\b|\binfarto\b|\bhipoglucemia (?:fuerte|grave|severa)|\bhipoglucemia\b|\bbajon de azucar", False),
    ("fall", EVENT, r"\bse cae\b|\bacabo en el suelo|\bse fue al suelo|\bse volco|\bse vino abajo", False),
    ("burn", EVENT, r"\bse abraso|\babrasad\w+|\bescaldad\w+", False),
    ("shock", EVENT, r"\bme electrocuto|\bme dio corriente|\ble dio corriente|\bdio calambre", False),
    ("unconscious", EVENT, r"\bno reaccionaba|\bsin sentido\b|\bsin conocimiento|\bperdio la conciencia", False),
    ("breathing", EVENT, r"\ble costaba respirar|\bse ahogaba|\bse puso (?:morad[oa]|azul)|\bsaturacion (?:bajo|cayo)|\bdesatur\w+|\bparada respiratoria", False),
    ("seizure", EVENT, r"\bconvulsiones\b|\bconvulsiono", False),
    ("hospital", EVENT, r"\bsamur\b|\bemergencias\b|\blo llevaron al hospital|\bla llevaron al hospital|\breanim\w+|\brcp\b|\bcuidados intensivos", False),
    ("death", EVENT, r"\bha muerto\b|\bfallecimiento\b|\bsin vida\b", False),
    ("overheating", EVENT, r"\bse calento\b|\brecalent\w+|\bhirviendo\b|\bse derritio|\bse hincho la bateria|\bse deformo", False),
    ("smoke_fire", EVENT, r"\bse incendio|\bestallo\b|\bprendio fuego|\bcortocircuito|\bechar humo|\bechaba humo", False),
    ("unintended_motion", EVENT, r"\bse movio sol[oa]|\bde repente se (?:bajo|subio|movio|inclino)", True),
    ("unintended_energy", EVENT, r"\bsubio sola la intensidad|\baumento sol[oa]|\bdio una descarga sin|\bse disparo sol[oa]", True),
    ("failure_to_stop", EVENT, r"\bno se detenia|\bno paraba\b|\bno se apagaba|\bno hubo forma de pararl\w|\bseguia encendid\w", True),
    ("alarm_failure", EVENT, r"\bla alarma no sono|\bno dio ninguna alarma|\bninguna alarma|\bsin ningun aviso|\bno aviso\b", True),
    ("wrong_patient_data", EVENT, r"\bde otro paciente|\bdatos de otra persona|\bhistorial equivocado|\bse mezclaron los datos|\blecturas de otra persona", True),
    ("unconscious", POSSIBLE, r"\bmareo\w*|\bcasi me desmayo", False),
]
_RAW["fr"] += [
    ("wrong_dose", EVENT, r"\bdose trop (?:forte|elevee|importante)|\bdose excessive|\bsurdose\b|\bdose double|\bdouble la dose|\ba double la"
     r"|\bn'a pas recu (?:son|sa|ses) (?:antibiotique|traitement|dose|insuline)|\bprive de (?:son|sa|ses) (?:antibiotique|traitement)", False),
    ("injury", EVENT, r"\bsaigne\w*|\bdu sang\b|\bs'est casse|\bcasse (?:le|la|son|sa) |\bentorse|\bcoince\w*|\becrase\w*|\bpince\w* (?:le|la|son|sa)"
     r"|\bdouleur (?:forte|intense|thoracique)|\bavc\b|\binfarctus|\bcrise cardiaque|\bhypo severe|\bgrosse hypo|\bhypoglycemie", False),
    ("fall", EVENT, r"\btombee?s?\b|\bs'est effondre\w*|\brenverse\w*|\bbascule\w*", False),
    ("burn", EVENT, r"\bebouillant\w+|\bbrule (?:la|le|les|sa|son|ses) ", False),
    ("shock", EVENT, r"\bj'ai pris le jus|\bpris une decharge|\bprend le jus|\bdu courant", False),
    ("unconscious", EVENT, r"\bsans connaissance|\btombe dans les pommes|\bpas de reaction|\bne reagissait plus", False),
    ("breathing", EVENT, r"\bs'etouffait|\bdevenu bleu|\bdevenue bleue|\bcyanos\w+|\bdesature\w*|\bne pouvait plus respirer", False),
    ("seizure", EVENT, r"\bcrise convulsive|\bconvulsion", False),
    ("hospital", EVENT, r"\bsoins intensifs|\btransporte\w* a l'hopital|\bemmene\w* a l'hopital|\b112\b|\bdefibrill\w+", False),
    ("death", EVENT, r"\bnous a quitte\w*|\bdecede\w*", False),
    ("overheating", EVENT, r"\bbouillant\w*|\bdeforme\w*|\ba gonfle|\bchauffe (?:enormement|beaucoup trop)", False),
    ("smoke_fire", EVENT, r"\bpris feu|\bcourt-circuit|\ba brule\b|\bexplose\w*", False),
    ("unintended_motion", EVENT, r"\bs'est mis en mouvement|\bs'est deplace\w* seul|\bs'est (?:leve|baisse|incline)\w* (?:tout )?seul", True),
    ("unintended_energy", EVENT, r"\baugmente\w* tout seul|\bdecharge sans|\bs'est declenche\w* tout seul", True),
    ("failure_to_stop", EVENT, r"\bne s'arretait pas|\bimpossible de l'arreter|\ba continue (?:a|de)|\bn'a pas coupe", True),
    ("alarm_failure", EVENT, r"\bpas d'alarme|\bpas d'alerte|\baucune alerte|\bl'alarme ne s'est pas|\bl'alerte n'est (?:jamais )?arrivee", True),
    ("wrong_patient_data", EVENT, r"\bautre patient\b|\bdossiers? melange\w*|\bdonnees d'un autre|\bdonnees d'une autre", True),
    ("unconscious", POSSIBLE, r"\bla tete qui tourne|\bfaillie? m'evanouir", False),
]
_RAW["de"] += [
    ("wrong_dose", EVENT, r"\bzu viel (?:medikament\w*|morphin|heparin)|\bdoppelte dosis|\bzu hohe dosis|\bdosis zu hoch|\bzweimal abgegeben"
     r"|\b(?:antibiose|medikament\w*|dosis|insulin) verpasst|\bueberdosis", False),
    ("injury", EVENT, r"\bblutet\b|\bblut\b|\bblaue flecken|\beingeklemmt|\bgequetscht|\bgenaeht|\bschlaganfall|\bherzinfarkt|\bunterzuckerung"
     r"|\bunterzucker\w+|\bhypo\b|\bverletzung\w*", False),
    ("fall", EVENT, r"\bgestolpert|\baus dem bett (?:gefallen|gestuerzt|gerutscht)|\bauf dem boden", False),
    ("burn", EVENT, r"\bbrandwunde|\bverbrueht", False),
    ("shock", EVENT, r"\belektrisiert|\bstromstoss|\bgeschlagen hat es mich|\beinen schlag", False),
    ("unconscious", EVENT, r"\bzusammengesackt|\bohnmacht", False),
    ("breathing", EVENT, r"\bbekam keine luft|\bblau angelaufen|\bsaettigung (?:ist )?(?:gefallen|abgefallen)|\bhoerte auf zu atmen|\batmete nicht", False),
    ("seizure", EVENT, r"\banfall\b|\bkrampfte", False),
    ("hospital", EVENT, r"\brtw\b|\beingeliefert|\bstationaer aufgenommen|\breanimiert|\bwiederbelebt|\bnotoperation", False),
    ("death", EVENT, r"\bums leben|\bverstarb\b|\bist tot\b", False),
    ("overheating", EVENT, r"\bgluehend heiss|\bkochend heiss|\bheiss geworden", False),
    ("smoke_fire", EVENT, r"\bgebrannt\b|\bfeuer gefangen|\bkurzschluss|\bexplodiert|\bgeschmort", False),
    ("unintended_motion", EVENT, r"\bselbststaendig (?:bewegt|gefahren|hochgefahren|abgesenkt)|\bohne zutun", True),
    ("unintended_energy", EVENT, r"\bvon selbst (?:hochgedreht|erhoeht|ausgeloest)|\bschock ohne", True),
    ("failure_to_stop", EVENT, r"\bliess sich nicht (?:stoppen|abschalten|ausschalten|anhalten)|\bhoerte nicht auf|\bging nicht aus|\bschaltete nicht ab", True),
    ("alarm_failure", EVENT, r"\balarm blieb aus|\bnicht alarmiert|\bkeine warnung|\bkein alarm", True),
    ("wrong_patient_data", EVENT, r"\bfalschen patienten|\bvon einem anderen patienten|\bdaten (?:eines|einer) anderen", True),
    ("unconscious", POSSIBLE, r"\bschwummerig|\bschwindlig", False),
]

_RAW["en"] += [
    ("smoke_fire", POSSIBLE, r"\bsmells? (?:of )?(?:burnt|burning|hot|melting|electrical)|\bsmelt (?:odd|funny|burnt|hot)|\bfishy smell", False),
    ("overheating", POSSIBLE, r"\bunusually (?:warm|hot)|\bgets? (?:quite |very )?hot\b", False),
]
_RAW["es"] += [
    ("smoke_fire", POSSIBLE, r"\bhuele (?:raro|a quemado|a plastico)|\bolor extrano|\bolor a quemado", False),
    ("overheating", POSSIBLE, r"\bse pone (?:algo |un poco |bastante )?calient\w+|\bcalentito", False),
    ("hospital", POSSIBLE, r"\besta en el hospital|\bingresad[oa] desde", False),
]
_RAW["fr"] += [
    ("smoke_fire", POSSIBLE, r"\bsent (?:le brule|bizarre|le chaud|le plastique)|\bodeur de chaud|\bodeur de plastique", False),
    ("overheating", POSSIBLE, r"\bdevient (?:assez |tres |un peu )?chaud", False),
    ("hospital", POSSIBLE, r"\best a l'hopital", False),
]
_RAW["de"] += [
    ("smoke_fire", POSSIBLE, r"\b(?:riecht|roch|gerochen)\b(?:[\w ]{0,20})(?:verbrannt|plastik|komisch|seltsam|merkwuerdig|verschmort)", False),
    ("overheating", POSSIBLE, r"\bwird (?:ziemlich |sehr |etwas )?warm|\bwird (?:ziemlich |etwas )?heiss", False),
]

CONCEPTS: dict[str, tuple[Concept, ...]] = {
    lang: tuple(Concept(kind, level, re.compile(pattern), own) for kind, level, pattern, own in rows)
    for lang, rows in _RAW.items()
}
