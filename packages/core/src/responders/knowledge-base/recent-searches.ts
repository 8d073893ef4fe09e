/**
 * A bounded least-recently-used memo of search results. Customers ask the same few questions over and
 * over ("where is my order?", "merci"), and the knowledge base index never changes after the responder is
 * built, so a result keyed by the reply language and the normalized message is the result the index would
 * compute again. Long messages are rarely repeated word for word: they are not kept, so the memo stays
 * small (at most `capacity` × `maxKeyLength` characters of keys).
 */
export class RecentSearches<V> {
  readonly #entries = new Map<string, V>();
  readonly #capacity: number;
  readonly #maxKeyLength: number;

  constructor(capacity: number, maxKeyLength: number) {
    this.#capacity = capacity;
    this.#maxKeyLength = maxKeyLength;
  }

  /** The remembered value, or `compute()`'s (remembered when the key is short enough). */
  getOrCompute(key: string, compute: () => V): V {
    if (key.length > this.#maxKeyLength) return compute();
    const entries = this.#entries;
    if (entries.has(key)) {
      const value = entries.get(key) as V;
      // Map keeps insertion order: re-inserting marks the key as the most recently used.
      entries.delete(key);
      entries.set(key, value);
      return value;
    }
    const value = compute();
    entries.set(key, value);
    if (entries.size > this.#capacity) {
      const oldest = entries.keys().next().value as string;
      entries.delete(oldest);
    }
    return value;
  }

  get size(): number {
    return this.#entries.size;
  }
}
