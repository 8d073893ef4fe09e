import i18next, { type Resource } from "i18next";
import { type LanguageCode, RIGHT_TO_LEFT_LANGUAGES, SUPPORTED_LANGUAGES } from "../assistant/language.js";
import { LutinError } from "../errors.js";
import { leavesOf, MESSAGE_CATALOG, placeholdersOf } from "./message-catalog.js";
import type { MessageKey, MessageOverrides } from "./message-types.js";
import { PLURAL_CATEGORIES_BY_LANGUAGE } from "./plural-categories.js";
import { PRODUCT_MESSAGES } from "./resources/index.js";

const NAMESPACE = "product";
const FIRST_STRONG_ISOLATE = "\u2068";
const POP_DIRECTIONAL_ISOLATE = "\u2069";

export type TextDirection = "ltr" | "rtl";
export type MessageValues = Record<string, string | number>;

export interface ProductMessages {
  readonly languages: readonly LanguageCode[];
  /**
   * The message in that language, with `{{name}}` replaced from `values` (numbers formatted for the language,
   * so pass identifiers as strings). Plural messages need a numeric `count`. Throws TRANSLATION_MISSING for an unknown key or a value the message needs but was not given.
   */
  t(language: LanguageCode, key: MessageKey, values?: MessageValues): string;
  dir(language: LanguageCode): TextDirection;
}

export interface ProductMessagesOptions {
  /** A tenant's own wording; any message, any language, plural forms one by one. Validated on creation. */
  overrides?: MessageOverrides;
}

/**
 * The product's messages through a dedicated i18next instance (never the global one, which a host app or a
 * plugin may configure differently). Resources are inline and `initAsync: false`, so `t` works synchronously as
 * soon as this returns.
 */
export function createProductMessages(options: ProductMessagesOptions = {}): ProductMessages {
  const resources = buildResources(options.overrides ?? {});
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: "en",
    fallbackLng: "en",
    ns: [NAMESPACE],
    defaultNS: NAMESPACE,
    // Keys are stored flat ("handoff.agentJoined_one"): no tree walking, and a ":" in a key means nothing.
    keySeparator: false,
    nsSeparator: false,
    initAsync: false,
    // The adapters escape for their own surface (HTML, Slack mrkdwn, Teams markdown).
    interpolation: { escapeValue: false },
    returnNull: false,
    returnEmptyString: false,
    returnObjects: false,
  });

  // A message with no placeholder, asked for without values, is the same text every time for a language:
  // translated once. Bounded by keys × languages; this instance's resources never change after init.
  const fixedTexts = new Map<string, string>();

  return {
    languages: SUPPORTED_LANGUAGES,
    dir,
    t(language, key, values = NO_VALUES) {
      const entry = MESSAGE_CATALOG.get(key);
      if (entry === undefined) {
        throw new LutinError("TRANSLATION_MISSING", `"${key}" is not a product message`, {
          hint: "use one of the MessageKey values (the keys of packages/core/src/i18n/resources/en.ts)",
          details: { key },
        });
      }
      const missing = [...entry.placeholders].filter((name) => values[name] === undefined);
      if (entry.plural && (typeof values.count !== "number" || !Number.isFinite(values.count))) {
        if (!missing.includes("count")) missing.push("count");
      }
      if (missing.length > 0) {
        throw new LutinError(
          "TRANSLATION_MISSING",
          `product message "${key}" needs ${missing.map((name) => `{{${name}}}`).join(", ")}`,
          {
            hint: `pass ${missing.map((name) => (name === "count" ? "count (a number)" : name)).join(", ")} in the values of t()`,
            details: { key, missing },
          },
        );
      }
      const fixed = entry.placeholders.size === 0 && !entry.plural && isEmpty(values);
      const cacheKey = fixed ? `${language}\u0000${key}` : "";
      if (fixed) {
        const cached = fixedTexts.get(cacheKey);
        if (cached !== undefined) return cached;
      }
      const text = instance.t(key, {
        lng: language,
        ...(entry.plural ? { count: values.count as number } : {}),
        replace: interpolationValues(language, values),
      });
      if (fixed) fixedTexts.set(cacheKey, text);
      return text;
    },
  };
}

const NO_VALUES: MessageValues = Object.freeze({});

function isEmpty(values: MessageValues): boolean {
  for (const _ in values) return false;
  return true;
}

function dir(language: LanguageCode): TextDirection {
  return RIGHT_TO_LEFT_LANGUAGES.has(language) ? "rtl" : "ltr";
}

const numberFormats = new Map<LanguageCode, Intl.NumberFormat>();

/**
 * Numbers are quantities (count, length, limit, percent) and are written the language's way ("1 000 000" in
 * French, "1.000" in German); identifiers must be passed as strings. In right-to-left text an inserted name,
 * address or time is isolated (Unicode bidi FSI…PDI) so its own direction cannot reorder the sentence around
 * it: "Marie D." would otherwise show its final dot on the wrong side of the Arabic text that follows.
 */
function interpolationValues(language: LanguageCode, values: MessageValues): Record<string, string> {
  let numberFormat = numberFormats.get(language);
  if (numberFormat === undefined) {
    numberFormat = new Intl.NumberFormat(language, { maximumFractionDigits: 2 });
    numberFormats.set(language, numberFormat);
  }
  const isolate = dir(language) === "rtl";
  const prepared: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === "number") prepared[name] = numberFormat.format(value);
    else prepared[name] = isolate ? `${FIRST_STRONG_ISOLATE}${value}${POP_DIRECTIONAL_ISOLATE}` : value;
  }
  return prepared;
}

function buildResources(overrides: MessageOverrides): Resource {
  const problems: string[] = [];
  const resources: Resource = {};
  for (const language of SUPPORTED_LANGUAGES) {
    resources[language] = { [NAMESPACE]: flatten(PRODUCT_MESSAGES[language], language, language, problems) };
  }
  if (problems.length > 0) {
    // The resources are type-checked, so this only fires if a module was edited around the types.
    throw new LutinError("TRANSLATION_MISSING", `product resources are invalid: ${problems.join("; ")}`, {
      details: { problems },
    });
  }
  for (const [language, tree] of Object.entries(overrides)) {
    if (!(SUPPORTED_LANGUAGES as readonly string[]).includes(language)) {
      problems.push(`overrides.${language}: is not a supported language (${SUPPORTED_LANGUAGES.join(", ")})`);
      continue;
    }
    const code = language as LanguageCode;
    Object.assign(resources[code]?.[NAMESPACE] ?? {}, flatten(tree, code, `overrides.${code}`, problems));
  }
  if (problems.length > 0) {
    throw new LutinError("CONFIG_INVALID", `message overrides are invalid: ${problems.join("; ")}`, {
      hint: "override only existing keys (see packages/core/src/i18n/resources/en.ts) with non-empty text, the language's own plural forms, and only the {{placeholders}} the message has",
      details: { problems },
    });
  }
  return resources;
}

/** One language's tree as i18next's flat keys (`key`, `key_one`), reporting what does not fit the catalog. */
function flatten(
  tree: unknown,
  language: LanguageCode,
  path: string,
  problems: string[],
): Record<string, string> {
  const flat: Record<string, string> = {};
  const categories: readonly string[] = PLURAL_CATEGORIES_BY_LANGUAGE[language];
  const leaves = leavesOf(tree, (where, problem) => problems.push(`${path}.${where}: ${problem}`));
  for (const { key, category, text } of leaves) {
    const where = `${path}.${key}${category === undefined ? "" : `.${category}`}`;
    if (typeof text !== "string" || text.trim() === "") {
      problems.push(`${where}: must be a non-empty text`);
      continue;
    }
    if (category !== undefined && !categories.includes(category)) {
      problems.push(
        `${where}: "${language}" has no "${category}" plural form (it has ${categories.join(", ")})`,
      );
      continue;
    }
    const known = MESSAGE_CATALOG.get(key)?.placeholders ?? new Set<string>();
    const unknown = [...placeholdersOf(text)].filter((name) => !known.has(name));
    if (unknown.length > 0) {
      problems.push(`${where}: unknown placeholder ${unknown.map((name) => `{{${name}}}`).join(", ")}`);
      continue;
    }
    flat[category === undefined ? key : `${key}_${category}`] = text;
  }
  return flat;
}

let shared: ProductMessages | undefined;

/** The product's messages without tenant overrides, created on first use. */
export function defaultProductMessages(): ProductMessages {
  shared ??= createProductMessages();
  return shared;
}
