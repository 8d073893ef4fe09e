import { request } from "node:http";
import { silentLogger } from "@lutingenie/core";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { createTeamsAdapter, type TeamsAdapter } from "./teams-adapter.js";
import { sendRaw } from "./testing/raw-request.js";
import { personalMessage } from "./testing/teams-activities.js";
import { startTeamsNetwork, type TeamsNetwork } from "./testing/teams-network.js";

interface Line {
  level: string;
  message: string;
  fields: Record<string, unknown> | undefined;
}

const opened: Array<{ network: TeamsNetwork; adapter: TeamsAdapter }> = [];
afterEach(async () => {
  for (const { network, adapter } of opened.splice(0)) {
    await adapter.stop();
    await network.close();
  }
});

/** An adapter on its own port with a core that records events; the log lines it wrote. */
async function startEntry(extra: Parameters<TeamsNetwork["adapterConfig"]>[0] = {}) {
  const network = await startTeamsNetwork();
  const lines: Line[] = [];
  const entry = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, fields });
  const adapter = createTeamsAdapter(
    network.adapterConfig({
      logger: { info: entry("info"), warn: entry("warn"), error: entry("error") },
      maxBodyBytes: 32 * 1024,
      ...extra,
    }),
    {},
  );
  const events: unknown[] = [];
  await adapter.start({
    receive: async (event) => {
      events.push(event);
      return { status: "placed", conversation: null, reply: null, reading: null, enchantments: [] };
    },
  });
  opened.push({ network, adapter });
  return { network, adapter, lines, events };
}

const activityBody = (network: TeamsNetwork) =>
  JSON.stringify(personalMessage(network.parties, "a:chat-entry", "QZX secret words"));

describe("the Teams front door", () => {
  it("refuses what Teams never sends with 404/405/415/413/400, one warn line each, no body text logged", async () => {
    const { network, adapter, lines, events } = await startEntry();
    const auth = network.issuer.authorization({ aud: adapter.appId, serviceurl: network.parties.serviceUrl });
    const json = { "content-type": "application/json", authorization: auth };
    const body = activityBody(network);
    const cases: Array<[string, Parameters<typeof sendRaw>[1], number]> = [
      ["other path", { method: "POST", path: "/api/other", headers: json, body }, 404],
      ["GET", { method: "GET", path: "/api/messages" }, 405],
      ["PUT", { method: "PUT", path: "/api/messages", headers: json, body }, 405],
      [
        "text/plain",
        { method: "POST", path: "/api/messages", headers: { ...json, "content-type": "text/plain" }, body },
        415,
      ],
      [
        "latin1",
        {
          method: "POST",
          path: "/api/messages",
          headers: { ...json, "content-type": "application/json; charset=latin1" },
          body,
        },
        415,
      ],
      [
        "gzip",
        { method: "POST", path: "/api/messages", headers: { ...json, "content-encoding": "gzip" }, body },
        415,
      ],
      [
        "declared too large",
        {
          method: "POST",
          path: "/api/messages",
          headers: { ...json, "content-length": String(10 * 1024 * 1024) },
        },
        413,
      ],
      [
        "too large",
        { method: "POST", path: "/api/messages", headers: json, body: `{"text":"${"x".repeat(40 * 1024)}"}` },
        413,
      ],
      ["not JSON", { method: "POST", path: "/api/messages", headers: json, body: "{ QZX" }, 400],
      ["array", { method: "POST", path: "/api/messages", headers: json, body: "[]" }, 400],
      ["null", { method: "POST", path: "/api/messages", headers: json, body: "null" }, 400],
      [
        "no type",
        {
          method: "POST",
          path: "/api/messages",
          headers: json,
          body: JSON.stringify({ ...JSON.parse(body), type: undefined }),
        },
        400,
      ],
      [
        "type not a string",
        {
          method: "POST",
          path: "/api/messages",
          headers: json,
          body: JSON.stringify({ ...JSON.parse(body), type: 7 }),
        },
        400,
      ],
      [
        "other channel",
        {
          method: "POST",
          path: "/api/messages",
          headers: json,
          body: JSON.stringify({ ...JSON.parse(body), channelId: "directlinespeech" }),
        },
        400,
      ],
      [
        "no serviceUrl",
        {
          method: "POST",
          path: "/api/messages",
          headers: json,
          body: JSON.stringify({ ...JSON.parse(body), serviceUrl: "javascript:alert(1)" }),
        },
        400,
      ],
      [
        "no conversation",
        {
          method: "POST",
          path: "/api/messages",
          headers: json,
          body: JSON.stringify({ ...JSON.parse(body), conversation: "x" }),
        },
        400,
      ],
      [
        "text not a string",
        {
          method: "POST",
          path: "/api/messages",
          headers: json,
          body: JSON.stringify({ ...JSON.parse(body), text: { QZX: 1 } }),
        },
        400,
      ],
    ];
    for (const [what, raw, status] of cases) {
      const response = await sendRaw(adapter.url, raw);
      expect(response.status, what).toBe(status);
      if (status === 405) expect(response.headers.allow).toBe("POST");
    }
    expect(lines.filter((line) => line.message === "teams request refused")).toHaveLength(cases.length);
    expect(lines.every((line) => line.level === "warn")).toBe(true);
    expect(JSON.stringify(lines)).not.toMatch(/QZX|eyJ/);
    expect(events).toEqual([]);
    // Still serving afterwards.
    expect(
      (await sendRaw(adapter.url, { method: "POST", path: "/api/messages", headers: json, body })).status,
    ).toBe(200);
  });

  it("refuses a body that streams past the limit without a declared length (413) and closes", async () => {
    const { adapter } = await startEntry();
    const status = await new Promise<number>((resolve, reject) => {
      const url = new URL(adapter.url);
      const outgoing = request(
        {
          host: url.hostname,
          port: url.port,
          path: "/api/messages",
          method: "POST",
          headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      outgoing.on("error", reject);
      for (let index = 0; index < 10; index++) outgoing.write(`"${"y".repeat(8 * 1024)}"`);
      outgoing.end();
    });
    expect(status).toBe(413);
  });

  it("answers 503 when the token's keys cannot be fetched (our side is down, not the caller's token)", async () => {
    const { network, adapter } = await startEntry({
      openIdMetadataUrl: "http://127.0.0.1:9/v1/.well-known/openidconfiguration",
    });
    const response = await network.post(
      `${adapter.url}/api/messages`,
      personalMessage(network.parties, "a:chat-keys", "hi"),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("10");
  });

  it("mounts on a host's Express app before its body parsers: 503 before start, served after, 503 after stop", async () => {
    const network = await startTeamsNetwork();
    const app = express();
    const adapter = createTeamsAdapter(network.adapterConfig({ routes: app, logger: silentLogger }), {});
    app.use(express.json());
    app.use((_request, response) => void response.status(404).json({ error: "host 404" }));
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      const activity = personalMessage(network.parties, "a:chat-mounted", "hello");
      expect((await network.post(`${base}/api/messages`, activity)).status).toBe(503);
      await adapter.start({
        receive: async () => ({
          status: "placed",
          conversation: null,
          reply: null,
          reading: null,
          enchantments: [],
        }),
      });
      expect(adapter.url).toBe("");
      expect((await network.post(`${base}/api/messages`, activity)).status).toBe(200);
      expect((await network.post(`${base}/api/messages`, activity, { authorization: null })).status).toBe(
        401,
      );
      await adapter.stop();
      expect((await network.post(`${base}/api/messages`, activity)).status).toBe(503);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await network.close();
    }
  });
});
