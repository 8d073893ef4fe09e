import type { RecordDelta } from "../store/json-collection-file.js";
import type { WindowMessage } from "./responder.js";
import type { ThreadMemoryRecord } from "./thread-memory.js";

/**
 * Thread memory's journal change for a save over the record the journal holds: everything but the two
 * lists that grow by the end (the window, the answered keys), and for each list how many items left its
 * front and which were added at its end. A turn adds two window messages and one key, so a save writes
 * a few hundred bytes instead of the whole window (up to 50 messages, ~10 KB), and encodes only those.
 */
interface ListDelta<T> {
  drop: number;
  append: T[];
}

interface ThreadMemoryDelta extends Omit<ThreadMemoryRecord, "window" | "answered"> {
  window: ListDelta<WindowMessage>;
  answered: ListDelta<string>;
}

export const threadMemoryDelta: RecordDelta<ThreadMemoryRecord> = {
  encode(previous, next) {
    const window = listDelta(previous.window, next.window, sameMessage);
    const answered = listDelta(previous.answered, next.answered, (a, b) => a === b);
    if (window === null || answered === null) return undefined;
    return { ...next, window, answered } satisfies ThreadMemoryDelta;
  },
  apply(previous, delta) {
    const change = delta as ThreadMemoryDelta;
    if (!isListDelta(change?.window) || !isListDelta(change.answered))
      throw new TypeError("a thread memory delta needs window and answered as { drop, append }");
    return {
      ...change,
      window: [...previous.window.slice(change.window.drop), ...change.window.append],
      answered: [...previous.answered.slice(change.answered.drop), ...change.answered.append],
    };
  },
};

/**
 * `next` as `previous` minus `drop` items at its front plus `append` at its end, or null when it is not
 * (a list rewritten in the middle): then the record is written whole.
 */
export function listDelta<T>(
  previous: readonly T[],
  next: readonly T[],
  same: (a: T, b: T) => boolean,
): ListDelta<T> | null {
  // Candidates: where next's first item sits in previous (usually one place: window keys are unique).
  for (let drop = 0; drop <= previous.length; drop++) {
    const kept = previous.length - drop;
    if (kept > next.length) continue;
    if (kept > 0 && !same(previous[drop] as T, next[0] as T)) continue;
    let matches = true;
    for (let index = 1; index < kept && matches; index++)
      matches = same(previous[drop + index] as T, next[index] as T);
    if (matches) return { drop, append: next.slice(kept) };
  }
  return null;
}

/** The same fields with the same values (a message's are all strings and numbers), so replay is exact. */
function sameMessage(a: WindowMessage, b: WindowMessage): boolean {
  // A loaded window shares its messages with the stored one (file-thread-memory.ts).
  if (a === b) return true;
  if (a.key !== b.key || a.at !== b.at || a.text !== b.text || a.from !== b.from) return false;
  const fields = Object.keys(a);
  if (fields.length !== Object.keys(b).length) return false;
  return fields.every((field) => a[field as keyof WindowMessage] === b[field as keyof WindowMessage]);
}

function isListDelta(value: unknown): value is ListDelta<unknown> {
  const list = value as ListDelta<unknown> | undefined;
  return (
    typeof list === "object" &&
    list !== null &&
    Number.isSafeInteger(list.drop) &&
    list.drop >= 0 &&
    Array.isArray(list.append)
  );
}
