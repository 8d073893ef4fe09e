import { type DeskStatus, silentLogger, systemClock } from "@lutingenie/core";
import { describe, expect, it } from "vitest";
import { createDeskStatusFeed } from "./desk-status-feed.js";

const status = (state: DeskStatus["state"], hoursChangeAt: number | null = null): DeskStatus => ({
  state,
  reason: state === "open" ? "business_hours" : state === "closed" ? "outside_hours" : "no_agent_active",
  opensAt: null,
  hoursChangeAt,
  timeZone: "Europe/Paris",
  availableAgents: state === "open" ? ["ana"] : [],
});

/** A status source the test sets by hand, counting reads, with core's change signal. */
function source(initial: DeskStatus) {
  let current = initial;
  let failing = false;
  const listeners = new Set<(tenant: string) => void>();
  const counts = { reads: 0 };
  return {
    counts,
    set(next: DeskStatus, signal = true) {
      current = next;
      if (signal) for (const listener of listeners) listener("acme");
    },
    fail(on: boolean) {
      failing = on;
    },
    deskStatus: async () => {
      counts.reads += 1;
      if (failing) throw new Error("store unavailable");
      return current;
    },
    onDeskStatusChange(listener: (tenant: string) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe("desk status feed", () => {
  it("gives each watcher the status at once, then only changes; a burst of watchers costs one read", async () => {
    const desk = source(status("closed"));
    const feed = createDeskStatusFeed({ source: desk, clock: systemClock, logger: silentLogger });
    const first: string[] = [];
    feed.watch("acme", (seen) => first.push(seen.state));
    await settle();
    const others = Array.from({ length: 50 }, () => [] as string[]);
    for (const seen of others) feed.watch("acme", (next) => seen.push(next.state));
    await settle();
    expect(desk.counts.reads).toBe(1);
    expect(others.every((seen) => seen.join() === "closed")).toBe(true);

    desk.set(status("closed")); // signalled, unchanged: nothing pushed
    await settle();
    desk.set(status("open"));
    await settle();
    expect(first).toEqual(["closed", "open"]);
    expect(others[0]).toEqual(["closed", "open"]);
    feed.stop();
  });

  it("reads again at the hours boundary without any signal", async () => {
    const desk = source(status("open", Date.now() + 80));
    const feed = createDeskStatusFeed({ source: desk, clock: systemClock, logger: silentLogger });
    const seen: string[] = [];
    feed.watch("acme", (next) => seen.push(next.state));
    await settle();
    desk.set(status("closed"), false);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(seen).toEqual(["open", "closed"]);
    feed.stop();
  });

  it("retries a failed read, and stops reading for a tenant nobody watches any more", async () => {
    const desk = source(status("open"));
    desk.fail(true);
    const feed = createDeskStatusFeed({
      source: desk,
      clock: systemClock,
      logger: silentLogger,
      recheckMs: 50,
    });
    const seen: string[] = [];
    const unwatch = feed.watch("acme", (next) => seen.push(next.state));
    await settle();
    expect(seen).toEqual([]);
    desk.fail(false);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(seen).toEqual(["open"]);
    unwatch();
    const reads = desk.counts.reads;
    desk.set(status("closed"));
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(desk.counts.reads).toBe(reads);
    feed.stop();
  });
});
