import type { Emotion } from "../assistant/emotion.js";
import type { LanguageCode } from "../assistant/language.js";
import { foldForMatching } from "./human-request.js";

/**
 * Topics guessed from keywords when the knowledge base did not name one (an entry or flow's `topic`
 * wins). Checked in order; the first topic with a keyword in the customer's messages is taken.
 */
const TOPIC_KEYWORDS: ReadonlyArray<readonly [string, readonly string[]]> = [
  [
    "refunds",
    [
      "refund",
      "money back",
      "rembourse",
      "reembolso",
      "erstattung",
      "rimborso",
      "reembolso",
      "terugbetaling",
      "zwrot",
      "iade",
      "استرداد",
      "退款",
      "返金",
    ],
  ],
  [
    "returns",
    [
      "return",
      "retour",
      "renvoyer",
      "devolucion",
      "devolver",
      "rucksendung",
      "reso",
      "devolucao",
      "terugsturen",
      "zwrot towaru",
      "iade etmek",
      "إرجاع",
      "退货",
      "返品",
    ],
  ],
  [
    "orders",
    [
      "order",
      "commande",
      "pedido",
      "bestellung",
      "ordine",
      "encomenda",
      "bestelling",
      "zamowienie",
      "siparis",
      "طلب",
      "订单",
      "注文",
    ],
  ],
  [
    "delivery",
    [
      "delivery",
      "shipping",
      "parcel",
      "livraison",
      "colis",
      "envio",
      "entrega",
      "lieferung",
      "paket",
      "consegna",
      "levering",
      "dostawa",
      "kargo",
      "توصيل",
      "快递",
      "配送",
    ],
  ],
  [
    "billing",
    [
      "invoice",
      "bill",
      "charge",
      "payment",
      "facture",
      "paiement",
      "factura",
      "pago",
      "rechnung",
      "zahlung",
      "fattura",
      "fatura",
      "factuur",
      "faktura",
      "fatura",
      "فاتورة",
      "发票",
      "請求",
    ],
  ],
  [
    "account",
    [
      "password",
      "login",
      "log in",
      "account",
      "mot de passe",
      "compte",
      "contrasena",
      "cuenta",
      "passwort",
      "konto",
      "account",
      "wachtwoord",
      "haslo",
      "sifre",
      "كلمة المرور",
      "密码",
      "パスワード",
    ],
  ],
];

export interface LabelInput {
  topic: string | null;
  texts: readonly string[];
  language: LanguageCode;
  emotion: Emotion;
  channel: string;
  reason: string;
}

export function topicOf(topic: string | null, texts: readonly string[]): string {
  if (topic !== null && topic.length > 0) return topic;
  const folded = foldForMatching(texts.join(" \n "));
  for (const [name, keywords] of TOPIC_KEYWORDS)
    if (keywords.some((keyword) => folded.includes(foldForMatching(keyword)))) return name;
  return "general";
}

/** `topic:…`, `lang:…`, `emotion:…`, `channel:…`, `reason:…`: what agents filter and sort follow-ups by. */
export function followUpLabels(input: LabelInput): string[] {
  return [
    `topic:${topicOf(input.topic, input.texts)}`,
    `lang:${input.language}`,
    `emotion:${input.emotion}`,
    `channel:${input.channel}`,
    `reason:${input.reason}`,
  ];
}
