/**
 * One `lutin audit` benchmark step in a fresh process, so each figure includes the cold read it would
 * have as a command: `read <dataDir> <nowIso>` reads the directory alone (the baseline), `audit <dataDir>
 * <nowIso>` runs the command's function whole. Prints one JSON object.
 */
import { audit } from "@lutingenie/cli";
import { readDataDirectory } from "@lutingenie/core";

const [command, dataDir, nowIso] = process.argv.slice(2);
const now = Date.parse(nowIso as string);
const started = performance.now();
let summary: Record<string, unknown>;
if (command === "read") {
  const contents = await readDataDirectory(dataDir as string);
  summary = { conversations: contents?.conversations.length ?? 0, threads: contents?.threads.length ?? 0 };
} else if (command === "audit") {
  const report = await audit({ dataDir: dataDir as string, now });
  summary = {
    conversations: report.conversations,
    events: report.events,
    periods: report.periods.length,
    differences: report.differences.length,
  };
} else {
  process.stderr.write("usage: audit-child read|audit <dataDir> <nowIso>\n");
  process.exit(2);
}
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${JSON.stringify({ seconds, rssPeakMb: process.resourceUsage().maxRSS / 1024, ...summary })}\n`,
);
