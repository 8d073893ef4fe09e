import type { IncomingMessage } from "node:http";

/**
 * The client's address for a raw request (a WebSocket upgrade, which express never sees), with the same
 * `trust proxy` rule express applies to its own requests: walk X-Forwarded-For from the nearest hop while
 * that hop is a trusted proxy. With trust off, the socket's address, whatever the headers claim.
 */
export function clientAddressOf(
  request: IncomingMessage,
  trustsProxy: (address: string, hop: number) => boolean,
): string {
  const socketAddress = request.socket.remoteAddress ?? "unknown";
  const header = request.headers["x-forwarded-for"];
  const forwarded = (Array.isArray(header) ? header.join(",") : (header ?? ""))
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .reverse();
  const hops = [socketAddress, ...forwarded];
  let hop = 0;
  while (hop < hops.length - 1 && trustsProxy(hops[hop] as string, hop)) hop += 1;
  return hops[hop] as string;
}
