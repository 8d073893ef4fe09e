import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeEscalationStoreConformance } from "../testing/escalation-store-conformance.js";
import { createMemoryEscalationStore, openFileEscalationStore } from "./escalation-store.js";

describeEscalationStoreConformance("memory", async () => ({ store: createMemoryEscalationStore() }), {
  persistent: false,
});

describeEscalationStoreConformance("files", async () => {
  const dataDir = await mkdtemp(join(tmpdir(), "lutin-escalation-conformance-"));
  return {
    store: await openFileEscalationStore({ dataDir }),
    reopen: () => openFileEscalationStore({ dataDir }),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
});
