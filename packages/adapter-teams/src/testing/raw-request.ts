import { type Agent, request } from "node:http";

export interface RawRequest {
  method: string;
  /** Path and query, sent as given (no normalisation). */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * One HTTP request exactly as given (any method, a body on a GET, any header), which fetch does not
 * allow: the hostile requests of the entry tests. Rejects after `timeoutMs` without an answer, so a
 * request the server leaves hanging fails the test instead of stalling it.
 */
export function sendRaw(
  baseUrl: string,
  raw: RawRequest,
  options: { agent?: Agent; timeoutMs?: number } = {},
): Promise<RawResponse> {
  const base = new URL(baseUrl);
  const body = raw.body === undefined ? undefined : Buffer.from(raw.body);
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: base.hostname,
        port: base.port,
        path: raw.path,
        method: raw.method,
        headers: { ...(body === undefined ? {} : { "content-length": String(body.length) }), ...raw.headers },
        ...(options.agent === undefined ? {} : { agent: options.agent }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        response.on("error", reject);
      },
    );
    outgoing.setTimeout(timeoutMs, () =>
      outgoing.destroy(new Error(`no answer to ${raw.method} ${raw.path} within ${timeoutMs} ms`)),
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}
