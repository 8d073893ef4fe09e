import {
  createMemoryStateCollection,
  fileStateCollections,
  type StateCollection,
  type StateCollectionSpec,
  type StateCollections,
} from "@lutingenie/core";
import type { ConversationReference } from "botbuilder";

/** An answer card with customer buttons ("That solved it", "Talk to a human"), to redraw it once used. */
export interface PostedCard {
  tenant: string;
  thread: string;
  conversationId: string;
  /** The card's activity id (the connector's receipt). */
  activityId: string;
  /** The message text the card came with: a PUT replaces the whole activity, text included. */
  text: string;
  /** Set once a button was used: later clicks change nothing. */
  usedAt?: number;
}

/**
 * What the Teams adapter must remember across a restart: each thread's conversation reference (so agent
 * replies, follow-ups and goodbyes reach the customer proactively after a restart), which installations
 * were greeted (once each), and the answer cards whose buttons are still live. Kept in one of core's
 * StateCollections: the JSON collection file of the data directory, memory, or a shared store
 * (PostgreSQL: store-postgres's openPostgresStateCollections) for several servers.
 */
export interface TeamsStateStore {
  reference(tenant: string, thread: string): Promise<Partial<ConversationReference> | undefined>;
  rememberReference(tenant: string, thread: string, reference: Partial<ConversationReference>): Promise<void>;
  /** True the first time for this key (an installation's conversation), false afterwards. */
  firstGreeting(tenant: string, key: string): Promise<boolean>;
  card(tenant: string, activityId: string): Promise<PostedCard | undefined>;
  rememberCard(card: PostedCard): Promise<void>;
  close(): Promise<void>;
}

export const STATE_FILE_NAME = "teams-state.json";
/** A reference unused this long is forgotten (a customer silent for a year starts over); cards after 7 days. */
export const REFERENCE_RETENTION_MS = 365 * 24 * 60 * 60 * 1000;
export const CARD_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

type StateRecord =
  | {
      record: "reference";
      tenant: string;
      thread: string;
      seenAt: number;
      reference: Partial<ConversationReference>;
    }
  | { record: "greeted"; tenant: string; key: string; at: number }
  | ({ record: "card"; postedAt: number } & PostedCard);

const referenceKey = (tenant: string, thread: string) => `reference:${tenant}\u0000${thread}`;
const greetedKey = (tenant: string, key: string) => `greeted:${tenant}\u0000${key}`;
const cardKey = (tenant: string, activityId: string) => `card:${tenant}\u0000${activityId}`;

/** The collection's file, format and expiry: `teams-state.json`, mode 0600 (cards hold answer texts). */
const STATE_SPEC: StateCollectionSpec<StateRecord> = {
  name: STATE_FILE_NAME.replace(/\.json$/, ""),
  format: "lutingenie-teams-state",
  fileMode: 0o600,
  expiresAt: (record) =>
    record.record === "reference"
      ? record.seenAt + REFERENCE_RETENTION_MS
      : record.record === "card"
        ? record.postedAt + CARD_RETENTION_MS
        : Number.POSITIVE_INFINITY,
  corruptHint: `restore ${STATE_FILE_NAME} from a backup, or move it aside: customers then get proactive messages only after they write again`,
};

/** The state in one of core's StateCollections (a shared one: every server sees the same references). */
export async function openTeamsState(
  collections: StateCollections,
  now: () => number = Date.now,
): Promise<TeamsStateStore> {
  return stateOver(await collections.open(STATE_SPEC), now);
}

/** The state in `teams-state.json` of the data directory. */
export function openFileTeamsState(options: {
  dataDir: string;
  now?: () => number;
}): Promise<TeamsStateStore> {
  const now = options.now ?? Date.now;
  return openTeamsState(fileStateCollections({ dataDir: options.dataDir, now }), now);
}

/** State in memory only (tests, no data directory): a restart forgets it. */
export function createMemoryTeamsState(now: () => number = Date.now): TeamsStateStore {
  return stateOver(createMemoryStateCollection(STATE_SPEC, now), now);
}

function stateOver(collection: StateCollection<StateRecord>, now: () => number): TeamsStateStore {
  return {
    async reference(tenant, thread) {
      const record = await collection.get(referenceKey(tenant, thread));
      return record?.record === "reference" ? record.reference : undefined;
    },
    async rememberReference(tenant, thread, reference) {
      const key = referenceKey(tenant, thread);
      const known = await collection.get(key);
      // A reference changes rarely (serviceUrl moves, a name): rewrite it at most hourly when unchanged.
      if (
        known?.record === "reference" &&
        JSON.stringify(known.reference) === JSON.stringify(reference) &&
        now() - known.seenAt < 60 * 60 * 1000
      )
        return;
      await collection.set(key, { record: "reference", tenant, thread, seenAt: now(), reference });
    },
    // Atomic (add): two servers receiving the same installation at once greet it once.
    firstGreeting: (tenant, key) =>
      collection.add(greetedKey(tenant, key), { record: "greeted", tenant, key, at: now() }),
    async card(tenant, activityId) {
      const record = await collection.get(cardKey(tenant, activityId));
      if (record?.record !== "card") return undefined;
      const { record: _record, postedAt: _postedAt, ...card } = record;
      return card;
    },
    async rememberCard(card) {
      const key = cardKey(card.tenant, card.activityId);
      const known = await collection.get(key);
      const postedAt = known?.record === "card" ? known.postedAt : now();
      await collection.set(key, { record: "card", postedAt, ...card });
    },
    close: () => collection.close(),
  };
}
