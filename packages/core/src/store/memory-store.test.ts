import { describeStoreConformance } from "../testing/index.js";
import { createMemoryStore } from "./memory-store.js";

// The memory store keeps nothing across processes: the reopen check does not apply.
describeStoreConformance("memory", async () => ({ store: createMemoryStore() }), { persistent: false });
