import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { auditBenchmark } from "./audit.bench.js";
import { countingBenchmark } from "./counting.bench.js";
import { emotionBenchmark } from "./emotion.bench.js";
import { knowledgeBaseBenchmark } from "./knowledge-base.bench.js";
import { languageBenchmark } from "./language.bench.js";
import { lowdbBenchmark } from "./lowdb.bench.js";
import { pipelineBenchmark } from "./pipeline.bench.js";
import { postgresBenchmark } from "./postgres.bench.js";
import { type BenchSection, mergeResults } from "./results-file.js";
import { slackBenchmark } from "./slack.bench.js";
import { teamsBenchmark } from "./teams.bench.js";
import { webBenchmark } from "./web.bench.js";
import { worstInputBenchmark } from "./worst-input.bench.js";

/**
 * `npm run bench [-- name ...] [-- --write]`: runs the benchmarks (all, or those named), prints Markdown,
 * and with --write replaces their sections of bench/RESULTS.md, each stamped with the command that made it.
 */
const benchmarks: Record<string, () => Promise<string[]>> = {
  counting: () => countingBenchmark(),
  lowdb: () => lowdbBenchmark(),
  pipeline: () => pipelineBenchmark(),
  "knowledge-base": () => knowledgeBaseBenchmark(),
  language: () => languageBenchmark(),
  emotion: () => emotionBenchmark(),
  slack: () => slackBenchmark(),
  teams: () => teamsBenchmark(),
  web: () => webBenchmark(),
  "worst-input": () => worstInputBenchmark(),
  audit: () => auditBenchmark(),
  postgres: () => postgresBenchmark(),
};

const args = process.argv.slice(2);
const write = args.includes("--write");
const selected = args.filter((arg) => !arg.startsWith("--"));
const names = selected.length > 0 ? selected : Object.keys(benchmarks);
const unknown = names.filter((name) => benchmarks[name] === undefined);
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark "${unknown.join('", "')}"; known: ${Object.keys(benchmarks).join(", ")}\n`,
  );
  process.exit(2);
}

const machine = `Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}`;
const sections: BenchSection[] = [];
for (const name of names) {
  process.stderr.write(`running ${name}…\n`);
  const body = await (benchmarks[name] as () => Promise<string[]>)();
  const made = `Made by \`npm run bench -- ${name}\` on ${new Date().toISOString().slice(0, 10)}, ${machine}.`;
  sections.push({ name, markdown: [made, "", ...body].join("\n") });
}
process.stdout.write(`${sections.map((section) => section.markdown).join("\n\n")}\n`);
if (write) {
  // Only the benchmarks that ran are replaced, so one slow or noisy table can be re-run on its own.
  const resultsFile = new URL("./RESULTS.md", import.meta.url);
  const previous = existsSync(resultsFile) ? readFileSync(resultsFile, "utf8") : "";
  writeFileSync(resultsFile, mergeResults(previous, sections, Object.keys(benchmarks)));
  // The tables come out unaligned; Biome (the repository's formatter, checked by lint) aligns them.
  execFileSync("npx", ["biome", "format", "--write", fileURLToPath(resultsFile)], { stdio: "ignore" });
}
