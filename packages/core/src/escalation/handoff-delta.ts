import { listDelta } from "../assistant/thread-memory-delta.js";
import type { RecordDelta } from "../store/json-collection-file.js";
import type { HandoffRequest } from "./handoff.js";

/**
 * A handoff's journal change over the record the journal holds: its fields, and for each of its four
 * lists (the messages from before it, the messages since, the notes, the history) how many items left the
 * front and which were added at the end. A relayed message then writes a few hundred bytes instead of the
 * whole record (up to 200 kept messages), as thread memory does (thread-memory-delta.ts).
 */
const LISTS = ["lastMessages", "messages", "notes", "history"] as const;
type ListName = (typeof LISTS)[number];
type Item = Record<string, unknown>;
interface ListChange {
  drop: number;
  append: Item[];
}
/** `null`: the list is absent from both records (handoffs stored before it was kept). */
type HandoffDelta = Omit<HandoffRequest, ListName> & Record<ListName, ListChange | null>;

export const handoffDelta: RecordDelta<HandoffRequest> = {
  encode(previous, next) {
    const lists: Partial<Record<ListName, ListChange | null>> = {};
    for (const name of LISTS) {
      const before = previous[name] as Item[] | undefined;
      const after = next[name] as Item[] | undefined;
      if (before === undefined && after === undefined) {
        lists[name] = null;
        continue;
      }
      if (before === undefined || after === undefined) return undefined;
      const change = listDelta(before, after, sameFlat);
      if (change === null) return undefined;
      lists[name] = change;
    }
    return { ...next, ...lists } as HandoffDelta;
  },
  apply(previous, delta) {
    const change = delta as HandoffDelta;
    const next: Record<string, unknown> = { ...change };
    for (const name of LISTS) {
      const list = change?.[name];
      if (list === null) {
        delete next[name];
        continue;
      }
      if (!isListChange(list))
        throw new TypeError(`a handoff delta needs ${name} as { drop, append } or null`);
      next[name] = [...((previous[name] as Item[] | undefined) ?? []).slice(list.drop), ...list.append];
    }
    return next as unknown as HandoffRequest;
  },
};

/** Every item of these lists is flat (strings, numbers, no nesting): the same keys with the same values. */
function sameFlat(a: Item, b: Item): boolean {
  const fields = Object.keys(a);
  return fields.length === Object.keys(b).length && fields.every((field) => a[field] === b[field]);
}

function isListChange(value: unknown): value is ListChange {
  const list = value as ListChange | undefined;
  return (
    typeof list === "object" &&
    list !== null &&
    Number.isSafeInteger(list.drop) &&
    list.drop >= 0 &&
    Array.isArray(list.append)
  );
}
