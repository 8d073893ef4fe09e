import { isPluralCategory, type PluralCategory } from "./plural-categories.js";
import { en } from "./resources/en.js";

/** What the product knows about one message key, read from the English source. */
export interface MessageEntry {
  plural: boolean;
  /** Names inside `{{...}}` in the English text (all forms of a plural together). */
  placeholders: ReadonlySet<string>;
}

// `{{name}}` and i18next's `{{name, format}}`: the name is what a caller passes.
const PLACEHOLDER = /\{\{\s*([^\s,{}]+)[^{}]*\}\}/g;

export function placeholdersOf(text: string): Set<string> {
  return new Set(Array.from(text.matchAll(PLACEHOLDER), (match) => match[1] as string));
}

/** A plural message is an object whose keys are all plural categories; anything else is a group of messages. */
export function isPluralForms(value: unknown): value is Partial<Record<PluralCategory, string>> {
  if (typeof value !== "object" || value === null) return false;
  const entries = Object.entries(value);
  return (
    entries.length > 0 && entries.every(([key, text]) => isPluralCategory(key) && typeof text === "string")
  );
}

function buildCatalog(): ReadonlyMap<string, MessageEntry> {
  const catalog = new Map<string, MessageEntry>();
  const visit = (tree: object, prefix: string): void => {
    for (const [name, value] of Object.entries(tree)) {
      const key = `${prefix}${name}`;
      if (typeof value === "string") {
        catalog.set(key, { plural: false, placeholders: placeholdersOf(value) });
      } else if (isPluralForms(value)) {
        const placeholders = new Set(Object.values(value).flatMap((text) => [...placeholdersOf(text)]));
        catalog.set(key, { plural: true, placeholders });
      } else {
        visit(value, `${key}.`);
      }
    }
  };
  visit(en, "");
  return catalog;
}

/** Every message key with its kind and placeholders. */
export const MESSAGE_CATALOG: ReadonlyMap<string, MessageEntry> = buildCatalog();

/** One leaf of a message tree: a dotted key, the plural category if any, and the text. */
export interface MessageLeaf {
  key: string;
  category: PluralCategory | undefined;
  text: unknown;
}

/**
 * Walks any message tree (a resource or a tenant's partial override) by the catalog, so a misspelt key or a
 * plural given as a string is reported with its path instead of being silently ignored.
 */
export function leavesOf(tree: unknown, onProblem: (path: string, problem: string) => void): MessageLeaf[] {
  const leaves: MessageLeaf[] = [];
  const visit = (node: unknown, prefix: string): void => {
    if (typeof node !== "object" || node === null || Array.isArray(node)) {
      onProblem(prefix.slice(0, -1) || "(root)", "must be an object of messages");
      return;
    }
    for (const [name, value] of Object.entries(node)) {
      const key = `${prefix}${name}`;
      const entry = MESSAGE_CATALOG.get(key);
      if (entry === undefined) {
        const isGroup = [...MESSAGE_CATALOG.keys()].some((known) => known.startsWith(`${key}.`));
        if (isGroup) visit(value, `${key}.`);
        else onProblem(key, "is not a message key");
      } else if (!entry.plural) {
        leaves.push({ key, category: undefined, text: value });
      } else if (typeof value !== "object" || value === null || Array.isArray(value)) {
        onProblem(key, "is a plural message: give an object of plural forms (one, other, ...)");
      } else {
        for (const [category, text] of Object.entries(value)) {
          if (isPluralCategory(category)) leaves.push({ key, category, text });
          else onProblem(`${key}.${category}`, "is not a plural category (zero, one, two, few, many, other)");
        }
      }
    }
  };
  visit(tree, "");
  return leaves;
}
