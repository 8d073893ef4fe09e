import { describe, expect, it } from "vitest";
import { ThreadQueue } from "./thread-queue.js";

/** A task that finishes when told to, and records when it started and ended. */
function controlled(log: string[], name: string) {
  let finish: (fail?: boolean) => void = () => undefined;
  const task = () =>
    new Promise<string>((resolve, reject) => {
      log.push(`start ${name}`);
      finish = (fail) => {
        log.push(`end ${name}`);
        if (fail) reject(new Error(name));
        else resolve(name);
      };
    });
  return { task, finish: (fail?: boolean) => finish(fail) };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe("thread queue", () => {
  it("runs one thread's tasks one at a time in arrival order, other threads' at once, and a failure does not stop the next", async () => {
    const queue = new ThreadQueue();
    const log: string[] = [];
    const a1 = controlled(log, "a1");
    const a2 = controlled(log, "a2");
    const a3 = controlled(log, "a3");
    const b1 = controlled(log, "b1");
    const first = queue.run("a", a1.task);
    const second = queue.run("a", a2.task);
    const third = queue.run("a", a3.task);
    const other = queue.run("b", b1.task);
    expect(queue.size).toBe(2);
    await turn();
    expect(log).toEqual(["start a1", "start b1"]);
    a1.finish(true);
    await expect(first).rejects.toThrow("a1");
    await turn();
    expect(log).toEqual(["start a1", "start b1", "end a1", "start a2"]);
    b1.finish();
    a2.finish();
    a3.finish(); // not started yet: does nothing
    await expect(other).resolves.toBe("b1");
    await expect(second).resolves.toBe("a2");
    await turn();
    a3.finish();
    await expect(third).resolves.toBe("a3");
    await queue.idle();
    expect(queue.size).toBe(0);
    expect(log.filter((line) => line.startsWith("start a"))).toEqual(["start a1", "start a2", "start a3"]);
  });

  it("idle waits for everything queued, whatever its outcome", async () => {
    const queue = new ThreadQueue();
    const log: string[] = [];
    const a = controlled(log, "a");
    void queue.run("a", a.task).catch(() => undefined);
    let idle = false;
    const waiting = queue.idle().then(() => {
      idle = true;
    });
    await turn();
    expect(idle).toBe(false);
    a.finish(true);
    await waiting;
    expect(idle).toBe(true);
    expect(queue.size).toBe(0);
  });
});
