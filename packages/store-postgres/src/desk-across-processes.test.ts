import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import {
  AgentTestClient,
  type ServerFrame,
  TEST_AGENT_TOKENS,
  WidgetTestClient,
} from "@lutingenie/adapter-web/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "./testing/index.js";

const CHILD = join(import.meta.dirname, "desk-server-child.ts");
const ROOT = join(import.meta.dirname, "../../..");

let database: TestDatabase;
const children: ChildProcess[] = [];
const clients: Array<{ close(): Promise<void> }> = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
  await database?.drop();
});

/** A server in a process of its own; resolves with its URL once it listens. */
function serverProcess(name: string): Promise<string> {
  const child = spawn(
    process.execPath,
    ["--conditions=source", "--import", "tsx", CHILD, database.url, name],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let errors = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    errors += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = /^url (\S+)$/m.exec(output);
      if (found?.[1] !== undefined) resolve(found[1]);
    });
    child.once("exit", (code) =>
      reject(new Error(`server ${name} exited (${code}): ${errors.slice(-2_000)}`)),
    );
  });
}

const post =
  (kind: string, ref?: string) =>
  (frame: ServerFrame): boolean => {
    if (frame.type !== "post") return false;
    const body = frame.post as { kind: string; ref: string };
    return body.kind === kind && (ref === undefined || body.ref === ref);
  };

describe("the agents' desk across two server processes on one database", () => {
  it("a widget on process A, agents on A and B: one Accept wins, the other is told; the relay works both ways", async () => {
    const [a, b] = await Promise.all([serverProcess("process-a"), serverProcess("process-b")]);
    const ana = await AgentTestClient.signIn(a, TEST_AGENT_TOKENS.ana);
    const bruno = await AgentTestClient.signIn(b, TEST_AGENT_TOKENS.bruno);
    const customer = await WidgetTestClient.connect({ url: a, key: "demo-shop-widget" });
    clients.push(ana, bruno, customer);

    const anaPost = ana.next(post("handoff_requested"));
    const brunoPost = bruno.next(post("handoff_requested"));
    await customer.message("p-1", "I want to talk to a human");
    const handoff = ((await anaPost).post as { ref: string }).ref;
    expect(((await brunoPost).post as { ref: string }).ref).toBe(handoff);

    const [anaResult, brunoResult] = await Promise.all([
      ana.command({ type: "accept", handoff }),
      bruno.command({ type: "accept", handoff }),
    ]);
    expect([anaResult, brunoResult].filter((result) => result.ok === true)).toHaveLength(1);
    const loser = anaResult.ok === true ? brunoResult : anaResult;
    expect(String(loser.problem)).toMatch(/already taken by (Ana|Bruno)/);
    const winner = anaResult.ok === true ? ana : bruno;

    const line = customer.next((frame) => frame.type === "reply" && frame.author === "agent");
    expect(await winner.command({ type: "reply", handoff, id: "w1", text: "Je suis là." })).toMatchObject({
      ok: true,
    });
    expect(await line).toMatchObject({ text: "Je suis là." });
    const relayed = winner.next(post("customer_message", handoff));
    await customer.message("p-2", "Merci !");
    expect(((await relayed).post as { text: string }).text).toBe("Merci !");
  });
});
