/**
 * One server of the cross-process desk test (desk-across-processes.test.ts): the real web server with the
 * escalation store and the desk feed on PostgreSQL, in a process of its own. Prints "url URL" once it
 * listens; stops on SIGTERM. Arguments: the database URL, the server's name on the feed.
 */
import { startTestServer } from "@lutingenie/adapter-web/testing";
import { openPostgresDeskFeed } from "./postgres-desk-feed.js";
import { openPostgresEscalationStore } from "./postgres-escalation-store.js";

const [url, name] = process.argv.slice(2);
if (url === undefined || name === undefined) {
  console.error("usage: desk-server-child.ts DATABASE_URL NAME");
  process.exit(2);
}
const escalationStore = await openPostgresEscalationStore({ connectionString: url });
const deskFeed = await openPostgresDeskFeed({ connectionString: url, instance: name });
const server = await startTestServer({}, { escalationStore, deskFeed, receiptTimeoutMs: 3_000 });
process.stdout.write(`url ${server.url}\n`);
process.once("SIGTERM", () => {
  void (async () => {
    await server.cleanup();
    await deskFeed.close();
    await escalationStore.close();
    process.exit(0);
  })();
});
