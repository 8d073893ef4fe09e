/**
 * One folded form of a message for every rule: lower case, accents removed (customers type "ca fait",
 * "deçu", "decu" alike), "ß" as "ss", English "n't" glued on ("doesnt") so a negation is one token, and
 * the words joined by single spaces so phrase patterns need no punctuation handling.
 */
export interface FoldedText {
  /** The words in order, folded. */
  tokens: string[];
  /** `tokens` joined by single spaces, with a space at both ends so a phrase matches as ` phrase `. */
  joined: string;
}

const COMBINING_MARKS = /\p{M}/gu;
const WORD = /[\p{L}\p{N}]+/gu;

export function foldText(text: string): FoldedText {
  const folded = text
    .normalize("NFKD")
    .replace(COMBINING_MARKS, "")
    .toLowerCase()
    .replace(/ß/g, "ss")
    .replace(/n['’]t\b/g, "nt");
  const tokens = folded.match(WORD) ?? [];
  return { tokens, joined: ` ${tokens.join(" ")} ` };
}
