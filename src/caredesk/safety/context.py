"""Context of a match: negation, hypotheticals, history, hedging and senses that are not harm.

All patterns work on folded text (see `text.fold`).
"""

from __future__ import annotations

import re


def _any(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts))


# Senses that are not harm: removed before the concepts are matched.
NOT_HARM: dict[str, re.Pattern[str]] = {
    "en": _any(
        r"\bburn[- ]?ins?\b", r"\bburn[- ]?outs?\b", r"\bburnout\b", r"\bburn rate\b",
        r"\bburn(?:ing|ed)? the midnight oil", r"\bburn\w*\b[^.]{0,40}\b(?:cd|dvd|disc|usb)\b",
        r"\bfall (?:newsletter|season|semester|term|collection|campaign|risk|prevention|detection)",
        r"\bfall-?risk\b", r"\b(?:falling|fell|fall) (?:behind|through|apart|short)\b",
        r"\bfell (?:\w+ ){1,2}behind", r"\b(?:price|prices|share price|costs?)\b[^.]{0,30}\b(?:fall|fell|falls|tumble\w*)",
        r"\bshock absorbers?", r"\bshocking(?:ly)?\b", r"\bshocked (?:by|at|about|to see)",
        r"\b(?:got|get|had) a shock when i (?:saw|read|opened|looked)", r"\bkill(?:ing|ed|s)? (?:the |my |our )?(?:app|battery|process|sync|it|feature|time)\w*", r"\bkiller\b", r"\bwarm(?:est)? (?:regards|wishes|welcome|thanks)", r"\bfire (?:up|drill|wall|away)",
        r"\bfirewall\w*", r"\bhot new\b", r"\bsmoke-?free\b", r"\boverdose of (?:e-?mails?|notifications?|messages?|updates?)",
        r"\ballergic to (?:long )?(?:forms?|paperwork|meetings|emails?)", r"\b(?:injury|poisoning|overdose|s and t|t-)[ /]?(?:codes?|categor\w+)",
        r"\b(?:poisoning|injury)/overdose\b", r"\bicd-?10\b[^.]{0,60}", r"\bcode blue\b",
        r"\b(?:battery|batteries|pump|device|call|app|phone|screen|tablet|link|zone|line|it)(?:'s)? (?:is |was )?(?:dead|died)\b",
        r"\bdead (?:battery|zone|link|spot|pixel)s?\b", r"\bbreathing exercises?\b", r"\b(?:laptop|computer|pc|desktop)\w* overheat\w*",
        r"\b(?:crash|crashes|crashed)\b", r"\bfall prevention\b", r"\bgutted\b", r"\bknackered\b", r"\bpassed the \w+",
        r"\bsmoke test\w*", r"\bmove (?:my|the|our) (?:video )?visit", r"\bseizure of (?:assets|goods|property)",
        r"\bstaff burn\w*", r"\bpower cut\b", r"\b(?:game|robot|character|avatar|cartoon)\b[^.]{0,40}", r"\bsales? (?:fell|dropped)",
    ),
    "es": _any(
        r"\bpantalla quemada\b", r"\bquemad[oa]s? con\b", r"\b(?:esta|estan|estamos|esta el personal) quemad[oa]s?\b",
        r"\bpersonal (?:de \w+ )?(?:esta )?quemado", r"\bburn-?out\b", r"\bcaida del (?:pelo|cabello|sistema|servidor|precio)",
        r"\bcaer los precios", r"\b(?:ha )?caido en desuso", r"\bcae(?:n|ra)? (?:el|los) precios?", r"\bamortiguador\w*",
        r"\bsusto con la factura", r"\balergic[oa] a los (?:formularios|papeles)", r"\bcie-?10\b[^.]{0,60}",
        r"\b(?:bateria|pila)\b[^.]{0,20}\bmuerta\b", r"\bembargo\b", r"\bse me quedo colgada", r"\bfuncion estrella",
        r"\bes de traca\b", r"\bmuerto de (?:risa|ganas)", r"\bmatar la app", r"\bcerrar la app a la fuerza",
    ),
    "fr": _any(
        r"\bburn-?out\b", r"\bchute (?:de la connexion|de cheveux|des prix|du reseau)", r"\bsaisie\b", r"\bchoque\w* par la facture",
        r"\bpetit choc\b", r"\bje meurs d'envie", r"\bmeurs? d'envie", r"\bfeu vert\b", r"\bca me brule les doigts",
        r"\bbrule les doigts de", r"\bcim-?10\b[^.]{0,60}", r"\bcrise (?:chez nous|avec la facturation)", r"\bc'est la crise\b",
        r"\becran (?:est )?(?:brule|marque)", r"\bquand je tue l'appli", r"\btue l'appli", r"\blettre de sortie",
        r"\bamortisseur\w*", r"\bcoupure de courant", r"\ben automne\b",
    ),
    "de": _any(
        r"\beingebrannt\w*", r"\bburn-?out\b", r"\bherbst-?newsletter", r"\bstossdaempfer\w*", r"\berschreckend\b",
        r"\bschockiert\b", r"\bfeuer und flamme", r"\bpfaendung\w*", r"\babschiess\w*", r"\bstuerzt\w* (?:jedes mal |immer )?ab\b",
        r"\babgestuerzt\b", r"\bfallen die preise", r"\bpreise fallen", r"\bicd-?10\b[^.]{0,60}", r"\bbrennt (?:mir )?unter den naegeln",
        r"\bstromausfall\b", r"\bakku ist (?:leer|tot)", r"\bherbstsaison\b",
    ),
}

# Negation cues: before a match within its clause.
NEGATION: dict[str, re.Pattern[str]] = {
    "en": _any(r"\bno\b", r"\bnot\b", r"\bnever\b", r"\bnobody\b", r"\bno one\b", r"\bnone\b", r"\bwithout\b", r"n't\b",
               r"\bnor\b", r"\bruled out\b", r"\bneither\b", r"\bnothing\b", r"\bavoid\w*\b", r"\bprevent\w*\b", r"\bagainst\b",
               r"\bfree of\b", r"\bisn'?t\b"),
    "es": _any(r"\bno\b", r"\bni\b", r"\bsin\b", r"\bnadie\b", r"\bningun[oa]?\b", r"\bnunca\b", r"\bdescart\w+", r"\bevitar\b",
               r"\bcontra\b", r"\bnada\b"),
    "fr": _any(r"\bpas\b", r"\baucune?\b", r"\bpersonne\b", r"\bsans\b", r"\bni\b", r"\bjamais\b", r"\brien\b", r"\beviter\b",
               r"\bcontre\b", r"\bexclu\w*"),
    "de": _any(r"\bkein\w*\b", r"\bnicht\b", r"\bniemand\b", r"\bohne\b", r"\bnie\b", r"\bweder\b", r"\bnoch\b(?= nie)",
               r"\bausgeschlossen\b", r"\bvermeid\w+"),
}
# Negation that follows the match ("verletzt wurde natuerlich niemand").
NEGATION_AFTER: dict[str, re.Pattern[str]] = {
    "en": _any(r"^\W*(?:was|were)? ?(?:not|none|ruled out)\b", r"^\W*(?:\w+ ){0,2}ruled out\b"),
    "es": _any(r"^\W*(?:no|ninguno|ninguna)\b", r"^\W*(?:\w+ ){0,2}descart\w+"),
    "fr": _any(r"^\W*(?:n'a pas|n'ont pas|aucun)\b"),
    "de": _any(r"^\W*(?:wurde|hat|ist|war)? ?(?:\w+ )?(?:niemand|keiner|nicht)\b"),
}
# A clause ends at these: a negation never reaches past them.
CLAUSE = re.compile(r",|:|\s-\s|\b(?:but|aber|pero|mais|sondern|however|then|dann|puis|luego|and then|und dann|y luego)\b")

# Hypotheticals and questions: strong cues always, weak cues only in a question.
HYPOTHETICAL_STRONG: dict[str, re.Pattern[str]] = {
    "en": _any(r"\bwhat (?:happens|if|would happen)\b", r"\bin case\b", r"\bjust (?:asking|planning)\b", r"\bfor planning\b",
               r"\brisk assessment\b", r"\bhypothetic\w*",
               r"\bwhether (?:anyone|anybody|any|the)\b", r"\byour question\b"),
    "es": _any(r"\bque pasa(?:ria)? si\b", r"\ben caso de\b", r"\bpor si\b", r"\by si\b", r"\bsi algun dia\b"),
    "fr": _any(r"\bque se passe-t-il\b", r"\bau cas ou\b", r"\bet si\b", r"\bsi jamais\b", r"\bpeut-(?:il|elle)\b"),
    "de": _any(r"\bwas passiert\b", r"\bfalls\b", r"\bim falle\b", r"\bfuer den fall\b"),
}
HYPOTHETICAL_WEAK: dict[str, re.Pattern[str]] = {
    "en": _any(r"\bif\b", r"\bcould\b", r"\bwould\b(?! not)", r"\bcan (?:it|this|the|a|an)\b", r"\bwill (?:it|the|my)\b", r"\bever\b",
               r"\bdoes (?:it|the)\b", r"\bis it safe\b", r"\bmight\b"),
    "es": _any(r"\bsi\b", r"\bpuede\b", r"\bpodria\b", r"\bpuedo\b", r"\btiene\b"),
    "fr": _any(r"\bsi\b", r"\bpeut\b", r"\bpourrait\b", r"\best-ce\b", r"-t-(?:il|elle|on)\b", r"\ba-t-elle\b"),
    "de": _any(r"\bwenn\b", r"\bkann\b", r"\bkoennte\b", r"\bkonnte\b", r"\bhat die\b", r"\bob\b"),
}
# Past or third-party mentions with no current event.
HISTORY: dict[str, re.Pattern[str]] = {
    "en": _any(r"\byears? ago\b", r"\blast year\b", r"\blast (?:spring|summer|autumn|winter)\b", r"\bin (?:19|20)\d\d\b",
               r"\banother brand\b", r"\bother brand\b", r"\bdifferent brand\b", r"\bbefore (?:she|he|they|i|we) (?:used|joined|got)",
               r"\bmy late\b", r"\bcompleted recall\b", r"\bdeceased in\b", r"\bpassed in\b"),
    "es": _any(r"\bhace (?:\w+ )?anos\b", r"\bel ano pasado\b", r"\botra marca\b", r"\ben (?:19|20)\d\d\b"),
    "fr": _any(r"\bil y a (?:\w+ )?(?:longtemps|ans)\b", r"\bl'an dernier\b", r"\bl'annee derniere\b", r"\bautre marque\b",
               r"\ben (?:19|20)\d\d\b", r"\bde (?:19|20)\d\d\b"),
    "de": _any(r"\bvor (?:\w+ )?jahren\b", r"\bletztes jahr\b", r"\bletzten jahr\b", r"\banderen marke\b", r"\bandere marke\b",
               r"\b(?:19|20)\d\d\b"),
}
# Hedging: the writer is unsure, so a finding is "possible" (death and seizure stay events).
HEDGE: dict[str, re.Pattern[str]] = {
    "en": _any(r"\bmaybe\b", r"\bmight\b", r"\bnot sure\b", r"\bseems?\b", r"\bseemed\b", r"\bi think\b", r"\bpossibly\b",
               r"\bperhaps\b", r"\bcould be\b", r"\bunsure\b", r"\bwonder\b", r"\ba little\b", r"\ba bit\b", r"\bslight\w*\b",
               r"\bnearly\b", r"\balmost\b", r"\bnot yet known\b", r"\bdon'?t know (?:why|if|whether)\b", r"\bquite\b", r"\bsmall\b",
               r"\bmild\w*\b", r"\bbrief\w*\b", r"\bodd\w*\b"),
    "es": _any(r"\bquizas?\b", r"\btal vez\b", r"\bpuede ser\b", r"\bno se\b", r"\bno sabemos\b", r"\bun poco\b", r"\bligero\b",
               r"\bligera\b", r"\bcasi\b", r"\bparece\b", r"\bpequen\w+\b", r"\balgo de\b"),
    "fr": _any(r"\bpeut-etre\b", r"\bje ne sais pas\b", r"\bon ne sait pas\b", r"\bun peu\b", r"\bleger\b", r"\blegere?\b",
               r"\bpresque\b", r"\bfailli\b", r"\bsemble\b", r"\bpetits?\b", r"\bpetites?\b"),
    "de": _any(r"\bvielleicht\b", r"\bweiss nicht\b", r"\bwissen (?:wir )?(?:noch )?nicht\b", r"\betwas\b", r"\bleicht\w*\b",
               r"\bfast\b", r"\bbeinahe\b", r"\bscheint\b", r"\bkleine?\b", r"\bein bisschen\b", r"\bwarum\b"),
}
