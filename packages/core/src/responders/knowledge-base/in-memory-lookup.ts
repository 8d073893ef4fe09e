import type { LanguageCode } from "../../assistant/language.js";
import type { FlowLookup } from "./flows.js";
import type { PerLanguage } from "./knowledge-base-file.js";

export interface InMemoryLookupOptions {
  /** The slot whose value is the record's key, e.g. "orderNumber". */
  slot: string;
  /** Records by key, each with its fields per language (the lookup answers in the customer's language). */
  records: Record<string, PerLanguage<Record<string, string>>>;
  /** Turns a slot value into a key; by default drops "#" and spaces ("#12 345" → "12345"). */
  keyOf?: (value: string) => string;
}

/**
 * A lookup over fixed records, for demos and tests (the demo shop's orders). A real tenant plugs in a
 * function that calls its order system.
 */
export function createInMemoryLookup(options: InMemoryLookupOptions): FlowLookup {
  const keyOf = options.keyOf ?? ((value: string) => value.replace(/[#\s]/g, ""));
  return async (slots, context) => {
    const value = slots[options.slot];
    if (value === undefined) return null;
    const record = options.records[keyOf(value)];
    if (record === undefined) return null;
    return record[context.language] ?? firstOf(record) ?? null;
  };
}

function firstOf(record: PerLanguage<Record<string, string>>): Record<string, string> | undefined {
  for (const language of Object.keys(record)) {
    const fields = record[language as LanguageCode];
    if (fields !== undefined) return fields;
  }
  return undefined;
}
