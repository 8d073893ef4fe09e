/** One benchmark's Markdown, as it goes between its markers in bench/RESULTS.md. */
export interface BenchSection {
  name: string;
  markdown: string;
}

const HEADER = [
  "# Benchmark results",
  "",
  "Each section says the command that made it and when (`npm run bench -- <name> --write` re-runs one).",
  "Figures are medians of repeated runs; every table compares against a baseline measured in the same run.",
].join("\n");

const FOOTER_START = "<!-- notes -->";

function startMarker(name: string): string {
  return `<!-- bench:${name} -->`;
}

function endMarker(name: string): string {
  return `<!-- /bench:${name} -->`;
}

/**
 * Replaces the sections of `fresh` benchmarks in a RESULTS.md text and keeps the others as they were,
 * in the order of `order`. Hand-written notes after a `<!-- notes -->` line are kept untouched.
 */
export function mergeResults(previous: string, fresh: BenchSection[], order: string[]): string {
  const kept = new Map<string, string>();
  for (const name of order) {
    const start = previous.indexOf(startMarker(name));
    const end = previous.indexOf(endMarker(name));
    if (start >= 0 && end > start)
      kept.set(name, previous.slice(start + startMarker(name).length, end).trim());
  }
  for (const section of fresh) kept.set(section.name, section.markdown.trim());
  const notesAt = previous.indexOf(FOOTER_START);
  const notes = notesAt >= 0 ? previous.slice(notesAt).trim() : "";
  const body = order
    .filter((name) => kept.has(name))
    .map((name) => `${startMarker(name)}\n${kept.get(name)}\n${endMarker(name)}`);
  return `${[HEADER, ...body, ...(notes === "" ? [] : [notes])].join("\n\n")}\n`;
}
