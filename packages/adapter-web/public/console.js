/*
 * Agent console. The WebSocket connection is the agent's presence: connected and signed in = online
 * (refreshed by a heartbeat every 20 s), disconnected = offline. Every text is written with textContent.
 *
 * Layout: the conversation list (tabs waiting / mine / closed today, and a search over the 30 days the
 * server keeps), one conversation (its messages with their times, the reply box with canned replies,
 * transfer, internal notes) and its customer's panel. Other modules plug into the two slots of the page
 * (#desk-status-slot, #side-panel-slot) and into window.lutinConsole (below).
 */
(() => {
  const $ = (id) => document.getElementById(id);
  const element = (tag, attributes, text) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  };

  // ── words ─────────────────────────────────────────────────────────────────
  const TABLES = window.LUTIN_CONSOLE_LABELS;
  const LANGUAGE_KEY = "lutin-console:language";
  const pickLanguage = () => {
    const saved = localStorage.getItem(LANGUAGE_KEY);
    if (saved && TABLES[saved]) return saved;
    for (const wanted of navigator.languages || [navigator.language]) {
      const code = String(wanted || "").slice(0, 2);
      if (TABLES[code]) return code;
    }
    return "en";
  };
  let language = pickLanguage();
  const t = (key, ...values) => {
    const entry = TABLES[language][key] ?? TABLES.en[key] ?? key;
    return typeof entry === "function" ? entry(...values) : entry;
  };
  /** A value of core's (a status, a mood) in words; unknown values as they are. */
  const word = (prefix, value) => {
    const key = `${prefix}_${value}`;
    return TABLES[language][key] ?? TABLES.en[key] ?? String(value);
  };
  const applyStaticLabels = () => {
    document.documentElement.lang = language;
    document.title = baseTitle();
    for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
    for (const node of document.querySelectorAll("[data-i18n-placeholder]"))
      node.setAttribute("placeholder", t(node.dataset.i18nPlaceholder));
    for (const node of document.querySelectorAll("[data-i18n-aria-label]"))
      node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
    $("language-switch").value = language;
  };
  const baseTitle = () => t("pageTitle");

  // ── state ─────────────────────────────────────────────────────────────────
  const TOKEN_KEY = "lutin-agent-token";
  const OPEN_KEY = "lutin-console:open";
  const SOUND_KEY = "lutin-console:sound";
  let socket = null;
  let me = null;
  let token = null;
  // Presence is the connection itself: going offline closes it (the server reports the agent offline
  // and requeues what they were offered); going online opens it again.
  let wantOnline = true;
  let activeSynced = false;
  let people = [];
  let cards = [];
  let tab = "waiting";
  let results = null;
  let openId = sessionStorage.getItem(OPEN_KEY);
  /** The open conversation as the server last gave it (open), and what arrived live since, by key. */
  let detail = null;
  const live = new Map();
  const canned = new Map();
  /** Requests already announced (sound and title), so a snapshot or a requeue does not ring twice. */
  const announced = new Set();
  let unseen = 0;
  /** The first snapshot of the page: what it lists was there before, and does not ring. */
  let firstSnapshot = true;
  let sequence = 0;
  const pending = new Map();
  const listeners = { snapshot: [], post: [], language: [], desk: [] };
  const emit = (event, value) => {
    for (const listener of listeners[event]) listener(value);
  };

  const nameOf = (id) => (people.find((person) => person.id === id) || { name: id }).name;
  const notice = (text) => {
    $("notice").textContent = text;
  };
  const nextId = () => {
    sequence += 1;
    return `${Date.now()}-${sequence}`;
  };
  const command = (payload) =>
    new Promise((resolve) => {
      if (!socket || socket.readyState !== WebSocket.OPEN)
        return resolve({ ok: false, offline: true, problem: t("disconnected") });
      sequence += 1;
      const requestId = `c${sequence}`;
      pending.set(requestId, resolve);
      socket.send(JSON.stringify({ ...payload, requestId }));
    });
  const send = (payload) => {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload));
  };

  // ── times ─────────────────────────────────────────────────────────────────
  const startOfToday = () => {
    const now = new Date();
    return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  };
  const timeOf = (at) => {
    const date = new Date(at);
    const options =
      at >= startOfToday()
        ? { hour: "2-digit", minute: "2-digit" }
        : { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
    return element("time", { datetime: date.toISOString() }, date.toLocaleString(language, options));
  };

  // ── the list ──────────────────────────────────────────────────────────────
  const isWaiting = (card) => card.status === "pending" && (card.candidates || []).includes(me);
  const isMine = (card) => card.status === "accepted" && card.acceptedBy === me;
  const isClosedToday = (card) =>
    (card.status === "ended" || card.status === "follow_up") &&
    (card.endedAt ?? card.createdAt) >= startOfToday();
  const TABS = { waiting: isWaiting, mine: isMine, closed: isClosedToday };
  const cardOf = (id) =>
    cards.find((card) => card.id === id) ||
    (results || []).find((card) => card.id === id) ||
    (detail && detail.conversation.id === id ? detail.conversation : undefined);

  const renderList = () => {
    for (const button of document.querySelectorAll("[data-tab]")) {
      const name = button.dataset.tab;
      button.setAttribute("aria-selected", String(results === null && name === tab));
      button.tabIndex = name === tab ? 0 : -1;
      button.querySelector(".count").textContent = `(${cards.filter(TABS[name]).length})`;
    }
    const list = $("conversations");
    const shown = results ?? cards.filter(TABS[tab]);
    list.replaceChildren();
    if (results !== null) list.append(element("li", { class: "muted" }, t("searchResults", results.length)));
    if (shown.length === 0) {
      const empty = { waiting: "emptyWaiting", mine: "emptyMine", closed: "emptyClosed" }[tab];
      list.append(element("li", { class: "muted" }, t(results === null ? empty : "emptySearch")));
    }
    for (const card of shown) list.append(listItem(card));
  };

  const listItem = (card) => {
    const item = element("li", { class: "conversation-item", "data-handoff": card.id });
    if (card.id === openId) item.classList.add("selected");
    const open = element("button", {
      type: "button",
      class: "conversation-open",
      "aria-current": String(card.id === openId),
    });
    open.append(
      ...testBadge(card),
      element("span", { class: `badge ${card.priority}` }, word("priority", card.priority)),
      " ",
      element("span", { class: "badge" }, `${card.language} · ${word("emotion", card.emotion)}`),
      " ",
      timeOf(card.lastAt ?? card.createdAt),
      element("span", { class: "summary" }, card.summary || t("noSummary")),
    );
    open.addEventListener("click", () => openConversation(card.id));
    item.append(open);
    if (isWaiting(card)) {
      const accept = element("button", { type: "button", class: "primary" }, t("accept"));
      const decline = element("button", { type: "button" }, t("decline"));
      accept.addEventListener("click", () => acceptRequest(card.id));
      decline.addEventListener("click", () => command({ type: "decline", handoff: card.id }));
      item.append(accept, " ", decline);
    } else if (card.status === "accepted" && card.acceptedBy !== me)
      item.append(element("p", { class: "muted" }, t("takenBy", nameOf(card.acceptedBy))));
    else if (card.status !== "pending" && card.status !== "accepted")
      item.append(element("p", { class: "muted" }, word("status", card.status)));
    return item;
  };

  const acceptRequest = async (id) => {
    const result = await command({ type: "accept", handoff: id });
    notice(result.ok ? t("accepted") : t("notAccepted", result.problem));
    if (result.ok) {
      tab = "mine";
      await openConversation(id);
    }
  };

  // ── one conversation ──────────────────────────────────────────────────────
  const openConversation = async (id) => {
    if (openId !== id) {
      live.clear();
      detail = null;
    }
    openId = id;
    sessionStorage.setItem(OPEN_KEY, id);
    renderList();
    const result = await command({ type: "open", handoff: id });
    if (openId !== id) return;
    if (!result.ok && result.offline) return;
    if (!result.ok) {
      // Gone (past the 30 days kept) or never this tenant's: forget it, so snapshots do not ask again.
      notice(t("notDone", result.problem));
      openId = null;
      sessionStorage.removeItem(OPEN_KEY);
      renderConversation();
      return;
    }
    detail = result;
    for (const key of [...live.keys()])
      if (detail.conversation.messages.some((message) => message.key === key)) live.delete(key);
    renderConversation();
    const language = detail.conversation.language;
    if (!canned.has(language)) {
      const replies = await command({ type: "canned", language });
      canned.set(language, replies.ok ? replies.replies.map((reply) => reply.label) : []);
      if (openId === id) renderCanned();
    }
  };

  const who = (entry) => {
    if (entry.from === "customer") return t("customerWho");
    if (entry.from === "agent") return !entry.agent || entry.agent === me ? t("you") : nameOf(entry.agent);
    if (entry.from === "assistant") return t("assistantWho");
    return t("systemWho");
  };
  const logLine = (entry) => {
    const line = element("li", { class: `from-${entry.from}` });
    line.append(timeOf(entry.at), " ", element("span", {}, t("said", who(entry), entry.text)));
    // The mood read in a customer's message, when it is not neutral: the agent sees where it turned.
    if (entry.emotion && entry.emotion !== "neutral")
      line.append(
        " ",
        element("span", { class: `badge mood-${entry.emotion}` }, word("emotion", entry.emotion)),
      );
    return line;
  };

  const renderConversation = () => {
    const card = openId === null ? undefined : { ...(detail?.conversation || {}), ...(cardOf(openId) || {}) };
    const chat = $("chat");
    if (!card || !detail) {
      chat.hidden = true;
      chat.removeAttribute("data-chat");
      $("customer-panel").hidden = true;
      $("conversation-title").textContent = t("noConversation");
      return;
    }
    chat.hidden = false;
    chat.setAttribute("data-chat", card.id);
    $("conversation-title").textContent = card.summary || t("noSummary");
    $("conversation-badges").replaceChildren(
      ...testBadge(card),
      element("span", { class: "badge" }, word("status", card.status)),
      element("span", { class: `badge ${card.priority}` }, word("priority", card.priority)),
      element("span", { class: "badge" }, word("reason", card.reason)),
      ...(card.status === "accepted" && card.acceptedBy !== me
        ? [element("span", { class: "badge" }, t("heldBy", nameOf(card.acceptedBy)))]
        : []),
      ...(card.endReason ? [element("span", { class: "badge" }, word("endReason", card.endReason))] : []),
    );
    drawLog();
    $("pending-actions").hidden = !isWaiting(card);
    const holding = isMine(card);
    $("holder-actions").hidden = !holding;
    if (holding) {
      renderCanned();
      renderTransferTargets();
    }
    renderNotes();
    renderCustomer();
  };

  const drawLog = () => {
    const log = $("chat-log");
    const before = (detail.conversation.lastMessages || []).map(logLine);
    const since = [...detail.conversation.messages, ...live.values()]
      .sort((left, right) => left.at - right.at)
      .map(logLine);
    log.replaceChildren(
      ...(before.length > 0
        ? [element("li", { class: "muted separator" }, t("beforeHandoff")), ...before]
        : []),
      ...(before.length > 0 && since.length > 0 ? [element("li", { class: "separator" }, "—")] : []),
      ...since,
    );
    log.scrollTop = log.scrollHeight;
  };

  const renderCanned = () => {
    const bar = $("canned");
    const replies = canned.get(detail?.conversation.language) || [];
    bar.replaceChildren(
      ...replies.slice(0, 9).map((label, index) => {
        const button = element("button", {
          type: "button",
          class: "canned-reply",
          title: `Alt+${index + 1}`,
        });
        button.append(element("kbd", {}, String(index + 1)), ` ${label}`);
        button.addEventListener("click", () => insertCanned(index));
        return button;
      }),
    );
  };
  const insertCanned = (index) => {
    const label = (canned.get(detail?.conversation.language) || [])[index];
    if (label === undefined) return;
    const input = $("reply-input");
    input.value = input.value.trim().length > 0 ? `${input.value.trimEnd()} ${label}` : label;
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  };

  const renderTransferTargets = () => {
    const select = $("transfer-to");
    const targets = people.filter((person) => person.id !== me && person.isOnline && person.isActive);
    select.replaceChildren(
      ...(targets.length === 0
        ? [element("option", { value: "" }, t("nobodyToTransfer"))]
        : targets.map((person) => element("option", { value: person.id }, person.name))),
    );
    select.disabled = targets.length === 0;
    $("transfer").disabled = targets.length === 0;
  };

  const renderNotes = () => {
    const notes = detail.conversation.notes;
    $("notes").replaceChildren(
      ...(notes.length === 0
        ? [element("li", { class: "muted" }, t("noNotes"))]
        : notes.map((note) => {
            const line = element("li", { class: "note" });
            line.append(
              timeOf(note.at),
              " ",
              element("span", {}, t("said", note.agent === me ? t("you") : nameOf(note.agent), note.text)),
            );
            return line;
          })),
    );
  };

  const renderCustomer = () => {
    const customer = detail.customer;
    const facts = $("customer-facts");
    const fact = (term, value) => [element("dt", {}, term), element("dd", {}, value)];
    const trend = element("dd", { class: "trend" });
    for (const mood of customer.emotionTrend)
      trend.append(element("span", { class: `badge mood-${mood}` }, word("emotion", mood)), " ");
    facts.replaceChildren(
      ...fact(t("channel"), customer.channel),
      ...fact(t("languageFact"), customer.language),
      element("dt", {}, t("emotionTrend")),
      trend,
      ...fact(t("contact"), customer.contact ?? t("noContact")),
      ...fact(t("visitor"), detail.conversation.thread),
    );
    const previous = $("previous");
    previous.replaceChildren(
      ...(customer.previous.length === 0
        ? [element("li", { class: "muted" }, t("noPrevious"))]
        : customer.previous.map((card) => {
            const item = element("li");
            const button = element("button", { type: "button", class: "conversation-open" });
            button.append(
              timeOf(card.createdAt),
              " ",
              card.summary || t("noSummary"),
              " · ",
              word("status", card.status),
            );
            button.addEventListener("click", () => openConversation(card.id));
            item.append(button);
            return item;
          })),
    );
    $("customer-panel").hidden = false;
  };

  // ── typing ────────────────────────────────────────────────────────────────
  let typingSentAt = 0;
  let typingStop = null;
  const stopTyping = () => {
    clearTimeout(typingStop);
    typingStop = null;
    if (typingSentAt > 0 && openId) send({ type: "typing", handoff: openId, on: false });
    typingSentAt = 0;
  };
  $("reply-input").addEventListener("input", (event) => {
    if (!openId) return;
    if (event.target.value.trim().length === 0) return stopTyping();
    // A start at most every 3 s (the widget shows it for a while); a stop after 4 s without a key.
    if (Date.now() - typingSentAt > 3000) {
      typingSentAt = Date.now();
      send({ type: "typing", handoff: openId, on: true });
    }
    clearTimeout(typingStop);
    typingStop = setTimeout(stopTyping, 4000);
  });
  let customerTypingTimer = null;
  const showCustomerTyping = (handoff) => {
    if (handoff !== openId) return;
    const line = $("customer-typing");
    line.textContent = t("customerTyping");
    line.hidden = false;
    clearTimeout(customerTypingTimer);
    customerTypingTimer = setTimeout(() => {
      line.hidden = true;
    }, 5000);
  };

  // ── forms and buttons of the conversation ────────────────────────────────
  $("reply-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("reply-input");
    const text = input.value.trim();
    if (!text || !openId) return;
    const handoff = openId;
    input.value = "";
    stopTyping();
    const id = nextId();
    const result = await command({ type: "reply", handoff, id, text });
    if (result.ok) {
      if (handoff === openId) {
        live.set(`agent:${me}:${id}`, {
          key: `agent:${me}:${id}`,
          at: Date.now(),
          from: "agent",
          agent: me,
          text,
        });
        if (detail) drawLog();
      }
    } else {
      notice(t("notSent", result.problem));
      if (!input.value) input.value = text;
    }
  });
  $("note-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("note-input");
    const text = input.value.trim();
    if (!text || !openId) return;
    const handoff = openId;
    const result = await command({ type: "note", handoff, id: nextId(), text });
    if (!result.ok) return notice(t("notDone", result.problem));
    input.value = "";
    notice(t("noteAdded"));
    if (handoff === openId) await openConversation(handoff);
  });
  // Enter adds the note (as Enter sends a reply); Shift+Enter is a new line.
  $("note-input").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      $("note-form").requestSubmit();
    }
  });
  $("accept").addEventListener("click", () => openId && acceptRequest(openId));
  $("decline").addEventListener("click", () => openId && command({ type: "decline", handoff: openId }));
  const end = async (how) => {
    if (!openId) return;
    const result = await command({ type: "end", handoff: openId, how });
    if (!result.ok) notice(t("notDone", result.problem));
    else await openConversation(openId);
  };
  $("resolve").addEventListener("click", () => end("resolved"));
  $("close").addEventListener("click", () => end("closed"));
  $("transfer").addEventListener("click", async () => {
    const to = $("transfer-to").value;
    if (!to || !openId) return;
    const result = await command({ type: "transfer", handoff: openId, to });
    notice(result.ok ? t("transferred", nameOf(to)) : t("notDone", result.problem));
    if (result.ok) await openConversation(openId);
  });

  // ── alerts: a sound and the title on a new request ────────────────────────
  let audio = null;
  const beep = () => {
    document.body.dataset.alerts = String(Number(document.body.dataset.alerts || 0) + 1);
    if (!$("sound").checked) return;
    try {
      audio = audio || new AudioContext();
      const oscillator = audio.createOscillator();
      const gain = audio.createGain();
      oscillator.frequency.value = 880;
      gain.gain.setValueAtTime(0.15, audio.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
      oscillator.connect(gain).connect(audio.destination);
      oscillator.start();
      oscillator.stop(audio.currentTime + 0.4);
      document.body.dataset.sounds = String(Number(document.body.dataset.sounds || 0) + 1);
    } catch {
      // No audio device, or the browser refused it: the title still says it.
    }
  };
  const announce = (id) => {
    if (announced.has(id)) return;
    announced.add(id);
    unseen += 1;
    document.title = `(${unseen}) ${t("newRequest")} — ${baseTitle()}`;
    notice(t("newRequestWaiting"));
    beep();
  };
  const seen = () => {
    if (unseen === 0) return;
    unseen = 0;
    document.title = baseTitle();
  };
  // The agent is back at the page: the title stops counting.
  window.addEventListener("focus", seen);
  document.addEventListener("pointerdown", seen);
  document.addEventListener("keydown", seen);
  $("sound").checked = localStorage.getItem(SOUND_KEY) !== "off";
  $("sound").addEventListener("change", (event) => {
    localStorage.setItem(SOUND_KEY, event.target.checked ? "on" : "off");
  });

  // ── the server ────────────────────────────────────────────────────────────
  let lastSnapshot = null;
  // Follow-up tasks are console-follow-ups.js's: it gets the snapshot, the page's language and the way to send commands.
  const shareSnapshot = () => {
    if (lastSnapshot === null) return;
    window.dispatchEvent(
      new CustomEvent("lutin:snapshot", {
        detail: { snapshot: lastSnapshot, me, command, nameOf, language },
      }),
    );
  };
  const onSnapshot = (snapshot) => {
    lastSnapshot = snapshot;
    people = snapshot.agents;
    cards = snapshot.handoffs;
    const self = people.find((person) => person.id === me);
    if (self) {
      $("agent-name").textContent = self.name;
      // Read from the server once per connection only: a snapshot computed before the agent's own
      // toggle may arrive after it and must not flip the box back.
      if (!activeSynced) $("active").checked = self.isActive;
      activeSynced = true;
    }
    // A request offered before this page opened is not new: only later ones ring.
    for (const card of cards.filter(isWaiting)) if (!firstSnapshot) announce(card.id);
    if (firstSnapshot) for (const card of cards) announced.add(card.id);
    // After a reload, the list opens on the tab of the conversation the page had open.
    const reopened = firstSnapshot && openId !== null ? cards.find((card) => card.id === openId) : undefined;
    if (reopened) tab = Object.keys(TABS).find((name) => TABS[name](reopened)) || tab;
    if (openId === null || (detail === null && !cardOf(openId))) {
      const mine = cards.find(isMine);
      if (mine) {
        tab = "mine";
        openId = mine.id;
      }
    }
    firstSnapshot = false;
    renderList();
    shareSnapshot();
    // The open conversation changed elsewhere (a note, a status, messages): read it again.
    const card = openId === null ? undefined : cards.find((candidate) => candidate.id === openId);
    if (
      openId !== null &&
      (detail === null ||
        (card &&
          (card.status !== detail.conversation.status ||
            card.acceptedBy !== detail.conversation.acceptedBy ||
            card.noteCount !== detail.conversation.notes.length ||
            card.messageCount > detail.conversation.messages.length)))
    )
      openConversation(openId);
    else if (detail) renderConversation();
    emit("snapshot", snapshot);
  };
  const onPost = (post, at) => {
    if (post.kind === "customer_message" && post.ref === openId) {
      const key = post.key.startsWith(`${post.ref}:`) ? post.key.slice(post.ref.length + 1) : post.key;
      live.set(key, { key, at: at || Date.now(), from: "customer", text: post.text });
      $("customer-typing").hidden = true;
      if (detail) drawLog();
    }
    if (post.kind === "handoff_requested") announce(post.ref);
    if (post.kind === "handoff_transferred") {
      notice(t("transferredToYou"));
      announced.add(post.ref);
      beep();
    }
    emit("post", post);
  };

  const connect = () => {
    activeSynced = false;
    socket = new WebSocket(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws/agent`);
    socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "auth", token })));
    socket.addEventListener("message", (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "welcome") {
        me = frame.agent;
        sessionStorage.setItem(TOKEN_KEY, token);
        $("sign-in").hidden = true;
        $("desk").hidden = false;
        $("connection").textContent = t("connected");
        $("online").checked = true;
        $("active").disabled = false;
        document.body.setAttribute("data-online", "true");
      } else if (frame.type === "snapshot") onSnapshot(frame);
      else if (frame.type === "result") {
        const resolve = pending.get(frame.requestId);
        pending.delete(frame.requestId);
        if (resolve) resolve(frame);
      } else if (frame.type === "post") onPost(frame.post, frame.at);
      else if (frame.type === "typing") showCustomerTyping(frame.handoff);
      // The desk status line is console-desk.js's.
      else if (frame.type === "desk") emit("desk", frame);
      else if (frame.type === "error") notice(frame.problem);
    });
    socket.addEventListener("close", (event) => {
      $("connection").textContent = t("disconnected");
      $("active").disabled = true;
      document.body.setAttribute("data-online", "false");
      for (const resolve of pending.values())
        resolve({ ok: false, offline: true, problem: t("disconnected") });
      pending.clear();
      if (event.code === 4401) {
        sessionStorage.removeItem(TOKEN_KEY);
        $("sign-in").hidden = false;
        $("desk").hidden = true;
        notice(t("signInRefused"));
        return;
      }
      if (me && wantOnline) setTimeout(() => wantOnline && connect(), 2000);
    });
  };
  setInterval(() => {
    if (socket && socket.readyState === WebSocket.OPEN && me)
      socket.send(JSON.stringify({ type: "heartbeat" }));
  }, 20000);

  // ── search ────────────────────────────────────────────────────────────────
  let searchTimer = null;
  $("search").addEventListener("input", (event) => {
    clearTimeout(searchTimer);
    const query = event.target.value.trim();
    if (query.length === 0) {
      results = null;
      return renderList();
    }
    searchTimer = setTimeout(async () => {
      const result = await command({ type: "search", query });
      if ($("search").value.trim() !== query) return;
      results = result.ok ? result.conversations : [];
      renderList();
    }, 250);
  });

  // ── keyboard ──────────────────────────────────────────────────────────────
  const listButtons = () => [...document.querySelectorAll("#conversations .conversation-open")];
  const moveInList = (step) => {
    const buttons = listButtons();
    if (buttons.length === 0) return;
    const at = buttons.indexOf(document.activeElement);
    const current =
      at >= 0 ? at : buttons.findIndex((button) => button.getAttribute("aria-current") === "true");
    const next = buttons[Math.min(buttons.length - 1, Math.max(0, current + step))] || buttons[0];
    next.focus();
  };
  const typingInField = (target) =>
    target instanceof HTMLElement &&
    (target.matches("input:not([type=checkbox]):not([type=radio]), textarea, select") ||
      target.isContentEditable);
  document.addEventListener("keydown", (event) => {
    if ($("desk").hidden) return;
    if (event.altKey && /^[1-9]$/.test(event.key) && !$("holder-actions").hidden) {
      event.preventDefault();
      return insertCanned(Number(event.key) - 1);
    }
    if (event.key === "Escape") {
      if (event.target === $("search") && $("search").value) {
        $("search").value = "";
        results = null;
        return renderList();
      }
      const current = listButtons().find((button) => button.getAttribute("aria-current") === "true");
      return (current || listButtons()[0] || $("search")).focus();
    }
    if (typingInField(event.target) || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.key === "/") {
      event.preventDefault();
      return $("search").focus();
    }
    const inList =
      event.target instanceof HTMLElement && event.target.closest("#conversations, [role=tablist]");
    if (event.key === "j" || (inList && event.key === "ArrowDown")) {
      event.preventDefault();
      return moveInList(1);
    }
    if (event.key === "k" || (inList && event.key === "ArrowUp")) {
      event.preventDefault();
      return moveInList(-1);
    }
  });
  const tabButtons = () => [...document.querySelectorAll("[data-tab]")];
  for (const button of tabButtons()) {
    button.addEventListener("click", () => {
      tab = button.dataset.tab;
      results = null;
      $("search").value = "";
      renderList();
    });
    button.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
      const buttons = tabButtons();
      const next =
        buttons[
          (buttons.indexOf(button) + (event.key === "ArrowRight" ? 1 : buttons.length - 1)) % buttons.length
        ];
      next.focus();
      next.click();
    });
  }

  // ── the page's own controls ───────────────────────────────────────────────
  $("language-switch").addEventListener("change", (event) => {
    language = TABLES[event.target.value] ? event.target.value : "en";
    localStorage.setItem(LANGUAGE_KEY, language);
    applyStaticLabels();
    $("connection").textContent = t(
      socket && socket.readyState === WebSocket.OPEN ? "connected" : "disconnected",
    );
    renderList();
    shareSnapshot();
    if (detail) renderConversation();
    emit("language", language);
  });
  $("sign-in").addEventListener("submit", (event) => {
    event.preventDefault();
    token = $("agent-token").value.trim();
    wantOnline = true;
    connect();
  });
  $("online").addEventListener("change", (event) => {
    wantOnline = event.target.checked;
    if (wantOnline) connect();
    else if (socket) socket.close(1000, "agent went offline");
  });
  $("active").addEventListener("change", async (event) => {
    const wanted = event.target.checked;
    const result = await command({ type: "active", isActive: wanted });
    if (!result.ok) {
      event.target.checked = !wanted;
      notice(t("notChanged", result.problem));
    }
  });
  $("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    sessionStorage.removeItem(OPEN_KEY);
    me = null;
    socket.close();
    location.reload();
  });

  // Handoffs from the dashboard's test chat (issue 17, finding 4): marked, so nobody takes them for a customer.
  function testBadge(item) {
    return item.test === true
      ? [element("span", { class: "badge test", "data-test-badge": "" }, "TEST"), " "]
      : [];
  }

  /** For the modules in the page's slots: the words, the agent, commands, and what the server says. */
  window.lutinConsole = {
    language: () => language,
    t,
    agent: () => me,
    command,
    on: (event, listener) => listeners[event]?.push(listener),
  };

  applyStaticLabels();
  $("connection").textContent = t("disconnected");
  const saved = sessionStorage.getItem(TOKEN_KEY);
  if (saved) {
    token = saved;
    connect();
  }
})();
