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
  /** A negative weight takes evidence away: "that's all, thanks" is a sign-off, not gratitude. */
  emotion: "frustrated" | "urgent" | "confused" | "happy";
  weight: number;
  patterns: Partial<Record<LexiconLanguage, string>>;
}

const NUMBER_WORDS =
  "\\d+|a few|few|several|many|two|three|four|five|six|ten|deux|trois|quatre|cinq|plusieurs|dos|tres|cuatro|cinco|varias|varios|zwei|drei|vier|funf|mehrere|due|quattro|dois|duas|quatro|twee|drie|vier";
const DURATION_UNITS =
  "hours?|days?|weeks?|months?|heures?|jours?|semaines?|mois|horas?|dias?|semanas?|meses|stunden?|tagen?|wochen?|monaten?|ore|giorni|settimane|mesi|uur|dagen|weken|maanden";

export const SUPPORT_PHRASES: readonly SupportPhrase[] = [
  {
    // Idioms of complaint as native speakers say them ("c'est inadmissible", "j'en ai marre", "es el
    // colmo", "das ist eine Frechheit", "this is a joke"): a verdict on the service, not a word that a
    // context can soften. Weighted 2, the evidence from which the hybrid keeps the rules' verdict
    // (HYBRID_POLICY.trustRulesFrom): the model had read "Bonjour, …, c'est inadmissible !" as neutral,
    // outvoted by the greeting. A negation just before cancels them ("ce n'est pas grave" never matches:
    // only the affirmative forms are listed, and the bare words carry a negative lookbehind).
    id: "complaint-idiom",
    emotion: "frustrated",
    weight: 2,
    patterns: {
      en: "(?:this|that|it|which|you|your \\w+) (?:is|s|are|re) (?:(?:just|simply|absolutely|totally|completely|really|frankly|honestly|getting|becoming|now|beyond|such) )?(?:a joke|a disgrace|an? (?:absolute |total |complete )?(?:joke|disgrace|farce|scandal|shambles|outrage|nightmare|scam|rip off)|disgraceful|outrageous|unacceptable|shameful|ridiculous|appalling|pathetic|absurd|beyond a joke|taking the piss)|(?:what|such) a (?:joke|disgrace|farce|shambles|rip off)|(?<!not )(?:absolutely |completely |totally |simply |just )?(?:unacceptable|disgraceful|outrageous|appalling)|(?:second|third|fourth|fifth|umpteenth|\\d+(?:nd|rd|th)) time (?:that )?(?:i |i m |im |i ve |ive |i have |we |we re |we ve )?(?:\\w+ )?(?:ask|asking|asked|write|writing|written|contact|contacting|contacted|call|calling|called|email|emailing|emailed|chase|chasing|chased|explain|explaining|explained|report|reporting|reported|have to|had to)|(?:i ve|ive|i have) had (?:it|enough)|sick and tired|sick to death|enough is enough|last straw|are you (?:kidding|joking|serious)|(?:you ve|youve|you have) got to be kidding|is this (?:some kind of )?a joke|not good enough|how (?:hard|difficult) (?:can it be|is it)|fed up|(?:means?|meant|count|counts) (?:absolutely |clearly |obviously )?nothing to you|wasting my time|what more do you (?:need|want)|(?:great|perfect|brilliant|wonderful|fantastic) just (?:great|perfect|brilliant|wonderful|fantastic)",
      fr: "c est (?:vraiment |tout simplement |juste |completement |absolument |franchement |quand meme |encore )?(?:inadmissible|inacceptable|honteux|scandaleux|lamentable|pitoyable|intolerable|insupportable|ridicule|n importe quoi|du grand n importe quoi|une honte|la honte|un scandale|une blague|une plaisanterie|une arnaque|du vol|du foutage de gueule|abuse|un comble|le comble|pas serieux|indigne|honteux)|(?<!pas )(?<!ni )(?:inadmissible|inacceptable|scandaleux|honteux|intolerable)|(?:quelle|c est la|une vraie) honte|(?:en ai|en a|y en a) (?:vraiment |franchement |plus que |assez )?(?:marre|ras le bol|plein le dos|par dessus la tete)|ras le bol|(?:je n en peux|j en peux|n en peux) plus|trop c est trop|(?:ca|cela) (?:suffit|commence a (?:bien )?faire)|(?:vous vous|on se|vous) moque[zr]? (?:de moi|du monde|des clients|de nous)|foutage de gueule|on marche sur la tete|(?:perdre|perds|perdu) (?:encore )?(?:mon|du|notre) temps|ne (?:compte|comptent|vaut|valent) rien pour vous|merci (?:du|pour le) cadeau|fois que (?:je|j) (?:vous )?(?:demande|redemande|ecris|reecris|relance|appelle|rappelle|contacte|pose|signale|reclame|envoie|explique)",
      es: "(?<!no )(?<!nunca )es (?:una |un )?(?:verguenza|vergonzoso|inaceptable|inadmisible|intolerable|indignante|tomadura de pelo|escandalo|estafa|robo|el colmo|lamentable|inaudito|una pesadilla|una burla|una falta de respeto|una chapuza)|(?<!no )es una broma|(?:esto|esto ya|eso) es (?:(?:ya|realmente|simplemente|sencillamente) )?(?:el colmo|una verguenza|una broma|un chiste|un desastre|una locura|de chiste|de risa)|(?<!no )(?<!no es )(?<!no era )(?<!ni )(?:inaceptable|inadmisible|intolerable|indignante|vergonzoso)|que verguenza|(?:que|vaya) (?:tomadura de pelo|cachondeo|chapuza|burla)|(?:estoy|estamos|me tienen|me teneis|ya estoy) (?:muy |ya |bastante |totalmente )?(?:hart[oa]s?|hasta las narices|hasta el gorro|hasta la coronilla|quemad[oa])|ya esta bien de|basta ya|no hay derecho|(?:me|nos) (?:estan|estais|estas) tomando el pelo|(?:tomais|toman) el pelo|(?:segunda|tercera|cuarta|quinta|enesima) vez que (?:\\w+ )?(?:pregunto|escribo|llamo|reclamo|contacto|solicito|explico|repito|pregunte|escribi|llame|reclame|os lo digo|se lo digo)|no puede ser que|(?:hacer(?:me|nos)?|estoy|estais|estan) (?:\\w+ )?perd(?:er|iendo) el tiempo|no (?:significa|vale|importa|cuenta) nada para (?:ustedes|vosotros|usted)",
      de: "(?:das ist|ist das|so eine|was fur eine|eine absolute|eine echte|einfach eine|echt eine) (?:(?:doch|ja|echt|wirklich|einfach|eine|absolut|ne) )?(?:frechheit|unverschamtheit|zumutung|sauerei|schweinerei|katastrophe|farce|schande|unding|witz|skandal)|(?<!nicht )(?<!kein )(?:unverschamt\\w*|frechheit|skandalos|inakzeptabel|unzumutbar)|(?:das ist|ist) (?:doch |ja |echt |wirklich )?(?:nicht akzeptabel|nicht zu fassen|nicht hinnehmbar|lacherlich|das letzte)|(?:habe|hab|ich hab) (?:echt |wirklich |langsam |jetzt )?(?:die )?(?:nase|schnauze) (?:gestrichen |echt |so )?voll|(?:jetzt |mir )?reicht s|es reicht|jetzt reichts|kann (?:doch |ja )?nicht wahr sein|das kann doch nicht sein|(?:bin es|bins) (?:so |echt |wirklich )?leid|(?:zweite|dritte|vierte|funfte|zigste)n? mal (?:dass |das )?ich (?:\\w+ ){0,3}(?:nachfrage|frage|schreibe|anrufe|melde|nachhake|anfrage|reklamiere)|zum (?:zweiten|dritten|vierten|funften|zigsten|\\d+) mal (?:\\w+ ){0,3}(?:nachfrage|frage|schreibe|anrufe|melde|nachhake|anfrage|reklamiere)|geht s noch|was soll (?:das|der mist|der quatsch)|(?:meine|unsere) zeit (?:\\w+ )?(?:verschwend\\w*|verplemper\\w*)|(?:bedeutet|bedeuten|zahlt|zahlen) (?:euch|ihnen|dir) (?:wohl |offenbar |anscheinend )?(?:gar )?nichts",
    },
  },
  {
    id: "repeated-contact",
    emotion: "frustrated",
    weight: 1.2,
    patterns: {
      en: "(?:second|third|fourth|fifth|\\d+(?:nd|rd|th)?) (?:time|email|mail|message|call|request|ticket|attempt)|(?:two|three|four|five|several|many|multiple|\\d+) times|(?:already|again) (?:asked|written|wrote|called|contacted|explained|told)|(?:twice|two times|three times) already|already (?:twice|two times|three times)|(?:writing|write|contacting|asking) (?:you )?again|asked (?:you )?(?:\\w+ )?times|(?:explain|repeat|tell you) (?:\\w+ ){0,3}(?:again|all over)|repeat myself",
      fr: "(?:deuxieme|troisieme|quatrieme|\\d+e(?:me)?) (?:fois|mail|message|appel|relance|demande)|(?<!en )(?:deux|trois|quatre|cinq|plusieurs|\\d+) fois|vous ai deja|je relance|me permets de relancer|reviens vers vous|je reecris|(?:re)?expliquer (?:\\w+ ){0,2}(?:encore|a nouveau|de nouveau)|encore (?:tout )?(?:re)?expliquer|me repeter",
      es: "(?:segunda|tercera|cuarta|quinta) (?:vez|llamada|solicitud)|(?:segundo|tercer|cuarto|quinto) (?:correo|mensaje|email|mail|intento)|(?<!en )(?:dos|tres|cuatro|cinco|varias|\\d+) veces|(?:os|les|te) he (?:escrito|dicho|llamado)|vuelvo a escribir|escribo de nuevo|otra vez lo mismo|(?:volver a )?explicar(?:lo)? (?:\\w+ ){0,2}(?:otra vez|de nuevo)|volver a explicar|repetirme",
      de: "(?:zweite|dritte|vierte|funfte|\\d+)[nrs]? (?:mal|mail|e mail|nachricht|anfrage|anruf)|zweimal|dreimal|viermal|mehrmals|(?:schreibe|melde mich) (?:\\w+ )?(?:erneut|nochmal|wieder)|(?:nochmal|schon wieder|erneut|wieder) (?:\\w+ ){0,3}erklaren|wiederholen",
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
      en: "still (?:waiting|no|not|nothing|havent|hasnt|dont|didnt|isnt|doesnt|cant|wont|without|charging)|keep (?:on )?charging|yet to (?:receive|get|hear)",
      fr: "toujours (?:pas|rien|aucun|aucune|en attente|sans)|(?:ai|avons) (?:\\w+ )?pas encore (?:recu|eu)|j attends toujours",
      es: "sigo (?:esperando|sin)|siguen? (?:sin|cobrando)|todavia (?:no|sin|estoy esperando|espero)|aun no|aun sin|aun estoy esperando",
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
      en: `(?:${NUMBER_WORDS}|an?) (?:minutes|mins|hours?) on hold|on hold for|(?:waiting|waited) (?:for |since )?(?:over |more than |almost |nearly )?(?:an?|${NUMBER_WORDS}) (?:\\w+ )?(?:${DURATION_UNITS})|(?:been|it s been|it has been|its been) (?:over |more than )?(?:${NUMBER_WORDS}) (?:${DURATION_UNITS}) (?:and|now|with|without)`,
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
      en: "(?:nobody|no one|noone|no body) (?:\\w+ )?(?:answers|answered|replies|replied|responds|responded|helps|is helping|helped|reads|read|cares|calls|called|came|showed up|picks up|gets back)|no (?:answer|reply|response|one answers)|not (?:a single|one) (?:reply|answer|response|word)|never (?:answer|reply|respond|got back|get back|called back)|(?:ignoring|ignored) (?:me|my)",
      fr: "(?<!une )personne (?:ne |n )?(?:\\w+ ){0,2}(?:repond|repondu|aide|rappelle|rappele|recontacte|lit|decroche|s occupe)|(?:pas de|aucune|sans) (?:reponse|nouvelles?|retour)|jamais de reponse|vous ne repondez",
      es: "nadie (?:me )?(?:ha )?(?:contesta|contesto|responde|respondio|ayuda|atiende|lee|llama|llamo|llamado|resuelve)|(?:sin|ninguna) respuesta|no (?:me )?(?:contestan|responden|atienden)",
      de: "(?:niemand|keiner) (?:\\w+ ){0,2}(?:antwortet|geantwortet|hilft|geholfen|meldet|gemeldet|reagiert|ruft|angerufen|zuruckgerufen|kummert)|(?:keine|ohne) (?:jede )?(?:antwort|ruckmeldung|reaktion)|(?:antwortet|reagiert) (?:\\w+ )?(?:nie|keiner|niemand)",
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
      en: "(?:file|make|lodge|submit|write) a (?:formal )?complaint|complain(?:ing)? (?:to|about)|report you|(?:my )?lawyer|sue you|take legal action|consumer (?:protection|rights)|chargeback|bad review|(?:one|1) star|(?:on|all over) social media|(?:post|share|tell) (?:\\w+ ){0,3}(?:on|all over) (?:twitter|facebook|instagram|tiktok|social media|the internet)",
      fr: "porter plainte|(?:deposer|faire) (?:une )?(?:plainte|reclamation)|avocat|repression des fraudes|(?:association de |)consommateurs|mauvais avis|signaler (?:a|aux)|(?:faire|fais|ferai|faisons) (?:une )?opposition|(?:sur|partout sur) les reseaux",
      es: "(?:poner|presentar|hacer) (?:una )?(?:queja|reclamacion|denuncia)|denunci\\w+|abogado|hoja de reclamaciones|mala resena|(?:en|por) (?:las )?redes(?: sociales)?|(?:anular|devolver) el cargo",
      de: "beschwer\\w*|anwalt|verbraucherzentrale|anzeige erstatten|schlechte bewertung|(?:in den )?sozialen medien|ruckbuchung|lastschrift (?:\\w+ )?zuruck",
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
      en: "cancel (?:my|the|our) (?:subscription|account|membership|contract|plan)|(?:i m|im|i will|i ll) (?:be )?cancell?ing|cancel everything|(?:close|delete) my account|unsubscribe me|i m leaving(?= $)|(?:switching|going) to (?:a )?competitor",
      fr: "resili\\w+|(?:supprimez|fermez|supprimer|fermer|cloturer) (?:mon|notre) compte|je m en vais(?= $)|je pars chez",
      es: "(?:cancelar|anular) (?:mi|la|nuestra) (?:suscripcion|cuenta|membresia)|(?:darme|me doy) de baja|(?:borren|borrad|eliminen|cierren) (?:mi|la) cuenta|me voy a (?:la )?competencia|me voy(?= $)",
      de: "(?:abo|abonnement|vertrag|konto|mitgliedschaft) (?:\\w+ )?(?:kundigen|loschen|beenden)|kundige|kundigen sie|(?:loscht|loschen sie) mein konto|ich bin weg(?= $)",
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
      fr: "(?:besoin|il me faut) (?:\\w+ ){0,3}aujourd hui|c est presse|des maintenant|dans l heure|en ce moment meme",
      es: "(?:necesito|necesitamos) (?:\\w+ ){0,3}(?:hoy|ya)|es para hoy|en la proxima hora|en este mismo momento",
      de: "(?:brauche|brauchen) (?:\\w+ ){0,3}(?:heute|jetzt)|eilt|in der nachsten stunde|gerade in diesem moment",
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
      en: "(?:dont|do not|didnt|cant|can not|cannot) (?:quite |really )?(?:understand|get it|figure|follow|see how)|not sure (?:i |what |how )?(?:understand|understood|what)|not sure (?:if|whether|where|why|which)|what (?:do you|does (?:that|this|it)) mean|what is (?:that|this) supposed to mean",
      fr: "(?:ne )?(?:comprends|comprend|compris|saisis) (?:pas|rien)|pas compris|sur de (?:comprendre|bien comprendre)|(?:ne )?sais (?:plus|pas) (?:lequel|laquelle|lesquels|quel|quelle|quoi faire|si|comment)|(?:ca|cela) veut dire quoi|(?:que|qu est ce que) (?:ca |cela )?veut dire",
      es: "no (?:lo )?(?:entiendo|entendi|comprendo|capto)|no se (?:que|como|donde|si)|(?:que|qu) significa|segur[oa] de entender|que quiere decir",
      de: "(?:verstehe?|verstehen|kapiere?|check) (?:\\w+ ){0,2}nicht|nicht verstanden|keine ahnung|was (?:bedeutet|heisst)|nicht sicher ob ich|weiss nicht (?:wie|was|wo|ob)",
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
      en: "cant find|cannot find|can not find|where is the (?:button|setting|option)|(?:cant|cannot|can not) see (?:it|them|that|this) anywhere|nowhere to be (?:found|seen)",
      fr: "(?:ne )?trouve pas|ne trouve rien|ou (?:se trouve|est) le bouton|(?:le |la |les )?vois nulle part",
      es: "no (?:lo |la )?encuentro|no (?:lo |la )?veo por ningun (?:lado|sitio)",
      de: "finde (?:es |das |ihn |sie )?nicht|(?:sehe?|seh) (?:es |das |ihn |sie |die )?nirgend(?:s|wo)",
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
  // Frustration without an emotional word: the customer describes what was done to them.
  {
    id: "canned-answer",
    emotion: "frustrated",
    weight: 1.2,
    patterns: {
      en: "same (?:\\w+ ){0,2}(?:answer|reply|response|message|email|excuse|story)|(?:always|every time) the same(?! \\w+ (?:size|colou?r|model|price))|copy (?:and )?paste|automated (?:answer|reply|response|message)|(?:talking|speaking) to a (?:bot|robot|wall)|actually read",
      fr: "meme (?:\\w+ ){0,2}(?:reponse|message|mail|excuse|discours)|toujours (?:la meme chose|pareil|le meme refrain)|copier coller|(?:reponse|message) automatique|parler a un (?:robot|mur)|lire (?:vraiment )?mon message",
      es: "misma (?:\\w+ ){0,2}(?:respuesta|excusa|historia)|mismo (?:\\w+ ){0,2}(?:mensaje|correo|cuento)|siempre (?:lo mismo|igual)|copiar y pegar|copiad[oa]|(?:respuesta|mensaje) automatic[oa]|hablar con un (?:robot|muro)|leer lo que escribo",
      de: "(?:dieselbe|die gleiche|gleiche) (?:\\w+ ){0,2}(?:antwort|ausrede|geschichte)|immer (?:dasselbe|das gleiche|die gleiche leier)|textbaustein\\w*|standardantwort|automatische (?:antwort|nachricht)|(?:mit )?einem roboter|(?:meine )?nachricht (?:\\w+ )?lesen",
      it: "stessa risposta|risposta automatica",
      pt: "mesma resposta|resposta automatica",
      nl: "zelfde antwoord|standaard antwoord",
    },
  },
  {
    // What went wrong while the customer was doing something: a fault, like the problem words.
    id: "fault-event",
    emotion: "frustrated",
    weight: 0.5,
    patterns: {
      en: "(?:logged|kicked|threw|thrown) (?:me )?out|in the middle of (?:paying|payment|the payment|checkout)",
      fr: "(?:m a |ma )?(?:deconnecte|ejecte)e?|en plein (?:paiement|milieu)",
      es: "me (?:ha |han )?(?:echado|expulsado|desconectado)|en mitad del pago|en medio del pago",
      de: "ausgeloggt|rausgeworfen|rausgeschmissen|mitten (?:im|beim) (?:bezahlen|kauf)",
      it: "(?:mi ha )?(?:disconnesso|buttato fuori)",
      pt: "me (?:desconectou|expulsou)",
      nl: "uitgelogd|eruit gegooid",
    },
  },
  {
    id: "without-notice",
    emotion: "frustrated",
    weight: 1,
    patterns: {
      en: "without (?:any )?(?:notice|warning|telling me|asking me|informing me|letting me know)",
      fr: "sans (?:me |nous )?(?:prevenir|avertir|demander|informer)|sans (?:aucun )?(?:preavis|prevenir)",
      es: "sin (?:me )?(?:avisar(?:me)?|preguntar(?:me)?|informar(?:me)?|previo aviso)",
      de: "ohne (?:\\w+ )?(?:bescheid|vorwarnung|ankundigung|nachfrage|zu fragen|mich zu (?:fragen|informieren))",
      it: "senza (?:avvisare|preavviso)",
      pt: "sem (?:avisar|aviso)",
      nl: "zonder (?:te )?(?:waarschuwing|melden|vragen)",
    },
  },
  {
    id: "nothing-happens",
    emotion: "frustrated",
    weight: 1,
    patterns: {
      en: "nothing (?:has )?(?:happens|happened|been done|been fixed|changes|changed|moves)|nobody (?:has )?fixed|(?:hasnt|has not|havent|have not|hasn t) (?:even )?(?:moved|changed|been updated)",
      fr: "(?:il )?ne se passe rien|rien ne (?:se passe|bouge|change)|rien n a (?:ete fait|bouge|change)|(?:n a|n ont) (?:toujours )?pas bouge",
      es: "no (?:se )?(?:ha )?(?:hecho|movido|cambiado) nada|nadie (?:ha )?(?:hecho|arreglado) nada|nada ha cambiado|no se ha movido",
      de: "(?:passiert|tut sich|bewegt sich|andert sich) (?:\\w+ ){0,3}nichts|nichts (?:passiert|getan|geandert)|bewegt sich (?:\\w+ ){0,3}nicht",
      it: "non (?:succede|cambia) niente",
      pt: "nada acontece|nada mudou",
      nl: "er gebeurt niets|gebeurt (?:\\w+ )?niks",
    },
  },
  {
    // A broken promise is a complaint in the making; alone it may be a neutral account of events.
    id: "broken-promise",
    emotion: "frustrated",
    weight: 0.6,
    patterns: {
      en: "(?:was|were|been) promised|you promised|promised me|you (?:said|told me) (?:it|you|i|that) (?:would|d|will)",
      fr: "(?:m|nous) (?:avait|aviez|avez|a) promis|on m avait (?:promis|dit)|vous m aviez (?:promis|dit)",
      es: "me (?:prometieron|prometisteis|prometio|habian prometido)|me (?:dijeron|dijisteis) que",
      de: "(?:wurde|wurden|hat|haben|hatten) (?:\\w+ ){0,4}versprochen|versprochen",
      it: "mi avevate promesso|promesso",
      pt: "prometeram|me disseram que",
      nl: "beloofd",
    },
  },
  {
    // "Promised for Monday, it's Thursday": the day named is already past the promise.
    id: "day-has-passed",
    emotion: "frustrated",
    weight: 0.6,
    patterns: {
      en: "(?:it s|its|it is|today is|now it s) (?:already |now )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)",
      fr: "(?:on est|nous sommes|on est deja|nous sommes deja) (?:\\w+ )?(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)",
      es: "(?:estamos a|estamos en|hoy es|ya es) (?:\\w+ )?(?:lunes|martes|miercoles|jueves|viernes|sabado|domingo)",
      de: "(?:jetzt ist|heute ist|es ist|wir haben) (?:schon |bereits )?(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)",
      it: "(?:oggi e|siamo a) (?:lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica)",
      pt: "(?:hoje e|ja e|estamos na) (?:segunda|terca|quarta|quinta|sexta|sabado|domingo)",
      nl: "(?:het is|vandaag is) (?:al )?(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag)",
    },
  },
  {
    // "Arrived after 9 days": the time it took is the complaint, most often under sarcastic praise.
    id: "took-too-long",
    emotion: "frustrated",
    weight: 0.6,
    patterns: {
      en: "(?:arrived|came|delivered|took|received (?:it )?) (?:\\w+ )?(?:after|only after|over) (?:\\d+|two|three|four|five|six|seven|eight|nine|ten|several) (?:days|weeks|months)",
      fr: "(?:recue?s?|arrivee?s?|livree?s?) (?:\\w+ )?(?:au bout de|apres) (?:\\d+|deux|trois|quatre|cinq|dix|plusieurs) (?:jours|semaines|mois)",
      es: "(?:llego|llegaron|recibi|tardo|tardaron) (?:\\w+ ){0,2}(?:a los|despues de|mas de) (?:\\d+|dos|tres|cuatro|cinco|diez|varias|varios) (?:dias|semanas|meses)",
      de: "(?:kam|kamen|erhalten|geliefert|dauerte) (?:\\w+ )?(?:nach|erst nach|uber) (?:\\d+|zwei|drei|vier|funf|zehn|mehreren) (?:tagen|wochen|monaten)",
      it: "arrivat[oa] dopo (?:\\d+) giorni",
      pt: "chegou (?:depois de|apos) (?:\\d+) dias",
      nl: "(?:kwam|geleverd) (?:pas )?na (?:\\d+) dagen",
    },
  },
  {
    id: "charged-after-cancel",
    emotion: "frustrated",
    weight: 1.2,
    patterns: {
      en: "(?:charged|billed|debited|charging|billing) (?:\\w+ ){0,6}(?:i|we) (?:already )?cancell?ed",
      fr: "(?:preleve|facture|debite|prelever|facturer) (?:\\w+ ){0,6}(?:resilie|annule)",
      es: "(?:cobrado|cobrando|cobran|cobraron|cargado) (?:\\w+ ){0,6}(?:cancele|anule|di de baja)",
      de: "(?:abgebucht|berechnet|belastet|abbuchen) (?:\\w+ ){0,6}gekundigt|gekundigt(?:e|en)? (?:\\w+ ){0,6}(?:abgebucht|berechnet)",
      it: "addebitat[oa] (?:\\w+ ){0,6}disdett[oa]",
      pt: "cobrad[oa] (?:\\w+ ){0,6}cancelei",
      nl: "afgeschreven (?:\\w+ ){0,6}opgezegd",
    },
  },
  // Confusion: two things that cannot both be true, or what the customer was told against what they see.
  {
    id: "contradiction",
    emotion: "confused",
    weight: 1.2,
    patterns: {
      en: "(?:say|says|said|saying|tell|tells|told) (?:\\w+ ){0,2}(?:different things|something different|the opposite|opposite things)|contradict\\w*|which (?:one )?(?:is (?:it|true|right|correct)|should i believe)",
      fr: "(?:disent|dit|dites) (?:\\w+ )?(?:le contraire|l inverse|autre chose|deux choses differentes)|contradictoire\\w*|se contredisent|(?:c est )?lequel (?:qui )?(?:est|dit) (?:\\w+ )?(?:vrai|juste|correct|le bon|la bonne)|laquelle est (?:la bonne|correcte)|qui (?:a raison|dit vrai)",
      es: "(?:dicen|dice|decis) (?:\\w+ )?(?:lo contrario|otra cosa|cosas distintas|cosas diferentes)|contradic\\w+|una cosa y (?:\\w+ ){0,5}otra|cual es (?:el |la |lo )?(?:correct[oa]|verdad|buen[oa]|ciert[oa])",
      de: "widersprech\\w*|widerspruch\\w*|was stimmt (?:denn )?(?:jetzt|nun)|welche[rs]? (?:davon|von beiden|angabe|information) (?:stimmt|ist richtig)|was (?:ist )?(?:denn|jetzt|nun) (?:\\w+ )?richtig",
      it: "contraddi\\w+|quale (?:e )?(?:giusto|vero)",
      pt: "contradi\\w+|qual (?:e )?(?:o )?(?:certo|correto)",
      nl: "tegenstrijdig|spreken elkaar tegen",
    },
  },
  {
    id: "thought-you-said",
    emotion: "confused",
    weight: 0.6,
    patterns: {
      en: "i thought (?:you|that|it|the|this|my|we|there|i)|(?:but )?you (?:said|told me) (?:i|that)",
      fr: "je (?:croyais|pensais) (?:que|qu)|vous m aviez dit que|(?:mais )?on m a dit que",
      es: "(?:pense|pensaba|creia) que|(?:pero )?si me (?:dijisteis|dijeron|dijo) que",
      de: "ich dachte (?:dass|der|die|das|es|ich|sie|ihr|man)|(?:sie|ihr) (?:hatten|hattet|haben|habt) (?:\\w+ )?gesagt",
      it: "pensavo che",
      pt: "pensei que|achei que",
      nl: "ik dacht",
    },
  },
  {
    id: "where-do-i-find",
    emotion: "confused",
    weight: 0.6,
    patterns: {
      en: "where (?:do|can|would|should) i (?:even |actually )?(?:find|get|see|look for)",
      fr: "je (?:le |la |les )?trouve ou|ou (?:est ce que )?je (?:le |la |les )?trouve|ou (?:le |la |les )?trouver",
      es: "donde (?:lo |la |los |las )?(?:busco|encuentro|veo|encontrar|buscar)",
      de: "wo finde ich|wo (?:kann|soll) ich (?:\\w+ ){0,2}finden",
      it: "dove (?:lo |la )?trovo",
      pt: "onde (?:o |a )?encontro",
      nl: "waar vind ik",
    },
  },
  // Urgency is a deadline: a time ("today", "by Friday", "in 30 minutes") tied to a need.
  {
    id: "deadline",
    emotion: "urgent",
    weight: 1.2,
    patterns: {
      en: "(?:need|needs|require|must have|have to have) (?:\\w+ ){0,4}(?:today|tonight|by tomorrow|by (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|tonight|noon|the end of)|before (?:tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|saturday|sunday))|deadline (?:is|in)|before my (?:flight|train|trip|meeting|departure)",
      fr: "(?:il me (?:le |la |les )?faut|besoin) (?:\\w+ ){0,3}(?:pour|avant|d ici) (?:ce soir|demain|aujourd hui|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|midi)|avant mon (?:vol|train|depart|rendez vous)|date limite (?:est|c est)",
      es: "(?:lo |la |los |las )?(?:necesito|necesitamos) (?:\\w+ ){0,3}(?:para|antes de|antes del) (?:el )?(?:hoy|manana|esta noche|lunes|martes|miercoles|jueves|viernes|sabado|domingo|mediodia)|antes de mi (?:vuelo|viaje|tren)|fecha limite es",
      de: "(?:brauche|brauchen|benotige|benotigen) (?:\\w+ ){0,3}(?:bis|vor) (?:heute|morgen|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|mittag)|vor meinem (?:flug|abflug|termin)|frist (?:ist|endet)",
      it: "mi serve (?:\\w+ ){0,3}entro (?:oggi|domani)",
      pt: "preciso (?:\\w+ ){0,3}ate (?:hoje|amanha)",
      nl: "(?:nodig|heb) (?:\\w+ ){0,3}voor (?:morgen|vanavond)",
    },
  },
  {
    // "My flight is in 2 hours", "une présentation dans 30 minutes": a countdown; a second cue makes it urgent.
    id: "countdown",
    emotion: "urgent",
    weight: 0.6,
    patterns: {
      en: "in (?:\\d+|a few|an?|one|two|half an) (?:mins?|minutes|hours?|hrs?|h)|(?:flight|train|meeting|presentation) (?:is |leaves |starts )?(?:in|tomorrow|tonight)",
      fr: "dans (?:\\d+|quelques|une|deux|une demi) (?:min|minutes|heures?|h)|(?:vol|train|reunion|rendez vous) (?:est |part )?(?:dans|demain|ce soir)",
      es: "en (?:\\d+|unos|unas|una|dos|media) (?:min|minutos|horas?|h)|(?:vuelo|tren|reunion) (?:sale |es )?(?:en|manana|esta noche)",
      de: "in (?:\\d+|einer|wenigen|zwei|einer halben) (?:min|minuten|stunden?|std)|(?:flug|zug|termin|meeting) (?:geht |ist )?(?:in|morgen|heute abend)",
      it: "tra (?:\\d+) (?:minuti|ore)",
      pt: "em (?:\\d+) (?:minutos|horas)",
      nl: "over (?:\\d+) (?:minuten|uur)",
    },
  },
  {
    id: "quickly",
    emotion: "urgent",
    weight: 0.5,
    patterns: {
      en: "quickly|fast|soon as you can",
      fr: "rapidement|vite",
      es: "rapido|rapidamente|pronto",
      de: "schnell|zugig|bald",
      it: "velocemente|presto",
      pt: "rapido|rapidamente",
      nl: "snel",
    },
  },
  // Happiness: relief that a problem is gone, and the sign-off that is not thanks for anything.
  {
    id: "resolved",
    emotion: "happy",
    weight: 1,
    patterns: {
      en: "(?:works|working) now|(?:it s|its|all) (?:working|sorted|fixed) now|that (?:did|fixed) it",
      fr: "(?:ca |tout )?(?:re)?(?:marche|fonctionne) (?:maintenant|enfin|a nouveau|de nouveau)|c est regle",
      es: "ya (?:va|funciona|esta solucionado|me funciona)|(?:ahora )?(?:ya )?funciona (?:bien|perfecto)",
      de: "(?:geht|funktioniert|klappt|lauft) (?:\\w+ )?(?:jetzt )?wieder|(?:geht|funktioniert|klappt) jetzt",
      it: "ora funziona|funziona di nuovo",
      pt: "agora funciona|ja funciona",
      nl: "werkt (?:nu )?weer|werkt nu",
    },
  },
  {
    // "Ce n'est pas grave", "no worries": a customer who waves a problem away. Weight 0: it adds no mood,
    // but with it the hybrid keeps the rules' "no mood" (DELIBERATE_NEUTRAL_CUES), since the model took
    // the negation and the problem word of "it's not a big deal" for a complaint.
    id: "reassurance",
    emotion: "happy",
    weight: 0,
    patterns: {
      en: "no worries|(?:not a|no) big deal|never mind|no rush|no hurry|nothing serious",
      fr: "(?:ce n est|c est|ce n etait|c etait) pas (?:bien |si )?grave|pas de (?:souci|soucis|probleme|panique)|aucun souci|rien de grave|(?:ce n est|c est) pas la peine",
      es: "no pasa nada|no (?:es|era) (?:nada )?grave|no hay (?:problema|prisa)|sin problema",
      de: "(?:nicht|halb so) schlimm|kein problem|keine sorge|kein stress|keine eile",
      it: "non (?:e|fa) niente|nessun problema",
      pt: "nao (?:tem|ha) problema|sem problema",
      nl: "geen probleem|geen zorgen",
    },
  },
  {
    id: "sign-off",
    emotion: "happy",
    weight: -1,
    patterns: {
      en: "that s (?:all|it)(?: for now)?|thats (?:all|it)",
      fr: "c est tout(?: pour (?:le moment|moi))?",
      es: "eso es todo|nada mas",
      de: "das (?:war s|wars|war alles|ist alles)",
      it: "e tutto",
      pt: "e so isso",
      nl: "dat is alles",
    },
  },
];
