import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { countingBenchmark } from "./counting.bench.js";
import { emotionBenchmark } from "./emotion.bench.js";
import { knowledgeBaseBenchmark } from "./knowledge-base.bench.js";
import { languageBenchmark } from "./language.bench.js";
import { lowdbBenchmark } from "./lowdb.bench.js";
import { pipelineBenchmark } from "./pipeline.bench.js";
import { slackBenchmark } from "./slack.bench.js";
import { webBenchmark } from "./web.bench.js";

/**
 * `npm run bench [-- name ...] [-- --write]`: runs the benchmarks (all, or those named), prints Markdown,
 * and with --write replaces bench/RESULTS.md with it.
 */
const benchmarks: Record<string, () => Promise<string[]>> = {
  counting: () => countingBenchmark(),
  lowdb: () => lowdbBenchmark(),
  pipeline: () => pipelineBenchmark(),
  "knowledge-base": () => knowledgeBaseBenchmark(),
  language: () => languageBenchmark(),
  emotion: () => emotionBenchmark(),
  slack: () => slackBenchmark(),
  web: () => webBenchmark(),
};

const args = process.argv.slice(2);
const write = args.includes("--write");
const selected = args.filter((arg) => !arg.startsWith("--"));
const names = selected.length > 0 ? selected : Object.keys(benchmarks);

const lines = [
  "# Benchmark results",
  "",
  `Command: \`npm run bench${selected.length > 0 ? ` -- ${selected.join(" ")}` : ""}\` — ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? "CPU"}.`,
  "Figures are medians of repeated runs; every table compares against a baseline measured in the same run.",
  "",
];
for (const name of names) {
  const benchmark = benchmarks[name];
  if (benchmark === undefined) {
    process.stderr.write(`unknown benchmark "${name}"; known: ${Object.keys(benchmarks).join(", ")}\n`);
    process.exit(2);
  }
  process.stderr.write(`running ${name}…\n`);
  lines.push(...(await benchmark()), "");
}
const markdown = lines.join("\n");
process.stdout.write(`${markdown}\n`);
if (write) writeFileSync(new URL("./RESULTS.md", import.meta.url), `${markdown}\n`);
