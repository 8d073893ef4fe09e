/**
 * Where a LutinGénie thread lives in Slack. A DM is one thread per DM channel (its id, `D…`), answered in
 * the DM itself; a conversation started by a mention in a channel is `${channel}:${root ts}` and answered
 * in that Slack thread. Slack ids and timestamps never contain ":", so the key splits back unambiguously.
 */
export interface SlackAddress {
  channel: string;
  /** The root message of the Slack thread to answer in; absent for a DM. */
  threadTs?: string;
}

export function threadKeyOf(address: SlackAddress): string {
  return address.threadTs === undefined ? address.channel : `${address.channel}:${address.threadTs}`;
}

export function addressOf(thread: string): SlackAddress {
  const separator = thread.indexOf(":");
  if (separator < 0) return { channel: thread };
  return { channel: thread.slice(0, separator), threadTs: thread.slice(separator + 1) };
}

/** Slack's `ts` ("1712345678.000200") as milliseconds since the epoch. */
export function millisecondsOf(ts: string): number | null {
  const seconds = Number(ts);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.round(seconds * 1000) : null;
}
