/**
 * C12: runs the tasks of one thread one at a time, in arrival order, and those of different threads
 * concurrently. util's KeyedQueue does the same for any caller; this one is cut for the counting hot
 * path, where nearly every event finds its thread idle: it keeps the task's own promise as the thread's
 * tail (one derived promise per task instead of three), which saved ~0.4 µs per event. A rejected task
 * still reaches its caller; the queue's own handlers keep it from going unhandled.
 */
export class ThreadQueue {
  readonly #tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key);
    // A rejected task must not stop the next one: it runs either way.
    const result = previous === undefined ? task() : previous.then(task, task);
    this.#tails.set(key, result);
    // Inline arrows rather than one named closure: tsx's keepNames wraps named ones in a costly __name.
    result.then(
      () => this.#release(key, result),
      () => this.#release(key, result),
    );
    return result;
  }

  #release(key: string, result: Promise<unknown>): void {
    if (this.#tails.get(key) === result) this.#tails.delete(key);
  }

  /** Threads with work queued or running. */
  get size(): number {
    return this.#tails.size;
  }

  /** Resolves when everything queued so far has finished, whatever its outcome. */
  async idle(): Promise<void> {
    while (this.#tails.size > 0) await Promise.allSettled(this.#tails.values());
  }
}
