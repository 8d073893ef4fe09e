import { afterEach } from "vitest";
import { startTestServer } from "./test-server.js";

export type TestServer = Awaited<ReturnType<typeof startTestServer>>;

/**
 * The web tests' fixture: servers and clients started in a test are stopped after it, last first.
 * Not part of the package's `./testing` entry (it registers a vitest hook).
 */
export function testServersPerTest(): {
  start(...args: Parameters<typeof startTestServer>): Promise<TestServer>;
  /** Runs `cleanup` after the test, before what was registered earlier. */
  defer(cleanup: () => Promise<void>): void;
} {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    async start(...args) {
      const server = await startTestServer(...args);
      cleanups.push(() => server.cleanup());
      return server;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
  };
}
