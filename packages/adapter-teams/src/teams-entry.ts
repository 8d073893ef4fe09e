import type { IncomingMessage, OutgoingHttpHeaders, RequestListener, ServerResponse } from "node:http";
import type { Logger } from "@lutingenie/core";
import { judgeActivity, type ReceivedActivity } from "./activity-verdict.js";
import { tokenProblem } from "./token-precheck.js";

/** What the entry hands on once an activity passed the front door. */
export interface TeamsTarget {
  /** Verifies the bearer token against the activity (botbuilder's validation); throws when it fails. */
  authenticate(activity: ReceivedActivity, authorization: string): Promise<unknown>;
  /** Runs the turn; resolves with the HTTP answer (an invoke's response, or 200). */
  process(authenticated: unknown, activity: ReceivedActivity): Promise<{ status: number; body?: unknown }>;
}

export interface TeamsEntryOptions {
  /** The messaging endpoint path (/api/messages). */
  path: string;
  maxBodyBytes: number;
  /** The adapter's turn runner once started; null before and after: 503. */
  target(): TeamsTarget | null;
  logger: Logger;
  /** Wall clock in ms (the token's time window); default Date.now. */
  now?: () => number;
}

/**
 * The messaging endpoint's front door, before botbuilder: POST only (405 with Allow), JSON only (415), a
 * bounded body (413), a body that is an activity botbuilder can read (400, activity-verdict.ts), then
 * the token (401 whatever way it is wrong: issuer, audience, expiry, unknown key, forged signature,
 * serviceurl claim ≠ serviceUrl; botbuilder threw plain errors for some, which its process() answered
 * 500). Only then the turn. Each refusal is one warn line with its status and a fixed problem code, never
 * the body or the token; a failure of ours is one error line with the error's kind.
 */
export function createTeamsEntry(options: TeamsEntryOptions): RequestListener {
  const now = options.now ?? Date.now;
  return (request, response) => {
    const method = (request.method ?? "").toUpperCase();
    const pathname = pathnameOf(request.url);
    const fields = {
      method: method.slice(0, 16),
      path: pathname === options.path ? pathname : "(not the Teams endpoint)",
    };
    const refuse = (
      status: number,
      problem: string,
      error: string,
      fix: string,
      headers: OutgoingHttpHeaders = {},
    ) => {
      options.logger.warn("teams request refused", { status, problem, ...fields });
      answer(response, status, { error, fix }, headers);
    };
    const fail = (problem: string, error: unknown) => {
      options.logger.error("teams request failed", {
        status: 500,
        problem,
        ...fields,
        ...errorKindOf(error),
      });
      answer(response, 500, {
        error: "the Teams activity could not be handled",
        fix: "this is a bug in LutinGénie's Teams adapter: report it with the log line",
      });
    };

    if (pathname !== options.path)
      return refuse(404, "no_route", "no Teams endpoint here", `Teams posts to ${options.path}`);
    if (method !== "POST")
      return refuse(405, "method", "POST only on this path", "Teams sends activities with POST", {
        allow: "POST",
      });
    const target = options.target();
    if (target === null)
      return answer(
        response,
        503,
        { error: "the Teams channel is not started", fix: "start the assistant with it" },
        { "retry-after": "5" },
      );
    // Mounted behind a body parser, the body is gone and reading would wait forever.
    if (request.readableEnded) return fail("body_already_read", undefined);
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
      return refuse(413, "too_large", "body too large", "a Teams activity is at most ~100 KB", {
        connection: "close",
      });

    readBody(request, options.maxBodyBytes).then(
      async (body) => {
        if (body === null)
          return refuse(413, "too_large", "body too large", "a Teams activity is at most ~100 KB", {
            connection: "close",
          });
        const verdict = judgeActivity(request.headers, body);
        if (verdict.kind === "refuse")
          return refuse(verdict.status, verdict.problem, verdict.error, verdict.fix);
        const authorization = request.headers.authorization as string;
        const malformed = tokenProblem(authorization, now());
        if (malformed !== null)
          return refuse(401, malformed.problem, "the token is not valid for this bot", malformed.fix);
        let authenticated: unknown;
        try {
          authenticated = await target.authenticate(
            verdict.activity,
            request.headers.authorization as string,
          );
        } catch (error) {
          if (isKeySourceDown(error))
            return refuse(
              503,
              "keys_unavailable",
              "the token's signing keys could not be fetched",
              "retry later",
              {
                "retry-after": "10",
              },
            );
          return refuse(
            401,
            "bad_token",
            "the token is not valid for this bot",
            "check MICROSOFT_APP_ID (the token's audience) and the messaging endpoint",
          );
        }
        try {
          const result = await target.process(authenticated, verdict.activity);
          answer(response, result.status, result.body);
        } catch (error) {
          fail("turn_failed", error);
        }
      },
      () => refuse(400, "unreadable", "request body could not be read", "retry the request"),
    );
  };
}

/**
 * botbuilder could not read the OpenID metadata or the keys (an AuthenticationError it marks 500, or the
 * fetch itself failing): our side is down, not the caller's token, so 503 and Teams retries.
 */
function isKeySourceDown(error: unknown): boolean {
  const shape = (error ?? {}) as { statusCode?: unknown; name?: unknown; type?: unknown };
  return shape.statusCode === 500 || shape.name === "FetchError" || shape.type === "system";
}

function pathnameOf(url: string | undefined): string {
  const path = url ?? "/";
  const query = path.indexOf("?");
  return query === -1 ? path : path.slice(0, query);
}

/** The error's kind only: messages can quote the input. */
export function errorKindOf(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return {};
  const code = (error as { code?: unknown }).code;
  return { error: error.name, ...(typeof code === "string" ? { code } : {}) };
}

/** The body, or null past `limit` bytes. */
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
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  if (response.headersSent) return;
  if (body === undefined) {
    response.writeHead(status, { "x-content-type-options": "nosniff", ...headers }).end();
    return;
  }
  response
    .writeHead(status, {
      "content-type": "application/json",
      "x-content-type-options": "nosniff",
      ...headers,
    })
    .end(JSON.stringify(body));
}
