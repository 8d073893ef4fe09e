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
  return foldCasedText(foldCase(text));
}

/**
 * Lower case without accents, punctuation kept: the first step of {@link foldText}, and what the
 * detector's sentence patterns read. Exposed so a caller that needs both folds the text only once.
 */
export function foldCase(text: string): string {
  return text.normalize("NFKD").replace(COMBINING_MARKS, "").toLowerCase();
}

/** The rest of {@link foldText}, from the output of {@link foldCase}. */
export function foldCasedText(caseFolded: string): FoldedText {
  const folded = caseFolded.replace(/ß/g, "ss").replace(/n['’]t\b/g, "nt");
  const tokens = folded.match(WORD) ?? [];
  return { tokens, joined: ` ${tokens.join(" ")} ` };
}
