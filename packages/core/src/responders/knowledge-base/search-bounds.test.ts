import fc from "fast-check";
import MiniSearch from "minisearch";
import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TEXT_LENGTH } from "../../events/inbound-event.js";
import { fuzzRuns } from "../../testing/fuzz-runs.js";
import { demoKnowledgeBase, demoOrderLookup, dontKnow, request } from "./demo-shop.test-support.js";
import { createKnowledgeBaseResponder } from "./knowledge-base-responder.js";
import {
  fuzzyOf,
  MAX_FUZZY_TERM_LENGTH,
  MAX_SEARCH_TERMS,
  MAX_SEARCHED_TERM_LENGTH,
  prefixOf,
  searchQueryOf,
} from "./search-index.js";
import { normalizeText } from "./text.js";

/*
 * The search's per-message bounds, asserted on what it does rather than on how long it takes: one
 * 40,000-letter token used to reach MiniSearch's fuzzy pass whole and block the event loop for ~10 s.
 */

const LETTERS = "abcdefghijklmnopqrstuvwxyz";

/** Messages of up to MAX_TEXT_LENGTH characters made of the pieces of bad inputs. */
const adversarial = fc
  .array(
    fc.oneof(
      fc.constantFrom(" ", "!!!", "😡", "\u0301", "بِّ\u200F", "#12345", "a-", "<@", "中文"),
      fc.string({ unit: fc.constantFrom(...LETTERS), minLength: 1, maxLength: 12 }),
      fc.integer({ min: 25, max: 5_000 }).map((length) => "z".repeat(length)),
    ),
    { maxLength: 400 },
  )
  .map((pieces) => pieces.join("").slice(0, MAX_TEXT_LENGTH));

const WORST: Record<string, string> = {
  "40,000-letter unbroken token": Array.from({ length: MAX_TEXT_LENGTH }, (_, index) =>
    LETTERS.charAt((index * 7) % 26),
  ).join(""),
  "40,000 digits": "1234567890".repeat(MAX_TEXT_LENGTH / 10),
  "13,000 two-letter tokens": Array.from(
    { length: 13_333 },
    (_, index) => `${LETTERS.charAt(index % 26)}${LETTERS.charAt((index * 5) % 26)}`,
  ).join(" "),
  "6,600 five-letter words": Array.from({ length: 6_666 }, (_, index) =>
    Array.from({ length: 5 }, (_, letter) => LETTERS.charAt((index * 31 + letter * 7) % 26)).join(""),
  ).join(" "),
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe("knowledge base search: per-message bounds", () => {
  it("prefix and typo passes only for terms of word length, whatever the length", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_TEXT_LENGTH }), (length) => {
        const term = "e".repeat(length);
        const fuzzy = fuzzyOf(term);
        if (length > MAX_FUZZY_TERM_LENGTH) {
          expect(fuzzy).toBe(false);
          expect(prefixOf(term)).toBe(false);
        }
        // MiniSearch's edit distance for a term: a share of its length, so at most 0.2 × 24 edits.
        if (fuzzy !== false) expect(fuzzy * length).toBeLessThanOrEqual(0.2 * MAX_FUZZY_TERM_LENGTH);
      }),
      { numRuns: fuzzRuns(500) },
    );
    expect(fuzzyOf("pasword")).toBe(0.2); // one typo in an ordinary word is still found
    expect(prefixOf("refund")).toBe(true);
  });

  it("a message's query holds at most MAX_SEARCH_TERMS terms, none searched longer than MAX_SEARCHED_TERM_LENGTH", () => {
    fc.assert(
      fc.property(
        adversarial,
        fc.constantFrom("en", "fr", "de", "es") as fc.Arbitrary<"en">,
        (text, language) => {
          const query = searchQueryOf(normalizeText(text), language);
          expect(query.terms.length).toBeLessThanOrEqual(MAX_SEARCH_TERMS);
          expect(new Set(query.terms).size).toBe(query.terms.length);
          for (const term of query.searched)
            expect(term.length).toBeLessThanOrEqual(MAX_SEARCHED_TERM_LENGTH);
          expect(query.searched.filter((term) => fuzzyOf(term) !== false).length).toBeLessThanOrEqual(
            MAX_SEARCH_TERMS,
          );
        },
      ),
      { numRuns: fuzzRuns(100) },
    );
  });

  it.each(Object.entries(WORST))(
    "the responder hands MiniSearch only bounded queries: %s",
    async (_, text) => {
      const queries: string[] = [];
      const search = MiniSearch.prototype.search;
      vi.spyOn(MiniSearch.prototype, "search").mockImplementation(function (
        this: MiniSearch,
        query,
        options,
      ) {
        if (typeof query === "string") queries.push(query);
        return search.call(this, query, options);
      });
      const responder = createKnowledgeBaseResponder({
        knowledgeBase: demoKnowledgeBase(),
        lookups: { orderStatus: demoOrderLookup() },
        dontKnow,
      });
      await responder.respond(request(text, "en"));
      // The reply language first, then each other language of the base: one query per language at most.
      expect(queries.length).toBeLessThanOrEqual(4);
      for (const query of queries) {
        const terms = query.split(" ");
        expect(terms.length).toBeLessThanOrEqual(MAX_SEARCH_TERMS);
        for (const term of terms) expect(term.length).toBeLessThanOrEqual(MAX_SEARCHED_TERM_LENGTH);
        const fuzzy = terms.filter((term) => fuzzyOf(term) !== false);
        expect(fuzzy.length).toBeLessThanOrEqual(MAX_SEARCH_TERMS);
        for (const term of fuzzy) expect(term.length).toBeLessThanOrEqual(MAX_FUZZY_TERM_LENGTH);
      }
    },
  );
});
