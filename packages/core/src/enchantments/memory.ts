import { defineEnchantment, type Enchantment } from "../assistant/enchantment.js";
import { MAX_WINDOW_SIZE } from "../assistant/thread-memory.js";

export interface MemoryOptions {
  /** Messages in the context window with Memory; default 50 (COUNTING.md catalog), at most 50. */
  windowSize?: number;
}

/**
 * Memory: the responder sees the last 50 messages instead of 10, and the thread keeps 50. Without it the
 * pipeline keeps 10, so the store holds no more than the window needs.
 */
export function memory(options: MemoryOptions = {}): Enchantment {
  const windowSize = Math.min(options.windowSize ?? MAX_WINDOW_SIZE, MAX_WINDOW_SIZE);
  return defineEnchantment({
    name: "memory",
    version: "1.0.0",
    order: 400,
    async run(context, next) {
      context.windowSize = windowSize;
      await next();
    },
  });
}
