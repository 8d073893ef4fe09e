import { describe, expect, it } from "vitest";
import { createInProcessDeskHub, type DeskFeedEvent } from "./desk-feed.js";

const changed = (tenant: string): DeskFeedEvent => ({ kind: "desk-changed", channel: "web", tenant });

describe("the in-process desk feed", () => {
  it("hands each event to every other member, in order, as a copy, never back to its publisher", async () => {
    const hub = createInProcessDeskHub();
    const a = hub.join("a");
    const b = hub.join("b");
    const c = hub.join("c");
    const seen: Record<string, string[]> = { a: [], b: [], c: [] };
    for (const [name, feed] of Object.entries({ a, b, c }))
      feed.subscribe((event) => seen[name]?.push(event.kind === "desk-changed" ? event.tenant : "?"));
    const event = changed("acme");
    await a.publish(event);
    await a.publish(changed("globex"));
    await b.publish(changed("initech"));
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(seen).toEqual({ a: ["initech"], b: ["acme", "globex"], c: ["acme", "globex", "initech"] });
    // A listener that throws keeps the event from nobody; one that left gets nothing more.
    const received: DeskFeedEvent[] = [];
    b.subscribe(() => {
      throw new Error("listener bug");
    });
    b.subscribe((copy) => received.push(copy));
    await c.close();
    await a.publish(event);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(received).toEqual([event]);
    expect(received[0]).not.toBe(event);
    expect(seen.c).toEqual(["acme", "globex", "initech"]);
  });
});
