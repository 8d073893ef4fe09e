import type { LanguageMessages } from "../message-types.js";

// Simplified Chinese; Chinese has a single plural form ("other").
export const zh: LanguageMessages<"zh"> = {
  handoff: {
    connecting: "好的！我们正在为您转接人工客服，客服人员很快就会为您服务。",
    agentJoined: "{{agent}}已加入对话。",
    agentLeft: "{{agent}}已离开对话。接下来由我继续为您服务。",
    expectedWait: {
      other: "客服通常会在{{count}}分钟内回复。",
    },
    noAgentAccepted: "目前暂时没有客服能够处理您的请求。",
  },
  followUp: {
    created: "客服人员会尽快与您联系。我们已为团队创建了一项跟进任务。",
    askContact: "为了方便我们的团队与您联系，请问您的电子邮箱或电话号码是多少？",
  },
  contact: {
    details: "您可以通过{{contact}}联系我们的团队。我们的营业时间：{{hours}}。",
    closedNow: "我们目前不在服务时间内，将于{{nextOpening}}恢复服务。",
  },
  assistant: {
    dontKnow: "抱歉，我不太确定是否理解了您的意思。能否换个方式描述您的问题？",
    dontKnowWithHuman:
      "抱歉，我不太确定是否理解了您的意思。您可以换个方式描述一下，或者需要我为您转接人工客服吗？",
    error: "抱歉，我们这边出了点问题。请稍后再试。",
    messageTooLong: "您的消息过长（{{length}}个字符，上限为{{limit}}个）。能否精简一下？",
    unsupportedContent: "目前我只能读取文字消息。",
    resolved: "很高兴能帮到您！如果还需要什么，欢迎随时给我们发消息。",
    conversationClosed: "本次对话已结束。欢迎随时给我们发消息，开始新的对话。",
    stillThere: "请问您还在吗？",
  },
  tone: {
    frustrated: "真的非常抱歉，我理解这让您很困扰。",
    frustratedAgain: "很抱歉问题仍未解决。让我们一起来解决它。",
    happy: "太好了，很高兴听到这个消息！",
    confused: "没关系，我来一步一步为您解释。",
    urgent: "我理解这件事很紧急，我们直接进入正题。",
  },
  usage: {
    conversationsRemaining: {
      other: "剩余{{count}}个对话",
    },
    thresholdAlert: "您已使用本周期对话额度的{{percent}}%。",
  },
  hours: {
    closed: "休息",
    range: "{{from}}至{{to}}",
  },
};
