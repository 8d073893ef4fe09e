/*
 * Agent console: follow-up tasks (issue 17, finding 2). The list of tasks (priority, labels, summary,
 * customer contact, time, status with who), a task's details (contact, language, emotion, transcript,
 * states with who and when, answers), and what an agent does with one: Assign to me, Answer by e-mail,
 * Answer in the chat (kept until the customer is back), Done. console.js hands over each snapshot and its
 * command function ("lutin:snapshot" event); every text is written with textContent.
 */
(() => {
  const strings = {
    en: {
      noTasks: "No follow-up task.",
      noContact: "no contact yet",
      assign: "Assign to me",
      done: "Done",
      details: "Follow-up task",
      contact: "Contact",
      language: "Language",
      emotion: "Emotion",
      priority: "Priority",
      labels: "Labels",
      created: "Created",
      updated: "Updated",
      states: "States",
      transcript: "Transcript",
      answers: "Answers",
      noAnswer: "No answer yet.",
      byEmail: "Answer by e-mail",
      inThread: "Answer in the chat",
      subject: "Subject",
      message: "Message",
      send: "Send",
      close: "Close the details",
      customer: "Customer",
      assistant: "Assistant",
      agent: "Agent",
      notice: "Notice",
      by: "by",
      sent: "sent",
      delivered: "delivered",
      pending: "kept until the customer is back",
      email: "e-mail",
      thread: "chat",
      status: { open: "open", assigned: "assigned", done: "done" },
      answered: "Answer sent.",
      kept: "The customer is away: the answer is kept and shown when they come back.",
      refused: "Not sent: {problem}",
      needsContact: "The customer left no e-mail address: answer in the chat.",
    },
    fr: {
      noTasks: "Aucune tâche de suivi.",
      noContact: "pas encore de coordonnées",
      assign: "Me l'attribuer",
      done: "Terminée",
      details: "Tâche de suivi",
      contact: "Coordonnées",
      language: "Langue",
      emotion: "Émotion",
      priority: "Priorité",
      labels: "Étiquettes",
      created: "Créée",
      updated: "Mise à jour",
      states: "États",
      transcript: "Conversation",
      answers: "Réponses",
      noAnswer: "Pas encore de réponse.",
      byEmail: "Répondre par e-mail",
      inThread: "Répondre dans la discussion",
      subject: "Objet",
      message: "Message",
      send: "Envoyer",
      close: "Fermer le détail",
      customer: "Client",
      assistant: "Assistant",
      agent: "Conseiller",
      notice: "Information",
      by: "par",
      sent: "envoyée",
      delivered: "remise",
      pending: "gardée jusqu'au retour du client",
      email: "e-mail",
      thread: "discussion",
      status: { open: "ouverte", assigned: "attribuée", done: "terminée" },
      answered: "Réponse envoyée.",
      kept: "Le client est absent : la réponse est gardée et lui sera montrée à son retour.",
      refused: "Non envoyée : {problem}",
      needsContact: "Le client n'a pas laissé d'adresse e-mail : répondez dans la discussion.",
    },
  };
  /** The e-mail's subject, suggested in the customer's language (the agent may change it). */
  const subjects = { en: "About your request", fr: "À propos de votre demande" };
  const agentLanguage = (document.documentElement.lang || navigator.language || "en").slice(0, 2);
  // The console's language (its switch) once the first snapshot says it; the browser's until then.
  let t = strings[(navigator.language || "en").slice(0, 2)] || strings[agentLanguage] || strings.en;

  const element = (tag, attributes, text) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const when = (at) =>
    at
      ? new Date(at).toLocaleString(navigator.language || "en", { dateStyle: "short", timeStyle: "short" })
      : "—";
  const authorLabel = { customer: t.customer, assistant: t.assistant, agent: t.agent, system: t.notice };

  let tasks = [];
  let me = null;
  let command = null;
  let nameOf = (id) => id;
  let selected = null;
  let sequence = 0;

  const statusText = (task) =>
    task.assignee
      ? `${t.status[task.status] || task.status} · ${nameOf(task.assignee)}`
      : t.status[task.status] || task.status;

  const actionButtons = (task) => {
    const buttons = [];
    if (task.status === "done") return buttons;
    if (task.assignee !== me) {
      const assign = element("button", { type: "button" }, t.assign);
      assign.addEventListener("click", () => command({ type: "assign", followUp: task.id }));
      buttons.push(assign);
    }
    const done = element("button", { type: "button" }, t.done);
    done.addEventListener("click", () => command({ type: "done", followUp: task.id }));
    buttons.push(done);
    return buttons;
  };

  const renderList = () => {
    const body = document.getElementById("tasks");
    if (!body) return;
    body.replaceChildren();
    if (tasks.length === 0) {
      const row = element("tr", { class: "muted" });
      row.append(element("td", { colspan: "7" }, t.noTasks));
      body.append(row);
    }
    for (const task of tasks) {
      // A task from the dashboard's test chat is marked (console-desk.js can hide them, issue 17 finding 4).
      const row = element("tr", {
        "data-task": task.id,
        "data-status": task.status,
        "data-test": String(task.test === true),
      });
      if (task.id === selected) row.setAttribute("aria-current", "true");
      const open = element(
        "a",
        { href: `#follow-up-${encodeURIComponent(task.id)}`, class: "task-open" },
        task.summary || task.id,
      );
      open.addEventListener("click", (event) => {
        event.preventDefault();
        select(task.id);
      });
      const actions = element("td");
      for (const button of actionButtons(task)) actions.append(button, " ");
      const contact = task.customerContact;
      row.append(
        cell(element("span", { class: `badge ${task.priority}` }, task.priority)),
        element("td", {}, task.labels.join(", ")),
        task.test === true
          ? cell(element("span", { class: "badge test", "data-test-badge": "" }, "TEST"), " ", open)
          : cell(open),
        element("td", { class: "task-contact" }, contact ? contact.email : t.noContact),
        element("td", {}, when(task.createdAt)),
        element("td", { class: "task-status" }, statusText(task)),
        actions,
      );
      body.append(row);
    }
  };
  const cell = (...children) => {
    const td = element("td");
    td.append(...children);
    return td;
  };

  // ── details ────────────────────────────────────────────────────────────────

  const panel = () => document.getElementById("task-details");
  const select = (id) => {
    selected = id;
    const target = panel();
    if (!target) return;
    target.replaceChildren();
    target.hidden = id === null;
    renderList();
    const task = tasks.find((candidate) => candidate.id === id);
    if (!task) return;
    const heading = element(
      "h3",
      { id: "task-details-title", tabindex: "-1" },
      `${t.details}: ${task.summary || task.id}`,
    );
    const close = element("button", { type: "button", class: "task-close" }, t.close);
    close.addEventListener("click", () => select(null));
    const facts = element("dl", { class: "task-facts" });
    const transcript = element("ol", { class: "chat-log task-transcript", "aria-label": t.transcript });
    const states = element("ol", { class: "task-states", "aria-label": t.states });
    const answers = element("ul", { class: "task-answers", "aria-label": t.answers });
    const buttons = element("p", { class: "task-actions" });
    const status = element("p", { class: "muted task-result", role: "status", "aria-live": "polite" });
    target.append(
      heading,
      close,
      facts,
      element("h4", {}, t.transcript),
      transcript,
      element("h4", {}, t.states),
      states,
      element("h4", {}, t.answers),
      answers,
      buttons,
      element("p", { class: "muted task-no-contact" }, t.needsContact),
      emailForm(task, status),
      threadForm(task, status),
      status,
    );
    fill(task);
    heading.focus();
  };

  /** The parts of the details a new snapshot refreshes (the forms keep what the agent is typing). */
  const fill = (task) => {
    const target = panel();
    if (!target) return;
    const facts = target.querySelector(".task-facts");
    const contact = task.customerContact;
    const rows = [
      [
        t.contact,
        contact ? `${contact.name ? `${contact.name} <${contact.email}>` : contact.email}` : t.noContact,
      ],
      [t.language, task.language],
      [t.emotion, task.emotion],
      [t.priority, task.priority],
      [t.labels, task.labels.join(", ")],
      [t.created, when(task.createdAt)],
      [t.updated, when(task.updatedAt)],
    ];
    facts.replaceChildren(
      ...rows.flatMap(([term, value]) => [
        element("dt", {}, term),
        element("dd", { "data-fact": term }, value),
      ]),
    );
    target
      .querySelector(".task-transcript")
      .replaceChildren(
        ...(task.transcript || []).map((message) =>
          element(
            "li",
            { class: `from-${message.from}` },
            `${authorLabel[message.from] || message.from}: ${message.text}`,
          ),
        ),
      );
    target
      .querySelector(".task-states")
      .replaceChildren(
        ...task.history.map((entry) =>
          element(
            "li",
            { "data-state": entry.status },
            `${t.status[entry.status] || entry.status} — ${when(entry.at)}${entry.by ? ` — ${t.by} ${nameOf(entry.by)}` : ""}`,
          ),
        ),
      );
    const answers = task.answers || [];
    target
      .querySelector(".task-answers")
      .replaceChildren(
        ...(answers.length === 0
          ? [element("li", { class: "muted" }, t.noAnswer)]
          : answers.map((answer) =>
              element(
                "li",
                { "data-via": answer.via, "data-answer-status": answer.status },
                `${t[answer.via]} · ${nameOf(answer.by)} · ${when(answer.at)} · ${t[answer.status]}: ${answer.text}`,
              ),
            )),
      );
    target.querySelector(".task-actions").replaceChildren(...actionButtons(task));
    const email = target.querySelector(".task-email");
    if (email) email.hidden = task.status === "done" || !task.customerContact;
    const noContact = target.querySelector(".task-no-contact");
    if (noContact) noContact.hidden = task.status === "done" || Boolean(task.customerContact);
    const thread = target.querySelector(".task-thread");
    if (thread) thread.hidden = task.status === "done";
  };

  const answerForm = (task, status, via) => {
    const form = element("form", { class: via === "email" ? "task-email card" : "task-thread card" });
    const title = via === "email" ? t.byEmail : t.inThread;
    form.setAttribute("aria-label", title);
    form.append(element("h4", {}, title));
    let subject = null;
    if (via === "email") {
      const subjectId = `task-subject-${task.id}`;
      subject = element("input", { id: subjectId, type: "text", maxlength: "200", required: "" });
      subject.value = subjects[task.language] || subjects.en;
      form.append(element("label", { for: subjectId }, t.subject), subject);
    }
    const textId = `task-${via}-${task.id}`;
    const text = element("textarea", {
      id: textId,
      rows: "4",
      required: "",
      maxlength: via === "email" ? "10000" : "2000",
    });
    form.append(
      element("label", { for: textId }, `${t.message} (${title})`),
      text,
      element("button", { type: "submit", class: "primary" }, t.send),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (text.value.trim() === "") return text.focus();
      sequence += 1;
      const result = await command({
        type: "answer",
        followUp: task.id,
        via,
        id: `${Date.now()}-${sequence}`,
        text: text.value,
        ...(subject === null ? {} : { subject: subject.value }),
      });
      if (result.ok) {
        text.value = "";
        status.textContent = result.status === "pending" ? t.kept : t.answered;
      } else status.textContent = t.refused.replace("{problem}", result.problem);
    });
    return form;
  };
  const emailForm = (task, status) => answerForm(task, status, "email");
  const threadForm = (task, status) => answerForm(task, status, "thread");

  window.addEventListener("lutin:snapshot", (event) => {
    ({ me, command, nameOf } = event.detail);
    t = strings[event.detail.language] || t;
    tasks = event.detail.snapshot.followUps || [];
    renderList();
    const task = tasks.find((candidate) => candidate.id === selected);
    if (task) fill(task);
  });
})();
