import type { DeliveryResult, OutboundMessage } from "@lutingenie/core";
import type { WebClient } from "@slack/web-api";
import { escapeText, replyBlocks } from "./reply-blocks.js";
import { addressOf, millisecondsOf } from "./thread-address.js";

export interface DeliveryOptions {
  client: WebClient;
  /** Attempts after a 429 before giving up. */
  rateLimitRetries: number;
  /** A longer Retry-After is not waited for. */
  maxRetryAfterSeconds: number;
  sleep(milliseconds: number): Promise<void>;
  now(): number;
}

/** Slack's `error` strings, grouped by what core should make of them (C7: only a receipt counts). */
const THREAD_GONE = new Set(["channel_not_found", "is_archived", "thread_not_found", "not_in_channel"]);
const AUTH_FAILED = new Set([
  "not_authed",
  "invalid_auth",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "missing_scope",
]);
const TOO_LONG = new Set(["msg_too_long", "msg_blocks_too_long", "invalid_blocks"]);

/**
 * Posts an answer with chat.postMessage. The WebClient is built with retries off and rate-limited calls
 * rejected, so this loop alone decides: it waits Retry-After at most `rateLimitRetries` times, then gives
 * up with a retryable failure. Never throws: every refusal becomes a typed DeliveryFailure.
 */
export async function postAnswer(
  options: DeliveryOptions,
  message: OutboundMessage,
): Promise<DeliveryResult> {
  const address = addressOf(message.thread);
  const request = {
    channel: address.channel,
    // The notification text and screen readers use `text`; the blocks carry the same words and the buttons.
    text: escapeText(message.text),
    blocks: replyBlocks(message.thread, message.text, message.actions),
    unfurl_links: false,
    unfurl_media: false,
    ...(address.threadTs === undefined ? {} : { thread_ts: address.threadTs }),
  };
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await options.client.chat.postMessage(request);
      const ts = typeof response.ts === "string" ? response.ts : undefined;
      return {
        ok: true,
        deliveredAt: (ts === undefined ? null : millisecondsOf(ts)) ?? options.now(),
        ...(ts === undefined ? {} : { platformMessageId: ts }),
      };
    } catch (error) {
      const retryAfter = rateLimitOf(error);
      if (retryAfter === null) return failureOf(error);
      if (attempt >= options.rateLimitRetries || retryAfter > options.maxRetryAfterSeconds)
        return {
          ok: false,
          reason: "rate_limited",
          retryable: true,
          detail: `Slack rate-limited chat.postMessage ${attempt + 1} times (Retry-After ${retryAfter} s); the reply can be retried later`,
        };
      await options.sleep(retryAfter * 1000);
    }
  }
}

interface SlackErrorShape {
  code?: unknown;
  retryAfter?: unknown;
  statusCode?: unknown;
  data?: { error?: unknown };
}

/** Seconds to wait when the call was rate-limited (429 or `ratelimited`), else null. */
function rateLimitOf(error: unknown): number | null {
  const shape = (error ?? {}) as SlackErrorShape;
  if (shape.code === "slack_webapi_rate_limited_error")
    return typeof shape.retryAfter === "number" && shape.retryAfter >= 0 ? shape.retryAfter : 1;
  if (shape.code === "slack_webapi_platform_error" && shape.data?.error === "ratelimited") return 1;
  return null;
}

// Codes are compared as strings, not with instanceof: a second copy of @slack/web-api must still match.
function failureOf(error: unknown): DeliveryResult {
  const shape = (error ?? {}) as SlackErrorShape;
  if (shape.code === "slack_webapi_platform_error") {
    const code = typeof shape.data?.error === "string" ? shape.data.error : "unknown_error";
    if (THREAD_GONE.has(code))
      return {
        ok: false,
        reason: "thread_gone",
        retryable: false,
        detail: `Slack answered ${code}: the channel is gone, archived or the bot is not in it`,
      };
    if (AUTH_FAILED.has(code))
      return {
        ok: false,
        reason: "auth_failed",
        retryable: false,
        detail: `Slack answered ${code}: check SLACK_BOT_TOKEN and the app's scopes (chat:write), then reinstall`,
      };
    if (TOO_LONG.has(code))
      return { ok: false, reason: "too_long", retryable: false, detail: `Slack answered ${code}` };
    return {
      ok: false,
      reason: "rejected",
      retryable: code === "internal_error" || code === "fatal_error" || code === "service_unavailable",
      detail: `Slack answered ${code}`,
    };
  }
  if (shape.code === "slack_webapi_http_error") {
    const status = typeof shape.statusCode === "number" ? shape.statusCode : 0;
    return {
      ok: false,
      reason: status >= 500 || status === 0 ? "unreachable" : "rejected",
      retryable: status >= 500 || status === 0,
      detail: `Slack Web API answered HTTP ${status}`,
    };
  }
  return {
    ok: false,
    reason: "unreachable",
    retryable: true,
    detail: `Slack Web API did not answer (${error instanceof Error ? error.name : typeof error}); check the network`,
  };
}
