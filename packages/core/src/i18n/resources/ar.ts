import type { LanguageMessages } from "../message-types.js";

// Wording avoids gendered verbs for the agent ("تم انضمام", "انتهت مشاركة") since the agent's gender is unknown.
export const ar: LanguageMessages<"ar"> = {
  handoff: {
    connecting: "رائع! نقوم الآن بتحويلك إلى أحد موظفي الدعم لدينا. سيكون معك خلال لحظات.",
    agentJoined: "تم انضمام {{agent}} إلى المحادثة.",
    agentLeft: "انتهت مشاركة {{agent}} في المحادثة. أنا هنا من جديد لمساعدتك.",
    expectedWait: {
      // The one and two forms say the number in words ("دقيقة واحدة", "دقيقتين"), as Arabic does.
      zero: "عادةً ما يردّ أحد موظفينا خلال {{count}} دقيقة.",
      one: "عادةً ما يردّ أحد موظفينا خلال دقيقة واحدة.",
      two: "عادةً ما يردّ أحد موظفينا خلال دقيقتين.",
      few: "عادةً ما يردّ أحد موظفينا خلال {{count}} دقائق.",
      many: "عادةً ما يردّ أحد موظفينا خلال {{count}} دقيقة.",
      other: "عادةً ما يردّ أحد موظفينا خلال {{count}} دقيقة.",
    },
    noAgentAccepted: "لم يتمكّن أيٌّ من موظفينا من استلام طلبك في الوقت الحالي.",
  },
  followUp: {
    created: "سيتواصل معك أحد موظفينا قريبًا. لقد أنشأنا مهمة لفريقنا.",
    askContact: "حتى يتمكّن فريقنا من التواصل معك، ما هو بريدك الإلكتروني أو رقم هاتفك؟",
  },
  contact: {
    details: "يمكنك التواصل مع فريقنا عبر {{contact}}. ساعات العمل لدينا: {{hours}}.",
    closedNow: "نحن مغلقون حاليًا. سنعود {{nextOpening}}.",
  },
  assistant: {
    dontKnow: "لم أفهم سؤالك تمامًا. هل يمكنك إعادة صياغته؟",
    dontKnowWithHuman: "لم أفهم سؤالك تمامًا. هل يمكنك إعادة صياغته، أم تفضّل أن أحوّلك إلى أحد موظفينا؟",
    error: "عذرًا، حدث خطأ من جهتنا. يرجى المحاولة مرة أخرى بعد قليل.",
    messageTooLong: "رسالتك طويلة جدًا (عدد الأحرف: {{length}}، والحد الأقصى: {{limit}}). هل يمكنك اختصارها؟",
    unsupportedContent: "حاليًا، يمكنني قراءة الرسائل النصية فقط.",
    resolved: "يسعدني أنني استطعت المساعدة! راسلنا في أي وقت إذا احتجت إلى أي شيء آخر.",
    conversationClosed: "تم إغلاق هذه المحادثة. راسلنا في أي وقت لبدء محادثة جديدة.",
    stillThere: "هل ما زلت معنا؟",
  },
  tone: {
    frustrated: "أعتذر حقًا عن ذلك، وأتفهّم تمامًا مدى الإزعاج الذي سبّبه لك.",
    frustratedAgain: "يؤسفني أن المشكلة لم تُحلّ بعد. دعنا نحلّها معًا.",
    happy: "يسعدني سماع ذلك!",
    confused: "لا داعي للقلق، سأشرح لك الأمر خطوة بخطوة.",
    urgent: "أتفهّم أن الأمر عاجل، فلننتقل إليه مباشرةً.",
  },
  usage: {
    conversationsRemaining: {
      zero: "لم تتبقَّ أي محادثة",
      one: "تتبقّى محادثة واحدة",
      two: "تتبقّى محادثتان",
      few: "تتبقّى {{count}} محادثات",
      many: "تتبقّى {{count}} محادثة",
      other: "تتبقّى {{count}} محادثة",
    },
    // The Arabic percent sign (U+066A).
    thresholdAlert: "لقد استخدمت {{percent}}٪ من محادثات هذه الفترة.",
  },
  hours: {
    closed: "مغلق",
    // "من ... إلى ..." reads naturally for days and times alike and keeps a dash out of right-to-left text.
    range: "من {{from}} إلى {{to}}",
  },
};
