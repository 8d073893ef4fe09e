import type { InboundEventInput } from "@lutingenie/core";

/**
 * A realistic counting workload: many threads, each a few exchanges (customer, assistant), sometimes
 * a gap that opens a new conversation, a close, a handoff; events in time order as a live system sees them.
 */
export function supportTraffic(options: {
  threads: number;
  exchangesPerThread: number;
  start?: number;
}): InboundEventInput[] {
  const start = options.start ?? Date.parse("2026-10-01T08:00:00Z");
  const events: InboundEventInput[] = [];
  let random = 42;
  const next = () => {
    random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
    return random / 2_147_483_648;
  };
  for (let thread = 0; thread < options.threads; thread++) {
    let at = start + Math.floor(next() * 3_600_000);
    for (let exchange = 0; exchange < options.exchangesPerThread; exchange++) {
      const base = { tenant: "bench", channel: "web", thread: `visitor-${thread}` };
      events.push({
        ...base,
        key: `c-${thread}-${exchange}`,
        at,
        from: "customer",
        text: "Where is my order #12345?",
      });
      at += 1_500;
      events.push({
        ...base,
        key: `a-${thread}-${exchange}`,
        at,
        from: "assistant",
        text: "It ships tomorrow.",
      });
      // One exchange in five comes back after more than 30 minutes: a new conversation (C2).
      at += next() < 0.2 ? 45 * 60_000 : 60_000 + Math.floor(next() * 120_000);
    }
  }
  return events.sort((a, b) => a.at - b.at);
}
