import type { LedgerEntry } from "../quota/types.js";
import type { ConversationRecord } from "./conversation.js";

export type ReversalReason = NonNullable<LedgerEntry["reason"]>;

/**
 * The ledger rows that turn what the ledger says about a conversation (`before`) into what it should
 * say now (`after`). Rows are only ever appended: a count that no longer holds is reversed, never edited
 * (C13), and a conversation's count row is unique by id (C12). Advances `after.ledgerGeneration`.
 */
export function ledgerRowsFor(
  before: ConversationRecord | undefined,
  after: ConversationRecord,
  recordedAt: number,
  reversalReason: ReversalReason,
): LedgerEntry[] {
  const wasCounted = before?.counted === true;
  const unchanged =
    wasCounted &&
    after.counted &&
    before.countedAt === after.countedAt &&
    before.countedBy === after.countedBy &&
    before.period === after.period &&
    before.plan === after.plan;
  if (unchanged || (!wasCounted && !after.counted)) return [];

  const rows: LedgerEntry[] = [];
  const append = (
    row: Pick<LedgerEntry, "kind" | "delta" | "countedAt" | "period" | "plan" | "reverses" | "reason">,
  ) => {
    rows.push({
      id: `${after.id}:${after.ledgerGeneration}`,
      tenant: after.tenant,
      conversationId: after.id,
      mode: after.mode,
      recordedAt,
      ...row,
    });
    after.ledgerGeneration += 1;
  };
  if (wasCounted) {
    append({
      kind: "reversal",
      delta: -1,
      countedAt: before.countedAt as number,
      period: before.period,
      plan: before.plan as string,
      reverses: `${after.id}:${after.ledgerGeneration - 1}`,
      reason: reversalReason,
    });
  }
  if (after.counted) {
    append({
      kind: "count",
      delta: 1,
      countedAt: after.countedAt as number,
      period: after.period,
      plan: after.plan as string,
      reverses: null,
      reason: null,
    });
  }
  return rows;
}
