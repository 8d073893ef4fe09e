import type { EmotionReading } from "../assistant/emotion.js";
import { HOUR } from "../clock.js";
import type { Priority } from "./handoff.js";
import { foldForMatching } from "./human-request.js";

/**
 * The automatic priority of a follow-up task (README "Escalation"), as points:
 *
 * | signal                                                   | points |
 * |----------------------------------------------------------|--------|
 * | frustrated (+1 more when strongly, score ≥ 0.8)           | +2/+3  |
 * | urgent mood                                              | +2     |
 * | frustrated again (2+ frustrated messages in a row)       | +1     |
 * | a serious keyword (fraud, legal, chargeback, security…)  | +3     |
 * | waited ≥ 2 h since the conversation opened (≥ 24 h: +2)  | +1/+2  |
 * | plan Professional or above (rank ≥ 20)                   | +1     |
 * | happy customer                                           | −1     |
 * | free plan (rank 0)                                       | −1     |
 *
 * 4 or more → urgent, 2–3 → high, 0–1 → normal, below 0 → low. Each point comes with its reason, shown
 * on the task, so an agent can see why a task is urgent.
 */
export interface PriorityInput {
  emotion: EmotionReading | null;
  frustratedInRow: number;
  text: string;
  waitedMs: number;
  planRank: number | null;
}

export interface PriorityDecision {
  priority: Priority;
  points: number;
  reasons: string[];
}

const SERIOUS_KEYWORDS = [
  "fraud",
  "scam",
  "lawyer",
  "legal action",
  "chargeback",
  "stolen",
  "hacked",
  "security breach",
  "data breach",
  "fraude",
  "arnaque",
  "avocat",
  "plainte",
  "pirate",
  "vol de",
  "estafa",
  "abogado",
  "denuncia",
  "robado",
  "betrug",
  "anwalt",
  "anzeige",
  "gehackt",
  "truffa",
  "avvocato",
  "golpe",
  "advogado",
  "oplichting",
  "advocaat",
  "oszustwo",
  "prawnik",
  "dolandırıcılık",
  "avukat",
  "احتيال",
  "محامي",
  "诈骗",
  "律师",
  "詐欺",
  "弁護士",
].map(foldForMatching);

export const PROFESSIONAL_RANK = 20;

export function followUpPriority(input: PriorityInput): PriorityDecision {
  let points = 0;
  const reasons: string[] = [];
  const add = (amount: number, reason: string) => {
    points += amount;
    reasons.push(`${amount > 0 ? "+" : ""}${amount} ${reason}`);
  };
  const mood = input.emotion?.emotion ?? "neutral";
  const strength = input.emotion?.score ?? 0;
  if (mood === "frustrated")
    add(strength >= 0.8 ? 3 : 2, strength >= 0.8 ? "strongly frustrated" : "frustrated");
  if (mood === "urgent") add(2, "urgent");
  if (input.frustratedInRow >= 2) add(1, "frustrated again");
  if (mood === "happy") add(-1, "happy");
  const folded = foldForMatching(input.text);
  const keyword = SERIOUS_KEYWORDS.find((word) => folded.includes(word));
  if (keyword !== undefined) add(3, `serious keyword "${keyword}"`);
  if (input.waitedMs >= 24 * HOUR) add(2, "waited 24 h or more");
  else if (input.waitedMs >= 2 * HOUR) add(1, "waited 2 h or more");
  if (input.planRank !== null && input.planRank >= PROFESSIONAL_RANK) add(1, "Professional plan or above");
  if (input.planRank === 0) add(-1, "free plan");
  const priority: Priority = points >= 4 ? "urgent" : points >= 2 ? "high" : points >= 0 ? "normal" : "low";
  return { priority, points, reasons };
}
