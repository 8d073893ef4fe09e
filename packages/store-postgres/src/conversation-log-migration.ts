import type { Migration } from "./migrations.js";

/**
 * The dashboard's conversation log shared by every instance (issue 16): one row per conversation, its
 * messages a jsonb array that an add extends in one INSERT ... ON CONFLICT DO UPDATE (the row lock orders
 * two instances adding to one conversation at once; neither loses the other's messages).
 */
export const CONVERSATION_LOG_MIGRATION: Migration = {
  version: 5,
  name: "the dashboard's conversation log",
  sql: `
-- id: identity-text.ts's encoding of the conversation id; tenant kept with the record (the admin API checks it).
-- updated_at: the last add, in ms; past the retention the row reads as absent and a sweep deletes it.
CREATE TABLE lutin_conversation_log (
  id text PRIMARY KEY,
  tenant text NOT NULL,
  language text,
  emotion text,
  messages jsonb NOT NULL,
  dropped integer NOT NULL,
  updated_at bigint NOT NULL
);
CREATE INDEX lutin_conversation_log_by_age ON lutin_conversation_log (updated_at);

-- The last 'kept' elements of a jsonb array, in order.
CREATE FUNCTION lutin_last_messages(messages jsonb, kept integer) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(jsonb_agg(message ORDER BY position), '[]'::jsonb)
  FROM jsonb_array_elements(messages) WITH ORDINALITY AS listed(message, position)
  WHERE position > jsonb_array_length(messages) - kept
$$;
`,
};
