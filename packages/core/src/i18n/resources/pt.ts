import type { LanguageMessages } from "../message-types.js";

// Brazilian usage ("você", "equipe"), understood in Portugal too.
export const pt: LanguageMessages<"pt"> = {
  handoff: {
    connecting:
      "Perfeito! Estamos transferindo você para um dos nossos atendentes agora mesmo. O atendimento começa em instantes.",
    agentJoined: "{{agent}} entrou na conversa.",
    agentLeft: "{{agent}} saiu da conversa. Estou de volta para ajudar você.",
    expectedWait: {
      // Portuguese "one" covers 0 and 1.
      one: "Um atendente costuma responder em até {{count}} minuto.",
      many: "Um atendente costuma responder em até {{count}} de minutos.",
      other: "Um atendente costuma responder em até {{count}} minutos.",
    },
    noAgentAccepted: "No momento, nenhum dos nossos atendentes conseguiu assumir a sua solicitação.",
  },
  followUp: {
    created: "Um atendente entrará em contato com você em breve. Criamos uma tarefa para a nossa equipe.",
    askContact:
      "Para que a nossa equipe possa retornar o contato, qual é o seu e-mail ou número de telefone?",
  },
  contact: {
    details:
      "Você pode entrar em contato com a nossa equipe: {{contact}}. Horário de atendimento: {{hours}}.",
    closedNow: "Estamos fechados no momento. Voltaremos {{nextOpening}}.",
  },
  assistant: {
    dontKnow: "Não tenho certeza se entendi. Você poderia reformular a sua pergunta?",
    dontKnowWithHuman:
      "Não tenho certeza se entendi. Você poderia reformular ou prefere que eu transfira você para uma pessoa da nossa equipe?",
    error: "Desculpe, algo deu errado do nosso lado. Tente novamente em instantes.",
    messageTooLong:
      "Sua mensagem é longa demais ({{length}} caracteres; o limite é {{limit}}). Você poderia encurtá-la?",
    unsupportedContent: "Por enquanto, só consigo ler mensagens de texto.",
    resolved: "Que bom que pude ajudar! Escreva para nós quando quiser se precisar de mais alguma coisa.",
    conversationClosed: "Esta conversa foi encerrada. Escreva para nós quando quiser para começar uma nova.",
    stillThere: "Você ainda está aí?",
  },
  tone: {
    frustrated: "Sinto muito por isso e entendo como é frustrante.",
    frustratedAgain: "Sinto muito que isso ainda não tenha sido resolvido. Vamos resolver juntos.",
    happy: "Que ótimo saber disso!",
    confused: "Sem problemas, vou explicar passo a passo.",
    urgent: "Entendo que é urgente, então vamos direto ao ponto.",
  },
  usage: {
    conversationsRemaining: {
      one: "{{count}} conversa restante",
      many: "{{count}} de conversas restantes",
      other: "{{count}} conversas restantes",
    },
    thresholdAlert: "Você já usou {{percent}}% das conversas deste período.",
  },
  hours: {
    closed: "fechado",
    range: "{{from}}–{{to}}",
  },
};
