import MiniSearch, { type SearchResult } from "minisearch";
import type { LanguageCode } from "../../assistant/language.js";
import { analyzedText } from "../../util/analyzed-text.js";
import type { KnowledgeBase } from "./knowledge-base-file.js";
import { contentTerms, contentTermsOfNormalized, normalizeText } from "./text.js";

/** What a search hit points at: an FAQ entry, a flow (through its triggers) or a Quick Reply. */
export type ItemKind = "entry" | "flow" | "quick-reply";

export interface SearchHit {
  kind: ItemKind;
  id: string;
  /** The language of the variant that matched. */
  language: LanguageCode;
  /** 0..1, see `confidenceOf`. */
  confidence: number;
  /** MiniSearch's BM25 score of the best matching phrase (ranking only; its scale depends on the corpus). */
  score: number;
}

interface IndexedPhrase {
  id: number;
  kind: ItemKind;
  item: string;
  /** Content terms of the question or trigger, space-separated (already folded and stop-word free). */
  phrase: string;
  /** Content terms of the variant's keywords. */
  keywords: string;
  phraseTermCount: number;
}

/** One MiniSearch index per language: stop words and term statistics differ between languages. */
interface LanguageIndex {
  search: MiniSearch<IndexedPhrase>;
  /** In how many phrases each term occurs, for the weights of `confidenceOf`. */
  phraseFrequency: Map<string, number>;
  phraseCount: number;
}

/*
 * Per-message bounds of the search. MiniSearch runs a prefix and a fuzzy pass per query term, and its fuzzy
 * pass costs in proportion to the term's length times the size of the index: one 40,000-letter token
 * blocked the event loop for ~10 s (10,000 letters: 0.7 s), every channel with it. Whatever the message,
 * at most MAX_SEARCH_TERMS terms reach the index, none longer than MAX_SEARCHED_TERM_LENGTH, and only
 * terms of word length get a prefix or fuzzy pass.
 */

/** Distinct content terms of a message searched at most (its first ones: a question states its topic early). */
export const MAX_SEARCH_TERMS = 32;
/**
 * Longest term searched by prefix or with a typo. Words are shorter (German compounds such as
 * "versandbestatigung" run to ~20 letters); a longer term is searched exactly.
 */
export const MAX_FUZZY_TERM_LENGTH = 24;
/** Longer terms are no word (an unbroken token): not searched at all, they weigh as unknown words. */
export const MAX_SEARCHED_TERM_LENGTH = 64;

/** "open" finds "opening", "refund" finds "refunds"; short words only match exactly ("pay" ≠ "paypal"). */
export function prefixOf(term: string): boolean {
  return term.length >= 4 && term.length <= MAX_FUZZY_TERM_LENGTH;
}

/** One typo in words of 5+ letters ("pasword", "comande"): MiniSearch's edit distance as a share of the length. */
export function fuzzyOf(term: string): number | false {
  return term.length >= 5 && term.length <= MAX_FUZZY_TERM_LENGTH ? 0.2 : false;
}

const SEARCH_OPTIONS = {
  prefix: prefixOf,
  fuzzy: fuzzyOf,
  boost: { phrase: 2 },
  combineWith: "OR",
} as const;

/** What one message asks the index: `terms` weigh in the confidence, `searched` go to MiniSearch. */
export interface SearchQuery {
  /** Distinct content terms, at most MAX_SEARCH_TERMS. */
  terms: string[];
  /** The terms MiniSearch searches: those of `terms` no longer than MAX_SEARCHED_TERM_LENGTH. */
  searched: string[];
}

/** The bounded query of a normalized message in a language (see MAX_SEARCH_TERMS and its neighbours). */
export function searchQueryOf(normalized: string, language: LanguageCode): SearchQuery {
  const distinct = new Set<string>();
  for (const term of contentTermsOfNormalized(analyzedText(normalized), language)) {
    distinct.add(term);
    if (distinct.size >= MAX_SEARCH_TERMS) break;
  }
  const terms = [...distinct];
  return { terms, searched: terms.filter((term) => term.length <= MAX_SEARCHED_TERM_LENGTH) };
}

/**
 * Full-text search over the knowledge base with MiniSearch. The text is folded (case, accents,
 * punctuation) and stripped of the language's stop words before MiniSearch sees it, so MiniSearch's own
 * tokenizer only splits on spaces.
 */
export class KnowledgeBaseIndex {
  readonly #indexes = new Map<LanguageCode, LanguageIndex>();

  constructor(knowledgeBase: KnowledgeBase) {
    const phrasesByLanguage = new Map<LanguageCode, IndexedPhrase[]>();
    let nextId = 0;
    const add = (
      kind: ItemKind,
      item: string,
      language: LanguageCode,
      phrases: readonly string[],
      keywords: readonly string[],
    ) => {
      const keywordTerms = keywords.flatMap((keyword) => contentTerms(keyword, language)).join(" ");
      const list = phrasesByLanguage.get(language) ?? [];
      phrasesByLanguage.set(language, list);
      for (const phrase of phrases) {
        const terms = contentTerms(phrase, language);
        if (terms.length === 0) continue;
        list.push({
          id: nextId++,
          kind,
          item,
          phrase: terms.join(" "),
          keywords: keywordTerms,
          phraseTermCount: new Set(terms).size,
        });
      }
    };
    for (const entry of knowledgeBase.entries) {
      for (const [language, variant] of variantsOf(entry.variants)) {
        add("entry", entry.id, language, variant.questions, variant.keywords);
      }
    }
    for (const flow of knowledgeBase.flows) {
      for (const [language, variant] of variantsOf(flow.variants)) {
        add("flow", flow.id, language, variant.triggers, []);
      }
    }
    for (const reply of knowledgeBase.quickReplies) {
      for (const [language, variant] of variantsOf(reply.variants)) {
        add("quick-reply", reply.id, language, [variant.label, ...variant.triggers], []);
      }
    }
    for (const [language, phrases] of phrasesByLanguage) {
      const search = new MiniSearch<IndexedPhrase>({
        fields: ["phrase", "keywords"],
        storeFields: ["kind", "item", "phraseTermCount"],
        tokenize: (text) => text.split(" ").filter((term) => term !== ""),
        processTerm: (term) => term,
        searchOptions: SEARCH_OPTIONS,
      });
      search.addAll(phrases);
      const phraseFrequency = new Map<string, number>();
      for (const phrase of phrases) {
        for (const term of new Set(`${phrase.phrase} ${phrase.keywords}`.split(" "))) {
          if (term !== "") phraseFrequency.set(term, (phraseFrequency.get(term) ?? 0) + 1);
        }
      }
      this.#indexes.set(language, { search, phraseFrequency, phraseCount: phrases.length });
    }
  }

  /** The languages that have something indexed. */
  get languages(): LanguageCode[] {
    return [...this.#indexes.keys()];
  }

  /** The best item for `text` among the variants of `language`, or null when no word matches at all. */
  search(text: string, language: LanguageCode): SearchHit | null {
    return this.searchNormalized(normalizeText(analyzedText(text)), language);
  }

  /** `search` for a text already passed through `normalizeText`. */
  searchNormalized(normalized: string, language: LanguageCode): SearchHit | null {
    const index = this.#indexes.get(language);
    if (index === undefined) return null;
    const { terms, searched } = searchQueryOf(normalized, language);
    if (searched.length === 0) return null;
    const results = index.search.search(searched.join(" "));
    const best = results[0];
    if (best === undefined) return null;
    return {
      kind: best.kind as ItemKind,
      id: best.item as string,
      language,
      confidence: confidenceOf(best, terms, index),
      score: best.score,
    };
  }
}

/**
 * Confidence of a hit, from what matched rather than from the raw BM25 score (whose scale changes with the
 * size of the knowledge base; the score only ranks the hits):
 *
 *   support    = max(keyword match, phrase coverage)
 *   confidence = 0.6 × message coverage × (0.5 + 0.5 × support) + 0.2 × phrase coverage + 0.2 × keyword match
 *
 * - message coverage: the share of the message's content words that the hit matched, each word weighted by
 *   its inverse phrase frequency ln(1 + N / (n + 0.5)) in this language's index. A known word that did not
 *   match points at another entry and weighs fully; a word the index never saw weighs UNKNOWN_WORD_WEIGHT of
 *   the rarest word; a word matched only by prefix or typo counts as a rare known word (n = 1).
 * - phrase coverage: the share of the matched question's own content words found in the message, so that
 *   one shared word with a long question is not a strong match.
 * - keyword match: 1 when a matched word is one of the variant's curated keywords, which are the words
 *   that really name the topic ("refund"), unlike a question's incidental words ("temps" in "combien de
 *   temps prend un remboursement", which also means "weather"). Without one, the message coverage only
 *   counts fully when the matched words cover the question ("support").
 *
 * Calibrated on the demo knowledge base (search-index.test.ts): close paraphrases of a question score above
 * 0.6, messages about something the base does not cover below 0.35 (LOW_CONFIDENCE).
 */
export function confidenceOf(
  hit: SearchResult,
  terms: readonly string[],
  index: { phraseFrequency: ReadonlyMap<string, number>; phraseCount: number },
): number {
  const matched = new Set(hit.queryTerms);
  const rarest = Math.log(1 + index.phraseCount / 0.5);
  let total = 0;
  let covered = 0;
  for (const term of terms) {
    const frequency = index.phraseFrequency.get(term);
    if (matched.has(term)) {
      const weight = Math.log(1 + index.phraseCount / ((frequency ?? 1) + 0.5));
      total += weight;
      covered += weight;
    } else if (frequency !== undefined) {
      total += Math.log(1 + index.phraseCount / (frequency + 0.5));
    } else {
      total += UNKNOWN_WORD_WEIGHT * rarest;
    }
  }
  const messageCoverage = total === 0 ? 0 : covered / total;
  const phraseTerms = Math.max(1, Number(hit.phraseTermCount));
  const matchedPhraseTerms = Object.values(hit.match as Record<string, string[]>).filter((fields) =>
    fields.includes("phrase"),
  ).length;
  const phraseCoverage = Math.min(1, matchedPhraseTerms / phraseTerms);
  const keywordMatched = Object.values(hit.match as Record<string, string[]>).some((fields) =>
    fields.includes("keywords"),
  )
    ? 1
    : 0;
  // Without a keyword, words shared with a question count in proportion to how much of it they cover.
  const support = Math.max(keywordMatched, phraseCoverage);
  return round(0.6 * messageCoverage * (0.5 + 0.5 * support) + 0.2 * phraseCoverage + 0.2 * keywordMatched);
}

/**
 * Words the index has never seen weigh 0.3 of the rarest known word: they are as often a customer's own
 * filler ("I'm still waiting for…") as the real topic of an unrelated question ("bicycles").
 */
const UNKNOWN_WORD_WEIGHT = 0.3;
const round = (value: number) => Math.round(value * 1000) / 1000;

function variantsOf<T>(variants: Partial<Record<LanguageCode, T>>): [LanguageCode, T][] {
  return Object.entries(variants).filter((pair): pair is [LanguageCode, T] => pair[1] !== undefined);
}
