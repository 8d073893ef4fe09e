/*
 * LutinGénie chat widget. Embed with:
 *   <script src="https://your-server/widget.js" data-tenant-key="..." async></script>
 * Plain JS, no framework. Every text is put in the page with textContent, never parsed as HTML, so a
 * message can never inject markup. State lives in sessionStorage: the visitor id and token the server
 * gave (the token is what lets this tab, and only it, back into its chat), the transcript and the outbox
 * of messages the server has not acknowledged yet; a reload or a reconnect resends the outbox with the
 * same client message ids, and the server's idempotency keys make that harmless.
 * A site that signs its logged-in customers adds data-user-id and data-user-hash (HMAC-SHA256 of the id
 * under the tenant's identity secret, computed by the site's server).
 */
(() => {
  const script = document.currentScript;
  if (!script || window.__lutinWidget) return;
  const tenantKey = script.getAttribute("data-tenant-key") || "";
  const base = new URL(script.getAttribute("src") || "/widget.js", window.location.href);
  const socketUrl = `${base.protocol === "https:" ? "wss:" : "ws:"}//${base.host}/ws/widget?key=${encodeURIComponent(tenantKey)}`;
  const storageKey = `lutin-widget:${tenantKey}`;
  const userId = script.getAttribute("data-user-id");
  const userHash = script.getAttribute("data-user-hash");

  // widget-labels.js, sent ahead of this script in /widget.js: one table per language of Polyglot.
  const strings = window.__lutinWidgetLabels || {};
  const language = (script.getAttribute("data-lang") || navigator.language || "en").slice(0, 2).toLowerCase();
  const t = strings[language] || strings.en;

  // ── state ────────────────────────────────────────────────────────────────
  // Whose chat this tab holds: a signed-in customer's, or an anonymous visitor's. When it changes (a
  // logout, another customer), nothing of the previous one is shown or sent.
  const owner = userId && userHash ? `user:${userId}` : "anonymous";
  const load = () => {
    try {
      const saved = JSON.parse(sessionStorage.getItem(storageKey) || "null");
      if (saved && typeof saved.client === "string") {
        if (saved.owner === owner) return saved;
        throw new Error("another owner");
      }
      // Kept by a widget from before visitor tokens: its messages and outbox stay, under a new visitor.
      if (saved && typeof saved.visitor === "string")
        return { ...saved, owner, client: saved.visitor.slice(0, 32), visitor: null, token: null };
    } catch (_error) {
      /* a broken entry, or another owner's, starts afresh */
    }
    const random = crypto.randomUUID
      ? crypto.randomUUID()
      : `${Date.now()}-${Math.random().toString(36).slice(2)}`;
    return {
      owner,
      // The server names the visitor (welcome); `client` only keeps this tab's message ids unique.
      visitor: null,
      token: null,
      client: random.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 32),
      seq: 0,
      transcript: [],
      outbox: [],
      direction: language === "ar" ? "rtl" : "ltr",
    };
  };
  const state = load();
  const save = () => sessionStorage.setItem(storageKey, JSON.stringify(state));
  save();

  // ── DOM ──────────────────────────────────────────────────────────────────
  const stylesheet = document.createElement("link");
  stylesheet.rel = "stylesheet";
  stylesheet.href = new URL("widget.css", base).href;
  document.head.appendChild(stylesheet);

  const element = (tag, attributes, text) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  // The labels' language, for screen readers (the site's page may be in another one).
  const root = element("div", {
    class: "lutin-widget",
    "data-lutin": "root",
    lang: strings[language] ? language : "en",
  });
  const launcher = element(
    "button",
    { type: "button", class: "lutin-launcher", "aria-expanded": "false", "aria-controls": "lutin-panel" },
    t.open,
  );
  const panel = element("section", {
    id: "lutin-panel",
    class: "lutin-panel",
    role: "dialog",
    "aria-label": t.title,
    hidden: "",
  });
  const header = element("header", { class: "lutin-header" });
  const title = element("h2", { class: "lutin-title" }, t.title);
  const status = element("span", { class: "lutin-status", role: "status" });
  const closeButton = element("button", { type: "button", class: "lutin-close-chat" }, t.closeChat);
  const minimizeButton = element(
    "button",
    { type: "button", class: "lutin-minimize", "aria-label": t.minimize },
    "–",
  );
  header.append(title, status, closeButton, minimizeButton);
  const log = element("ol", {
    class: "lutin-log",
    role: "log",
    "aria-live": "polite",
    "aria-label": t.log,
    tabindex: "0",
  });
  const typing = element("p", { class: "lutin-typing", role: "status", hidden: "" }, t.typing);
  // Quick Replies: the knowledge base's suggested questions before the first message, then the buttons
  // a reply carries (OutboundMessage.actions). A click sends the button's value as a customer message.
  const quickReplies = element("div", {
    class: "lutin-quick-replies",
    role: "group",
    "aria-label": t.suggestions,
    hidden: "",
  });
  const actions = element("div", { class: "lutin-actions" });
  const solvedButton = element("button", { type: "button", class: "lutin-solved" }, t.solved);
  const humanButton = element("button", { type: "button", class: "lutin-human" }, t.human);
  actions.append(solvedButton, humanButton);
  const form = element("form", { class: "lutin-form" });
  const inputId = "lutin-input";
  const label = element("label", { for: inputId, class: "lutin-visually-hidden" }, t.input);
  const input = element("textarea", {
    id: inputId,
    rows: "1",
    placeholder: t.input,
    autocomplete: "off",
    maxlength: "2000",
  });
  const sendButton = element("button", { type: "submit", class: "lutin-send" }, t.send);
  form.append(label, input, sendButton);
  // The follow-up contact form (renderContactForm below) takes this place when a task asks for it.
  const contactSlot = element("div", { class: "lutin-contact-slot" });
  panel.append(header, log, typing, contactSlot, quickReplies, actions, form);
  root.append(launcher, panel);
  document.body.appendChild(root);

  const applyDirection = (direction) => {
    state.direction = direction === "rtl" ? "rtl" : "ltr";
    panel.setAttribute("dir", state.direction);
  };
  const authorLabel = {
    customer: t.you,
    assistant: t.assistant,
    greeting: t.assistant,
    agent: t.agent,
    system: t.notice,
  };
  const render = (entry) => {
    const item = element("li", {
      class: `lutin-message lutin-${entry.author}`,
      "data-key": entry.key,
      dir: entry.direction || "auto",
    });
    item.append(element("span", { class: "lutin-visually-hidden" }, `${authorLabel[entry.author] || ""}: `));
    item.append(element("span", { class: "lutin-text" }, entry.text));
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  };
  const append = (entry) => {
    if (state.transcript.some((existing) => existing.key === entry.key)) return;
    state.transcript.push(entry);
    state.transcript = state.transcript.slice(-200);
    save();
    render(entry);
  };
  for (const entry of state.transcript) render(entry);
  applyDirection(state.direction);
  // "That solved it" once pressed (or the chat closed) has nothing left to solve: hidden until the next message.
  const showSolved = () => {
    solvedButton.hidden = state.resolved === true;
  };
  showSolved();

  const setOpen = (open) => {
    panel.hidden = !open;
    launcher.setAttribute("aria-expanded", String(open));
    launcher.hidden = open;
    if (open) input.focus();
    else launcher.focus();
  };
  launcher.addEventListener("click", () => setOpen(true));
  minimizeButton.addEventListener("click", () => setOpen(false));
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") setOpen(false);
  });

  // ── the socket ─────────────────────────────────────────────────────────────
  let socket = null;
  let ready = false;
  // Set once the Quick Reply helpers exist (below); the socket handlers call them.
  let onReplyActions = () => {};
  let onSent = () => {};
  let onDeskStatus = () => {};
  let onContactRequest = () => {};
  let onContactAnswer = () => false;
  let retryDelay = 500;
  let maxLength = 2000;

  // The typing line: the assistant's, or the agent's who holds the chat (named; hidden after a quiet while).
  let humanHere = false;
  let typingTimer = null;
  const showTyping = (frame) => {
    clearTimeout(typingTimer);
    typing.textContent = frame.agent ? t.agentTyping.replace("{agent}", frame.agent) : t.typing;
    typing.hidden = !frame.on;
    if (frame.agent) {
      humanHere = true;
      if (frame.on) typingTimer = setTimeout(() => (typing.hidden = true), 8000);
    }
  };
  // Once a person answers, the customer's typing is shown to them (at most one frame every 2 s).
  let typingSentAt = 0;
  const customerTyped = () => {
    if (!humanHere || Date.now() - typingSentAt < 2000) return;
    typingSentAt = Date.now();
    transmit({ type: "typing" });
  };

  const transmit = (frame) => {
    if (socket && ready) socket.send(JSON.stringify(frame));
  };
  const flushOutbox = () => {
    for (const pending of state.outbox) transmit(pending);
  };
  const enqueue = (frame) => {
    state.outbox.push(frame);
    save();
    transmit(frame);
  };
  const nextId = () => {
    state.seq += 1;
    save();
    return `${state.client}-${state.seq}`;
  };
  const dropFromOutbox = (id) => {
    state.outbox = state.outbox.filter((pending) => pending.id !== id);
    save();
  };

  const connect = () => {
    socket = new WebSocket(socketUrl);
    socket.addEventListener("open", () => {
      const hello = { type: "hello" };
      if (userId && userHash) hello.customer = { id: userId, hash: userHash };
      else if (state.visitor && state.token)
        Object.assign(hello, { visitor: state.visitor, token: state.token });
      socket.send(JSON.stringify(hello));
    });
    socket.addEventListener("message", (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (_error) {
        return;
      }
      if (frame.type === "welcome") {
        state.visitor = frame.visitor;
        state.token = frame.token;
        save();
        ready = true;
        retryDelay = 500;
        maxLength = frame.maxMessageLength || maxLength;
        input.setAttribute("maxlength", String(maxLength));
        status.textContent = "";
        root.setAttribute("data-connected", "true");
        flushOutbox();
      } else if (frame.type === "desk") {
        onDeskStatus(frame);
      } else if (frame.type === "typing") {
        showTyping(frame);
      } else if (frame.type === "reply") {
        typing.hidden = true;
        if (frame.author === "agent") humanHere = true;
        if (frame.author === "assistant") onReplyActions(frame.actions);
        if (frame.direction) applyDirection(frame.direction);
        // The goodbye of a resolution ("thanks, that solved it" typed, C4): nothing left to solve.
        if (frame.resolved === true) {
          state.resolved = true;
          save();
          showSolved();
        }
        append({ key: frame.key, author: frame.author, text: frame.text, direction: frame.direction });
        if (frame.contactRequest) onContactRequest(frame.contactRequest, frame.language);
        // The receipt is what the server counts on (C7): sent once the reply is on screen.
        socket.send(JSON.stringify({ type: "receipt", key: frame.key, ok: true }));
      } else if (frame.type === "ack") {
        dropFromOutbox(frame.id);
        onContactAnswer(frame);
      } else if (frame.type === "error") {
        if (onContactAnswer(frame)) return dropFromOutbox(frame.id);
        if (frame.code === "RATE_LIMITED") {
          setTimeout(flushOutbox, frame.retryAfterMs || 5000);
        } else if (frame.code !== "UNAVAILABLE" && frame.id) {
          dropFromOutbox(frame.id);
        }
        if (frame.code !== "UNAVAILABLE")
          append({ key: `error-${Date.now()}`, author: "system", text: frame.message });
      }
    });
    socket.addEventListener("close", (event) => {
      ready = false;
      root.setAttribute("data-connected", "false");
      // 4401: the site's signed identity was refused; retrying would be refused again (the error says why).
      if (event.code === 4401) return;
      status.textContent = t.offline;
      setTimeout(connect, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 10000);
    });
  };
  setInterval(() => transmit({ type: "ping" }), 25000);

  const sendText = (text) => {
    const trimmed = text.trim();
    if (trimmed === "") return;
    if (trimmed.length > maxLength) {
      append({
        key: `error-${Date.now()}`,
        author: "system",
        text: `${t.tooLong} (${trimmed.length}/${maxLength})`,
      });
      return;
    }
    const id = nextId();
    state.resolved = false;
    showSolved();
    onSent();
    append({ key: id, author: "customer", text: trimmed, direction: "auto" });
    enqueue({ type: "message", id, text: trimmed });
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendText(input.value);
    input.value = "";
    input.focus();
  });
  input.addEventListener("input", () => {
    if (input.value.trim().length > 0) customerTyped();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  solvedButton.addEventListener("click", () => {
    // Core answers with its goodbye notice, in the customer's language: no local text here.
    enqueue({ type: "resolve", id: nextId() });
    state.resolved = true;
    save();
    showSolved();
    input.focus();
  });
  humanButton.addEventListener("click", () => sendText(t.humanText));
  closeButton.addEventListener("click", () => {
    enqueue({ type: "close", id: nextId() });
    state.resolved = true;
    showSolved();
    append({ key: `closed-${state.seq}`, author: "system", text: t.closed });
  });

  const showQuickReplies = (list) => {
    state.quickReplies = (list || []).filter((action) => action.kind === "quick_reply");
    save();
    quickReplies.replaceChildren(
      ...state.quickReplies.map((action) => {
        const button = element("button", { type: "button", class: "lutin-quick-reply" }, action.label);
        button.addEventListener("click", () => sendText(action.value));
        return button;
      }),
    );
    quickReplies.hidden = state.quickReplies.length === 0;
  };
  // The resolve action's label is core's translation of "That solved it".
  const applyResolveLabel = (list) => {
    const resolve = (list || []).find((action) => action.kind === "resolve");
    if (resolve) solvedButton.textContent = resolve.label;
  };
  onReplyActions = (list) => {
    applyResolveLabel(list);
    showQuickReplies(list);
  };
  onSent = () => showQuickReplies([]);
  // The tenant's greeting in the visitor's language (tenant file `greeting`), else the widget's own; shown
  // once, before the first message, and never sent: it is not a reply and counts nothing.
  const greet = (text) => {
    if (state.transcript.length > 0) return;
    append({ key: "greeting", author: "greeting", text: text || t.greeting, direction: "auto" });
  };
  if (state.quickReplies) showQuickReplies(state.quickReplies);
  else if (state.transcript.length === 0)
    fetch(
      `${base.origin}/api/widget/config?key=${encodeURIComponent(tenantKey)}&lang=${encodeURIComponent(language)}`,
    )
      .then((response) => (response.ok ? response.json() : null))
      .then((config) => {
        if (config && state.transcript.length === 0 && !state.quickReplies)
          showQuickReplies(
            (config.quickReplies || []).map((reply) => ({
              kind: "quick_reply",
              label: reply.label,
              value: reply.label,
            })),
          );
        greet(config ? config.greeting : null);
      })
      .catch(() => greet(null));

  // The desk status (issue 17): before the customer asks, a line says when nobody can take the chat live.
  // The next opening is shown on the customer's own clock (the browser's zone), the one they will wait on.
  const deskNotice = element("p", { class: "lutin-desk-notice", role: "status", hidden: "" });
  panel.insertBefore(deskNotice, log);
  const openingTime = (iso) =>
    new Intl.DateTimeFormat(language, {
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    }).format(new Date(iso));
  // A language whose table lacks these keys still gets a sentence (English) rather than "undefined".
  const deskLabel = (key) => t[key] || strings.en[key];
  onDeskStatus = (desk) => {
    const text =
      desk.state === "closed"
        ? desk.opensAt
          ? deskLabel("deskAwayUntil").replace("{time}", openingTime(desk.opensAt))
          : deskLabel("deskAway")
        : desk.state === "nobody-active"
          ? deskLabel("deskNobody")
          : "";
    deskNotice.textContent = text;
    deskNotice.hidden = text === "";
    root.setAttribute("data-desk", desk.state);
  };
  /**
   * Follow-up tasks (no agent could take the chat): the server's reply names the task; the customer
   * leaves an e-mail address and an optional name, in the conversation's language (the reply's), and
   * the `contact` frame carries them (refused by the server for any task but this visitor's own).
   */
  const renderContactForm = (request) => {
    const words = strings[request.language] || t;
    const contact = element("form", {
      class: "lutin-contact",
      "aria-label": words.contactTitle,
      novalidate: "",
    });
    const emailId = "lutin-contact-email";
    const nameId = "lutin-contact-name";
    const email = element("input", {
      id: emailId,
      type: "email",
      required: "",
      autocomplete: "email",
      maxlength: "254",
      value: state.lastEmail || "",
    });
    const name = element("input", { id: nameId, type: "text", autocomplete: "name", maxlength: "100" });
    const problem = element("p", { class: "lutin-contact-problem", role: "alert" });
    contact.append(
      element("p", { class: "lutin-contact-title" }, words.contactTitle),
      element("label", { for: emailId }, words.contactEmail),
      email,
      element("label", { for: nameId }, words.contactName),
      name,
      problem,
      element("button", { type: "submit", class: "lutin-contact-send" }, words.contactSubmit),
    );
    contact.addEventListener("submit", (event) => {
      event.preventDefault();
      const address = email.value.trim();
      if (!email.checkValidity() || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address)) {
        problem.textContent = words.contactInvalid;
        email.setAttribute("aria-invalid", "true");
        return email.focus();
      }
      email.removeAttribute("aria-invalid");
      problem.textContent = "";
      const frame = { type: "contact", id: nextId(), followUp: request.followUp, email: address };
      if (name.value.trim() !== "") frame.name = name.value.trim();
      state.contactRequest = { ...request, pending: frame.id, email: address };
      save();
      enqueue(frame);
    });
    contactSlot.replaceChildren(contact);
  };
  onContactRequest = (request, replyLanguage) => {
    state.contactRequest = { followUp: request.followUp, language: replyLanguage || language };
    save();
    renderContactForm(state.contactRequest);
  };
  /** The server's answer to a contact frame: saved (the form goes), or refused (it stays, says so). */
  onContactAnswer = (frame) => {
    const request = state.contactRequest;
    if (!request || request.pending !== frame.id) return false;
    // Not a refusal: the outbox sends it again (after the wait, or on the next connection).
    if (frame.code === "RATE_LIMITED" || frame.code === "UNAVAILABLE") return false;
    const words = strings[request.language] || t;
    if (frame.type === "ack") {
      state.lastEmail = request.email;
      state.contactRequest = null;
      save();
      contactSlot.replaceChildren();
      append({
        key: `contact-${frame.id}`,
        author: "system",
        text: words.contactSaved.replace("{email}", request.email),
      });
    } else {
      state.contactRequest = { ...request, pending: null };
      save();
      const problem = contactSlot.querySelector(".lutin-contact-problem");
      if (problem) problem.textContent = words.contactRefused;
    }
    return true;
  };
  if (state.contactRequest) renderContactForm(state.contactRequest);

  window.__lutinWidget = {
    get visitor() {
      return state.visitor;
    },
  };
  connect();
  if (script.getAttribute("data-open") === "true") setOpen(true);
})();
