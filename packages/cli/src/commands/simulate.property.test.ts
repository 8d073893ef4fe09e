import { parseTranscript } from "@lutingenie/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type SimulateOptions, type SimulationReport, simulate } from "./simulate.js";

/**
 * C13 at the level users see: `lutin simulate --json` is a pure function of the set of events. Random
 * multi-thread transcripts, written as the JSON lines a user would write, give the same conversations
 * and usage in file order, reversed, shuffled and with every line duplicated (C11); and usage.used /
 * usage.human are the counted AI / human conversations of the period read (Q2, Q8, C10).
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 1000);

const MINUTE = 60_000;
// C2's edges on purpose: exactly 30:00 continues, 30:00.001 splits; plus short and long gaps.
const GAPS = [0, 1, 4_000, 29 * MINUTE + 59_999, 30 * MINUTE, 30 * MINUTE + 1, 45 * MINUTE, 3 * 60 * MINUTE];
// Q1: periods in the tenant's time zone; bases an hour or two before a month boundary in some zone.
const BASES = ["2026-10-31T22:10:00.000Z", "2026-11-30T21:45:00.000Z", "2026-11-02T10:00:00.000Z"].map(
  Date.parse,
);
const ZONES = ["UTC", "Europe/Paris", "America/New_York", "Pacific/Kiritimati"];
const TEXTS = ["Where is my order?", "#12345", "ok", "thanks, that solved it", "Do you ship to Canada?"];

type Step = {
  gap: number;
  kind: "customer" | "assistant" | "agent" | "system" | "close" | "resolve" | "handoff" | "failed";
  origin: "live" | "test" | "preview";
  text: number;
  related: boolean | null;
  ref: number;
};

const step: fc.Arbitrary<Step> = fc.record({
  gap: fc.constantFrom(...GAPS),
  kind: fc.constantFrom(
    "customer",
    "customer",
    "customer",
    "assistant",
    "assistant",
    "assistant",
    "agent",
    "system",
    "close",
    "resolve",
    "handoff",
    "failed",
  ),
  origin: fc.constantFrom("live", "live", "live", "live", "live", "live", "live", "live", "test", "preview"),
  text: fc.nat({ max: TEXTS.length - 1 }),
  related: fc.constantFrom(null, null, true, false),
  ref: fc.nat(),
});

const thread = fc.record({
  tenant: fc.constantFrom("default", "default", "beta"),
  offset: fc.constantFrom(0, 1, 2 * MINUTE, 30 * MINUTE),
  steps: fc.array(step, { minLength: 1, maxLength: 12 }),
});

const scenario = fc.record({
  base: fc.constantFrom(...BASES),
  threads: fc.array(thread, { minLength: 1, maxLength: 4 }),
  timeZone: fc.constantFrom(...ZONES),
  // undefined: usage at the latest event; otherwise an offset from it (negative: before it).
  now: fc.option(fc.constantFrom(-45 * MINUTE, 0, 1, 30 * MINUTE, 30 * MINUTE + 1, 40 * 24 * 60 * MINUTE), {
    nil: undefined,
  }),
  allowance: fc.option(fc.nat({ max: 3 }), { nil: undefined }),
  packs: fc.option(fc.nat({ max: 2 }), { nil: undefined }),
  seed: fc.integer(),
});

type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

/** Transcript lines (the file a user would write), in thread-by-thread order, and the latest instant. */
function transcriptOf(input: Scenario): { lines: string[]; latest: number } {
  const lines: string[] = [];
  let latest = Number.NEGATIVE_INFINITY;
  input.threads.forEach(({ tenant, offset, steps }, threadIndex) => {
    let at = input.base + offset;
    const replies: string[] = [];
    steps.forEach((spec, index) => {
      at += spec.gap;
      latest = Math.max(latest, at);
      const id = `t${threadIndex}-${index}`;
      const base = {
        id,
        at: new Date(at).toISOString(),
        thread: `web:v${threadIndex}`,
        tenant,
        ...(spec.origin === "live" ? {} : { origin: spec.origin }),
      };
      let event: Record<string, unknown>;
      switch (spec.kind) {
        case "customer":
          event = {
            ...base,
            from: "customer",
            text: TEXTS[spec.text],
            ...(spec.related === null ? {} : { related: spec.related }),
          };
          break;
        case "assistant":
        case "agent":
          replies.push(id);
          event = { ...base, from: spec.kind, text: "reply" };
          break;
        case "system":
          event = { ...base, from: "system", text: "notice" };
          break;
        case "failed":
          event = { ...base, kind: "delivery_failed", ref: replies[spec.ref % replies.length] ?? "none" };
          break;
        default:
          event = { ...base, kind: spec.kind, from: "customer" };
      }
      lines.push(JSON.stringify(event));
    });
  });
  return { lines, latest };
}

/** A deterministic shuffle from fast-check's seed, so a failure replays. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const copy = [...items];
  let state = seed >>> 0 || 1;
  for (let index = copy.length - 1; index > 0; index--) {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    const other = state % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

/**
 * What must not depend on order: conversations and usage, alerts in force included (Q5 from the final
 * ledger). `merged` counts merges made while replaying (C13 records them), so it is a fact of the
 * arrival order, not of the set.
 */
function comparable(report: SimulationReport) {
  const { merged: _merged, ...rest } = report;
  return rest;
}

async function run(lines: readonly string[], options: SimulateOptions) {
  return simulate(parseTranscript(lines.join("\n")), options);
}

describe("lutin simulate is a pure function of the events (C11, C13, Q2, Q8)", () => {
  it("C13, C11: file order, reverse, shuffles and duplicated lines give the same --json output", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        const { lines, latest } = transcriptOf(input);
        const options: SimulateOptions = {
          timeZone: input.timeZone,
          plan: "starter",
          // Settling needs an instant: without --now, a fixed one keeps the runs independent of the real clock.
          now: input.now === undefined ? latest + 40 * 24 * 60 * MINUTE : latest + input.now,
          ...(input.allowance === undefined ? {} : { allowance: input.allowance }),
          ...(input.packs === undefined ? {} : { packs: input.packs }),
        };
        const expected = comparable(await run(lines, options));
        const orders = [
          [...lines].reverse(),
          shuffled(lines, input.seed),
          shuffled(lines, input.seed ^ 0x5bd1e995),
          shuffled([...lines, ...lines], input.seed + 1),
          lines.flatMap((text) => [text, text]),
        ];
        for (const order of orders) expect(comparable(await run(order, options))).toEqual(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it("Q8, C10, Q2: usage.used and usage.human are the counted AI and human conversations of the period read", async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (input) => {
        const { lines, latest } = transcriptOf(input);
        const readAt = input.now === undefined ? latest : latest + input.now;
        const report = await run(shuffled(lines, input.seed), {
          timeZone: input.timeZone,
          ...(input.now === undefined ? {} : { now: readAt }),
        });
        const usages = report.usageByTenant ?? { [report.usage.tenant]: report.usage };
        for (const usage of Object.values(usages)) {
          const counted = (mode: "ai" | "human") =>
            report.conversations.filter(
              (conversation) =>
                conversation.tenant === usage.tenant &&
                conversation.mode === mode &&
                conversation.counted &&
                // Q2: the period of the count moment, by its label (the period's local start date).
                conversation.period === usage.period.start.slice(0, 10) &&
                Date.parse(conversation.countedAt as string) <= readAt,
            ).length;
          expect(usage.used).toBe(counted("ai"));
          expect(usage.human).toBe(counted("human"));
        }
      }),
      { numRuns: RUNS },
    );
  });
});
