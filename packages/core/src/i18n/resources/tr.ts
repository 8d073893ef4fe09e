import type { LanguageMessages } from "../message-types.js";

export const tr: LanguageMessages<"tr"> = {
  handoff: {
    connecting:
      "Harika! Sizi hemen temsilcilerimizden birine bağlıyoruz. Kısa süre içinde sizinle ilgilenecek.",
    agentJoined: "{{agent}} sohbete katıldı.",
    agentLeft: "{{agent}} sohbetten ayrıldı. Size yardımcı olmak için yeniden buradayım.",
    expectedWait: {
      // A Turkish noun stays singular after a number, so both forms read the same.
      one: "Bir temsilci genellikle {{count}} dakika içinde yanıt verir.",
      other: "Bir temsilci genellikle {{count}} dakika içinde yanıt verir.",
    },
    noAgentAccepted: "Şu anda temsilcilerimizin hiçbiri talebinizle ilgilenemedi.",
  },
  followUp: {
    created:
      "Bir temsilcimiz kısa süre içinde sizinle iletişime geçecek. Ekibimiz için bir görev oluşturduk.",
    askContact:
      "Ekibimizin size geri dönebilmesi için e-posta adresinizi veya telefon numaranızı paylaşır mısınız?",
  },
  contact: {
    details: "Ekibimize {{contact}} üzerinden ulaşabilirsiniz. Çalışma saatlerimiz: {{hours}}.",
    closedNow: "Şu anda kapalıyız. {{nextOpening}} yeniden hizmetinizdeyiz.",
  },
  assistant: {
    dontKnow: "Sizi doğru anladığımdan emin değilim. Sorunuzu farklı bir şekilde sorabilir misiniz?",
    dontKnowWithHuman:
      "Sizi doğru anladığımdan emin değilim. Sorunuzu farklı bir şekilde sorabilir misiniz, yoksa sizi bir temsilciye mi aktarayım?",
    error: "Üzgünüz, bizim tarafımızda bir sorun oluştu. Lütfen birazdan tekrar deneyin.",
    messageTooLong: "Mesajınız çok uzun ({{length}} karakter; sınır {{limit}}). Kısaltabilir misiniz?",
    unsupportedContent: "Şimdilik yalnızca metin mesajlarını okuyabiliyorum.",
    resolved:
      "Yardımcı olabildiğime sevindim! Başka bir şeye ihtiyacınız olursa bize istediğiniz zaman yazın.",
    conversationClosed:
      "Bu sohbet kapatıldı. Yeni bir sohbet başlatmak için bize istediğiniz zaman yazabilirsiniz.",
    stillThere: "Hâlâ orada mısınız?",
  },
  tone: {
    frustrated: "Bunun için gerçekten çok üzgünüm, ne kadar sinir bozucu olduğunu anlıyorum.",
    frustratedAgain: "Sorunun hâlâ çözülmemiş olmasına üzüldüm. Gelin, birlikte çözelim.",
    happy: "Bunu duyduğuma çok sevindim!",
    confused: "Hiç sorun değil, adım adım açıklayayım.",
    urgent: "Bunun acil olduğunu anlıyorum, hemen konuya geçelim.",
  },
  usage: {
    conversationsRemaining: {
      one: "{{count}} konuşma hakkınız kaldı",
      other: "{{count}} konuşma hakkınız kaldı",
    },
    // Turkish puts the sign first; "kadarını" avoids a case suffix that would depend on the number's sound.
    thresholdAlert: "Bu dönemki konuşma hakkınızın %{{percent}} kadarını kullandınız.",
  },
  hours: {
    closed: "kapalı",
    range: "{{from}}–{{to}}",
  },
};
