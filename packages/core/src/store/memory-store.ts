import type { ConversationRecord } from "../counting/conversation.js";
import type { ThreadRecord } from "../counting/thread-state.js";
import type { FiredAlert, LedgerEntry, Pack, Tenant } from "../quota/types.js";
import { copyAlert, copyConversation, copyLedgerEntry, copyPack, copyTenant, copyThread } from "./copy.js";
import { storeClosed } from "./errors.js";
import type {
  ConversationQuery,
  LedgerQuery,
  LedgerTotals,
  ProcessedKey,
  Store,
  ThreadAppend,
  ThreadCommit,
} from "./store.js";
import { compareConversations, StoreState } from "./store-state.js";

export interface MemoryStore extends Store {
  readonly kind: "memory";
}

/**
 * Keeps everything in memory (tests, `lutin simulate`, benchmarks). Writes are durable as soon as
 * they are applied, since nothing outlives the process anyway. Every record is copied in and out, but
 * for `readThread`, which hands out the stored thread record for reading (see Store).
 */
export function createMemoryStore(): MemoryStore {
  const state = new StoreState();
  let closed = false;

  function open(): void {
    if (closed) throw storeClosed("memory store");
  }

  return {
    kind: "memory",

    async isProcessed(processed: Readonly<ProcessedKey>): Promise<boolean> {
      open();
      return state.isProcessed(processed);
    },

    async getThread(threadKey: string): Promise<ThreadRecord | undefined> {
      open();
      const thread = state.thread(threadKey);
      return thread === undefined ? undefined : copyThread(thread);
    },

    async commitThread(commit: ThreadCommit): Promise<void> {
      open();
      // C12: checked in full before anything changes, so a taken ledger id leaves the store as it was.
      state.checkCommit(commit);
      state.applyCommit(commit);
    },

    async readThread(threadKey: string): Promise<Readonly<ThreadRecord> | undefined> {
      open();
      return state.thread(threadKey);
    },

    async appendToThread(append: ThreadAppend): Promise<boolean> {
      open();
      state.checkCommit(append);
      return state.applyAppend(append);
    },

    async getConversation(id: string): Promise<ConversationRecord | undefined> {
      open();
      const conversation = state.conversation(id);
      return conversation === undefined ? undefined : copyConversation(conversation);
    },

    async listConversations(query: ConversationQuery): Promise<ConversationRecord[]> {
      open();
      return state.conversations(query).sort(compareConversations).map(copyConversation);
    },

    async saveConversations(conversations: ConversationRecord[]): Promise<void> {
      open();
      state.upsertConversations(conversations);
    },

    async listLedger(query: LedgerQuery): Promise<LedgerEntry[]> {
      open();
      return state.ledger(query.tenant, query.period).map(copyLedgerEntry);
    },

    async ledgerTotals(query: { tenant: string; period: string }): Promise<LedgerTotals> {
      open();
      return state.ledgerTotals(query.tenant, query.period);
    },

    async getTenant(id: string): Promise<Tenant | undefined> {
      open();
      const tenant = state.tenant(id);
      return tenant === undefined ? undefined : copyTenant(tenant);
    },

    async listTenants(): Promise<Tenant[]> {
      open();
      return state.tenants().map(copyTenant);
    },

    async putTenant(tenant: Tenant): Promise<void> {
      open();
      state.putTenant(tenant);
    },

    async addPack(pack: Pack): Promise<void> {
      open();
      state.putPack(pack);
    },

    async listPacks(tenant: string): Promise<Pack[]> {
      open();
      return state.packs(tenant).map(copyPack);
    },

    async recordAlert(alert: FiredAlert): Promise<boolean> {
      open();
      // Q5: once per (tenant, period, threshold).
      if (state.hasAlert(alert)) return false;
      state.addAlert(alert);
      return true;
    },

    async updateAlert(alert: FiredAlert): Promise<boolean> {
      open();
      return state.replaceAlert(alert);
    },

    async listAlerts(tenant: string, period?: string): Promise<FiredAlert[]> {
      open();
      return state.alerts(tenant, period).map(copyAlert);
    },

    async close(): Promise<void> {
      closed = true;
    },
  };
}
