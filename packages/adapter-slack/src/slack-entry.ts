import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "@lutingenie/core";
import { judgeSlackRequest } from "./request-verdict.js";

export interface SlackEntryOptions {
  signingSecret: string;
  maxBodyBytes: number;
  /** Events, interactivity and the slash command: POST only. */
  eventsPath: string;
  /** The OAuth install pages (multi-workspace mode): GET only. */
  pagePaths: readonly string[];
  /** The slash command this app declares. */
  slashCommand: string;
  /** Bolt's HTTPReceiver listener once the adapter started; null before and after: 503. */
  target(): RequestListener | null;
  logger: Logger;
  /** Wall clock in ms (the timestamp window); default Date.now. */
  now?: () => number;
  onRateLimitNotice?(): void;
}

/**
 * The Slack routes' front door, in front of Bolt's HTTPReceiver. Bolt was written for Slack's own
 * requests: a GET on the events path threw (500 when mounted on Express, an uncaught exception on the
 * adapter's own server), a signed body that was not an object crashed the process, a future timestamp
 * passed. Here every request gets a definite answer before Bolt sees it: 405 with `Allow` for a wrong
 * method, 404 off our routes, 415/413 for bodies Slack never sends, 401 unless signed within ±5 minutes,
 * 400 unless the body has the shape Bolt reads (request-verdict.ts). Each refusal is one log line with
 * its status and a fixed problem code (never the body, a header value or the query); each 500 is one
 * error line.
 */
export function createSlackEntry(options: SlackEntryOptions): RequestListener {
  const now = options.now ?? Date.now;
  return (request, response) => {
    const method = (request.method ?? "").toUpperCase();
    const pathname = pathnameOf(request.url);
    const known = pathname === options.eventsPath || options.pagePaths.includes(pathname);
    // Only our own paths are logged as they are: another one is the caller's text.
    const fields = { method: method.slice(0, 16), path: known ? pathname : "(not a Slack route)" };
    const refuse = (
      status: number,
      problem: string,
      error: string,
      fix: string,
      headers: OutgoingHttpHeaders = {},
    ) => {
      options.logger.warn("slack request refused", { status, problem, ...fields });
      answer(response, status, { error, fix }, headers);
    };
    const fail = (problem: string, error: unknown, fix: string) => {
      options.logger.error("slack request failed", {
        status: 500,
        problem,
        ...fields,
        ...errorKindOf(error),
      });
      answer(response, 500, { error: "the Slack request could not be handled", fix });
    };
    const forward = (target: RequestListener) => {
      try {
        target(request, response);
      } catch (error) {
        fail("receiver_threw", error, BUG_FIX);
      }
    };

    if (!known) return refuse(404, "no_route", "no Slack route here", "Slack posts to /slack/events");
    const allowed = pathname === options.eventsPath ? "POST" : "GET";
    if (method !== allowed)
      return refuse(
        405,
        "method",
        `${allowed} only on this path`,
        pathname === options.eventsPath
          ? "Slack sends events, interactions and commands with POST"
          : "open the install page in a browser",
        { allow: allowed },
      );
    const target = options.target();
    if (target === null)
      return answer(
        response,
        503,
        { error: "the Slack channel is not started", fix: "start the assistant with it" },
        { "retry-after": "5" },
      );
    if (allowed === "GET") return forward(target);

    // Mounted behind a body parser (express.json() before the Slack routes), the bytes Slack signed are
    // gone and reading would wait forever: say so instead.
    if (request.readableEnded)
      return fail("body_already_read", undefined, "mount the Slack routes before any body parser");
    const encoding = String(request.headers["content-encoding"] ?? "identity")
      .trim()
      .toLowerCase();
    if (encoding !== "identity" && encoding !== "")
      return refuse(
        415,
        "content_encoding",
        "compressed bodies are not accepted",
        "send the body uncompressed",
      );
    const declared = Number(request.headers["content-length"] ?? 0);
    if (declared > options.maxBodyBytes)
      return refuse(413, "too_large", "body too large", "Slack never sends bodies this large", {
        connection: "close",
      });

    readBody(request, options.maxBodyBytes).then(
      (body) => {
        if (body === null)
          return refuse(413, "too_large", "body too large", "Slack never sends bodies this large", {
            connection: "close",
          });
        const verdict = judgeSlackRequest({
          headers: request.headers,
          body,
          signingSecret: options.signingSecret,
          now: now(),
          slashCommand: options.slashCommand,
        });
        switch (verdict.kind) {
          case "refuse":
            return refuse(verdict.status, verdict.problem, verdict.error, verdict.fix);
          case "ssl_check":
          case "ignore":
            return answer(response, 200, { ok: true });
          case "rate_limit_notice":
            // Slack tells the app it is dropping events; nothing to process, only to say so.
            options.onRateLimitNotice?.();
            return answer(response, 200, { ok: true });
          case "forward":
            // Bolt reuses `rawBody` instead of reading the stream again, and compares the type exactly.
            (request as IncomingMessage & { rawBody?: Buffer }).rawBody = body;
            request.headers["content-type"] = verdict.contentType;
            return forward(target);
        }
      },
      () => refuse(400, "unreadable", "request body could not be read", "retry the request"),
    );
  };
}

function pathnameOf(url: string | undefined): string {
  const path = url ?? "/";
  const query = path.indexOf("?");
  return query === -1 ? path : path.slice(0, query);
}

/**
 * Bolt threw while dispatching a request the front door let through (a shape request-shapes.ts does not
 * know yet): one error line with the error's kind only, and a 500 if nothing was answered yet. True: the
 * request counts as answered, so Bolt's 3 s no-ack timer stops.
 */
export async function answerBoltFailure(
  logger: Logger,
  error: unknown,
  response: ServerResponse,
): Promise<boolean> {
  if (response.headersSent) {
    logger.error("slack listener failed after the answer", errorKindOf(error));
    return true;
  }
  logger.error("slack request failed", { status: 500, problem: "bolt_threw", ...errorKindOf(error) });
  answer(response, 500, { error: "the Slack request could not be handled", fix: BUG_FIX });
  return true;
}

const BUG_FIX = "this is a bug in LutinGénie's Slack adapter: report it with the log line";

/** The error's kind only: messages can quote the input (JSON.parse's do). */
export function errorKindOf(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return {};
  const code = (error as { code?: unknown }).code;
  return { error: error.name, ...(typeof code === "string" ? { code } : {}) };
}

/** The body, or null past `limit` bytes (the rest is not kept; Node discards it once we answer). */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        request.off("data", onData);
        request.resume();
        resolve(null);
      }
    };
    request.on("data", onData);
    request.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function answer(
  response: ServerResponse,
  status: number,
  body: Record<string, unknown>,
  headers: OutgoingHttpHeaders = {},
): void {
  if (response.headersSent) return;
  response
    .writeHead(status, {
      "content-type": "application/json",
      "x-content-type-options": "nosniff",
      ...headers,
    })
    .end(JSON.stringify(body));
}
