import {
  createMemoryStateCollection,
  type DeliveryReceipt,
  fileStateCollections,
  type StateCollection,
  type StateCollectionSpec,
  type StateCollections,
} from "@lutingenie/core";
import type { FollowUpStep } from "./agent-cards.js";

/** The readers' file and its journal hold what customers wrote: the server's user only. */
export const AGENT_STATE_FILE_MODE = 0o600;
export const AGENT_STATE_FILE_NAME = "teams-agent-state.json";
/**
 * A task's card is forgotten 30 days after it was last drawn (handoffs end within hours, follow-ups within
 * days), so the file stays small; a task updated after that is posted as a new card.
 */
export const TASK_RETENTION_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * Where a conversation lives in Teams, as much of botbuilder's ConversationReference as a proactive
 * message needs (kept as plain JSON so this module does not depend on botbuilder's types).
 */
export interface StoredReference {
  serviceUrl: string;
  conversationId: string;
  /** Teams' tenant id (channelData.tenant.id), needed by the connector for proactive posts. */
  teamsTenantId?: string;
  botId: string;
  /** The card's own activity id (the root of its reply chain) for a task. */
  activityId?: string;
}

/** A handoff request or follow-up task as posted in Teams: its card, its reply chain, what it was posted with. */
export interface PostedCard {
  tenant: string;
  /** The handoff or follow-up id (core's `ref`). */
  ref: string;
  kind: "handoff" | "follow_up";
  /** The channel conversation created for it; its id is the reply chain's (`19:…;messageid=…`). */
  reference: StoredReference & { activityId: string };
  /** The text and fields of the first post, redrawn on every update (updates carry only what changed). */
  text: string;
  fields: Record<string, string>;
  /** A follow-up task's steps, with who and when (the card shows them). */
  history: FollowUpStep[];
  /** The card as last drawn: what an agent's Action.Execute gets back as its own refreshed view. */
  drawn?: Record<string, unknown>;
}

/** Where the bot reaches a tenant's Teams: the service URL and Teams tenant id of its latest activity. */
export interface TenantService {
  serviceUrl: string;
  teamsTenantId?: string;
}

/** What an agent last said in personal chat (`available`, `away`), and the name Teams gave. */
export interface PresenceDeclaration {
  tenant: string;
  agent: string;
  available: boolean;
  name: string;
}

/**
 * What the Teams agents' side must remember across a restart: which card is which handoff or task (to
 * redraw it with a PUT, and to relay its reply chain), each agent's presence declaration and name, and each
 * agent's personal chat (to tell them what a card's click could not). Kept in one of core's
 * StateCollections: the JSON collection file of the data directory, memory, or a shared store
 * (PostgreSQL: store-postgres's openPostgresStateCollections) for several servers.
 */
export interface TeamsAgentState {
  card(tenant: string, ref: string): Promise<PostedCard | undefined>;
  /** The card whose reply chain is `conversationId` (the `;messageid=` part included or not). */
  cardInChain(conversationId: string): Promise<PostedCard | undefined>;
  rememberCard(card: PostedCard): Promise<void>;
  declarations(): Promise<PresenceDeclaration[]>;
  declaration(tenant: string, agent: string): Promise<PresenceDeclaration | undefined>;
  declare(declaration: PresenceDeclaration): Promise<void>;
  personalChat(tenant: string, agent: string): Promise<StoredReference | undefined>;
  rememberPersonalChat(tenant: string, agent: string, reference: StoredReference): Promise<void>;
  service(tenant: string): Promise<TenantService | undefined>;
  rememberService(tenant: string, service: TenantService): Promise<void>;
  /** A post already made under core's key (a repeated post shows once, across a restart too). */
  receipt(tenant: string, key: string): Promise<DeliveryReceipt | undefined>;
  rememberReceipt(tenant: string, key: string, receipt: DeliveryReceipt): Promise<void>;
  close(): Promise<void>;
}

type StateRecord =
  | ({ record: "card"; drawnAt: number } & PostedCard)
  | ({ record: "presence"; declaredAt: number } & PresenceDeclaration)
  | { record: "personal"; tenant: string; agent: string; reference: StoredReference }
  | ({ record: "service"; tenant: string } & TenantService)
  | { record: "receipt"; at: number; receipt: DeliveryReceipt }
  /** Reply chain → card, so that a reply in the chain finds its card on any server (not an index in memory). */
  | { record: "chain"; card: string; drawnAt: number };

const cardKey = (tenant: string, ref: string) => `card:${tenant}\u0000${ref}`;
const presenceKey = (tenant: string, agent: string) => `presence:${tenant}\u0000${agent}`;
const personalKey = (tenant: string, agent: string) => `personal:${tenant}\u0000${agent}`;
const serviceKey = (tenant: string) => `service:${tenant}`;
const receiptKey = (tenant: string, key: string) => `receipt:${tenant}\u0000${key}`;
const chainKey = (conversationId: string) => `chain:${chainOf(conversationId)}`;
/** Core repeats a post within a retry's minutes; a day is plenty and keeps the file small. */
export const RECEIPT_RETENTION_MS = 24 * 60 * 60 * 1000;

/**
 * A reply in a channel thread arrives in conversation `19:…@thread.tacv2;messageid=<root>`; the card was
 * created as that same conversation. Both are reduced to the same chain key.
 */
export function chainOf(conversationId: string): string {
  return conversationId.trim().toLowerCase();
}

/** The collection's file, format and expiry: `teams-agent-state.json` (and its journal), mode 0600. */
const STATE_SPEC: StateCollectionSpec<StateRecord> = {
  name: AGENT_STATE_FILE_NAME.replace(/\.json$/, ""),
  format: "lutingenie-teams-agent-state",
  fileMode: AGENT_STATE_FILE_MODE,
  expiresAt: (record) =>
    record.record === "card" || record.record === "chain"
      ? record.drawnAt + TASK_RETENTION_MS
      : record.record === "receipt"
        ? record.at + RECEIPT_RETENTION_MS
        : Number.POSITIVE_INFINITY,
  corruptHint: `restore ${AGENT_STATE_FILE_NAME} from a backup, or move it aside: open handoffs and tasks are then posted again as new cards and agents say available again`,
};

/** The state in one of core's StateCollections (a shared one: every server finds every card's chain). */
export async function openTeamsAgentState(
  collections: StateCollections,
  now: () => number = Date.now,
): Promise<TeamsAgentState> {
  const collection = await collections.open(STATE_SPEC);
  await linkOlderCards(collection);
  return stateOver(collection, now);
}

/** Files written before chains were kept hold cards only (their index was rebuilt in memory): link those once. */
async function linkOlderCards(collection: StateCollection<StateRecord>): Promise<void> {
  const records = await collection.values();
  const linked = new Set(records.flatMap((record) => (record.record === "chain" ? [record.card] : [])));
  for (const record of records)
    if (record.record === "card" && !linked.has(cardKey(record.tenant, record.ref)))
      await collection.set(chainKey(record.reference.conversationId), {
        record: "chain",
        card: cardKey(record.tenant, record.ref),
        drawnAt: record.drawnAt,
      });
}

/** The state in `teams-agent-state.json` of the data directory (files of older versions are read as they are). */
export function openFileTeamsAgentState(options: {
  dataDir: string;
  now?: () => number;
}): Promise<TeamsAgentState> {
  const now = options.now ?? Date.now;
  return openTeamsAgentState(fileStateCollections({ dataDir: options.dataDir, now }), now);
}

/** State kept in memory only (tests, no data directory): a restart forgets it. */
export function createMemoryTeamsAgentState(now: () => number = Date.now): TeamsAgentState {
  return stateOver(createMemoryStateCollection(STATE_SPEC, now), now);
}

function stateOver(collection: StateCollection<StateRecord>, now: () => number): TeamsAgentState {
  const cardOf = (record: StateRecord | undefined): PostedCard | undefined => {
    if (record?.record !== "card") return undefined;
    const { record: _record, drawnAt: _drawnAt, ...card } = record;
    return card;
  };
  const declarationOf = (record: StateRecord | undefined): PresenceDeclaration | undefined => {
    if (record?.record !== "presence") return undefined;
    return { tenant: record.tenant, agent: record.agent, available: record.available, name: record.name };
  };
  return {
    card: async (tenant, ref) => cardOf(await collection.get(cardKey(tenant, ref))),
    async cardInChain(conversationId) {
      const chain = await collection.get(chainKey(conversationId));
      return chain?.record === "chain" ? cardOf(await collection.get(chain.card)) : undefined;
    },
    async rememberCard(card) {
      const drawnAt = now();
      const key = cardKey(card.tenant, card.ref);
      await collection.set(key, { record: "card", drawnAt, ...card });
      await collection.set(chainKey(card.reference.conversationId), { record: "chain", card: key, drawnAt });
    },
    async declarations() {
      return (await collection.values()).flatMap((record) => {
        const declaration = declarationOf(record);
        return declaration === undefined ? [] : [declaration];
      });
    },
    declaration: async (tenant, agent) => declarationOf(await collection.get(presenceKey(tenant, agent))),
    async declare(declaration) {
      await collection.set(presenceKey(declaration.tenant, declaration.agent), {
        record: "presence",
        declaredAt: now(),
        ...declaration,
      });
    },
    async personalChat(tenant, agent) {
      const record = await collection.get(personalKey(tenant, agent));
      return record?.record === "personal" ? record.reference : undefined;
    },
    async rememberPersonalChat(tenant, agent, reference) {
      await collection.set(personalKey(tenant, agent), { record: "personal", tenant, agent, reference });
    },
    async service(tenant) {
      const record = await collection.get(serviceKey(tenant));
      if (record?.record !== "service") return undefined;
      return {
        serviceUrl: record.serviceUrl,
        ...(record.teamsTenantId === undefined ? {} : { teamsTenantId: record.teamsTenantId }),
      };
    },
    async rememberService(tenant, service) {
      const known = await collection.get(serviceKey(tenant));
      // Written only when it changes: every activity carries it, the file must not grow with traffic.
      if (
        known?.record === "service" &&
        known.serviceUrl === service.serviceUrl &&
        known.teamsTenantId === service.teamsTenantId
      )
        return;
      await collection.set(serviceKey(tenant), { record: "service", tenant, ...service });
    },
    async receipt(tenant, key) {
      const record = await collection.get(receiptKey(tenant, key));
      return record?.record === "receipt" ? record.receipt : undefined;
    },
    async rememberReceipt(tenant, key, receipt) {
      await collection.set(receiptKey(tenant, key), { record: "receipt", at: now(), receipt });
    },
    close: () => collection.close(),
  };
}
