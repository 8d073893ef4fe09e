import { describe, expect, it } from "vitest";
import { type LanguageCode, SUPPORTED_LANGUAGES } from "../assistant/language.js";
import { leavesOf, MESSAGE_CATALOG, placeholdersOf } from "./message-catalog.js";
import type { LanguageMessages } from "./message-types.js";
import { PLURAL_CATEGORIES_BY_LANGUAGE } from "./plural-categories.js";
import { PRODUCT_MESSAGES } from "./resources/index.js";

/** Flat "key" / "key_category" → text, the way i18next stores it. */
function flatResource(language: LanguageCode): Map<string, string> {
  const problems: string[] = [];
  const leaves = leavesOf(PRODUCT_MESSAGES[language], (path, problem) =>
    problems.push(`${path}: ${problem}`),
  );
  expect(problems).toEqual([]);
  return new Map(
    leaves.map(({ key, category, text }) => [
      category === undefined ? key : `${key}_${category}`,
      String(text),
    ]),
  );
}

function expectedKeys(language: LanguageCode): string[] {
  return [...MESSAGE_CATALOG].flatMap(([key, entry]) =>
    entry.plural ? PLURAL_CATEGORIES_BY_LANGUAGE[language].map((category) => `${key}_${category}`) : [key],
  );
}

describe("product message resources", () => {
  it("has the 26 product messages (the brief's 25 and assistant.resolved)", () => {
    expect(MESSAGE_CATALOG.size).toBe(26);
    expect([...MESSAGE_CATALOG].filter(([, entry]) => entry.plural).map(([key]) => key)).toEqual([
      "handoff.expectedWait",
      "usage.conversationsRemaining",
    ]);
  });

  it.each(SUPPORTED_LANGUAGES)(
    "%s declares exactly the plural categories Intl.PluralRules reports",
    (language) => {
      const reported = new Intl.PluralRules(language).resolvedOptions().pluralCategories;
      expect([...PLURAL_CATEGORIES_BY_LANGUAGE[language]].sort()).toEqual([...reported].sort());
    },
  );

  it.each(SUPPORTED_LANGUAGES)(
    "%s has every key and plural form, and nothing else (no fallback to English)",
    (language) => {
      const resource = flatResource(language);
      expect([...resource.keys()].sort()).toEqual(expectedKeys(language).sort());
      for (const [key, text] of resource) expect(text.trim(), key).not.toBe("");
    },
  );

  it.each(SUPPORTED_LANGUAGES.filter((language) => language !== "en"))(
    "%s is translated, not copied from English",
    (language) => {
      const english = flatResource("en");
      // The time range pattern is legitimately "{{from}}–{{to}}" in most languages.
      const copied = [...flatResource(language)]
        .filter(
          ([key, text]) =>
            key !== "hours.range" && text === english.get(key.replace(/_(many|few|zero|two)$/, "_other")),
        )
        .map(([key]) => key);
      expect(copied).toEqual([]);
    },
  );

  it.each(SUPPORTED_LANGUAGES)(
    "%s uses the same {{placeholders}} as English in every message",
    (language) => {
      const resource = flatResource(language);
      for (const [key, entry] of MESSAGE_CATALOG) {
        const expected = [...entry.placeholders].sort();
        if (!entry.plural) {
          expect([...placeholdersOf(resource.get(key) ?? "")].sort(), `${language} ${key}`).toEqual(expected);
          continue;
        }
        // A plural form may spell its number out (Arabic "دقيقتين", two minutes), so only {{count}} may be left
        // out of a form; the "other" form, which any number can reach, must carry everything.
        for (const category of PLURAL_CATEGORIES_BY_LANGUAGE[language]) {
          const used = placeholdersOf(resource.get(`${key}_${category}`) ?? "");
          const withCount = [...new Set([...used, "count"])].sort();
          expect(withCount, `${language} ${key}_${category}`).toEqual(expected);
          if (category === "other") expect([...used].sort(), `${language} ${key}_other`).toEqual(expected);
        }
      }
    },
  );

  it("keeps the guide's French wording for handoff and follow-up", () => {
    expect(PRODUCT_MESSAGES.fr.handoff.connecting).toBe(
      "Parfait ! Nous vous connectons à l'un de nos agents maintenant. Il sera avec vous sous peu.",
    );
    expect(PRODUCT_MESSAGES.fr.followUp.created).toBe(
      "Un agent vous contactera bientôt. Nous avons créé une tâche pour notre équipe.",
    );
  });

  it("makes a missing plural form or a foreign one a compile error", () => {
    const pl = PRODUCT_MESSAGES.pl;
    const withoutFew: LanguageMessages<"pl"> = {
      ...pl,
      // @ts-expect-error Polish needs few and many as well.
      usage: { ...pl.usage, conversationsRemaining: { one: "a", other: "b" } },
    };
    const en = PRODUCT_MESSAGES.en;
    const withFew: LanguageMessages<"en"> = {
      ...en,
      // @ts-expect-error English has no "few" form.
      usage: { ...en.usage, conversationsRemaining: { one: "a", few: "b", other: "c" } },
    };
    // @ts-expect-error a language module without one of the keys does not compile.
    const withoutKey: LanguageMessages<"de"> = { ...PRODUCT_MESSAGES.de, tone: { happy: "Schön!" } };
    expect([withoutFew, withFew, withoutKey]).toHaveLength(3);
  });
});
