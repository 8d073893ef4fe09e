import Table from "cli-table3";
import type { SimulatedConversation, SimulatedUsage, SimulationReport } from "./simulate.js";

/** The human-readable form of `lutin simulate`: one row per conversation, then the usage summary. */
export function formatSimulation(report: SimulationReport): string {
  const table = new Table({
    head: ["thread", "mode", "opened", "open reason", "end reason", "counted / why not", "period"],
    style: { head: [], border: [] },
  });
  for (const conversation of report.conversations) table.push(row(conversation));
  const lines = [table.toString()];
  if (report.merged > 0) {
    lines.push(`${report.merged} conversation(s) merged into earlier ones by late events (C13): not listed.`);
  }
  const usages = report.usageByTenant ? Object.values(report.usageByTenant) : [report.usage];
  for (const usage of usages) lines.push("", ...summary(usage));
  return lines.join("\n");
}

function row(conversation: SimulatedConversation): string[] {
  const verdict = conversation.counted
    ? `counted ${shortTime(conversation.countedAt)}`
    : conversation.notCountedReason === null
      ? "not yet (no reply delivered)"
      : `not counted: ${conversation.notCountedReason}`;
  return [
    conversation.channel === "web" ? conversation.thread : `${conversation.channel}:${conversation.thread}`,
    conversation.mode,
    shortTime(conversation.openedAt),
    conversation.openReason,
    conversation.endReason ?? "in progress",
    verdict,
    conversation.period,
  ];
}

function summary(usage: SimulatedUsage): string[] {
  const human =
    usage.humanAllowance === null
      ? `${usage.human} (unlimited)`
      : `${usage.human} of ${usage.humanAllowance}`;
  const alerts =
    usage.alerts.length === 0
      ? "none"
      : usage.alerts.map((alert) => `${alert.threshold}% at ${shortTime(alert.at)}`).join(", ");
  return [
    `Usage for tenant ${usage.tenant}, period ${usage.period.start.slice(0, 10)} → ${usage.period.end.slice(0, 10)}`,
    `  plan            ${usage.plan}`,
    `  allowance       ${usage.allowance}`,
    `  used            ${usage.used}`,
    `  remaining       ${usage.remaining}`,
    `  packs remaining ${usage.packsRemaining}`,
    `  overage         ${usage.overage}`,
    `  human           ${human}${usage.humanOverage > 0 ? `, overage ${usage.humanOverage}` : ""}`,
    `  alerts fired    ${alerts}`,
  ];
}

function shortTime(iso: string | null): string {
  return iso === null ? "" : iso.replace("T", " ").replace(/:\d{2}\.\d{3}Z$/, "Z");
}
