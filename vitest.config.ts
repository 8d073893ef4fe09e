import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests run against the TypeScript sources of the workspace packages, not their build output.
    conditions: ["source"],
  },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "examples/**/*.test.ts", "bench/**/*.test.ts"],
    // One throwaway PostgreSQL cluster per run for the PostgreSQL store's tests (or LUTIN_TEST_DATABASE_URL).
    globalSetup: ["packages/store-postgres/src/testing/vitest-global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
