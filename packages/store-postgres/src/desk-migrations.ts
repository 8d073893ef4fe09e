import type { Migration } from "./migrations.js";

/** Namespace of the desk feed's publication lock (see lutin_desk_publish). */
export const DESK_FEED_LOCK = 0x4c75_7469_6e01;

/** The NOTIFY channel of the desk feed: a hint that rows were added, never the rows themselves. */
export const DESK_FEED_CHANNEL = "lutin_desk_feed";

/**
 * The agents' side on PostgreSQL (issue 16): the escalation store's tables (agents, presence, handoffs,
 * follow-up tasks), the desk feed (an append-only table read from a cursor) and the adapters' state.
 */
export const DESK_MIGRATION: Migration = {
  version: 4,
  name: "agents, presence, handoffs, follow-up tasks, the desk feed and adapters' state",
  sql: `
-- Identity columns hold identity-text.ts's encoding; records are the whole record's JSON text (json).
CREATE TABLE lutin_agents (
  tenant text NOT NULL,
  id text NOT NULL,
  record json NOT NULL,
  PRIMARY KEY (tenant, id)
);

-- Shared by every instance: an agent whose console is on one server is online for all of them.
-- record: { tenant, agent, presence } as given (the key columns hold their encoding).
CREATE TABLE lutin_agent_presence (
  tenant text NOT NULL,
  agent text NOT NULL,
  record json NOT NULL,
  PRIMARY KEY (tenant, agent)
);

-- revision = the record's history length (core's recordRevision): replaceHandoff is an UPDATE ... WHERE
-- revision = the one read, so of two Accepts computed from one read exactly one lands (the atomic claim).
CREATE TABLE lutin_handoffs (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  status text NOT NULL,
  revision integer NOT NULL,
  created_at bigint NOT NULL,
  record json NOT NULL
);
CREATE INDEX lutin_handoffs_by_tenant ON lutin_handoffs (tenant, created_at);
-- The service's once-a-second check and its presence changes read only the live ones.
CREATE INDEX lutin_handoffs_live ON lutin_handoffs (status, tenant) WHERE status IN ('pending', 'accepted');

CREATE TABLE lutin_follow_ups (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  status text NOT NULL,
  revision integer NOT NULL,
  updated_at bigint NOT NULL,
  record json NOT NULL
);
CREATE INDEX lutin_follow_ups_by_tenant ON lutin_follow_ups (tenant, updated_at);

-- The desk feed: rows are only added (and pruned once old); readers keep the last position they read.
CREATE TABLE lutin_desk_feed (
  position bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  origin text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT now(),
  event json NOT NULL
);
CREATE INDEX lutin_desk_feed_by_age ON lutin_desk_feed (published_at);

-- Adapters' own state (core's StateCollections: Teams references and cards, Slack message links), one
-- namespace per collection; expires_at NULL: never.
CREATE TABLE lutin_adapter_state (
  namespace text NOT NULL,
  key text NOT NULL,
  expires_at bigint,
  value json NOT NULL,
  PRIMARY KEY (namespace, key)
);
CREATE INDEX lutin_adapter_state_expiry ON lutin_adapter_state (expires_at) WHERE expires_at IS NOT NULL;

-- Publications take turns on a transaction-level lock, so positions are committed in the order they are
-- given out: a reader that has seen position N has seen every row below N, and its cursor skips nothing.
-- NOTIFY is sent at COMMIT, as a hint only: readers re-read from their cursor on it and on a timer.
CREATE FUNCTION lutin_desk_publish(event_origin text, event_body json) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  published bigint;
BEGIN
  PERFORM pg_advisory_xact_lock(${DESK_FEED_LOCK});
  INSERT INTO lutin_desk_feed (origin, event) VALUES (event_origin, event_body) RETURNING position INTO published;
  PERFORM pg_notify('${DESK_FEED_CHANNEL}', published::text);
  RETURN published;
END;
$$;
`,
};
