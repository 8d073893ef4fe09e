import {
  createDefaultRelatednessDetector,
  createDefaultResolutionDetector,
  createMemoryStore,
  parseInboundEvent,
} from "@lutingenie/core";
import { evaluateThread } from "../packages/core/src/counting/evaluate-thread.js";
import { foldEvents } from "../packages/core/src/counting/fold.js";
import { toStoredEvent } from "../packages/core/src/counting/stored-event.js";
import { initialFoldState } from "../packages/core/src/counting/thread-state.js";
import { threadKeyOf } from "../packages/core/src/events/inbound-event.js";
import { supportTraffic } from "./workload.js";

const inputs = supportTraffic({ threads: 10000, exchangesPerThread: 5 });
const time = async (name: string, fn: () => unknown) => {
  const t = performance.now();
  await fn();
  console.log(name, (((performance.now() - t) * 1000) / inputs.length).toFixed(2), "µs/event");
};
let parsed: any[] = [];
await time("zod parse", () => {
  parsed = inputs.map((i) => parseInboundEvent(i));
});
await time("threadKey", () => {
  for (const e of parsed) threadKeyOf(e);
});
await time("toStoredEvent", () => {
  for (const e of parsed) toStoredEvent(e);
});
const ctx = {
  threadKey: "t",
  tenant: "a",
  channel: "w",
  thread: "t",
  billing: { periodOf: () => "x", planAt: () => "p" },
  resolution: createDefaultResolutionDetector(),
  verdicts: {},
};
const stored = parsed.map(toStoredEvent);
await time("foldEvents single from initial", () => {
  for (const e of stored) foldEvents(initialFoldState(), [e], ctx);
});
const det = createDefaultRelatednessDetector();
await time("evaluateThread single", async () => {
  for (const e of stored) await evaluateThread(initialFoldState(), [e], ctx, det);
});
const store = createMemoryStore();
await time("isProcessed", async () => {
  for (const e of parsed) await store.isProcessed(e.tenant, e.channel, e.key);
});
await time("getThread miss", async () => {
  for (const e of parsed) await store.getThread(e.key);
});
await time("resolution detector", () => {
  for (const e of stored) if (e.text) ctx.resolution.isResolution(e.text);
});
const { createHash } = await import("node:crypto");
await time("sha256", () => {
  for (const e of stored) createHash("sha256").update(e.key).digest("base64url");
});
