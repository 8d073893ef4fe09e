/** Every time-dependent piece of core takes a Clock, so tests move time instead of sleeping. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests, replays and simulations. */
export class ManualClock implements Clock {
  #now: number;
  constructor(start: number | string | Date = 0) {
    this.#now = toMillis(start);
  }
  now(): number {
    return this.#now;
  }
  set(at: number | string | Date): void {
    this.#now = toMillis(at);
  }
  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }
}

export function toMillis(at: number | string | Date): number {
  if (typeof at === "number") return at;
  const millis = typeof at === "string" ? Date.parse(at) : at.getTime();
  if (Number.isNaN(millis)) throw new RangeError(`not a date: ${String(at)}`);
  return millis;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
