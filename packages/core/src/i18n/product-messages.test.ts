import i18next from "i18next";
import { describe, expect, it } from "vitest";
import { type LanguageCode, SUPPORTED_LANGUAGES } from "../assistant/language.js";
import { LutinError } from "../errors.js";
import type { MessageKey, MessageOverrides } from "./message-types.js";
import { PLURAL_CATEGORIES_BY_LANGUAGE, type PluralCategory } from "./plural-categories.js";
import { createProductMessages } from "./product-messages.js";
import { PRODUCT_MESSAGES } from "./resources/index.js";

const messages = createProductMessages();
const ISOLATE_START = "\u2068";
const ISOLATE_END = "\u2069";

function formOf(language: LanguageCode, category: PluralCategory): string {
  const forms: Partial<Record<PluralCategory, string>> =
    PRODUCT_MESSAGES[language].usage.conversationsRemaining;
  return forms[category] as string;
}

describe("createProductMessages().t", () => {
  it("renders right after creation, synchronously, with values in place", () => {
    const fresh = createProductMessages();
    expect(fresh.t("en", "handoff.agentJoined", { agent: "Ana" })).toBe("Ana has joined the conversation.");
    expect(fresh.t("fr", "contact.details", { contact: "aide@lutin.example", hours: "lundi" })).toBe(
      "Pour joindre notre équipe : aide@lutin.example. Nos horaires d'ouverture : lundi.",
    );
  });

  it("renders every key in every language without leaving a placeholder", () => {
    const values = {
      agent: "Ana",
      contact: "x",
      hours: "y",
      nextOpening: "z",
      length: 5000,
      limit: 4000,
      percent: 80,
      from: "a",
      to: "b",
      count: 3,
    };
    const keys = Object.entries(PRODUCT_MESSAGES.en).flatMap(([group, entries]) =>
      Object.keys(entries).map((name) => `${group}.${name}` as MessageKey),
    );
    expect(keys).toHaveLength(26);
    for (const language of SUPPORTED_LANGUAGES) {
      for (const key of keys) {
        const text = messages.t(language, key, values);
        expect(text, `${language} ${key}`).not.toMatch(/\{\{|\}\}|_other|_one/);
        expect(text, `${language} ${key}`).not.toBe(key);
      }
    }
  });

  it("picks Arabic's six plural forms for 0, 1, 2, 3, 11 and 100", () => {
    const remaining = (count: number) => messages.t("ar", "usage.conversationsRemaining", { count });
    expect(remaining(0)).toBe("لم تتبقَّ أي محادثة");
    expect(remaining(1)).toBe("تتبقّى محادثة واحدة");
    expect(remaining(2)).toBe("تتبقّى محادثتان");
    expect(remaining(3)).toBe("تتبقّى 3 محادثات");
    expect(remaining(11)).toBe("تتبقّى 11 محادثة");
    expect(remaining(100)).toBe("تتبقّى 100 محادثة");
    expect(messages.t("ar", "handoff.expectedWait", { count: 2 })).toBe(
      "عادةً ما يردّ أحد موظفينا خلال دقيقتين.",
    );
    expect(messages.t("ar", "handoff.expectedWait", { count: 5 })).toBe(
      "عادةً ما يردّ أحد موظفينا خلال 5 دقائق.",
    );
  });

  it("picks Polish one / few / many for 1, 2, 5 and 22", () => {
    const remaining = (count: number) => messages.t("pl", "usage.conversationsRemaining", { count });
    expect(remaining(1)).toBe("Pozostała 1 rozmowa");
    expect(remaining(2)).toBe("Pozostały 2 rozmowy");
    expect(remaining(5)).toBe("Pozostało 5 rozmów");
    expect(remaining(22)).toBe("Pozostały 22 rozmowy");
    expect(remaining(12)).toBe("Pozostało 12 rozmów");
  });

  it("renders one and other in English, French (0 is singular) and a single form in Japanese and Chinese", () => {
    expect(messages.t("en", "handoff.expectedWait", { count: 1 })).toBe(
      "An agent usually answers within 1 minute.",
    );
    expect(messages.t("en", "handoff.expectedWait", { count: 0 })).toBe(
      "An agent usually answers within 0 minutes.",
    );
    expect(messages.t("fr", "usage.conversationsRemaining", { count: 0 })).toBe("0 conversation restante");
    expect(messages.t("fr", "usage.conversationsRemaining", { count: 2 })).toBe("2 conversations restantes");
    expect(messages.t("ja", "usage.conversationsRemaining", { count: 1 })).toBe("残り1件の会話");
    expect(messages.t("zh", "usage.conversationsRemaining", { count: 7 })).toBe("剩余7个对话");
  });

  it.each(SUPPORTED_LANGUAGES)(
    "%s: a count from each plural category renders that category's form",
    (language) => {
      const rules = new Intl.PluralRules(language);
      const candidates = [...Array.from({ length: 201 }, (_, index) => index), 1.5, 1_000_000];
      const numberFormat = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
      for (const category of PLURAL_CATEGORIES_BY_LANGUAGE[language]) {
        const count = candidates.find((candidate) => rules.select(candidate) === category);
        expect(count, `${language} has a sample for ${category}`).toBeDefined();
        const expected = formOf(language, category).replace(
          "{{count}}",
          numberFormat.format(count as number),
        );
        expect(messages.t(language, "usage.conversationsRemaining", { count: count as number })).toBe(
          expected,
        );
      }
    },
  );

  it("writes numbers the language's way", () => {
    const tooLong = (language: LanguageCode) =>
      messages.t(language, "assistant.messageTooLong", { length: 4500, limit: 4000 });
    expect(tooLong("en")).toContain("(4,500 characters; the limit is 4,000)");
    expect(tooLong("de")).toContain("(4.500 Zeichen, erlaubt sind 4.000)");
    expect(tooLong("fr")).toContain(`(${new Intl.NumberFormat("fr").format(4500)} caractères`);
    expect(messages.t("fr", "handoff.expectedWait", { count: 1_000_000 })).toBe(
      `Un agent répond généralement en ${new Intl.NumberFormat("fr").format(1_000_000)} de minutes.`,
    );
  });

  it("neither escapes nor re-interpolates values (the adapters escape for their surface)", () => {
    expect(messages.t("en", "handoff.agentJoined", { agent: "<b>{{limit}}</b> $t(tone.happy)" })).toBe(
      "<b>{{limit}}</b> $t(tone.happy) has joined the conversation.",
    );
  });

  it("isolates inserted text in Arabic so its direction cannot reorder the sentence, and only there", () => {
    expect(messages.t("ar", "handoff.agentJoined", { agent: "Marie D." })).toBe(
      `تم انضمام ${ISOLATE_START}Marie D.${ISOLATE_END} إلى المحادثة.`,
    );
    expect(messages.t("fr", "handoff.agentJoined", { agent: "Marie D." })).toBe(
      "Marie D. a rejoint la conversation.",
    );
  });

  it("refuses a missing value or a plural without a numeric count", () => {
    const missing = (run: () => string) => {
      try {
        run();
      } catch (error) {
        expect(LutinError.isInstance(error, "TRANSLATION_MISSING")).toBe(true);
        return (error as LutinError).details;
      }
      throw new Error("expected a TRANSLATION_MISSING error");
    };
    expect(missing(() => messages.t("en", "contact.details", { contact: "x" }))).toEqual({
      key: "contact.details",
      missing: ["hours"],
    });
    expect(missing(() => messages.t("ar", "usage.conversationsRemaining"))).toEqual({
      key: "usage.conversationsRemaining",
      missing: ["count"],
    });
    expect(missing(() => messages.t("pl", "handoff.expectedWait", { count: "3" }))).toMatchObject({
      missing: ["count"],
    });
  });

  it("rejects an unknown key at compile time and at run time", () => {
    // @ts-expect-error "handoff.unknown" is not a MessageKey.
    expect(() => messages.t("en", "handoff.unknown")).toThrow(/"handoff.unknown" is not a product message/);
    // @ts-expect-error a group is not a message.
    expect(() => messages.t("en", "handoff")).toThrow(LutinError);
  });
});

describe("createProductMessages().dir and languages", () => {
  it("is rtl for Arabic only, as i18next itself says", () => {
    const reference = i18next.createInstance();
    for (const language of SUPPORTED_LANGUAGES) {
      expect(messages.dir(language), language).toBe(language === "ar" ? "rtl" : "ltr");
      expect(messages.dir(language), language).toBe(reference.dir(language));
    }
  });

  it("lists the 12 languages", () => {
    expect(messages.languages).toEqual([
      "en",
      "fr",
      "es",
      "de",
      "it",
      "pt",
      "nl",
      "pl",
      "tr",
      "ar",
      "zh",
      "ja",
    ]);
  });
});

describe("tenant overrides", () => {
  it("win for the language and key they name, and nowhere else", () => {
    const tenant = createProductMessages({
      overrides: {
        fr: { tone: { happy: "Génial !" }, handoff: { agentJoined: "{{agent}} est là pour vous." } },
        en: { usage: { conversationsRemaining: { one: "Only {{count}} chat left" } } },
      },
    });
    expect(tenant.t("fr", "tone.happy")).toBe("Génial !");
    expect(tenant.t("fr", "handoff.agentJoined", { agent: "Léa" })).toBe("Léa est là pour vous.");
    expect(tenant.t("fr", "tone.urgent")).toBe(messages.t("fr", "tone.urgent"));
    expect(tenant.t("es", "tone.happy")).toBe("¡Qué buena noticia!");
    expect(tenant.t("en", "usage.conversationsRemaining", { count: 1 })).toBe("Only 1 chat left");
    expect(tenant.t("en", "usage.conversationsRemaining", { count: 4 })).toBe("4 conversations remaining");
    // Another instance (another tenant) keeps the product's wording: no shared i18next state.
    expect(messages.t("fr", "tone.happy")).toBe("Quelle bonne nouvelle !");
    expect(createProductMessages().t("fr", "tone.happy")).toBe("Quelle bonne nouvelle !");
  });

  it("are validated with every problem named", () => {
    const attempt = () =>
      createProductMessages({
        overrides: {
          en: { tone: { happy: "Hi {{name}}", cheerful: "x" } as never, hours: { closed: " " } },
          ja: { usage: { conversationsRemaining: { one: "x" } as never } },
          ru: { tone: { happy: "Отлично" } },
        } as never,
      });
    expect(attempt).toThrow(LutinError);
    try {
      attempt();
    } catch (error) {
      expect(LutinError.isInstance(error, "CONFIG_INVALID")).toBe(true);
      expect((error as LutinError).details?.problems).toEqual([
        "overrides.en.tone.cheerful: is not a message key",
        "overrides.en.tone.happy: unknown placeholder {{name}}",
        "overrides.en.hours.closed: must be a non-empty text",
        'overrides.ja.usage.conversationsRemaining.one: "ja" has no "one" plural form (it has other)',
        "overrides.ru: is not a supported language (en, fr, es, de, it, pt, nl, pl, tr, ar, zh, ja)",
      ]);
    }
  });

  it("type-check the plural forms per language", () => {
    const overrides: MessageOverrides = {
      pl: { usage: { conversationsRemaining: { few: "Zostały {{count}} rozmowy" } } },
      // @ts-expect-error Japanese has no "one" form.
      ja: { usage: { conversationsRemaining: { one: "x" } } },
    };
    expect(Object.keys(overrides)).toEqual(["pl", "ja"]);
  });
});
