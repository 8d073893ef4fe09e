import { describe, expect, it } from "vitest";
import { RecentSearches } from "./recent-searches.js";

describe("recent searches (LRU memo)", () => {
  it("computes a key once and then answers from memory, null results included", () => {
    const memo = new RecentSearches<string | null>(10, 100);
    let calls = 0;
    const compute = () => {
      calls++;
      return null;
    };
    expect(memo.getOrCompute("en\u0000refund", compute)).toBeNull();
    expect(memo.getOrCompute("en\u0000refund", compute)).toBeNull();
    expect(calls).toBe(1);
  });

  it("forgets the least recently used key past its capacity", () => {
    const memo = new RecentSearches<string>(2, 100);
    const computed: string[] = [];
    const get = (key: string) =>
      memo.getOrCompute(key, () => {
        computed.push(key);
        return key.toUpperCase();
      });
    get("a");
    get("b");
    get("a"); // "a" is now more recent than "b"
    get("c"); // evicts "b"
    expect(memo.size).toBe(2);
    get("a");
    get("b");
    expect(computed).toEqual(["a", "b", "c", "b"]);
  });

  it("never keeps keys longer than its limit", () => {
    const memo = new RecentSearches<number>(10, 5);
    let calls = 0;
    for (let round = 0; round < 3; round++) memo.getOrCompute("a long message", () => ++calls);
    expect(calls).toBe(3);
    expect(memo.size).toBe(0);
  });
});
