import { analyzedText } from "../util/analyzed-text.js";

/**
 * "The customer asks for a human" (issue 4, when to escalate), in the 12 languages. Phrases are matched
 * on a folded text (lower case, accents removed for Latin scripts) so "Je veux parler a un humain" and
 * "HABLAR CON UN AGENTE" both hit. A negation just before ("I don't need a human") cancels the match.
 */
const HUMAN_REQUEST_PHRASES: readonly string[] = [
  // en
  "talk to a human",
  "speak to a human",
  "talk to a person",
  "speak to a person",
  "real person",
  "talk to someone",
  "speak to someone",
  "talk to an agent",
  "speak to an agent",
  "human agent",
  "live agent",
  "customer service representative",
  "a human please",
  "an agent please",
  "operator",
  "i want a human",
  "connect me to",
  "transfer me to",
  "human please",
  "need a human",
  "need a person",
  "want a human",
  "want a person",
  "get a human",
  "real human",
  "agent please",
  "talk with a human",
  "speak with a human",
  "speak with someone",
  "talk with someone",
  // fr
  "parler a un humain",
  "parler a une personne",
  "parler a quelqu'un",
  "parler a un agent",
  "parler a un conseiller",
  "un conseiller",
  "un humain",
  "une vraie personne",
  "service client humain",
  "mettez-moi en relation",
  // es
  "hablar con un humano",
  "hablar con una persona",
  "hablar con alguien",
  "hablar con un agente",
  "persona real",
  "un agente por favor",
  "atencion humana",
  // de
  "mit einem menschen",
  "mit einem mitarbeiter",
  "mit einer person",
  "echten menschen",
  "mitarbeiter sprechen",
  "kundenberater",
  // it
  "parlare con un operatore",
  "parlare con una persona",
  "parlare con un umano",
  "un operatore",
  // pt
  "falar com um humano",
  "falar com uma pessoa",
  "falar com um atendente",
  "atendente humano",
  // nl
  "met een mens",
  "met een medewerker",
  "een echte persoon",
  "met iemand spreken",
  // pl
  "z człowiekiem",
  "z konsultantem",
  "z prawdziwą osobą",
  "z pracownikiem",
  // tr
  "bir insanla",
  "temsilciyle",
  "müşteri temsilcisi",
  "gerçek bir kişi",
  "yetkiliyle görüşmek",
  // ar
  "التحدث مع موظف",
  "التحدث مع شخص",
  "أريد موظف",
  "موظف خدمة العملاء",
  "إنسان حقيقي",
  "التحدث إلى إنسان",
  // zh
  "人工客服",
  "转人工",
  "真人",
  "人工服务",
  "找客服",
  // ja
  "オペレーター",
  "担当者と話",
  "人と話したい",
  "有人対応",
  "担当者に繋",
];

/** A negation earlier in the same sentence, within NEGATION_REACH characters, cancels the request. */
const NEGATION_BEFORE =
  /(?:\bnot|n't|\bno need|\bpas besoin|\bne veux pas|\bno necesito|\bno quiero|\bkein|\bnicht|\bniet|\bnie)\b[^.!?]*$/u;
const NEGATION_REACH = 40;

/** Lower case, accents removed from Latin letters (other scripts untouched), spaces collapsed. */
export function foldForMatching(text: string): string {
  // Escalation folds the same message twice in a turn (human request, then tenant keywords).
  if (text === lastText) return lastFolded;
  const folded = NON_ASCII.test(text) ? foldUnicode(text) : foldAscii(text);
  lastText = text;
  lastFolded = folded;
  return folded;
}

let lastText = "";
let lastFolded = "";
/** Any UTF-16 unit above ASCII (surrogate halves of astral characters included). */
const NON_ASCII = /[\u0080-\uffff]/;

/** Without a non-ASCII character, NFD and NFC change nothing and there are no accents to drop. */
function foldAscii(text: string): string {
  return text.toLowerCase().replace(/`/g, "'").replace(/\s+/g, " ");
}

function foldUnicode(text: string): string {
  return text
    .normalize("NFD")
    .replace(/([a-zA-Z])[\u0300-\u036f]+/g, "$1")
    .normalize("NFC")
    .toLowerCase()
    .replace(/[’`]/g, "'")
    .replace(/\s+/g, " ");
}

const FOLDED_PHRASES = HUMAN_REQUEST_PHRASES.map(foldForMatching);
/**
 * Every phrase as a literal in one alternation (no flags: code unit by code unit, like indexOf): it
 * matches exactly when one phrase occurs, so most messages are answered by one test instead of one
 * search per phrase. Only then are the phrases looked up one by one for the negation check.
 */
const ANY_PHRASE = new RegExp(
  FOLDED_PHRASES.map((phrase) => phrase.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&")).join("|"),
);

export function asksForHuman(text: string): boolean {
  // Bounded per message (analyzed-text.ts): the request is looked for in the message's start and end.
  const folded = foldForMatching(analyzedText(text));
  if (!ANY_PHRASE.test(folded)) return false;
  for (const phrase of FOLDED_PHRASES) {
    const index = folded.indexOf(phrase);
    if (index === -1) continue;
    if (NEGATION_BEFORE.test(folded.slice(Math.max(0, index - NEGATION_REACH), index))) continue;
    return true;
  }
  return false;
}

/**
 * A short "yes" to the assistant's offer of a person ("oui", "sí, por favor", "ja bitte"): after that
 * offer it is a request for a human. Only the whole message counts: "yes but where is my order" is not.
 */
const ACCEPTS_OFFER =
  /^(?:yes|yeah|yep|ok|okay|sure|please|yes please|ok please|oui|ouais|oui merci|oui svp|oui s'il vous plait|d'accord|volontiers|si|si por favor|vale|claro|por favor|ja|ja bitte|ja gerne|gerne|bitte|sim|si grazie|certo|graag|tak|evet|はい|好的|是|نعم)[\s.!]*$/u;

export function acceptsHumanOffer(text: string): boolean {
  // A "yes" is a few characters: a long message is never one.
  if (text.length > 40) return false;
  return ACCEPTS_OFFER.test(foldForMatching(text.trim()));
}
