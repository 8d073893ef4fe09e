import { describe, expect, it } from "vitest";
import type { ProductMessages } from "../assistant/product-messages.js";
import { parseAssistantTenant } from "../assistant/tenant-profile.js";
import { ManualClock } from "../clock.js";
import type { WeeklyHours } from "../i18n/weekly-hours.js";
import { type Agent, agentSchema, type Presence } from "./agents.js";
import { nextHoursChange, nextOpening } from "./business-hours.js";
import { type DeskStatusQuery, deskStatusAt } from "./desk-status.js";
import { EscalationService } from "./escalation-service.js";
import { createMemoryEscalationStore } from "./escalation-store.js";

const weekdays: WeeklyHours = {
  mon: [{ from: "09:00", to: "18:00" }],
  tue: [{ from: "09:00", to: "18:00" }],
  wed: [
    { from: "09:00", to: "12:00" },
    { from: "12:00", to: "18:00" },
  ],
  thu: [{ from: "09:00", to: "18:00" }],
  fri: [{ from: "09:00", to: "18:00" }],
};
const sundayMornings: WeeklyHours = { sun: [{ from: "09:00", to: "12:00" }] };

const TTL = 90_000;
const agent = (id: string, extra: Partial<Agent> = {}): Agent =>
  agentSchema.parse({ id, tenant: "acme", name: id, ...extra });
const here = (at: number): Presence => ({ isOnline: true, via: "web", seenAt: at });

function query(now: number, overrides: Partial<DeskStatusQuery> = {}): DeskStatusQuery {
  return {
    agents: [agent("ana")],
    presence: new Map([["ana", here(now)]]),
    load: new Map(),
    now,
    presenceTtlMs: TTL,
    businessHours: weekdays,
    timeZone: "Europe/Paris",
    agentsMayTakeOutsideHours: false,
    ...overrides,
  };
}

// Monday 12 January 2026 (winter, Paris = UTC+1).
const mondayParis = (hour: number, minute = 0, ms = 0) => Date.UTC(2026, 0, 12, hour - 1, minute, 0, ms);

describe("desk status: open, closed until…, nobody active", () => {
  it("is open in hours with an agent online and active, and says when the hours next change", () => {
    const status = deskStatusAt(query(mondayParis(10)));
    expect(status).toEqual({
      state: "open",
      reason: "business_hours",
      opensAt: null,
      hoursChangeAt: mondayParis(18),
      timeZone: "Europe/Paris",
      availableAgents: ["ana"],
    });
  });

  it("is closed outside hours whatever the toggles say, until the next opening in the tenant's zone", () => {
    // Friday 16 January, 19:00 in Paris: closed until Monday 09:00 Paris (08:00 UTC).
    const fridayEvening = Date.UTC(2026, 0, 16, 18, 0);
    const status = deskStatusAt(query(fridayEvening));
    expect(status).toMatchObject({ state: "closed", reason: "outside_hours", availableAgents: [] });
    expect(status.opensAt).toBe(Date.UTC(2026, 0, 19, 8, 0));
    expect(status.hoursChangeAt).toBe(status.opensAt);
  });

  it("reads the hours in the tenant's zone: the same instant is open in Paris, closed in New York", () => {
    const at = mondayParis(10); // 09:00 UTC, 04:00 in New York
    expect(deskStatusAt(query(at)).state).toBe("open");
    const newYork = deskStatusAt(query(at, { timeZone: "America/New_York" }));
    expect(newYork).toMatchObject({ state: "closed", timeZone: "America/New_York" });
    expect(newYork.opensAt).toBe(Date.UTC(2026, 0, 12, 14, 0)); // 09:00 EST
  });

  it("changes exactly at the boundary instants: 09:00:00.000 opens, 18:00:00.000 closes", () => {
    expect(deskStatusAt(query(mondayParis(8, 59, 59_999)))).toMatchObject({
      state: "closed",
      opensAt: mondayParis(9),
      hoursChangeAt: mondayParis(9),
    });
    expect(deskStatusAt(query(mondayParis(9))).state).toBe("open");
    expect(deskStatusAt(query(mondayParis(17, 59, 59_999))).state).toBe("open");
    const closing = deskStatusAt(query(mondayParis(18)));
    expect(closing).toMatchObject({ state: "closed", opensAt: Date.UTC(2026, 0, 13, 8, 0) });
  });

  it("treats touching ranges as one stretch: Wednesday 09:00–12:00 + 12:00–18:00 changes at 18:00, not at noon", () => {
    const wednesday = Date.UTC(2026, 0, 14, 10, 0); // 11:00 in Paris
    expect(deskStatusAt(query(wednesday)).hoursChangeAt).toBe(Date.UTC(2026, 0, 14, 17, 0));
  });

  it("is nobody-active in hours when no agent is online, when the only one is away, or when presence went stale", () => {
    const at = mondayParis(10);
    expect(deskStatusAt(query(at, { presence: new Map() }))).toMatchObject({
      state: "nobody-active",
      reason: "no_agent_active",
      opensAt: null,
      availableAgents: [],
    });
    expect(deskStatusAt(query(at, { agents: [agent("ana", { isActive: false })] })).state).toBe(
      "nobody-active",
    );
    const stale = new Map([["ana", here(at - TTL - 1)]]);
    expect(deskStatusAt(query(at, { presence: stale })).state).toBe("nobody-active");
    expect(deskStatusAt(query(at, { agents: [] })).reason).toBe("no_agent_active");
  });

  it("is nobody-active (agents busy) when every present agent holds as many chats as they can", () => {
    const at = mondayParis(10);
    const full = deskStatusAt(query(at, { load: new Map([["ana", 3]]) }));
    expect(full).toMatchObject({ state: "nobody-active", reason: "agents_busy" });
    expect(deskStatusAt(query(at, { load: new Map([["ana", 2]]) })).state).toBe("open");
  });

  it("lets an active agent take chats outside hours when the tenant allows it (escalation.agentsMayTakeOutsideHours)", () => {
    const night = mondayParis(22);
    expect(deskStatusAt(query(night)).state).toBe("closed");
    expect(deskStatusAt(query(night, { agentsMayTakeOutsideHours: true }))).toMatchObject({
      state: "open",
      reason: "agent_outside_hours",
      availableAgents: ["ana"],
    });
    // Allowed, but nobody there: still closed, with the next opening.
    expect(
      deskStatusAt(query(night, { agentsMayTakeOutsideHours: true, presence: new Map() })),
    ).toMatchObject({ state: "closed", opensAt: Date.UTC(2026, 0, 13, 8, 0) });
  });

  it("without business hours the desk never closes, and its hours never change", () => {
    expect(deskStatusAt(query(mondayParis(3), { businessHours: undefined }))).toMatchObject({
      state: "open",
      hoursChangeAt: null,
    });
    expect(deskStatusAt(query(mondayParis(3), { businessHours: {}, presence: new Map() })).state).toBe(
      "nobody-active",
    );
  });

  it("hours that list days without ranges never open: closed, with no opening to announce", () => {
    const status = deskStatusAt(query(mondayParis(10), { businessHours: { mon: [] } }));
    expect(status).toMatchObject({ state: "closed", opensAt: null, hoursChangeAt: null });
  });
});

describe("business hours across daylight saving time", () => {
  it("opens at the written 09:00 on the day Paris springs forward (29 March 2026) and falls back (25 October 2026)", () => {
    const saturdayBeforeSpring = Date.UTC(2026, 2, 28, 20, 0);
    expect(nextOpening(sundayMornings, "Europe/Paris", saturdayBeforeSpring)).toBe(
      Date.UTC(2026, 2, 29, 7, 0), // 09:00 CEST
    );
    const saturdayBeforeAutumn = Date.UTC(2026, 9, 24, 20, 0);
    expect(nextOpening(sundayMornings, "Europe/Paris", saturdayBeforeAutumn)).toBe(
      Date.UTC(2026, 9, 25, 8, 0), // 09:00 CET
    );
    expect(nextHoursChange(sundayMornings, "Europe/Paris", Date.UTC(2026, 2, 29, 8, 0))).toBe(
      Date.UTC(2026, 2, 29, 10, 0), // 12:00 CEST
    );
  });

  it("a status read in New York over its spring change (8 March 2026) announces 09:00 EDT", () => {
    const status = deskStatusAt(
      query(Date.UTC(2026, 2, 7, 23, 0), {
        businessHours: sundayMornings,
        timeZone: "America/New_York",
        presence: new Map(),
      }),
    );
    expect(status).toMatchObject({ state: "closed", opensAt: Date.UTC(2026, 2, 8, 13, 0) });
  });
});

describe("EscalationService.deskStatus", () => {
  const messages: ProductMessages = { t: (_language, key) => key, dir: () => "ltr" };
  async function service(settings: Record<string, unknown> = {}) {
    const clock = new ManualClock(mondayParis(10));
    const tenant = parseAssistantTenant({
      id: "acme",
      timeZone: "Europe/Paris",
      businessHours: weekdays,
      ...settings,
    });
    const desk = new EscalationService({
      store: createMemoryEscalationStore(),
      messages,
      clock,
      tenants: async () => tenant,
    });
    await desk.putAgent(agent("ana"));
    const changes: string[] = [];
    desk.onDeskStatusChange((changed) => changes.push(changed));
    return { desk, clock, changes };
  }

  it("follows presence and the active switch, and signals each change to its listeners", async () => {
    const { desk, clock, changes } = await service();
    expect((await desk.deskStatus("acme")).state).toBe("nobody-active");
    await desk.reportPresence("acme", "ana", { isOnline: true, via: "web" });
    expect((await desk.deskStatus("acme")).state).toBe("open");
    await desk.reportPresence("acme", "ana", { isOnline: true, via: "web" }); // a heartbeat: no change
    await desk.setActive("acme", "ana", false);
    expect((await desk.deskStatus("acme")).state).toBe("nobody-active");
    expect(changes).toEqual(["acme", "acme"]);
    await desk.setActive("acme", "ana", true);
    // A console that stops reporting: offline once the presence expires (tick), and signalled.
    clock.advance(TTL + 1);
    await desk.tick();
    expect((await desk.deskStatus("acme")).state).toBe("nobody-active");
    expect(changes).toEqual(["acme", "acme", "acme", "acme"]);
  });

  it("reads the tenant's setting: outside hours with an agent present, closed unless allowed", async () => {
    const strict = await service();
    strict.clock.set(mondayParis(21));
    await strict.desk.reportPresence("acme", "ana", { isOnline: true, via: "web" });
    expect((await strict.desk.deskStatus("acme")).state).toBe("closed");
    const lenient = await service({ escalation: { agentsMayTakeOutsideHours: true } });
    lenient.clock.set(mondayParis(21));
    await lenient.desk.reportPresence("acme", "ana", { isOnline: true, via: "web" });
    expect(await lenient.desk.deskStatus("acme")).toMatchObject({
      state: "open",
      reason: "agent_outside_hours",
    });
  });

  it("refuses a setting that is not a boolean, naming the field", () => {
    expect(() =>
      parseAssistantTenant({ id: "acme", escalation: { agentsMayTakeOutsideHours: "yes" } }),
    ).toThrow(/escalation\.agentsMayTakeOutsideHours: must be true or false/);
    expect(() => parseAssistantTenant({ id: "acme", escalation: { mayTakeLate: true } })).toThrow(
      /escalation/,
    );
  });
});
