import type { StoreDocument } from "./store-state.js";

/*
 * The data file is rewritten whole on every flush, and JSON.stringify of a document of tens of MB took
 * ~85 % of each flush. Records are never mutated in place once stored (StoreState stores fresh copies
 * and replaces a record to change it; archiving deletes or replaces entries), so the JSON text of each
 * record is cached by record object (in a dictionary, as the whole `"key":value` entry, with the key it
 * was cached under checked, so escaping keys is not redone either) and the file text is built by joining
 * the pieces: only records written since the last flush are serialised again. The result is the text
 * JSON.stringify(document) gives. On a 17 MB live file (~100k keys, mostly dormantThreads) a flush's
 * serialisation went from ~130-200 ms to ~65-75 ms (+ ~11 ms to flatten), at the cost of keeping the
 * text of every record in memory (peak RSS of the bench: ~470-490 MB → ~590-740 MB).
 * Containers that are changed in place (the document's dictionaries and arrays, `processed`'s nested
 * dictionaries of numbers, `archived`, `archivedLedgerTotals`) are never cached.
 */

const recordText = new WeakMap<object, string>();

/** The document's fields whose values are records (or small arrays) replaced, never mutated, to change. */
const DICTIONARIES_OF_RECORDS: ReadonlySet<string> = new Set([
  "threads",
  "conversations",
  "tenants",
  "packs",
  "dormantThreads",
]);
const ARRAYS_OF_RECORDS: ReadonlySet<string> = new Set(["ledger", "alerts"]);

/** JSON.stringify(record), from the cache when this very object was serialised before. */
function cachedText(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return JSON.stringify(value);
  let text = recordText.get(value);
  if (text === undefined) {
    text = JSON.stringify(value) as string | undefined;
    if (text !== undefined) recordText.set(value, text);
  }
  return text;
}

/** Per record: the key it was last serialised under and its `"key":value` text. */
const entryText = new WeakMap<object, { key: string; text: string }>();

function dictionaryText(dictionary: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(dictionary)) {
    const value = dictionary[key];
    if (typeof value === "object" && value !== null) {
      const cached = entryText.get(value);
      if (cached !== undefined && cached.key === key) {
        parts.push(cached.text);
        continue;
      }
      const text = JSON.stringify(value) as string | undefined;
      if (text === undefined) continue;
      const entry = `${JSON.stringify(key)}:${text}`;
      entryText.set(value, { key, text: entry });
      parts.push(entry);
      continue;
    }
    const text = JSON.stringify(value) as string | undefined;
    if (text !== undefined) parts.push(`${JSON.stringify(key)}:${text}`); // as JSON.stringify: no key for undefined
  }
  return `{${parts.join(",")}}`;
}

function arrayText(array: readonly unknown[]): string {
  const parts = new Array<string>(array.length);
  for (let index = 0; index < array.length; index++) parts[index] = cachedText(array[index]) ?? "null";
  return `[${parts.join(",")}]`;
}

/** JSON.stringify(document) (compact), reusing the text of records serialised by an earlier call. */
export function storeDocumentText(document: StoreDocument): string {
  const fields = document as unknown as Record<string, unknown>;
  let text = "";
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    let valueText: string | undefined;
    if (Array.isArray(value) && ARRAYS_OF_RECORDS.has(key)) {
      valueText = arrayText(value);
    } else if (typeof value === "object" && value !== null && DICTIONARIES_OF_RECORDS.has(key)) {
      valueText = dictionaryText(value as Record<string, unknown>);
    } else {
      valueText = JSON.stringify(value) as string | undefined;
    }
    if (valueText === undefined) continue;
    text += `${text === "" ? "{" : ","}${JSON.stringify(key)}:${valueText}`;
  }
  return text === "" ? "{}" : `${text}}`;
}
