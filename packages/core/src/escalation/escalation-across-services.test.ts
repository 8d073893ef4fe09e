import { describe, expect, it } from "vitest";
import { createProductMessages } from "../i18n/index.js";
import { makeHandoff } from "../testing/escalation-store-conformance.js";
import { agentSchema } from "./agents.js";
import { EscalationService } from "./escalation-service.js";
import { createMemoryEscalationStore, type EscalationStore } from "./escalation-store.js";

/*
 * Two servers sharing one store (issue 16): each service's queue orders its own process only, so a change
 * read on one server and written after the other server's change must not erase it. The store is real
 * (memory); the wrapper only holds server A's read of the handoff until server B has written, to force the
 * interleaving a network round trip makes likely on PostgreSQL.
 */

function serviceOn(store: EscalationStore): EscalationService {
  return new EscalationService({
    store,
    messages: createProductMessages(),
    tenants: async () => {
      throw new Error("not needed: nothing is escalated here");
    },
  });
}

/** Server A's view of the shared store: its next read of a handoff waits until `release()`, after reading. */
function withHeldRead(shared: EscalationStore) {
  let hold: Promise<void> | null = null;
  let release = () => {};
  let readTaken = () => {};
  const taken = new Promise<void>((resolve) => {
    readTaken = resolve;
  });
  const store: EscalationStore = {
    ...shared,
    async getHandoff(id) {
      const read = await shared.getHandoff(id);
      if (hold !== null) {
        const waiting = hold;
        hold = null;
        readTaken();
        await waiting;
      }
      return read;
    },
  };
  return {
    store,
    holdNextRead() {
      hold = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    taken,
    release: () => release(),
  };
}

async function twoServers() {
  const shared = createMemoryEscalationStore();
  for (const id of ["ana", "bruno"])
    await shared.putAgent(agentSchema.parse({ id, tenant: "acme", name: id.toUpperCase() }));
  const held = withHeldRead(shared);
  const request = makeHandoff();
  await shared.putHandoff(request);
  return { shared, held, serverA: serviceOn(held.store), serverB: serviceOn(shared), request };
}

describe("one handoff changed on two servers at once (issue 16)", () => {
  it("a note written on A from a read taken before B's Decline keeps the Decline, and the note", async () => {
    const { shared, held, serverA, serverB, request } = await twoServers();
    held.holdNextRead();
    const note = serverA.addNote(request.id, "ana", "VIP customer", "n1");
    await held.taken;
    expect(await serverB.decline(request.id, "bruno")).toEqual({ ok: true });
    held.release();
    expect(await note).toEqual({ ok: true });

    const stored = await shared.getHandoff(request.id);
    expect(stored?.declinedBy).toEqual(["bruno"]);
    expect(stored?.notes?.map((kept) => kept.text)).toEqual(["VIP customer"]);
  });

  it("notes written at once on both servers are both kept (neither write erases the other)", async () => {
    const { shared, held, serverA, serverB, request } = await twoServers();
    held.holdNextRead();
    const onA = serverA.addNote(request.id, "ana", "asked twice already", "a1");
    await held.taken;
    expect(await serverB.addNote(request.id, "bruno", "refund approved", "b1")).toEqual({ ok: true });
    held.release();
    expect(await onA).toEqual({ ok: true });

    const stored = await shared.getHandoff(request.id);
    expect(stored?.notes?.map((kept) => kept.text).sort()).toEqual([
      "asked twice already",
      "refund approved",
    ]);
  });
});
