/**
 * How an agent's answer to a follow-up task leaves LutinGénie when the customer is not in a chat: the
 * plugin seam for e-mail (SMTP in @lutingenie/adapter-web's smtp-sender.ts) and whatever comes next (an
 * SMS gateway, a CRM). Core composes the message; a sender only carries it.
 */
export interface OutboundEmail {
  /** The tenant it is sent for (a sender may pick a per-tenant account or From). */
  tenant: string;
  to: { address: string; name: string | null };
  subject: string;
  /** Plain text; senders must not interpret it as HTML. */
  text: string;
  /** The task's id and the answer's key: a stable Message-ID, so a resent answer threads as the same mail. */
  reference: string;
}

export type OutboundSendResult =
  | { ok: true; sentAt: number }
  /** `detail` is for the operator and the agent: what went wrong and the fix, never the text or the address. */
  | { ok: false; retryable: boolean; detail: string };

export interface OutboundSender {
  /** "smtp", "fake", …: shown to agents ("sent by smtp") and in logs. */
  readonly kind: string;
  send(email: OutboundEmail): Promise<OutboundSendResult>;
  close?(): Promise<void>;
}
