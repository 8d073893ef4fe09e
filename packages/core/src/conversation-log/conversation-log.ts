import { join } from "node:path";
import { type Clock, DAY, systemClock } from "../clock.js";
import { type JsonCollection, openJsonCollection, type RecordDelta } from "../store/json-collection-file.js";
import { copyJson } from "../util/json-copy.js";

/**
 * What the dashboard shows when a conversation is opened, beyond its counting record (Q8): the messages
 * said in it and how the assistant read the customer (language, emotion). Kept by conversation id, apart
 * from the billing store (ARCHITECTURE.md: the lowdb file stays small) and apart from thread memory, which
 * forgets an idle thread after days and keeps only the context window: the history outlives both.
 */
export interface LoggedMessage {
  from: "customer" | "assistant" | "agent" | "system";
  text: string;
  at: number;
}

export interface ConversationLogRecord {
  tenant: string;
  /** The language Polyglot read in the conversation's latest customer message that had one. */
  language: string | null;
  /** The mood Emotion read in the latest customer message (neutral without Emotion). */
  emotion: string | null;
  /** Oldest first; the latest MESSAGES_KEPT. */
  messages: LoggedMessage[];
  /** Messages said in the conversation but no longer kept (beyond MESSAGES_KEPT). */
  dropped: number;
  updatedAt: number;
}

export interface ConversationLogEntry {
  tenant: string;
  messages?: readonly LoggedMessage[];
  reading?: { language: string | null; emotion: string | null };
}

export interface ConversationReadingRecord {
  tenant: string;
  language: string | null;
  emotion: string | null;
}

/**
 * Reads are async: a log shared by several instances (PostgreSQL) answers over the network; the file and
 * memory logs answer from memory at once.
 */
export interface ConversationLog {
  get(conversationId: string): Promise<ConversationLogRecord | undefined>;
  /**
   * Only the language and emotion, for history lists: no copy of the messages (a list reads every
   * conversation of a tenant, and the dashboard polls it).
   */
  reading(conversationId: string): Promise<ConversationReadingRecord | undefined>;
  /** The readings of many conversations at once (a history list is one read, not one per row); absent ids are left out. */
  readings(conversationIds: readonly string[]): Promise<Map<string, ConversationReadingRecord>>;
  /** Adds messages and the latest reading to a conversation; resolves once durable (file log). */
  add(conversationId: string, entry: ConversationLogEntry): Promise<void>;
  close(): Promise<void>;
}

/** Per conversation: a support chat rarely has more; the counting record still says how many there were. */
export const MESSAGES_KEPT = 200;
/** Per message: enough to read it on the dashboard; a longer one is cut with an ellipsis. */
export const LOGGED_TEXT_LENGTH = 4_000;
export const CONVERSATION_LOG_FILE_NAME = "conversation-log.json";
/** Past this without a new message, a conversation's messages are forgotten (its counting record stays). */
export const DEFAULT_LOG_RETENTION_MS = 400 * DAY;

/** A message as the log keeps it: its text cut at LOGGED_TEXT_LENGTH with an ellipsis (every implementation). */
export function loggedMessage(message: LoggedMessage): LoggedMessage {
  return {
    from: message.from,
    text:
      message.text.length > LOGGED_TEXT_LENGTH
        ? `${message.text.slice(0, LOGGED_TEXT_LENGTH)}…`
        : message.text,
    at: message.at,
  };
}

/** The log on a collection: the file one for `lutin serve`, the memory one for tests and `lutin chat`. */
/** Readings kept at hand for history lists; past this, the least recently read or written are dropped. */
const READINGS_CACHED = 50_000;

export function conversationLogOn(
  records: JsonCollection<ConversationLogRecord>,
  clock: Clock = systemClock,
): ConversationLog {
  const readings = new Map<string, ConversationReadingRecord | null>();
  const remember = (conversationId: string, reading: ConversationReadingRecord | null) => {
    readings.delete(conversationId);
    readings.set(conversationId, reading);
    if (readings.size > READINGS_CACHED) readings.delete(readings.keys().next().value as string);
  };
  const readingOf = (conversationId: string) => {
    let reading = readings.get(conversationId);
    if (reading === undefined) {
      const record = records.get(conversationId);
      reading =
        record === undefined
          ? null
          : { tenant: record.tenant, language: record.language, emotion: record.emotion };
      remember(conversationId, reading);
    }
    return reading ?? undefined;
  };
  return {
    // A copy of the caller's own: the collection's reads share the stored messages (sharedMessages).
    get: async (conversationId) => {
      const record = records.get(conversationId);
      return record === undefined ? undefined : copyJson(record);
    },
    reading: async (conversationId) => readingOf(conversationId),
    async readings(conversationIds) {
      const found = new Map<string, ConversationReadingRecord>();
      for (const conversationId of conversationIds) {
        const reading = readingOf(conversationId);
        if (reading !== undefined) found.set(conversationId, reading);
      }
      return found;
    },
    add(conversationId, entry) {
      // get and set with no await between: two adds of one conversation never lose each other's messages.
      const previous = records.get(conversationId);
      const added = (entry.messages ?? []).map(loggedMessage);
      const all = [...(previous?.messages ?? []), ...added];
      const cut = Math.max(0, all.length - MESSAGES_KEPT);
      const next: ConversationLogRecord = {
        tenant: previous?.tenant ?? entry.tenant,
        language: entry.reading?.language ?? previous?.language ?? null,
        emotion: entry.reading?.emotion ?? previous?.emotion ?? null,
        messages: all.slice(cut),
        dropped: (previous?.dropped ?? 0) + cut,
        updatedAt: clock.now(),
      };
      remember(conversationId, { tenant: next.tenant, language: next.language, emotion: next.emotion });
      // Handed over, not copied: `next` is new here, and its kept messages are never changed in place.
      return records.adopt(conversationId, next);
    },
    close: () => records.close(),
  };
}

/** The memory log keeps this many conversations, the least recently written dropped first (a restart forgets all). */
export const MEMORY_LOG_CONVERSATIONS = 10_000;

export function createMemoryConversationLog(
  clock?: Clock,
  capacity = MEMORY_LOG_CONVERSATIONS,
): ConversationLog {
  return conversationLogOn(boundedMemoryCollection(capacity), clock);
}

/**
 * A process that never restarts (a host embedding the runtime without a data directory) must not grow
 * without bound: the least recently written records go first. Records are copied in and out.
 */
function boundedMemoryCollection(capacity: number): JsonCollection<ConversationLogRecord> {
  const records = new Map<string, ConversationLogRecord>();
  return {
    get: (key) => {
      const record = records.get(key);
      return record === undefined ? undefined : copyJson(record);
    },
    values: () => [...records.values()].map((record) => copyJson(record)),
    set: async (key, value) => {
      records.delete(key);
      records.set(key, copyJson(value));
      if (records.size > capacity) records.delete(records.keys().next().value as string);
    },
    // Taken as given (the caller no longer changes it): no copy in.
    adopt: async (key, value) => {
      records.delete(key);
      records.set(key, value);
      if (records.size > capacity) records.delete(records.keys().next().value as string);
    },
    delete: async (key) => void records.delete(key),
    get size() {
      return records.size;
    },
    close: async () => {},
  };
}

/** The log in one durable JSON file (and its journal) beside lutin.json; the caller holds the directory's lock. */
export async function openFileConversationLog(options: {
  dataDir: string;
  clock?: Clock;
  retentionMs?: number;
}): Promise<ConversationLog> {
  const clock = options.clock ?? systemClock;
  const retentionMs = options.retentionMs ?? DEFAULT_LOG_RETENTION_MS;
  const file = join(options.dataDir, CONVERSATION_LOG_FILE_NAME);
  const records = await openJsonCollection<ConversationLogRecord>({
    file,
    directory: options.dataDir,
    format: "lutingenie-conversation-log",
    expiresAt: (record) => record.updatedAt + retentionMs,
    now: () => clock.now(),
    delta: appendedMessages,
    copyOut: sharedMessages,
    corruptHint: `move ${file} aside: it only holds the messages the dashboard shows; counting and billing are not in it`,
  });
  return conversationLogOn(records, clock);
}

/**
 * A read for `add`: a new record and message list, but the messages are the stored ones (nothing changes
 * a logged message in place). Each turn's add then copies a few fields instead of up to MESSAGES_KEPT
 * messages (a deep copy was 3 % of a web turn's server CPU), and the journal delta finds them unchanged.
 */
function sharedMessages(stored: ConversationLogRecord): ConversationLogRecord {
  return { ...stored, messages: stored.messages.slice() };
}

interface AppendedMessages extends Omit<ConversationLogRecord, "messages"> {
  drop: number;
  append: LoggedMessage[];
}

/** A journal line holds the messages a turn added, not the whole conversation (up to 200 messages). */
const appendedMessages: RecordDelta<ConversationLogRecord> = {
  encode(previous, next) {
    const drop = next.dropped - previous.dropped;
    const kept = previous.messages.length - drop;
    if (drop < 0 || kept < 0 || next.messages.length < kept) return undefined;
    for (let index = 0; index < kept; index++)
      if (!sameMessage(next.messages[index], previous.messages[index + drop])) return undefined;
    const { messages, ...rest } = next;
    return { ...rest, drop, append: messages.slice(kept) } satisfies AppendedMessages;
  },
  apply(previous, delta) {
    const change = delta as AppendedMessages;
    if (!Number.isInteger(change?.drop) || !Array.isArray(change.append))
      throw new TypeError("a conversation log delta needs drop and append");
    const { drop, append, ...rest } = change;
    return { ...rest, messages: [...previous.messages.slice(drop), ...append] };
  },
};

function sameMessage(left: LoggedMessage | undefined, right: LoggedMessage | undefined): boolean {
  // An add keeps the stored messages themselves (sharedMessages): the common case is one comparison.
  if (left === right) return left !== undefined;
  return (
    left !== undefined &&
    right !== undefined &&
    left.at === right.at &&
    left.from === right.from &&
    left.text === right.text
  );
}
