import type { LanguageMessages } from "../message-types.js";

export const es: LanguageMessages<"es"> = {
  handoff: {
    connecting:
      "¡Perfecto! Le estamos comunicando ahora mismo con uno de nuestros agentes. Enseguida le atenderá.",
    agentJoined: "{{agent}} se ha unido a la conversación.",
    agentLeft: "{{agent}} ha salido de la conversación. Vuelvo a estar aquí para ayudarle.",
    expectedWait: {
      one: "Un agente suele responder en {{count}} minuto.",
      many: "Un agente suele responder en {{count}} de minutos.",
      other: "Un agente suele responder en {{count}} minutos.",
    },
    noAgentAccepted: "Ninguno de nuestros agentes ha podido atender su solicitud en este momento.",
  },
  followUp: {
    created: "Un agente se pondrá en contacto con usted pronto. Hemos creado una tarea para nuestro equipo.",
    askContact:
      "Para que nuestro equipo pueda ponerse en contacto con usted, ¿cuál es su correo electrónico o su número de teléfono?",
  },
  contact: {
    details: "Puede contactar con nuestro equipo en {{contact}}. Nuestro horario de atención: {{hours}}.",
    closedNow: "En este momento estamos cerrados. Volveremos {{nextOpening}}.",
  },
  assistant: {
    dontKnow: "Creo que no le he entendido bien. ¿Podría reformular su pregunta?",
    dontKnowWithHuman:
      "Creo que no le he entendido bien. ¿Podría reformularla, o prefiere que le pase con una persona?",
    error: "Lo sentimos, algo ha fallado por nuestra parte. Vuelva a intentarlo en unos instantes.",
    messageTooLong:
      "Su mensaje es demasiado largo ({{length}} caracteres; el límite es {{limit}}). ¿Podría acortarlo?",
    unsupportedContent: "Por ahora solo puedo leer mensajes de texto.",
    resolved: "¡Me alegra haberle ayudado! Escríbanos cuando quiera si necesita algo más.",
    conversationClosed: "Esta conversación está cerrada. Escríbanos cuando quiera para iniciar una nueva.",
    stillThere: "¿Sigue ahí?",
  },
  tone: {
    frustrated: "Lamento mucho lo ocurrido y entiendo lo frustrante que resulta.",
    frustratedAgain: "Siento que esto todavía no esté resuelto. Vamos a solucionarlo juntos.",
    happy: "¡Qué buena noticia!",
    confused: "No se preocupe, se lo explico paso a paso.",
    urgent: "Entiendo que es urgente, así que vamos directamente al grano.",
  },
  usage: {
    conversationsRemaining: {
      one: "Queda {{count}} conversación",
      many: "Quedan {{count}} de conversaciones",
      other: "Quedan {{count}} conversaciones",
    },
    // Spanish (RAE) separates the sign with a no-break space.
    thresholdAlert: "Ha utilizado el {{percent}}\u00a0% de las conversaciones de este periodo.",
  },
  hours: {
    closed: "cerrado",
    range: "{{from}}–{{to}}",
  },
};
