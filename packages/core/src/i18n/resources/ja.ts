import type { LanguageMessages } from "../message-types.js";

// Polite form (です・ます, humble forms for the team); Japanese has a single plural form ("other").
export const ja: LanguageMessages<"ja"> = {
  handoff: {
    connecting: "承知しました！ただいま担当者におつなぎしております。まもなく担当者が対応いたします。",
    agentJoined: "{{agent}}が会話に参加しました。",
    agentLeft: "{{agent}}が会話から退出しました。引き続き私がサポートいたします。",
    expectedWait: {
      other: "通常、{{count}}分以内に担当者が返信いたします。",
    },
    noAgentAccepted: "申し訳ございません。ただいま対応できる担当者がおりません。",
  },
  followUp: {
    created: "担当者より追ってご連絡いたします。チームへの対応タスクを作成しました。",
    askContact: "担当者からご連絡するため、メールアドレスまたは電話番号を教えていただけますか？",
  },
  contact: {
    details: "チームへのお問い合わせは{{contact}}までお願いいたします。営業時間：{{hours}}。",
    closedNow: "ただいま営業時間外です。{{nextOpening}}に再開いたします。",
  },
  assistant: {
    dontKnow: "すみません、うまく理解できなかったかもしれません。質問を言い換えていただけますか？",
    dontKnowWithHuman:
      "すみません、うまく理解できなかったかもしれません。質問を言い換えていただくか、担当者におつなぎしましょうか？",
    error: "申し訳ありません。こちらで問題が発生しました。しばらくしてからもう一度お試しください。",
    messageTooLong:
      "メッセージが長すぎます（{{length}}文字。上限は{{limit}}文字です）。短くしていただけますか？",
    unsupportedContent: "現在はテキストメッセージのみ読み取ることができます。",
    resolved: "お役に立ててうれしいです！ほかにご用があれば、いつでもお気軽にメッセージをお送りください。",
    conversationClosed:
      "この会話は終了しました。新しい会話を始めるには、いつでもメッセージをお送りください。",
    stillThere: "まだいらっしゃいますか？",
  },
  tone: {
    frustrated: "ご不便をおかけして誠に申し訳ございません。お困りのお気持ち、よく分かります。",
    frustratedAgain: "まだ解決しておらず申し訳ございません。一緒に解決していきましょう。",
    happy: "それは何よりです！",
    confused: "ご安心ください。順を追ってご説明します。",
    urgent: "お急ぎとのこと、承知しました。早速本題に入りましょう。",
  },
  usage: {
    conversationsRemaining: {
      other: "残り{{count}}件の会話",
    },
    thresholdAlert: "今期の会話数の{{percent}}%を使用しました。",
  },
  hours: {
    closed: "休業",
    range: "{{from}}～{{to}}",
  },
};
