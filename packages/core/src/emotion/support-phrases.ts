import type { LexiconLanguage } from "./lexicons.js";

/**
 * Support phrases: what customers write when they are fed up without using an emotional word
 * ("this is the third time", "still waiting", "nobody answers", "je vais porter plainte"). Word lists
 * miss these, which is why they catch only a part of the frustrated messages (ARCHITECTURE.md, Known
 * limits). Patterns are regular-expression sources over the folded words joined by single spaces.
 *
 * `weight` is in the same unit as one emotional word (1). A phrase at 1 or more decides alone; the
 * lighter ones ("where is my order", "how do I") need a second cue, because on their own they are
 * ordinary questions.
 */
export interface SupportPhrase {
  /** The cue name reported in `cues`, after "phrase:". */
  id: string;
  emotion: "frustrated" | "urgent" | "confused";
  weight: number;
  patterns: Partial<Record<LexiconLanguage, string>>;
}

const NUMBER_WORDS =
  "\\d+|a few|few|several|many|two|three|four|five|six|ten|deux|trois|quatre|cinq|plusieurs|dos|tres|cuatro|cinco|varias|varios|zwei|drei|vier|funf|mehrere|due|quattro|dois|duas|quatro|twee|drie|vier";
const DURATION_UNITS =
  "hours?|days?|weeks?|months?|heures?|jours?|semaines?|mois|horas?|dias?|semanas?|meses|stunden?|tagen?|wochen?|monaten?|ore|giorni|settimane|mesi|uur|dagen|weken|maanden";

export const SUPPORT_PHRASES: readonly SupportPhrase[] = [
  {
    id: "repeated-contact",
    emotion: "frustrated",
    weight: 1.2,
    patterns: {
      en: "(?:second|third|fourth|fifth|\\d+(?:nd|rd|th)?) time|(?:two|three|four|five|several|many|multiple|\\d+) times|(?:already|again) (?:asked|written|wrote|called|contacted|explained|told)|(?:writing|write|contacting|asking) (?:you )?again|asked (?:you )?(?:\\w+ )?times",
      fr: "(?:deuxieme|troisieme|quatrieme|\\d+e(?:me)?) fois|(?:deux|trois|quatre|cinq|plusieurs|\\d+) fois|vous ai deja|je relance|me permets de relancer|reviens vers vous|je reecris",
      es: "(?:segunda|tercera|cuarta|quinta) vez|(?:dos|tres|cuatro|cinco|varias|\\d+) veces|(?:os|les|te) he (?:escrito|dicho|llamado)|vuelvo a escribir|escribo de nuevo|otra vez lo mismo",
      de: "(?:zweite|dritte|vierte|funfte|\\d+) mal|zweimal|dreimal|viermal|mehrmals|(?:schreibe|melde mich) (?:\\w+ )?(?:erneut|nochmal|wieder)",
      it: "(?:seconda|terza|quarta) volta|(?:due|tre|quattro|\\d+) volte",
      pt: "(?:segunda|terceira|quarta) vez|(?:duas|tres|quatro|\\d+) vezes",
      nl: "(?:tweede|derde|vierde) keer|(?:twee|drie|vier|\\d+) keer",
    },
  },
  {
    id: "still-waiting",
    emotion: "frustrated",
    weight: 1.2,
    patterns: {
      en: "still (?:waiting|no|not|nothing|havent|hasnt|dont|didnt|isnt|doesnt|cant|wont|without)|yet to (?:receive|get|hear)",
      fr: "toujours (?:pas|rien|aucun|aucune|en attente|sans)|(?:ai|avons) (?:\\w+ )?pas encore (?:recu|eu)|j attends toujours",
      es: "sigo (?:esperando|sin)|sigue sin|todavia (?:no|sin|estoy esperando|espero)|aun no|aun sin|aun estoy esperando",
      de: "(?:immer|noch) (?:immer )?noch (?:nicht|kein|keine|keinen|nichts)|immer noch (?:auf|warte)|warte (?:\\w+ )?immer noch|noch immer (?:nicht|kein|keine)",
      it: "(?:sto )?ancora aspettando|ancora (?:non|nessun|niente)",
      pt: "ainda (?:estou esperando|espero|nao|sem)",
      nl: "(?:wacht|wachten) (?:\\w+ )?nog steeds|nog steeds (?:niet|geen|niks|niets)|nog altijd (?:niet|geen)",
    },
  },
  {
    id: "waiting-long",
    emotion: "frustrated",
    weight: 1.2,
    patterns: {
      en: `(?:waiting|waited) (?:for |since )?(?:over |more than |almost |nearly )?(?:an?|${NUMBER_WORDS}) (?:\\w+ )?(?:${DURATION_UNITS})|(?:been|it s been|it has been|its been) (?:over |more than )?(?:${NUMBER_WORDS}) (?:${DURATION_UNITS}) (?:and|now|with|without)`,
      fr: `(?:attends?|attendons) (?:\\w+ ){0,3}depuis|(?:ca fait|cela fait|voila|depuis) (?:plus de )?(?:${NUMBER_WORDS}) (?:${DURATION_UNITS})`,
      es: `llevo (?:mas de )?(?:(?:${NUMBER_WORDS}|un|una) )?(?:${DURATION_UNITS}) esperando|llevo (?:\\w+ ){0,2}esperando|hace (?:mas de )?(?:${NUMBER_WORDS}) (?:${DURATION_UNITS}) (?:y|que)|esperando (?:desde hace|hace)`,
      de: `warte (?:\\w+ ){0,2}(?:seit|schon)|seit (?:uber |mehr als )?(?:${NUMBER_WORDS}|einer|einem) (?:${DURATION_UNITS})`,
      it: `aspett\\w* da (?:${NUMBER_WORDS}|un|una)|da (?:${NUMBER_WORDS}) (?:${DURATION_UNITS})`,
      pt: `esperando (?:ha|faz)|ha (?:${NUMBER_WORDS}) (?:semanas|dias|meses) (?:e|que)`,
      nl: `wacht (?:\\w+ )?al|al (?:${NUMBER_WORDS}) (?:${DURATION_UNITS})`,
    },
  },
  {
    id: "nobody-answers",
    emotion: "frustrated",
    weight: 1.2,
    patterns: {
      en: "(?:nobody|no one|noone|no body) (?:\\w+ )?(?:answers|answered|replies|replied|responds|responded|helps|is helping|helped|reads|cares|calls|picks up|gets back)|no (?:answer|reply|response|one answers)|never (?:answer|reply|respond|got back|get back|called back)|(?:ignoring|ignored) (?:me|my)",
      fr: "personne ne (?:\\w+ )?(?:repond|m aide|rappelle|lit|decroche|s occupe)|(?:pas de|aucune|sans) (?:reponse|nouvelles?|retour)|jamais de reponse|vous ne repondez",
      es: "nadie (?:me )?(?:contesta|responde|ayuda|atiende|lee|llama|resuelve)|(?:sin|ninguna) respuesta|no (?:me )?(?:contestan|responden|atienden)",
      de: "(?:niemand|keiner) (?:\\w+ )?(?:antwortet|hilft|meldet|reagiert|ruft|kummert)|keine (?:antwort|ruckmeldung|reaktion)|(?:antwortet|reagiert) (?:\\w+ )?(?:nie|keiner|niemand)",
      it: "nessuno (?:mi )?(?:risponde|aiuta)|nessuna risposta",
      pt: "ninguem (?:me )?(?:responde|ajuda|resolve|atende)|sem resposta|nenhuma resposta",
      nl: "niemand (?:\\w+ )?(?:helpt|reageert|antwoordt|belt)|geen (?:antwoord|reactie)",
    },
  },
  {
    id: "complaint",
    emotion: "frustrated",
    weight: 1.5,
    patterns: {
      en: "(?:file|make|lodge|submit|write) a (?:formal )?complaint|complain(?:ing)? (?:to|about)|report you|(?:my )?lawyer|sue you|take legal action|consumer (?:protection|rights)|chargeback|bad review|(?:one|1) star",
      fr: "porter plainte|(?:deposer|faire) (?:une )?(?:plainte|reclamation)|avocat|repression des fraudes|(?:association de |)consommateurs|mauvais avis|signaler (?:a|aux)",
      es: "(?:poner|presentar|hacer) (?:una )?(?:queja|reclamacion|denuncia)|denunci\\w+|abogado|hoja de reclamaciones|mala resena",
      de: "beschwer\\w*|anwalt|verbraucherzentrale|anzeige erstatten|schlechte bewertung",
      it: "reclamo|denuncia|avvocato",
      pt: "reclamacao|reclamar|procon|advogado|processar",
      nl: "klacht (?:indienen|in)|advocaat|consumentenbond",
    },
  },
  {
    id: "refund-now",
    emotion: "frustrated",
    weight: 1.5,
    patterns: {
      en: "refund (?:me )?now|(?:want|need|demand) (?:my|a|the) (?:money|refund)|(?:want|need) my money back|give me (?:back )?my money|money back (?:now|immediately|today)",
      fr: "rembourse[zr]? moi|(?:veux|exige|exigeons) (?:etre |un |mon |d etre )?rembourse|(?:rendez|rendre) (?:moi )?mon argent",
      es: "devuelvan(?:me)? (?:el|mi) dinero|quiero (?:mi |el |que me devuelvan (?:el |mi )?)?(?:dinero|reembolso)|exijo (?:el |mi |un )?(?:reembolso|dinero)",
      de: "geld zuruck|(?:will|mochte|verlange|fordere) (?:mein geld|eine erstattung|mein geld zuruck)|erstatten sie (?:mir )?(?:sofort|jetzt)",
      it: "rivoglio i (?:miei )?soldi|rimborsatemi|voglio (?:il )?rimborso",
      pt: "quero (?:o )?meu dinheiro|devolvam (?:o )?(?:meu )?dinheiro|quero (?:o )?reembolso",
      nl: "geld terug|wil mijn geld",
    },
  },
  {
    id: "cancel-subscription",
    emotion: "frustrated",
    weight: 1.5,
    patterns: {
      en: "cancel (?:my|the|our) (?:subscription|account|membership|contract|plan)|(?:close|delete) my account|unsubscribe me|i m leaving(?= $)|(?:switching|going) to (?:a )?competitor",
      fr: "resili\\w+|(?:supprimez|fermez|supprimer|fermer|cloturer) (?:mon|notre) compte|je m en vais(?= $)|je pars chez",
      es: "(?:cancelar|anular) (?:mi|la|nuestra) (?:suscripcion|cuenta|membresia)|(?:darme|me doy) de baja|(?:borren|borrad|eliminen|cierren) (?:mi|la) cuenta|me voy a (?:la )?competencia|me voy(?= $)",
      de: "(?:abo|abonnement|vertrag|konto|mitgliedschaft) (?:\\w+ )?(?:kundigen|loschen|beenden)|kundige|(?:loscht|loschen sie) mein konto|ich bin weg(?= $)",
      it: "disdire|(?:cancellare|annullare) (?:l )?abbonamento|chiudete il mio account",
      pt: "cancelar (?:a |minha )?(?:assinatura|conta)",
      nl: "(?:abonnement|account) opzeggen|zeg (?:\\w+ )?op",
    },
  },
  {
    id: "double-charge",
    emotion: "frustrated",
    weight: 1.2,
    patterns: {
      en: "(?:charged|billed|debited) (?:me )?(?:twice|two times|double|again)|double (?:charged|billed|charge)",
      fr: "(?:preleve|debite|facture|paye|payer) (?:\\w+ )?(?:deux fois|en double|a nouveau)|double prelevement",
      es: "(?:cobrado|cobraron|cobrais|cobran|pagar|pague) (?:\\w+ )?(?:dos veces|doble)|cobro doble",
      de: "doppelt (?:abgebucht|berechnet|belastet|bezahlt)|zweimal (?:abgebucht|berechnet)",
      it: "(?:addebitato|pagato) due volte",
      pt: "cobrad[oa]s? (?:duas vezes|em dobro)",
      nl: "dubbel (?:afgeschreven|betaald)",
    },
  },
  {
    id: "not-working",
    emotion: "frustrated",
    weight: 1,
    patterns: {
      en: "(?:doesnt|does not|dont|didnt|still not|wont|cant|never) (?:even )?(?:work|working|load|loading|open|help)|(?:isnt|is not|not) (?:working|loading)|nothing works",
      fr: "(?:ne )?(?:marche|fonctionne) (?:toujours )?(?:pas|plus|jamais)|rien ne (?:marche|fonctionne)|ca (?:ne )?sert a rien",
      es: "no (?:me )?(?:funciona|sirve|carga|abre)|nada funciona|no funciona nada",
      de: "(?:funktioniert|geht|klappt|lauft) (?:\\w+ )?(?:nicht|nie)|nichts (?:funktioniert|geht|klappt)",
      it: "non funziona|niente funziona",
      pt: "nao funciona|nada funciona",
      nl: "werkt (?:\\w+ )?niet|doet het niet",
    },
  },
  {
    id: "where-is-my",
    emotion: "frustrated",
    weight: 0.5,
    patterns: {
      en: "where (?:is|s) (?:my|our) (?:order|parcel|package|refund|money|delivery)",
      fr: "ou (?:est|sont|en est) (?:mon|ma|mes|le) (?:commande|colis|remboursement|argent|livraison|paquet)",
      es: "donde (?:esta|estan) (?:mi|mis|el) (?:pedido|paquete|reembolso|dinero)",
      de: "wo (?:ist|bleibt|sind) (?:mein|meine|das|die) (?:bestellung|paket|geld|erstattung|lieferung)",
      it: "dov e (?:il mio|la mia)",
      pt: "(?:onde esta|cade) (?:o meu|a minha|meu|minha)",
      nl: "waar (?:is|blijft) (?:mijn|de)",
    },
  },
  {
    id: "stop",
    emotion: "frustrated",
    weight: 1,
    patterns: {
      en: "stop (?:sending|calling|emailing|charging)|leave me alone",
      fr: "arretez de|laissez moi tranquille",
      es: "dejen de|dejad de",
      de: "horen sie auf|hort auf",
      it: "smettetela",
      pt: "parem de",
      nl: "stop met",
    },
  },
  {
    id: "urgent",
    emotion: "urgent",
    weight: 1.2,
    patterns: {
      en: "need (?:it|this|an answer|help|access|a reply) (?:today|now|by tomorrow|tonight|immediately)|by end of day|within the hour",
      fr: "(?:besoin|il me faut) (?:\\w+ ){0,3}aujourd hui|c est presse|des maintenant",
      es: "(?:necesito|necesitamos) (?:\\w+ ){0,3}(?:hoy|ya)|es para hoy",
      de: "(?:brauche|brauchen) (?:\\w+ ){0,3}(?:heute|jetzt)|eilt",
      it: "mi serve (?:\\w+ )?(?:oggi|subito)",
      pt: "preciso (?:\\w+ ){0,3}(?:hoje|agora)",
      nl: "(?:nodig|heb) (?:\\w+ ){0,3}vandaag|graag meteen",
    },
  },
  {
    id: "not-understood",
    emotion: "confused",
    weight: 1.2,
    patterns: {
      en: "(?:dont|do not|didnt|cant|can not|cannot) (?:quite |really )?(?:understand|get it|figure|follow|see how)|not sure (?:i |what |how )?(?:understand|understood|what)|what (?:do you|does (?:that|this|it)) mean|what is (?:that|this) supposed to mean",
      fr: "(?:ne )?(?:comprends|comprend|compris|saisis) (?:pas|rien)|pas compris|sur de (?:comprendre|bien comprendre)|(?:ca|cela) veut dire quoi|(?:que|qu est ce que) (?:ca |cela )?veut dire",
      es: "no (?:lo )?(?:entiendo|entendi|comprendo|capto)|no se (?:que|como|donde|si)|(?:que|qu) significa|segur[oa] de entender|que quiere decir",
      de: "(?:verstehe?|verstehen|kapiere?|check) (?:\\w+ ){0,2}nicht|nicht verstanden|keine ahnung|was (?:bedeutet|heisst)|nicht sicher ob ich|weiss nicht (?:wie|was|wo)",
      it: "non (?:ho )?capi(?:sco|to)|cosa significa",
      pt: "nao (?:entendo|entendi|compreendo)|o que significa",
      nl: "(?:snap|begrijp) (?:het |er )?(?:niet|niks)|wat betekent",
    },
  },
  {
    id: "cannot-find",
    emotion: "confused",
    weight: 0.6,
    patterns: {
      en: "cant find|cannot find|can not find|where (?:do i|can i|is the) (?:find|button|setting|option)",
      fr: "(?:ne )?trouve pas|ne trouve rien|ou (?:se trouve|est) le bouton",
      es: "no (?:lo |la )?encuentro",
      de: "finde (?:es |das |ihn |sie )?nicht",
      it: "non (?:lo |la )?trovo",
      pt: "nao (?:o |a )?encontro",
      nl: "kan (?:het )?niet vinden",
    },
  },
  {
    id: "how-do-i",
    emotion: "confused",
    weight: 0.5,
    patterns: {
      en: "how (?:do|can|am|should) i|which (?:button|one|option)",
      fr: "comment (?:je fais|on fait|faire|je dois|dois je)|quel bouton|c est quoi|qu est ce que c est",
      es: "como (?:lo hago|se hace|hago|puedo|tengo que)|que boton",
      de: "wie (?:mache|geht|kann|soll)|welche[nrs]? (?:knopf|taste|option)",
      it: "come (?:faccio|si fa)",
      pt: "como (?:faco|se faz)",
      nl: "hoe (?:doe|moet) ik",
    },
  },
];
