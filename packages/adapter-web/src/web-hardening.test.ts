import { createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { AgentTestClient } from "./testing/agent-test-client.js";
import { type TestServer, testServersPerTest } from "./testing/per-test.js";
import { RawWebSocket } from "./testing/raw-websocket.js";
import {
  recordingLogger,
  startTestServer,
  TEST_ADMIN_TOKEN,
  TEST_AGENT_TOKENS,
} from "./testing/test-server.js";
import { WidgetTestClient } from "./testing/widget-test-client.js";

const KEY = "demo-shop-widget";
type Server = TestServer;

/** Issue 13's hostile-user findings on the web channel, each as an attack against the real server. */
describe("web channel under attack", () => {
  const { start, defer } = testServersPerTest();
  const widget = async (
    server: Server,
    options: Partial<Parameters<typeof WidgetTestClient.connect>[0]> = {},
  ) => {
    const client = await WidgetTestClient.connect({ url: server.url, key: KEY, ...options });
    defer(() => client.close());
    return client;
  };
  const raw = async (server: Server, path: string, headers: Record<string, string> = {}) => {
    const socket = await RawWebSocket.open(`${server.url}${path}`, { Origin: server.url, ...headers });
    defer(async () => socket.destroy());
    return socket;
  };
  const stillServes = async (server: Server) =>
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);

  describe("one WebSocket frame never ends the process", () => {
    it.each([
      [
        "a 70 KB frame on /ws/widget",
        "/ws/widget?key=demo-shop-widget",
        (socket: RawWebSocket) =>
          socket.text(JSON.stringify({ type: "message", id: "big-1", text: "x".repeat(70_000) })),
      ],
      [
        "a 70 KB frame on /ws/agent with no token",
        "/ws/agent",
        (socket: RawWebSocket) => socket.text(JSON.stringify({ type: "auth", token: "y".repeat(70_000) })),
      ],
      [
        "an invalid UTF-8 text frame",
        "/ws/widget?key=demo-shop-widget",
        (socket: RawWebSocket) => socket.text(Buffer.from([0x7b, 0xc3, 0x28, 0xff, 0x7d])),
      ],
      [
        "close code 1004",
        "/ws/widget?key=demo-shop-widget",
        (socket: RawWebSocket) => socket.closeWith(1004),
      ],
      ["close code 1004 on the console", "/ws/agent", (socket: RawWebSocket) => socket.closeWith(1004)],
      [
        "an unknown opcode",
        "/ws/widget?key=demo-shop-widget",
        (socket: RawWebSocket) => socket.frame(0x3, Buffer.from("?")),
      ],
      [
        "an unmasked client frame",
        "/ws/agent",
        (socket: RawWebSocket) => socket.frame(0x1, Buffer.from("{}"), { mask: false }),
      ],
    ])("%s: the socket is closed, the server goes on and logs it", async (_name, path, attack) => {
      const { logger, lines } = recordingLogger();
      const server = await start({}, { logger });
      const socket = await raw(server, path);
      expect(socket.status).toBe(101);
      attack(socket);
      expect(await socket.waitClosed()).toBe(true);
      await stillServes(server);
      // The server still takes customers.
      const client = await widget(server);
      expect(await client.message("after-attack-1", "What are your opening hours?")).toMatchObject({
        type: "ack",
      });
      await expect.poll(() => lines.some((line) => line.includes("websocket protocol error"))).toBe(true);
      expect(lines.join("\n")).not.toMatch(/xxxxxxxxxx|yyyyyyyyyy/);
    });
  });

  describe("a visitor id is not a password", () => {
    it("a second socket that claims another visitor's id, with no token or a forged one, gets a visitor of its own and none of their replies", async () => {
      const server = await start();
      const victim = await widget(server);
      expect(victim.identity.resumed).toBe(false);
      expect(victim.visitor).toMatch(/^v_[A-Za-z0-9_-]{22}$/);
      const noToken = await RawWebSocket.open(`${server.url}/ws/widget?key=${KEY}`, { Origin: server.url });
      defer(async () => noToken.destroy());
      noToken.text(JSON.stringify({ type: "hello", visitor: victim.visitor }));
      const forged = await widget(server, {
        resume: { visitor: victim.visitor, token: `v1.${"A".repeat(43)}` },
      });
      expect(forged.identity.resumed).toBe(false);
      expect(forged.visitor).not.toBe(victim.visitor);

      expect(await victim.message("secret-1", "What are your opening hours?")).toMatchObject({
        status: "answered",
      });
      expect(victim.replies).toHaveLength(1);
      expect(forged.replies).toEqual([]);
      await expect.poll(() => noToken.texts().length).toBeGreaterThan(0);
      const welcome = JSON.parse(noToken.texts()[0] ?? "{}") as { visitor?: string; resumed?: boolean };
      expect(welcome).toMatchObject({ resumed: false });
      expect(welcome.visitor).not.toBe(victim.visitor);
      expect(noToken.texts().some((text) => text.includes('"reply"'))).toBe(false);

      // The real owner comes back with the token and is resumed.
      const back = await widget(server, { resume: victim.identity });
      expect(back.identity).toMatchObject({ visitor: victim.visitor, resumed: true });
    });

    it("a token of one visitor does not open another's thread, and a restart keeps tokens valid (the secret is in the data dir, 0600)", async () => {
      const first = await startTestServer();
      const alice = await WidgetTestClient.connect({ url: first.url, key: KEY });
      const bob = await WidgetTestClient.connect({ url: first.url, key: KEY });
      const swapped = await WidgetTestClient.connect({
        url: first.url,
        key: KEY,
        resume: { visitor: alice.visitor, token: bob.identity.token },
      });
      expect(swapped.identity.resumed).toBe(false);
      for (const client of [alice, bob, swapped]) await client.close();
      const dataDir = first.dataDir;
      await first.stop();
      const { stat } = await import("node:fs/promises");
      expect((await stat(`${dataDir}/visitor-secret`)).mode & 0o777).toBe(0o600);
      // A data directory left readable by others is narrowed at start: it holds messages and tokens.
      const { chmod } = await import("node:fs/promises");
      await chmod(dataDir, 0o755);
      const second = await start({}, { dataDir });
      defer(async () => {
        const { rm } = await import("node:fs/promises");
        await rm(dataDir, { recursive: true, force: true });
      });
      expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
      const again = await widget(second, { resume: alice.identity });
      expect(again.identity).toMatchObject({ visitor: alice.visitor, resumed: true });
    });

    it("a tenant-signed customer identity gives one thread on every device; a wrong hash is refused and closed", async () => {
      const identitySecret = "tenant-identity-secret-0123456789abcdef";
      const server = await start({ identitySecret });
      const hash = (id: string) => createHmac("sha256", identitySecret).update(id).digest("hex");
      const laptop = await widget(server, { customer: { id: "customer-42", hash: hash("customer-42") } });
      const phone = await widget(server, { customer: { id: "customer-42", hash: hash("customer-42") } });
      expect(laptop.visitor).toMatch(/^c_/);
      expect(phone.visitor).toBe(laptop.visitor);
      expect(laptop.visitor).not.toContain("customer");
      // No token comes back for a customer: after a logout, the page cannot resume their thread with it.
      expect(laptop.identity.token).toBe("");
      const loggedOut = await widget(server, {
        resume: { visitor: laptop.visitor, token: laptop.identity.token || "x" },
      });
      expect(loggedOut.visitor).not.toBe(laptop.visitor);
      const other = await widget(server, { customer: { id: "customer-43", hash: hash("customer-43") } });
      expect(other.visitor).not.toBe(laptop.visitor);
      await expect(
        widget(server, { customer: { id: "customer-42", hash: hash("customer-43") } }),
      ).rejects.toMatchObject({ code: "IDENTITY_INVALID" });

      const unconfigured = await start();
      await expect(
        WidgetTestClient.connect({ url: unconfigured.url, key: KEY, customer: { id: "c", hash: hash("c") } }),
      ).rejects.toMatchObject({ code: "IDENTITY_NOT_CONFIGURED" });
    });
  });

  describe("no billing bypass", () => {
    it("new visitors who reuse another visitor's message ids are answered and each counted (C11 keys are per thread)", async () => {
      const server = await start();
      const first = await widget(server);
      expect(await first.message("m-1", "What are your opening hours?")).toMatchObject({
        status: "answered",
      });
      for (let index = 0; index < 5; index += 1) {
        const copycat = await widget(server);
        expect(await copycat.message("m-1", "What are your opening hours?")).toMatchObject({
          status: "answered",
        });
        expect(copycat.replies).toHaveLength(1);
        await copycat.close();
      }
      const usage = (await (
        await fetch(`${server.url}/api/admin/usage`, {
          headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
        })
      ).json()) as { used: number };
      expect(usage.used).toBe(6);
      // Ids the server and the console make in the same thread are not the visitor's to send first.
      for (const reserved of ["reply:m-2", "agent:ana:c-1"])
        expect(await first.message(reserved, "hello")).toMatchObject({
          type: "error",
          code: "MESSAGE_INVALID",
        });
      // The same visitor resending the same id is still one message, one reply, one count.
      const again = await widget(server, { resume: first.identity });
      expect(await again.message("m-1", "What are your opening hours?")).toMatchObject({
        status: "duplicate",
      });
    });
  });

  describe("no ghosts", () => {
    it("50 hellos on one socket leave one widget, and every extra hello is refused", async () => {
      const server = await start();
      const client = await widget(server);
      const refusals: Array<Promise<unknown>> = [];
      for (let index = 0; index < 49; index += 1) {
        refusals.push(client.next((frame) => frame.type === "error" && frame.code === "HELLO_REPEATED"));
        client.send({ type: "hello" });
      }
      await Promise.all(refusals);
      const health = (await (await fetch(`${server.url}/api/health`)).json()) as { widgets: number };
      expect(health.widgets).toBe(1);
    });

    it("a console that signs in as one agent and then another leaves the first offline", async () => {
      const server = await start();
      const isOnline = async (id: string) =>
        (await server.runtime.escalation.agentsOf("demo-shop")).find((person) => person.id === id)?.isOnline;
      const console = await AgentTestClient.signIn(server.url, TEST_AGENT_TOKENS.ana);
      defer(() => console.close());
      expect(await isOnline("ana")).toBe(true);
      console.socket.send(JSON.stringify({ type: "auth", token: TEST_AGENT_TOKENS.bruno }));
      await expect.poll(() => isOnline("bruno")).toBe(true);
      await expect.poll(() => isOnline("ana")).toBe(false);
    });
  });

  describe("bounded sockets", () => {
    it("one address may hold only so many widget sockets open, and a socket that keeps sending refused frames is closed", async () => {
      const server = await start({ limits: { ipOpenSockets: 3 } });
      const held = [
        await raw(server, `/ws/widget?key=${KEY}`),
        await raw(server, `/ws/widget?key=${KEY}`),
        await raw(server, `/ws/widget?key=${KEY}`),
      ];
      const fourth = await raw(server, `/ws/widget?key=${KEY}`);
      await expect.poll(() => fourth.closeCode()).toBe(1013);
      for (const socket of held) expect(socket.closeCode()).toBeNull();
      held[0]?.destroy();
      await held[0]?.waitClosed();
      await expect
        .poll(async () => {
          const again = await raw(server, `/ws/widget?key=${KEY}`);
          await new Promise((resolve) => setTimeout(resolve, 100));
          return again.closeCode();
        })
        .toBeNull();

      const noisy = held[1] as RawWebSocket;
      for (let index = 0; index < 60; index += 1) noisy.text("not json");
      await expect.poll(() => noisy.closeCode()).toBe(1008);
      // Told why 50 times, then closed: the frames after were not worked on.
      expect(noisy.texts().filter((text) => text.includes("MESSAGE_INVALID"))).toHaveLength(50);
      await stillServes(server);
    });
  });

  describe("HTTP answers say what is wrong, and are logged", () => {
    it.each([
      [
        "an unknown charset",
        { "content-type": "application/json; charset=klingon" },
        415,
        "CHARSET_UNSUPPORTED",
      ],
      [
        "an unknown Content-Encoding",
        { "content-type": "application/json", "content-encoding": "zstd-9000" },
        415,
        "ENCODING_UNSUPPORTED",
      ],
      ["broken JSON", { "content-type": "application/json" }, 400, "BODY_INVALID"],
    ])("%s → %s", async (_name, headers, status, code) => {
      const { logger, lines } = recordingLogger();
      const server = await start({}, { logger });
      const response = await fetch(`${server.url}/api/admin/test-chat`, {
        method: "POST",
        headers,
        body: '{"text": "a customer secret',
      });
      expect(response.status).toBe(status);
      expect(await response.json()).toMatchObject({ code });
      expect(lines.some((line) => line.includes("http request refused") && line.includes(code))).toBe(true);
      expect(lines.join("\n")).not.toContain("customer secret");
    });

    it.each([
      "/vendor/__proto__",
      "/vendor/constructor",
      "/constructor",
      "/__proto__",
      "/vendor/hasOwnProperty",
    ])("%s is 404, not 500", async (path) => {
      const server = await start();
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(404);
    });

    it("the widget's origin check does not trust the Host header (DNS rebinding)", async () => {
      const server = await start();
      const rebound = await raw(server, `/ws/widget?key=${KEY}`, {
        Origin: "http://evil.example",
        Host: "evil.example",
      });
      expect(rebound.status).toBe(403);
      const config = await new Promise<number>((resolve, reject) => {
        const request = httpRequest(
          `${server.url}/api/widget/config?key=${KEY}`,
          { headers: { origin: "http://evil.example", host: "evil.example" } },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on("error", reject);
        request.end();
      });
      expect(config).toBe(403);
      const console = await raw(server, "/ws/agent", { Origin: "http://evil.example", Host: "evil.example" });
      expect(console.status).toBe(403);
    });

    it("the public URL is one of the server's own origins", async () => {
      const server = await start({ publicUrl: "https://support.shop.example" });
      const proxied = await raw(server, `/ws/widget?key=${KEY}`, { Origin: "https://support.shop.example" });
      expect(proxied.status).toBe(101);
    });

    it.each([
      [
        "a body that never ends",
        `POST /api/admin/test-chat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TEST_ADMIN_TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`,
      ],
      ["headers that never end (slowloris)", "GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a"],
    ])("%s is cut at the request timeout instead of Node's 300 s", async (_name, sent) => {
      const server = await start({ limits: { requestTimeoutMs: 1_000 } });
      const socket = connect({ host: "127.0.0.1", port: server.port });
      defer(async () => void socket.destroy());
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.resume();
      socket.write(sent);
      const started = Date.now();
      const ended = await new Promise<boolean>((resolve) => {
        socket.once("close", () => resolve(true));
        setTimeout(() => resolve(false), 8_000);
      });
      expect(ended).toBe(true);
      expect(Date.now() - started).toBeLessThan(8_000);
    });

    it("behind a trusted proxy each client gets its own per-IP limit; untrusted, X-Forwarded-For is ignored", async () => {
      const limits = { ipConnectionsPerMinute: 2 };
      const direct = await start({ limits });
      const spoofed = async (server: Server, ip: string) =>
        (await raw(server, `/ws/widget?key=${KEY}`, { "X-Forwarded-For": ip })).status;
      expect([
        await spoofed(direct, "1.1.1.1"),
        await spoofed(direct, "2.2.2.2"),
        await spoofed(direct, "3.3.3.3"),
      ]).toEqual([101, 101, 429]);
      const proxied = await start({ limits, trustProxy: "loopback" });
      const statuses = [];
      for (const ip of ["1.1.1.1", "1.1.1.1", "2.2.2.2", "3.3.3.3", "1.1.1.1"])
        statuses.push(await spoofed(proxied, ip));
      expect(statuses).toEqual([101, 101, 101, 101, 429]);
    });
  });
});
