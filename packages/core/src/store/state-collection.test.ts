import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeStateCollectionConformance } from "../testing/state-collection-conformance.js";
import { fileStateCollections, memoryStateCollections } from "./state-collection.js";

describeStateCollectionConformance("memory", async (now) => ({ collections: memoryStateCollections(now) }), {
  persistent: false,
});

describeStateCollectionConformance("files", async (now) => {
  const dataDir = await mkdtemp(join(tmpdir(), "lutin-state-conformance-"));
  return {
    collections: fileStateCollections({ dataDir, now }),
    reopen: async () => fileStateCollections({ dataDir, now }),
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
});
