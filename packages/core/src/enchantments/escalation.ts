import { defineEnchantment, type Enchantment } from "../assistant/enchantment.js";
import { LOW_CONFIDENCE } from "../assistant/responder.js";
import type { TurnContext } from "../assistant/turn-context.js";
import { isOpenAt, nextOpening } from "../escalation/business-hours.js";
import type { EscalationService } from "../escalation/escalation-service.js";
import type { EscalationReason } from "../escalation/handoff.js";
import { acceptsHumanOffer, asksForHuman, foldForMatching } from "../escalation/human-request.js";
import { formatBusinessHours } from "../i18n/business-hours.js";
import type { WeeklyHours } from "../i18n/weekly-hours.js";
import { analyzedText } from "../util/analyzed-text.js";

export interface EscalationOptions {
  service: EscalationService;
  /** Frustrated messages in a row that escalate. Default 2 ("repeated frustration"). */
  frustrationThreshold?: number;
  /** "I don't know" replies in a row that escalate. Default 2. */
  lowConfidenceThreshold?: number;
  /** Formats business hours for the contact message; default `formatBusinessHours` (localized weekdays). */
  formatHours?: (hours: WeeklyHours, language: TurnContext["language"], timeZone: string) => string;
}

/** Bounds the folded-keyword cache when tenants change their keywords over a long run. */
const MAX_FOLDED_KEYWORDS = 10_000;

interface EscalationState {
  conversationId?: string;
  lowConfidenceInRow?: number;
  /** The last reply offered a person: a bare "yes" now asks for one. */
  offeredHuman?: boolean;
}

/**
 * Escalation: the customer asks for a person, is frustrated again, the responder did not know twice in a
 * row, or a tenant rule matched → the EscalationService checks who is available and either hands off
 * live or creates a follow-up task. Without Escalation (`whenDisabled`), a customer asking for a person
 * gets the tenant's contact details and business hours instead.
 *
 * When the responder has no answer (`unanswered`: the knowledge base withholds a hit below its calibrated
 * confidence, issue 17), the customer is told so and offered a person ("or shall I pass you to a
 * person?"; a "yes" then hands over); without Escalation, the "I don't know" carries the contact details.
 */
export function escalation(options: EscalationOptions): Enchantment {
  const frustrationThreshold = options.frustrationThreshold ?? 2;
  const lowConfidenceThreshold = options.lowConfidenceThreshold ?? 2;

  // Tenant keywords are configuration: fold each once, not on every message.
  const foldedKeywords = new Map<string, string>();
  const foldKeyword = (keyword: string): string => {
    let folded = foldedKeywords.get(keyword);
    if (folded === undefined) {
      if (foldedKeywords.size >= MAX_FOLDED_KEYWORDS) foldedKeywords.clear();
      folded = foldForMatching(keyword);
      foldedKeywords.set(keyword, folded);
    }
    return folded;
  };

  const reasonBefore = (context: TurnContext): EscalationReason | null => {
    if (asksForHuman(context.text)) return "asked_for_human";
    if (context.signals.frustratedInRow >= frustrationThreshold) return "repeated_frustration";
    const keywords = context.tenant.escalationKeywords;
    if (keywords.length === 0) return null;
    // The part of the message every analysis reads (analyzed-text.ts), as asksForHuman does.
    const folded = foldForMatching(analyzedText(context.text));
    if (keywords.some((keyword) => folded.includes(foldKeyword(keyword)))) return "tenant_rule";
    return null;
  };

  const handOver = async (context: TurnContext, reason: EscalationReason) => {
    const decision = await options.service.escalate(context, reason);
    context.reply = decision.reply;
    context.handledBy = decision.holder;
  };

  return defineEnchantment({
    name: "escalation",
    version: "1.0.0",
    order: 300,
    async run(context, next) {
      const state = context.stateOf("escalation") as EscalationState;
      if (state.conversationId !== context.conversation?.id) {
        state.conversationId = context.conversation?.id;
        state.lowConfidenceInRow = 0;
      }
      const accepted = state.offeredHuman === true && acceptsHumanOffer(context.text);
      state.offeredHuman = false;
      const reason = accepted ? "asked_for_human" : reasonBefore(context);
      if (reason !== null) {
        state.lowConfidenceInRow = 0;
        return handOver(context, reason);
      }
      await next();
      const reply = context.reply;
      if (reply === null || reply.notice === true) return;
      state.lowConfidenceInRow = reply.confidence < LOW_CONFIDENCE ? (state.lowConfidenceInRow ?? 0) + 1 : 0;
      if (state.lowConfidenceInRow >= lowConfidenceThreshold) {
        state.lowConfidenceInRow = 0;
        await handOver(context, "low_confidence");
      } else if (reply.unanswered === true) {
        context.reply = { ...reply, text: context.t("assistant.dontKnowWithHuman") };
        state.offeredHuman = true;
      }
    },
    async whenDisabled(context, next) {
      if (!asksForHuman(context.text)) {
        await next();
        const reply = context.reply;
        // No person to offer: the contact details are the way to one.
        if (reply?.unanswered === true && hasContact(context))
          context.reply = { ...reply, text: `${reply.text} ${contactText(context, options)}` };
        return;
      }
      context.reply = {
        text: contactText(context, options),
        confidence: 1,
        source: "escalation:contact",
        notice: true,
        toned: true,
      };
    },
  });
}

function hasContact(context: TurnContext): boolean {
  const { email, phone, url } = context.tenant.contact;
  return email !== undefined || phone !== undefined || url !== undefined;
}

function contactText(context: TurnContext, options: EscalationOptions): string {
  const tenant = context.tenant;
  const contact = [tenant.contact.email, tenant.contact.phone, tenant.contact.url]
    .filter((part) => part !== undefined)
    .join(" · ");
  const hours =
    tenant.businessHours === undefined
      ? ""
      : (options.formatHours ?? formatBusinessHours)(tenant.businessHours, context.language, tenant.timeZone);
  let text = context.t("contact.details", {
    contact: contact.length > 0 ? contact : "—",
    hours: hours.length > 0 ? hours : "—",
  });
  const now = context.clock.now();
  if (tenant.businessHours !== undefined && !isOpenAt(tenant.businessHours, tenant.timeZone, now)) {
    const opening = nextOpening(tenant.businessHours, tenant.timeZone, now);
    if (opening !== null) {
      const when = new Intl.DateTimeFormat(context.language, {
        weekday: "long",
        hour: "2-digit",
        minute: "2-digit",
        timeZone: tenant.timeZone,
      }).format(opening);
      text = `${text} ${context.t("contact.closedNow", { nextOpening: when })}`;
    }
  }
  return text;
}
