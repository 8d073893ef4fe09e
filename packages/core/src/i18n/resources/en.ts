/**
 * The English source: every other language is type-checked against this shape (see LanguageMessages), so a key
 * added here is a compile error in the 11 other modules until it is translated. A plural message is an object
 * of CLDR categories (`one`, `other`, ...); i18next receives it as `key_one`, `key_other`.
 */
export const en = {
  handoff: {
    connecting:
      "Perfect! We're connecting you with one of our agents right now. They'll be with you shortly.",
    agentJoined: "{{agent}} has joined the conversation.",
    agentLeft: "{{agent}} has left the conversation. I'm back to help you.",
    expectedWait: {
      one: "An agent usually answers within {{count}} minute.",
      other: "An agent usually answers within {{count}} minutes.",
    },
    noAgentAccepted: "None of our agents could take your request right now.",
  },
  followUp: {
    created: "An agent will contact you soon. We've created a task for our team.",
    askContact: "So that our team can get back to you, what is your e-mail address or phone number?",
  },
  contact: {
    details: "You can reach our team at {{contact}}. Our business hours: {{hours}}.",
    closedNow: "We're closed right now. We'll be back {{nextOpening}}.",
  },
  assistant: {
    dontKnow: "I'm not sure I understood. Could you rephrase your question?",
    dontKnowWithHuman: "I'm not sure I understood. Could you rephrase, or shall I pass you to a person?",
    error: "Sorry, something went wrong on our side. Please try again in a moment.",
    messageTooLong:
      "Your message is too long ({{length}} characters; the limit is {{limit}}). Could you shorten it?",
    unsupportedContent: "I can only read text messages for now.",
    resolved: "Glad I could help! Write to us anytime if you need anything else.",
    conversationClosed: "This conversation is closed. Write to us anytime to start a new one.",
    stillThere: "Are you still there?",
  },
  tone: {
    frustrated: "I'm really sorry about this, and I understand how frustrating it is.",
    frustratedAgain: "I'm sorry this is still not sorted out. Let's fix it together.",
    happy: "That's great to hear!",
    confused: "No worries, let me explain it step by step.",
    urgent: "I understand this is urgent, so let's get straight to it.",
  },
  usage: {
    conversationsRemaining: {
      one: "{{count}} conversation remaining",
      other: "{{count}} conversations remaining",
    },
    // English writes no space before the sign; each language follows its own typography.
    thresholdAlert: "You have used {{percent}}% of this period's conversations.",
  },
  hours: {
    closed: "closed",
    range: "{{from}}–{{to}}",
  },
};
