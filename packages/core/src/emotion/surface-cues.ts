/**
 * Cues read from the raw message rather than its words: emoji, emoticons, shouting in capitals and
 * bursts of punctuation. They survive every language, typos and missing accents, which is why they
 * carry a good part of the detection in languages without a word list.
 */

export interface EmojiCounts {
  angry: number;
  sad: number;
  eyeRoll: number;
  happy: number;
  confused: number;
  /** 👏 counts as happy too: applause is praise, or sarcasm next to a complaint (see the detector). */
  clapping: number;
}

// Emoji are matched without their variation selector (U+FE0F), which customers' keyboards add or not.
const ANGRY_EMOJI = /😡|🤬|😤|😠|💢|👎|🖕/gu;
const SAD_EMOJI = /😢|😭|😞|😩|😫|😒|🤦|😣|☹/gu;
const EYE_ROLL_EMOJI = /🙄|😑|🙃/gu;
const HAPPY_EMOJI = /😊|🙏|👍|❤|♥|💖|💙|💚|🧡|💜|🎉|🥳|😀|😃|😄|😁|🙂|😍|🥰|🤩|💯|👏|🙌|😉|✨|👌|☺|🤗/gu;
const CLAPPING_EMOJI = /👏/gu;
const CONFUSED_EMOJI = /🤔|😕|🤷|❓|😵‍💫|🧐/gu;

// Emoticons need a boundary before them so that "https://" or "12:30" never read as faces.
const ANGRY_EMOTICON = /(?<![\w/]):-?\(+|(?<![\w/]):'\(|>:-?\(|(?<![\w/])-_-/g;
const HAPPY_EMOTICON = /(?<![\w/])[:;]-?\)+|(?<![\w/]):-?D\b|<3/g;
const CONFUSED_EMOTICON = /(?<![\w/])[oO]_[oO](?!\w)|(?<![\w/:]):-?\/(?![\w/])|(?<![\w/]):-?S\b/g;

const count = (pattern: RegExp, text: string) => text.match(pattern)?.length ?? 0;

// Skips that cannot change a count: every emoji above is outside ASCII, and every emoticon holds one of
// ":", ";", "<" or "_" (":(", ";)", "<3", ">:(", "-_-", "o_O"). Most messages have neither.
const NON_ASCII = /[\u0080-\uffff]/;
const EMOTICON_CHARACTER = /[:;<_]/;
const NO_EMOJI: Readonly<EmojiCounts> = Object.freeze({
  angry: 0,
  sad: 0,
  eyeRoll: 0,
  happy: 0,
  confused: 0,
  clapping: 0,
});

export function countEmoji(text: string): EmojiCounts {
  if (!NON_ASCII.test(text) && !EMOTICON_CHARACTER.test(text)) return { ...NO_EMOJI };
  return {
    angry: count(ANGRY_EMOJI, text),
    sad: count(SAD_EMOJI, text) + count(ANGRY_EMOTICON, text),
    eyeRoll: count(EYE_ROLL_EMOJI, text),
    happy: count(HAPPY_EMOJI, text) + count(HAPPY_EMOTICON, text),
    confused: count(CONFUSED_EMOJI, text) + count(CONFUSED_EMOTICON, text),
    clapping: count(CLAPPING_EMOJI, text),
  };
}

/** Upper-case words that are names or codes, not shouting. */
const ACRONYMS = new Set([
  "ASAP",
  "FAQ",
  "PDF",
  "SMS",
  "USB",
  "GPS",
  "VAT",
  "TVA",
  "IVA",
  "MWST",
  "GMBH",
  "IBAN",
  "SEPA",
  "BIC",
  "CEO",
  "API",
  "URL",
  "DHL",
  "UPS",
  "GLS",
  "TNT",
  "USPS",
  "EUR",
  "USD",
  "CHF",
  "GBP",
  "GDPR",
  "RGPD",
  "DSGVO",
  "HTML",
  "HTTP",
  "HTTPS",
  "CSV",
  "SIM",
  "PIN",
  "IOS",
  "OK",
  "SAS",
  "SARL",
  "NIF",
  "SIRET",
]);

const UPPER_CASE = /\p{Lu}/gu;

/** The ASCII letters in \p{Lu} are A to Z: a loop over char codes counts them without a regular expression. */
function asciiUpperCount(word: string): number {
  let upper = 0;
  for (let index = 0; index < word.length; index++) {
    const code = word.charCodeAt(index);
    if (code >= 65 && code <= 90) upper++;
  }
  return upper;
}

export type CapsKind = "shouting" | "emphasis" | null;

const LETTER_WORD = /\p{L}+/gu;

/**
 * Shouting: most letters of a message in capitals ("WHERE IS MY ORDER"). Emphasis: one shouted word
 * in a normal message ("this doesnt work. AGAIN."). Acronyms and words with digits (order references,
 * tracking numbers) never count.
 */
export function readCaps(text: string): CapsKind {
  let upper = 0;
  let letters = 0;
  let emphasised = false;
  for (const word of text.match(LETTER_WORD) ?? []) {
    if (ACRONYMS.has(word)) continue;
    const wordUpper = NON_ASCII.test(word) ? (word.match(UPPER_CASE) ?? []).length : asciiUpperCount(word);
    letters += word.length;
    upper += wordUpper;
    if (word.length >= 4 && wordUpper === word.length) emphasised = true;
  }
  if (letters >= 6 && upper / letters >= 0.7) return "shouting";
  return emphasised ? "emphasis" : null;
}

/** "!!", "??", "?!" and longer runs: the punctuation of exasperation. A single "!" is ordinary. */
const PUNCTUATION_BURST = /!{2,}|\?{2,}|[!?]*(?:\?!|!\?)[!?]*/;

export function hasPunctuationBurst(text: string): boolean {
  return PUNCTUATION_BURST.test(text);
}
