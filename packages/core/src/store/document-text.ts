import type { StoreDocument } from "./store-state.js";

/*
 * The data file is rewritten whole on every flush. Records are never mutated in place once stored
 * (StoreState stores fresh copies and replaces a record to change it; archiving deletes or replaces
 * entries), so the encoded JSON of each record is cached by record object, and a flush hands the file
 * writer the list of pieces: only records written since the last flush are serialised and encoded again.
 * The pieces joined are the bytes of JSON.stringify(document).
 *
 * History: caching strings and joining them took a 14.5 MB live file's flush from ~130-200 ms of
 * JSON.stringify to ~65-75 ms, but each flush still built the whole text (27 % of a flush), encoded it
 * to UTF-8 (9 %) and left a 14.5 MB string and a 14.5 MB buffer behind, twice per flush of garbage that
 * only a full GC frees (peak RSS ~520 MB on the benchmark's 100,000-conversation history). Encoded
 * pieces written with writev build and encode nothing but the changed records.
 *
 * A piece is cached with its leading comma (`,"key":value` in a dictionary, `,value` in an array); the
 * first entry of a container is written without it (a view, no copy). Pieces are Uint8Arrays of their
 * own (TextEncoder), not Buffer.from's pooled slices, which would keep a whole 8 KB pool slab alive per
 * surviving record. Containers changed in place (the document's dictionaries and arrays, `processed`'s
 * nested dictionaries of numbers, `archived`, `archivedLedgerTotals`) are never cached.
 */

const encoder = new TextEncoder();
const OPEN_OBJECT = encoder.encode("{");
const CLOSE_OBJECT = encoder.encode("}");
const OPEN_ARRAY = encoder.encode("[");
const CLOSE_ARRAY = encoder.encode("]");

/** The document's fields whose values are records (or small arrays) replaced, never mutated, to change. */
const DICTIONARIES_OF_RECORDS: ReadonlySet<string> = new Set([
  "threads",
  "conversations",
  "tenants",
  "packs",
  "dormantThreads",
]);
const ARRAYS_OF_RECORDS: ReadonlySet<string> = new Set(["ledger", "alerts"]);

/** Per record in a dictionary: the key it was last encoded under and its `,"key":value` bytes. */
const entryPiece = new WeakMap<object, { key: string; piece: Uint8Array }>();
/** Per record in an array: its `,value` bytes. */
const elementPiece = new WeakMap<object, Uint8Array>();

function dictionaryPieces(dictionary: Record<string, unknown>, pieces: Uint8Array[]): void {
  pieces.push(OPEN_OBJECT);
  let first = true;
  for (const key of Object.keys(dictionary)) {
    const value = dictionary[key];
    let piece: Uint8Array;
    if (typeof value === "object" && value !== null) {
      const cached = entryPiece.get(value);
      if (cached !== undefined && cached.key === key) {
        piece = cached.piece;
      } else {
        const text = JSON.stringify(value) as string | undefined;
        if (text === undefined) continue;
        piece = encoder.encode(`,${JSON.stringify(key)}:${text}`);
        entryPiece.set(value, { key, piece });
      }
    } else {
      const text = JSON.stringify(value) as string | undefined;
      if (text === undefined) continue; // as JSON.stringify: no key for undefined
      piece = encoder.encode(`,${JSON.stringify(key)}:${text}`);
    }
    pieces.push(first ? piece.subarray(1) : piece);
    first = false;
  }
  pieces.push(CLOSE_OBJECT);
}

function arrayPieces(array: readonly unknown[], pieces: Uint8Array[]): void {
  pieces.push(OPEN_ARRAY);
  for (let index = 0; index < array.length; index++) {
    const value = array[index];
    let piece: Uint8Array | undefined;
    if (typeof value === "object" && value !== null) {
      piece = elementPiece.get(value);
      if (piece === undefined) {
        piece = encoder.encode(`,${JSON.stringify(value) ?? "null"}`);
        elementPiece.set(value, piece);
      }
    } else {
      piece = encoder.encode(`,${JSON.stringify(value) ?? "null"}`);
    }
    pieces.push(index === 0 ? piece.subarray(1) : piece);
  }
  pieces.push(CLOSE_ARRAY);
}

/*
 * `processed` is changed in place, by one key per event, and JSON.stringify of its dictionaries (tens of
 * thousands of keys, null-prototype objects in dictionary mode) took 60-200 ms per flush on the
 * benchmark's history, more than everything else. So the text of each keys dictionary is kept as encoded
 * chunks, and StoreState reports each key it adds (noteProcessedKey), which the next flush encodes alone
 * as a new chunk. JSON.stringify lists integer-like keys first, whatever their insertion order, so such a
 * key, a key set again, or keys deleted (forgetProcessedText) make the next flush encode the dictionary
 * whole again. A dictionary not seen by a flush yet (all of them at load, after a rollback) has no entry.
 */
interface ProcessedText {
  chunks: Uint8Array[];
  /** `"key":at` of the keys added since the last flush, in insertion order. */
  added: string[];
}
const processedText = new WeakMap<object, ProcessedText>();
const ARRAY_INDEX = /^(?:0|[1-9]\d{0,9})$/;

/** StoreState's report of a key it sets in a `processed` keys dictionary (`existed`: it was set before). */
export function noteProcessedKey(keys: object, key: string, at: number, existed: boolean): void {
  const text = processedText.get(keys);
  if (text === undefined) return;
  if (existed || (ARRAY_INDEX.test(key) && Number(key) < 4_294_967_295)) {
    processedText.delete(keys);
    return;
  }
  text.added.push(`${JSON.stringify(key)}:${JSON.stringify(at)}`);
}

/** StoreState's report that keys left a `processed` keys dictionary. */
export function forgetProcessedText(keys: object): void {
  processedText.delete(keys);
}

/** Chunks of the inside of a keys dictionary's JSON (no braces, chunks to be joined with commas). */
function keysChunks(keys: Record<string, unknown>): Uint8Array[] {
  let text = processedText.get(keys);
  if (text === undefined) {
    const whole = JSON.stringify(keys);
    text = { chunks: whole.length > 2 ? [encoder.encode(whole.slice(1, -1))] : [], added: [] };
    processedText.set(keys, text);
  } else if (text.added.length > 0) {
    text.chunks.push(encoder.encode(text.added.join(",")));
    text.added = [];
    // Many small chunks: merged now and then, so that a flush writes few pieces.
    if (text.chunks.length > 64) text.chunks = [joinChunks(text.chunks)];
  }
  return text.chunks;
}

const COMMA = encoder.encode(",");

function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  const pieces: Uint8Array[] = [];
  for (const chunk of chunks) {
    if (pieces.length > 0) pieces.push(COMMA);
    pieces.push(chunk);
  }
  return new Uint8Array(Buffer.concat(pieces));
}

/** `processed`: tenant → channel → key → at, the keys dictionaries from their chunks. */
function processedPieces(
  processed: Record<string, Record<string, Record<string, unknown>>>,
  pieces: Uint8Array[],
): void {
  let tenantSeparator = "{";
  for (const tenant of Object.keys(processed)) {
    const channels = processed[tenant];
    if (typeof channels !== "object" || channels === null) {
      const text = JSON.stringify(channels) as string | undefined;
      if (text === undefined) continue;
      pieces.push(encoder.encode(`${tenantSeparator}${JSON.stringify(tenant)}:${text}`));
      tenantSeparator = ",";
      continue;
    }
    let channelSeparator = `${tenantSeparator}${JSON.stringify(tenant)}:{`;
    tenantSeparator = ",";
    for (const channel of Object.keys(channels)) {
      const keys = channels[channel];
      if (typeof keys !== "object" || keys === null) {
        const text = JSON.stringify(keys) as string | undefined;
        if (text === undefined) continue;
        pieces.push(encoder.encode(`${channelSeparator}${JSON.stringify(channel)}:${text}`));
        channelSeparator = ",";
        continue;
      }
      pieces.push(encoder.encode(`${channelSeparator}${JSON.stringify(channel)}:{`));
      channelSeparator = ",";
      let first = true;
      for (const chunk of keysChunks(keys)) {
        if (!first) pieces.push(COMMA);
        pieces.push(chunk);
        first = false;
      }
      pieces.push(CLOSE_OBJECT);
    }
    pieces.push(channelSeparator === "," ? CLOSE_OBJECT : encoder.encode(`${channelSeparator}}`));
  }
  pieces.push(tenantSeparator === "," ? CLOSE_OBJECT : encoder.encode("{}"));
}

/**
 * The UTF-8 bytes of JSON.stringify(document) (compact), as a list of pieces to write one after the
 * other, reusing the pieces of records encoded by an earlier call.
 */
export function storeDocumentPieces(document: StoreDocument): Uint8Array[] {
  const fields = document as unknown as Record<string, unknown>;
  const pieces: Uint8Array[] = [];
  let first = true;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    const prefix = `${first ? "{" : ","}${JSON.stringify(key)}:`;
    if (key === "processed" && typeof value === "object" && value !== null && !Array.isArray(value)) {
      pieces.push(encoder.encode(prefix));
      processedPieces(value as Record<string, Record<string, Record<string, unknown>>>, pieces);
    } else if (Array.isArray(value) && ARRAYS_OF_RECORDS.has(key)) {
      pieces.push(encoder.encode(prefix));
      arrayPieces(value, pieces);
    } else if (typeof value === "object" && value !== null && DICTIONARIES_OF_RECORDS.has(key)) {
      pieces.push(encoder.encode(prefix));
      dictionaryPieces(value as Record<string, unknown>, pieces);
    } else {
      const text = JSON.stringify(value) as string | undefined;
      if (text === undefined) continue;
      pieces.push(encoder.encode(`${prefix}${text}`));
    }
    first = false;
  }
  pieces.push(first ? encoder.encode("{}") : CLOSE_OBJECT);
  return pieces;
}

/** JSON.stringify(document) (compact), from the pieces. */
export function storeDocumentText(document: StoreDocument): string {
  return Buffer.concat(storeDocumentPieces(document)).toString("utf8");
}
