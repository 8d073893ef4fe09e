import { copyJson } from "../util/json-copy.js";
import type { LanguageCode } from "./language.js";
import type { WindowMessage } from "./responder.js";
import type { EnchantmentState } from "./turn-context.js";

/**
 * The assistant's memory of one thread: the context window, the conversation's language, the
 * responder's flow state and each enchantment's state. Kept apart from the billing store on purpose:
 * it changes on every message and holds message texts, and the billing file must stay small
 * (ARCHITECTURE.md "Known limits"); it keeps only what the largest window needs (Memory: 50 messages).
 */
export interface ThreadMemoryRecord {
  /** The conversation's language as Polyglot decided it (null until a message had one). */
  language: LanguageCode | null;
  /** Recent messages, oldest first; at most MAX_WINDOW_SIZE. */
  window: WindowMessage[];
  /** The responder's state and the conversation it belongs to (a new conversation starts afresh). */
  responder: { conversationId: string; state: Record<string, unknown> } | null;
  enchantments: Record<string, EnchantmentState>;
  /** Keys of the latest inbound messages that got a delivered reply (C11: never answer twice). */
  answered: string[];
  /** Set while something other than the responder holds the conversation (a human agent). */
  handledBy: { by: string; conversationId: string } | null;
  updatedAt: number;
}

export interface ThreadMemory {
  load(threadKey: string): Promise<ThreadMemoryRecord | undefined>;
  /**
   * Resolves once the record is durable (for the file implementation). The record is handed over: the
   * caller does not change it afterwards (the file implementation keeps it without a copy); the next
   * `load` gives a record of its own.
   */
  save(threadKey: string, record: ThreadMemoryRecord): Promise<void>;
  close(): Promise<void>;
}

/** Memory's window (COUNTING.md catalog: "50 messages instead of 10"). */
export const DEFAULT_WINDOW_SIZE = 10;
export const MAX_WINDOW_SIZE = 50;
/** How many answered keys a thread remembers; platforms retry within minutes, not hundreds of messages. */
export const ANSWERED_KEYS_KEPT = 200;

export function emptyThreadMemory(now: number): ThreadMemoryRecord {
  return {
    language: null,
    window: [],
    responder: null,
    enchantments: {},
    answered: [],
    handledBy: null,
    updatedAt: now,
  };
}

/**
 * In-process memory (tests, `lutin chat`): records are copied in and out so callers cannot alias them,
 * with the same result as a JSON round trip (what a durable memory would give back).
 */
export function createInMemoryThreadMemory(): ThreadMemory {
  const records = new Map<string, ThreadMemoryRecord>();
  return {
    async load(threadKey) {
      const record = records.get(threadKey);
      return record === undefined ? undefined : copyJson(record);
    },
    async save(threadKey, record) {
      records.set(threadKey, copyJson(record));
    },
    async close() {},
  };
}
