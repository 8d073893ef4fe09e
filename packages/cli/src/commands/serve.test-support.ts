import { PassThrough } from "node:stream";
import type { RunningLutinServer } from "@lutingenie/adapter-web";
import { silentLogger } from "@lutingenie/core";
import { expect } from "vitest";
import { serve } from "./serve.js";

/** The admin token the in-process servers of the tests sign the dashboard with. */
export const TEST_SERVE_ADMIN_TOKEN = "serve-test-admin-token-0123456789abcdef";

export interface ServedInProcess {
  server: RunningLutinServer;
  printed(): string;
  /** Stops it as SIGTERM would (turns drain, stores close). */
  stop(): Promise<void>;
}

/**
 * `lutin serve` in this process on a free loopback port with `environment` (a data dir, a database URL...);
 * with `configFile` its tokens come from that file only.
 */
export async function serveInProcess(
  environment: NodeJS.ProcessEnv,
  configFile?: string,
): Promise<ServedInProcess> {
  const output = new PassThrough();
  let printed = "";
  output.on("data", (chunk: Buffer) => {
    printed += chunk.toString("utf8");
  });
  let stop: () => void = () => undefined;
  const until = new Promise<void>((resolve) => {
    stop = resolve;
  });
  let running: RunningLutinServer | undefined;
  const served = serve({
    output,
    environment: {
      PORT: "0",
      LUTIN_HOST: "127.0.0.1",
      ...(configFile === undefined ? { LUTIN_ADMIN_TOKEN: TEST_SERVE_ADMIN_TOKEN } : {}),
      ...environment,
    },
    ...(configFile === undefined ? {} : { configFile }),
    until,
    logger: silentLogger,
    onStarted: (server) => {
      running = server;
    },
  });
  served.catch(() => undefined);
  await Promise.race([expect.poll(() => running !== undefined, { timeout: 30_000 }).toBe(true), served]);
  return {
    server: running as RunningLutinServer,
    printed: () => printed,
    async stop() {
      stop();
      await served;
    },
  };
}

/** The dashboard's usage of the served tenant. */
export async function servedUsage(url: string): Promise<{ used: number; human: number }> {
  const response = await fetch(`${url}/api/admin/usage`, {
    headers: { authorization: `Bearer ${TEST_SERVE_ADMIN_TOKEN}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { used: number; human: number };
}
