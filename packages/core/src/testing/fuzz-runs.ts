/**
 * How many cases one fuzz property runs. `npm test` (and so CI) runs `base` cases; `npm run fuzz` sets
 * LUTIN_FUZZ_SCALE=10 for a longer hunt. Every fuzz file (`*.fuzz.test.ts`) takes its counts from here, so
 * the whole suite scales with one variable.
 */
export function fuzzRuns(base: number, environment: NodeJS.ProcessEnv = process.env): number {
  const scale = Number(environment.LUTIN_FUZZ_SCALE ?? "1");
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
