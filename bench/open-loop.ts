import type { ServerFrame } from "@lutingenie/adapter-web/testing";
import { percentile } from "./stats.js";

/** What the open-loop driver needs of a widget: send a message, resolve on its ack (or error). */
export interface OpenLoopWidget {
  message(id: string, text: string): Promise<ServerFrame>;
}

export interface OpenLoopResult {
  offeredPerSecond: number;
  /** Turns acked per second of the schedule's length (below the offered rate when the server falls behind). */
  achievedPerSecond: number;
  p50: number;
  p99: number;
  turns: number;
}

/** A small deterministic generator (same schedule every run, so runs compare). */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    // xorshift32: enough for arrival times.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4_294_967_296;
  };
}

/**
 * The send times of `widgets` independent Poisson sources offering `perSecond` turns/s in total over
 * `seconds`: each widget's gaps are exponential with mean `widgets / perSecond` seconds. Milliseconds from
 * the start, per widget, in order.
 */
export function poissonSchedule(widgets: number, perSecond: number, seconds: number, seed = 16): number[][] {
  const random = seededRandom(seed);
  const meanGapMs = (widgets / perSecond) * 1000;
  return Array.from({ length: widgets }, () => {
    const gap = () => -Math.log(1 - random()) * meanGapMs;
    const times: number[] = [];
    for (let at = gap(); at < seconds * 1000; at += gap()) times.push(at);
    return times;
  });
}

/**
 * Open loop: each widget sends on its own schedule whether or not its previous turns are acked, and a
 * turn's latency runs from its SCHEDULED send time to its ack. A late timer or a queue in front of the
 * server therefore shows in the latency instead of lowering the offered rate (no coordinated omission).
 */
export async function openLoop(
  widgets: readonly OpenLoopWidget[],
  round: string,
  perSecond: number,
  seconds: number,
  textOf: (widget: number, sent: number) => string,
): Promise<OpenLoopResult> {
  const schedule = poissonSchedule(widgets.length, perSecond, seconds);
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    widgets.map(async (widget, index) => {
      const turns: Promise<void>[] = [];
      const times = schedule[index] as number[];
      for (let sent = 0; sent < times.length; sent++) {
        const due = started + (times[sent] as number);
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        turns.push(
          widget.message(`${round}-${index}-${sent}`, textOf(index, sent)).then((ack) => {
            if (ack.type !== "ack") throw new Error(`turn refused: ${JSON.stringify(ack)}`);
            latencies.push(performance.now() - due);
          }),
        );
      }
      await Promise.all(turns);
    }),
  );
  return {
    offeredPerSecond: perSecond,
    achievedPerSecond: latencies.length / ((performance.now() - started) / 1000),
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    turns: latencies.length,
  };
}
