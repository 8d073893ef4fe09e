import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeConversationLogConformance } from "../testing/conversation-log-conformance.js";
import { createMemoryConversationLog, openFileConversationLog } from "./conversation-log.js";

describeConversationLogConformance("memory", async (clock) => ({ log: createMemoryConversationLog(clock) }));

describeConversationLogConformance("file", async (clock, retentionMs) => {
  const dataDir = await mkdtemp(join(tmpdir(), "lutin-conversation-log-conformance-"));
  const open = () => openFileConversationLog({ dataDir, clock, retentionMs });
  return {
    log: await open(),
    reopen: open,
    cleanup: () => rm(dataDir, { recursive: true, force: true }),
  };
});
