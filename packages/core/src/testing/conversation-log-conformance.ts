import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DAY, ManualClock } from "../clock.js";
import {
  type ConversationLog,
  LOGGED_TEXT_LENGTH,
  type LoggedMessage,
  MESSAGES_KEPT,
} from "../conversation-log/conversation-log.js";

/*
 * The ConversationLog contract (what the dashboard shows of a conversation: issue 16, Q8), for any
 * implementation: memory, file, PostgreSQL. The factory gets the clock and the retention the log must use,
 * and must return an empty log.
 */

export interface ConversationLogUnderTest {
  log: ConversationLog;
  /** Opens the same data again after `log` was closed; give it for persistent logs (retention is tested through it). */
  reopen?: () => Promise<ConversationLog>;
  cleanup?: () => Promise<void>;
}

export const CONFORMANCE_RETENTION_MS = 30 * DAY;

const customer = (text: string, at: number): LoggedMessage => ({ from: "customer", text, at });

export function describeConversationLogConformance(
  name: string,
  factory: (clock: ManualClock, retentionMs: number) => Promise<ConversationLogUnderTest>,
): void {
  describe(`ConversationLog conformance: ${name}`, () => {
    let clock: ManualClock;
    let subject: ConversationLogUnderTest;
    const open: ConversationLog[] = [];

    beforeEach(async () => {
      clock = new ManualClock(Date.parse("2026-11-01T10:00:00Z"));
      subject = await factory(clock, CONFORMANCE_RETENTION_MS);
      open.push(subject.log);
    });

    afterEach(async () => {
      for (const log of open.splice(0)) await log.close();
      await subject.cleanup?.();
    });

    it("keeps messages in order, the tenant and the latest reading; a reading-less add keeps the previous one", async () => {
      const { log } = subject;
      await log.add("conv_a", {
        tenant: "shop",
        messages: [customer("Bonjour", 1)],
        reading: { language: "fr", emotion: "neutral" },
      });
      await log.add("conv_a", {
        tenant: "shop",
        messages: [{ from: "assistant", text: "Bonjour ! Que puis-je faire ?", at: 2 }],
      });
      expect(await log.get("conv_a")).toEqual({
        tenant: "shop",
        language: "fr",
        emotion: "neutral",
        messages: [
          customer("Bonjour", 1),
          { from: "assistant", text: "Bonjour ! Que puis-je faire ?", at: 2 },
        ],
        dropped: 0,
        updatedAt: clock.now(),
      });
      await log.add("conv_a", { tenant: "shop", reading: { language: "fr", emotion: "frustrated" } });
      expect(await log.reading("conv_a")).toEqual({ tenant: "shop", language: "fr", emotion: "frustrated" });
      expect(await log.get("conv_missing")).toBeUndefined();
      expect(await log.reading("conv_missing")).toBeUndefined();
    });

    it("reads the readings of a whole list at once, leaving out conversations it never logged", async () => {
      const { log } = subject;
      await log.add("conv_a", { tenant: "shop", reading: { language: "de", emotion: "neutral" } });
      await log.add("conv_b", { tenant: "shop", reading: { language: "es", emotion: "happy" } });
      const readings = await log.readings(["conv_b", "conv_missing", "conv_a"]);
      expect(readings.size).toBe(2);
      expect(readings.get("conv_a")).toEqual({ tenant: "shop", language: "de", emotion: "neutral" });
      expect(readings.get("conv_b")).toEqual({ tenant: "shop", language: "es", emotion: "happy" });
      expect((await log.readings([])).size).toBe(0);
    });

    it("cuts a long text with an ellipsis and keeps the latest MESSAGES_KEPT, counting the dropped", async () => {
      const { log } = subject;
      await log.add("conv_a", {
        tenant: "shop",
        messages: [customer("x".repeat(LOGGED_TEXT_LENGTH + 50), 0)],
      });
      const many = Array.from({ length: MESSAGES_KEPT + 4 }, (_, index) =>
        customer(`m${index + 1}`, index + 1),
      );
      await log.add("conv_a", { tenant: "shop", messages: many.slice(0, 10) });
      await log.add("conv_a", { tenant: "shop", messages: many.slice(10) });
      const record = await log.get("conv_a");
      expect(record?.messages).toHaveLength(MESSAGES_KEPT);
      expect(record?.dropped).toBe(5);
      expect(record?.messages[0]?.text).toBe("m5");
      expect(record?.messages.at(-1)?.text).toBe(`m${MESSAGES_KEPT + 4}`);

      await log.add("conv_long", {
        tenant: "shop",
        messages: [customer("y".repeat(LOGGED_TEXT_LENGTH + 1), 1)],
      });
      const long = (await log.get("conv_long"))?.messages[0]?.text;
      expect(long).toBe(`${"y".repeat(LOGGED_TEXT_LENGTH)}…`);
    });

    it("loses no message when many adds to one conversation run at once", async () => {
      const { log } = subject;
      await Promise.all(
        Array.from({ length: 40 }, (_, index) =>
          log.add("conv_busy", { tenant: "shop", messages: [customer(`turn ${index}`, index)] }),
        ),
      );
      const texts = (await log.get("conv_busy"))?.messages.map((message) => message.text) ?? [];
      expect([...texts].sort()).toEqual(Array.from({ length: 40 }, (_, index) => `turn ${index}`).sort());
    });

    it("keeps what it was given after a reopen, and forgets a conversation idle past the retention", async () => {
      if (subject.reopen === undefined) return; // a memory log keeps nothing across a restart
      await subject.log.add("conv_old", { tenant: "shop", messages: [customer("old", 1)] });
      clock.advance(CONFORMANCE_RETENTION_MS - DAY);
      await subject.log.add("conv_young", {
        tenant: "shop",
        messages: [customer("young", 2)],
        reading: { language: "it", emotion: "neutral" },
      });
      await subject.log.close();
      clock.advance(2 * DAY);
      const reopened = await subject.reopen();
      open.push(reopened);
      expect(await reopened.get("conv_old")).toBeUndefined();
      expect((await reopened.readings(["conv_old", "conv_young"])).has("conv_old")).toBe(false);
      expect((await reopened.get("conv_young"))?.messages).toEqual([customer("young", 2)]);
      expect(await reopened.reading("conv_young")).toEqual({
        tenant: "shop",
        language: "it",
        emotion: "neutral",
      });
      // A new message to a forgotten conversation starts it again, alone.
      await reopened.add("conv_old", { tenant: "shop", messages: [customer("again", 3)] });
      expect(await reopened.get("conv_old")).toMatchObject({ messages: [customer("again", 3)], dropped: 0 });
    });
  });
}
