import { request as httpRequest } from "node:http";
import { fuzzRuns } from "@lutingenie/core/testing";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { RawWebSocket } from "./testing/raw-websocket.js";
import {
  recordingLogger,
  startTestServer,
  TEST_ADMIN_TOKEN,
  TEST_AGENT_TOKENS,
} from "./testing/test-server.js";

/**
 * The standing fuzz suite of the web channel's entries (issue 13): random frames, sizes, encodings, close
 * codes and JSON shapes on the widget and console sockets, random requests on the HTTP routes. One real
 * server takes every case; after each property it must still serve, it answered 4xx (never 5xx, never
 * silence), logged one line per refused frame, and no customer text reached the log.
 * `npm test` runs fuzzRuns' base counts (8,000 cases here); `npm run fuzz` ten times as many.
 */
const KEY = "demo-shop-widget";
/** Put in every generated text: it must never appear in a log line. */
const MARKER = "FUZZ-CUSTOMER-TEXT";
const WIDGET_ERROR_CODES = [
  "MESSAGE_INVALID",
  "MESSAGE_TOO_LONG",
  "RATE_LIMITED",
  "HELLO_REQUIRED",
  "HELLO_REPEATED",
  "IDENTITY_INVALID",
  "IDENTITY_NOT_CONFIGURED",
  "CONTACT_REFUSED",
  "UNAVAILABLE",
];

type Frame = { type: string; [field: string]: unknown };

/** A ws client socket that records every frame, with ping/pong as a barrier (frames are answered in order). */
class RecordingSocket {
  readonly frames: Frame[] = [];
  #nonJson = 0;
  #pongs: Array<() => void> = [];
  private constructor(readonly socket: WebSocket) {
    socket.on("message", (data) => {
      let frame: Frame;
      try {
        frame = JSON.parse(data.toString()) as Frame;
      } catch {
        this.#nonJson += 1;
        return;
      }
      this.frames.push(frame);
      if (frame.type === "pong") this.#pongs.shift()?.();
    });
    socket.on("error", () => undefined);
    // One listener for every waiting barrier: a closed socket answers no ping.
    socket.once("close", () => {
      for (const resolve of this.#pongs.splice(0)) resolve();
    });
  }
  get nonJson() {
    return this.#nonJson;
  }
  static async open(url: string): Promise<RecordingSocket> {
    const socket = new WebSocket(url, { origin: url.replace(/^ws/, "http").replace(/\/ws\/.*$/, "") });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    return new RecordingSocket(socket);
  }
  get open() {
    return this.socket.readyState === WebSocket.OPEN;
  }
  send(text: string) {
    this.socket.send(text);
  }
  /** Resolves once every frame sent before it was handled (the widget answers pings in order), or at close. */
  barrier(): Promise<void> {
    if (!this.open) return Promise.resolve();
    return new Promise((resolve) => {
      this.#pongs.push(resolve);
      this.socket.send('{"type":"ping"}');
    });
  }
}

/** Near-valid JSON frames: real types with random fields, plus anything at all. */
const jsonValue = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }).map((text) => `${MARKER}${text}`),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.array(fc.integer(), { maxLength: 4 }),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 }),
);
/** The fields each well-formed frame type carries (widget and console protocols). */
const fieldsOf: Record<string, string[]> = {
  message: ["id", "text"],
  resolve: ["id"],
  close: ["id"],
  receipt: ["key"],
  active: ["requestId", "isActive"],
  accept: ["requestId", "handoff"],
  decline: ["requestId", "handoff"],
  end: ["requestId", "handoff", "how"],
  reply: ["requestId", "handoff", "id", "text"],
  assign: ["requestId", "followUp"],
  done: ["requestId", "followUp"],
  open: ["requestId", "handoff"],
  search: ["requestId", "query"],
  note: ["requestId", "handoff", "id", "text"],
  transfer: ["requestId", "handoff", "to"],
  canned: ["requestId", "language"],
  typing: ["handoff", "on"],
  answer: ["requestId", "followUp", "via", "id", "text", "subject"],
};
const frameOf = (types: readonly string[], fields: readonly string[]) =>
  fc.oneof(
    {
      weight: 6,
      arbitrary: fc
        .record({
          type: fc.oneof(fc.constantFrom(...types), fc.string({ maxLength: 8 })),
          extra: fc.dictionary(fc.constantFrom(...fields, "__proto__", "constructor", "x"), jsonValue, {
            maxKeys: 4,
          }),
        })
        .map(({ type, extra }) => JSON.stringify({ type, ...extra })),
    },
    { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
    // Well-formed frames, so cases also reach the assistant, the desk and the counting behind them.
    {
      weight: 3,
      arbitrary: fc
        .record({
          type: fc.constantFrom(...types),
          id: fc.stringMatching(/^[A-Za-z0-9:_-]{1,12}$/),
          text: fc
            .constantFrom("Where is my order?", "#12345", "thanks, that solved it", "I want a human", "ok")
            .map((text) => `${text} ${MARKER}`),
          requestId: fc.stringMatching(/^[a-z0-9]{1,8}$/),
          handoff: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
          followUp: fc.stringMatching(/^[a-z0-9-]{1,12}$/),
          isActive: fc.boolean(),
          how: fc.constantFrom("closed", "resolved"),
          key: fc.stringMatching(/^reply:[a-z0-9-]{1,12}$/),
          query: fc.oneof(
            fc.constantFrom("", "order", "ORDER", "fr", "é"),
            fc.string({ maxLength: 300 }).map((text) => `${MARKER}${text}`),
          ),
          to: fc.constantFrom("ana", "bruno", "nobody", "__proto__"),
          language: fc.oneof(fc.constantFrom("en", "fr", "zz"), fc.string({ maxLength: 4 })),
          on: fc.boolean(),
          via: fc.constantFrom("email", "thread"),
          subject: fc.constant(MARKER),
        })
        .map(({ type, ...fields }) => {
          const kept: Record<string, unknown> = { type };
          for (const field of fieldsOf[type] ?? []) kept[field] = fields[field as keyof typeof fields];
          return JSON.stringify(kept);
        }),
    },
    { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc
        .nat({ max: 12_000 })
        .map((length) =>
          JSON.stringify({ type: "message", id: "long", text: `${MARKER}${"é".repeat(length)}` }),
        ),
    },
  );

describe("web entries under random input", () => {
  const recorded = recordingLogger();
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer(
      // Limits that let most cases reach the code behind them (the limits themselves are cases too).
      {
        limits: {
          ipConnectionsPerMinute: 1_000_000,
          ipMessagesPerMinute: 1_000_000,
          visitorMessagesPerMinute: 30,
        },
      },
      { logger: recorded.logger, receiptTimeoutMs: 500 },
    );
  });
  afterAll(async () => {
    await server.cleanup();
  });
  const refusedLines = (entry: string) =>
    recorded.lines.filter(
      (line) => line.includes('"websocket frame refused"') && line.includes(`"entry":"${entry}"`),
    ).length;
  const stillServes = async () => {
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(recorded.lines.join("\n")).not.toContain(MARKER);
    expect(recorded.lines.some((line) => line.includes('"level":"error"'))).toBe(false);
  };

  it("widget socket: every refused frame gets one error frame with a known code and one log line", async () => {
    const sockets: RecordingSocket[] = [];
    /** Every socket of the property, also those the server closed and a case replaced. */
    const opened: RecordingSocket[] = [];
    const socketFor = async (index: number) => {
      const existing = sockets[index];
      if (existing?.open) return existing;
      const socket = await RecordingSocket.open(`${server.url.replace(/^http/, "ws")}/ws/widget?key=${KEY}`);
      // Half the sockets say hello first, so messages reach the assistant; the others are refused.
      if (index % 2 === 0) {
        socket.send(JSON.stringify({ type: "hello" }));
        await socket.barrier();
      }
      sockets[index] = socket;
      opened.push(socket);
      return socket;
    };
    const before = refusedLines("widget");
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 11 }),
        frameOf(
          ["hello", "message", "resolve", "close", "receipt", "ping", "typing"],
          ["id", "text", "visitor", "token", "customer", "key", "ok"],
        ),
        async (index, frame) => {
          const socket = await socketFor(index);
          socket.send(frame);
          await socket.barrier();
        },
      ),
      { numRuns: fuzzRuns(3_000) },
    );
    // Turns still running answer late (later still on a loaded machine): wait until no frame has arrived
    // for 700 ms, at most 15 s, before counting.
    const frameCount = () => opened.reduce((sum, socket) => sum + socket.frames.length, 0);
    for (let seen = -1, waited = 0; seen !== frameCount() && waited < 15_000; waited += 700) {
      seen = frameCount();
      await new Promise((resolve) => setTimeout(resolve, 700));
    }
    const frames = opened.flatMap((socket) => socket.frames);
    const errors = frames.filter((frame) => frame.type === "error");
    for (const error of errors) {
      expect(WIDGET_ERROR_CODES).toContain(error.code);
      expect(typeof error.message).toBe("string");
    }
    expect(opened.reduce((sum, socket) => sum + socket.nonJson, 0)).toBe(0);
    const refusedFrames = errors.filter((error) => error.code !== "UNAVAILABLE").length;
    expect(refusedLines("widget") - before).toBe(refusedFrames);
    expect(errors.some((error) => error.code === "UNAVAILABLE")).toBe(false);
    // Cases reached the assistant: some messages were answered and acknowledged.
    expect(frames.filter((frame) => frame.type === "ack").length).toBeGreaterThan(20);
    for (const socket of sockets) socket?.socket.close();
    await stillServes();
  });

  it("console socket: signed in or not, every refused frame gets one error and one log line; commands get a result", async () => {
    const sockets: RecordingSocket[] = [];
    /** Every socket of the property, also those the server closed and a case replaced. */
    const opened: RecordingSocket[] = [];
    const socketFor = async (index: number) => {
      const existing = sockets[index];
      if (existing?.open) return existing;
      const socket = await RecordingSocket.open(`${server.url.replace(/^http/, "ws")}/ws/agent`);
      if (index % 2 === 0)
        socket.send(
          JSON.stringify({
            type: "auth",
            token: index % 4 === 0 ? TEST_AGENT_TOKENS.ana : TEST_AGENT_TOKENS.bruno,
          }),
        );
      sockets[index] = socket;
      opened.push(socket);
      return socket;
    };
    const before = refusedLines("agent");
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 7 }),
        frameOf(
          [
            "auth",
            "heartbeat",
            "snapshot",
            "active",
            "accept",
            "decline",
            "end",
            "reply",
            "assign",
            "done",
            "open",
            "search",
            "note",
            "transfer",
            "canned",
            "typing",
            "answer",
          ],
          [
            "token",
            "requestId",
            "handoff",
            "followUp",
            "isActive",
            "how",
            "id",
            "text",
            "query",
            "to",
            "language",
            "on",
            "via",
            "subject",
          ],
        ),
        async (index, frame) => {
          const socket = await socketFor(index);
          socket.send(frame);
          // The console has no ping: a little time lets the server answer before the next frame.
          await new Promise((resolve) => setImmediate(resolve));
        },
      ),
      { numRuns: fuzzRuns(2_000) },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const frames = opened.flatMap((socket) => socket.frames);
    expect(refusedLines("agent") - before).toBe(frames.filter((frame) => frame.type === "error").length);
    expect(frames.some((frame) => frame.type === "result")).toBe(true);
    for (const frame of frames)
      expect(["welcome", "snapshot", "desk", "error", "result", "post", "typing"]).toContain(frame.type);
    for (const frame of frames.filter((candidate) => candidate.type === "error"))
      expect(typeof frame.problem).toBe("string");
    for (const socket of sockets) socket?.socket.close();
    await stillServes();
  });

  it("contact frames for a real follow-up task: any e-mail and name is saved valid or refused with one error, never logged", async () => {
    // A server of its own with no visitor rate limit, so every case reaches the contact's checks.
    const own = await startTestServer(
      {
        limits: {
          ipConnectionsPerMinute: 1_000_000,
          ipMessagesPerMinute: 1_000_000,
          visitorMessagesPerMinute: 1_000_000,
        },
      },
      { logger: recorded.logger },
    );
    try {
      const url = `${own.url.replace(/^http/, "ws")}/ws/widget?key=${KEY}`;
      let socket = await RecordingSocket.open(url);
      socket.send(JSON.stringify({ type: "hello" }));
      socket.send(JSON.stringify({ type: "message", id: "ask-1", text: "I want to talk to a human" }));
      const noticeOf = (frames: Frame[]) =>
        frames.find((frame) => frame.type === "reply" && frame.contactRequest);
      await expect.poll(() => noticeOf(socket.frames), { timeout: 15_000 }).toBeDefined();
      const request = noticeOf(socket.frames)?.contactRequest as { followUp?: string } | undefined;
      const followUp = String(request?.followUp);
      const welcome: Frame = socket.frames.find((frame) => frame.type === "welcome") ?? { type: "none" };
      const answers: Frame[] = [];
      let sequence = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.emailAddress().map((email) => email.slice(0, 300)),
            fc.string({ maxLength: 300 }).map((text) => `${MARKER}${text}`),
            fc.constant(`${MARKER}@example.com`),
            fc.string({ unit: "grapheme", maxLength: 80 }).map((text) => `${text}@example.org`),
          ),
          fc.option(fc.oneof(fc.string({ maxLength: 120 }), fc.string({ unit: "binary", maxLength: 40 })), {
            nil: undefined,
          }),
          async (email, name) => {
            sequence += 1;
            const id = `fz-${sequence}`;
            const frame = JSON.stringify({
              type: "contact",
              id,
              followUp,
              email,
              ...(name === undefined ? {} : { name }),
            });
            const answered = () => socket.frames.some((candidate) => candidate.id === id);
            // A socket closed for too many refusals (1008) drops what was sent meanwhile: the same visitor
            // comes back with its token and sends the frame again.
            for (let attempt = 0; attempt < 3 && !answered(); attempt += 1) {
              if (!socket.open) {
                answers.push(
                  ...socket.frames.filter(
                    (candidate) => candidate.type === "ack" || candidate.type === "error",
                  ),
                );
                socket = await RecordingSocket.open(url);
                socket.send(
                  JSON.stringify({ type: "hello", visitor: welcome.visitor, token: welcome.token }),
                );
              }
              socket.send(frame);
              // A saved contact is acknowledged once core stored it, after the ping's pong: wait for it.
              const deadline = Date.now() + 5_000;
              while (socket.open && !answered() && Date.now() < deadline)
                await new Promise((resolve) => setTimeout(resolve, 2));
            }
          },
        ),
        { numRuns: fuzzRuns(400) },
      );
      answers.push(...socket.frames.filter((frame) => frame.type === "ack" || frame.type === "error"));
      const contactAnswers = answers.filter((frame) => String(frame.id ?? "").startsWith("fz-"));
      // One answer per case (a frame dropped by a closing socket was sent again, and answered once).
      expect(new Set(contactAnswers.map((answer) => answer.id)).size).toBe(sequence);
      expect(contactAnswers).toHaveLength(sequence);
      for (const answer of contactAnswers)
        if (answer.type === "ack") expect(answer.status).toBe("contact_saved");
        else expect(answer.code).toBe("MESSAGE_INVALID");
      expect(contactAnswers.some((answer) => answer.type === "ack")).toBe(true);
      const task = (await own.runtime.escalation.listFollowUps("demo-shop")).find(
        (entry) => entry.id === followUp,
      );
      const kept = task?.customerContact;
      expect(kept).toBeDefined();
      expect(kept?.email.length).toBeLessThanOrEqual(254);
      expect(kept?.email).toMatch(/^[^\s@]+@[^\s@]+$/);
      // One line: no character below U+0020 and no DEL.
      expect([...(kept?.name ?? "")].every((character) => character >= " " && character !== "\u007f")).toBe(
        true,
      );
      socket.socket.close();
      expect(recorded.lines.join("\n")).not.toContain(MARKER);
    } finally {
      await own.cleanup();
    }
  });

  it("raw frames: any opcode, flag, length, byte and close code closes at most that socket", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(`/ws/widget?key=${KEY}`, "/ws/agent", "/ws/nothing", `/ws/widget?key=wrong`),
        fc.array(
          fc.record({
            opcode: fc.nat({ max: 15 }),
            fin: fc.boolean(),
            mask: fc.boolean(),
            payload: fc.oneof(
              fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
              fc.nat({ max: 0xffff }).map((code) => Buffer.from([code >> 8, code & 0xff])),
              fc.nat({ max: 90_000 }).map((length) => Buffer.alloc(length, 0x41)),
            ),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        async (path, frames) => {
          const socket = await RawWebSocket.open(`${server.url}${path}`, { Origin: server.url });
          for (const frame of frames)
            socket.frame(frame.opcode, frame.payload, { fin: frame.fin, mask: frame.mask });
          await socket.waitClosed(50);
          socket.destroy();
        },
      ),
      { numRuns: fuzzRuns(1_000) },
    );
    await stillServes();
  });

  it("HTTP: any method, path, content type, charset, encoding and body is answered 2xx–4xx, never 5xx", async () => {
    const paths = [
      "/api/admin/test-chat",
      "/api/admin/test-chat/messages",
      "/api/admin/packs",
      "/api/admin/plan",
      "/api/admin/enchantments",
      "/api/admin/usage",
      "/api/admin/history",
      "/api/admin/history.csv",
      "/api/admin/periods",
      "/api/admin/conversations/conv_x",
      "/api/widget/config",
      "/api/health",
      "/vendor/__proto__",
      "/vendor/uplot.js",
      "/constructor",
      "/demo",
      "/widget.js",
      "/api/%E0%A4%A",
      "/..%2f..%2fetc/passwd",
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("GET", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "HEAD"),
        fc.constantFrom(...paths),
        fc.string({ maxLength: 30 }).map(encodeURIComponent),
        fc.constantFrom(
          undefined,
          "application/json",
          "application/json; charset=utf-8",
          "application/json; charset=latin1",
          "application/json; charset=klingon",
          "text/plain",
          "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x",
        ),
        fc.constantFrom(undefined, "gzip", "deflate", "br", "zstd-9000", "identity"),
        fc.constantFrom(
          undefined,
          `Bearer ${TEST_ADMIN_TOKEN}`,
          "Bearer wrong-token-0123456789",
          "Basic YWRtaW46YWRtaW4=",
        ),
        fc.oneof(
          fc.jsonValue().map((value) => JSON.stringify(value)),
          fc
            .record({
              session: jsonValue,
              id: jsonValue,
              text: jsonValue,
              origin: fc.constantFrom("test", "preview", "live"),
              count: jsonValue,
              plan: jsonValue,
            })
            .map((value) => JSON.stringify(value)),
          fc.string({ unit: "binary", maxLength: 300 }).map((text) => `${MARKER}${text}`),
          fc.nat({ max: 40_000 }).map((length) => `{"text":"${MARKER}${"a".repeat(length)}"}`),
        ),
        async (method, path, query, contentType, encoding, authorization, body) => {
          const status = await new Promise<number>((resolve, reject) => {
            const headers: Record<string, string> = {};
            if (contentType !== undefined) headers["content-type"] = contentType;
            if (encoding !== undefined) headers["content-encoding"] = encoding;
            if (authorization !== undefined) headers.authorization = authorization;
            const request = httpRequest(
              `${server.url}${path}?key=${KEY}&q=${query}`,
              { method, headers, agent: false },
              (response) => {
                response.resume();
                response.on("end", () => resolve(response.statusCode ?? 0));
              },
            );
            request.setTimeout(10_000, () => request.destroy(new Error("no answer in 10 s")));
            request.on("error", reject);
            if (method !== "GET" && method !== "HEAD") request.write(body);
            request.end();
          });
          expect(status).toBeGreaterThanOrEqual(200);
          expect(status).toBeLessThan(500);
        },
      ),
      { numRuns: fuzzRuns(2_000) },
    );
    await stillServes();
  });
});
