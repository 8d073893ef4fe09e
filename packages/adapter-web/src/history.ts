import { type ConversationRecord, type ConversationView, conversationView } from "@lutingenie/core";
import { z } from "zod";

/** The dashboard's detailed history (Q8: every row says why it opened, ended, counted or not). */
export interface HistoryRow extends ConversationView {
  origin: ConversationRecord["origin"];
  messageCount: number;
  language: string | null;
  emotion: string | null;
}

export const historyQuerySchema = z
  .object({
    period: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, "period must be a period start, YYYY-MM-DD")
      .optional(),
    mode: z.enum(["ai", "human"]).optional(),
    counted: z.enum(["yes", "no"]).optional(),
    origin: z.enum(["live", "test", "preview"]).optional(),
    channel: z.string().min(1).max(64).optional(),
    page: z.coerce.number().int().min(1, "page starts at 1").default(1),
    pageSize: z.coerce.number().int().min(1).max(500, "pageSize is at most 500").default(25),
  })
  .strict();
export type HistoryQuery = z.output<typeof historyQuerySchema>;

/** How the assistant read the conversation's customer: the conversation log's, kept across restarts. */
export interface HistoryReading {
  language: string | null;
  emotion: string | null;
}

export function historyRowOf(
  conversation: ConversationRecord,
  reading: HistoryReading | undefined,
): HistoryRow {
  return {
    ...conversationView(conversation),
    origin: conversation.origin,
    messageCount: conversation.messageCount,
    language: reading?.language ?? null,
    emotion: reading?.emotion ?? null,
  };
}

/** Filters (newest first) and cuts one page; `total` is the filtered count. */
export function filterHistory(
  rows: readonly HistoryRow[],
  query: HistoryQuery,
): { total: number; page: number; pageSize: number; rows: HistoryRow[] } {
  const kept = rows
    .filter(
      (row) =>
        (query.period === undefined || row.period === query.period) &&
        (query.mode === undefined || row.mode === query.mode) &&
        (query.counted === undefined || row.counted === (query.counted === "yes")) &&
        (query.origin === undefined || row.origin === query.origin) &&
        (query.channel === undefined || row.channel === query.channel),
    )
    .sort((left, right) => right.openedAt.localeCompare(left.openedAt));
  const start = (query.page - 1) * query.pageSize;
  return {
    total: kept.length,
    page: query.page,
    pageSize: query.pageSize,
    rows: kept.slice(start, start + query.pageSize),
  };
}

const CSV_COLUMNS: readonly (keyof HistoryRow)[] = [
  "id",
  "mode",
  "channel",
  "origin",
  "openedAt",
  "openReason",
  "endedAt",
  "endReason",
  "counted",
  "countedAt",
  "notCountedReason",
  "period",
  "plan",
  "messageCount",
  "linkedConversationId",
  "language",
  "emotion",
];

/** RFC 4180 CSV; cells that a spreadsheet would run as a formula are prefixed with a quote. */
export function historyCsv(rows: readonly HistoryRow[]): string {
  const cell = (value: unknown) => {
    let text = value === null || value === undefined ? "" : String(value);
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return `${[CSV_COLUMNS.join(","), ...rows.map((row) => CSV_COLUMNS.map((column) => cell(row[column])).join(","))].join("\r\n")}\r\n`;
}
