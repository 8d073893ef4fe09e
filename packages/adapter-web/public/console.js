/*
 * Agent console. The WebSocket connection is the agent's presence: connected and signed in = online
 * (refreshed by a heartbeat every 20 s), disconnected = offline. Every text is written with textContent.
 */
(() => {
  const $ = (id) => document.getElementById(id);
  const element = (tag, attributes, text) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const tokenKey = "lutin-agent-token";
  let socket = null;
  let me = null;
  let token = null;
  // Presence is the connection itself: going offline closes it (the server reports the agent offline
  // and requeues what they were offered); going online opens it again.
  let wantOnline = true;
  let activeSynced = false;
  let people = [];
  let sequence = 0;
  const pending = new Map();
  // Each chat's log survives a reload of this tab (sessionStorage: this tab only, gone when it closes);
  // the server's snapshot only carries a handoff's last messages from before it was accepted.
  const LOGS_KEY = "lutin-console:logs";
  const logs = new Map(Object.entries(readStoredLogs()));
  const saveLogs = () => {
    try {
      sessionStorage.setItem(LOGS_KEY, JSON.stringify(Object.fromEntries(logs)));
    } catch {
      // Storage full or disabled: the log still lives for this page.
    }
  };
  function readStoredLogs() {
    try {
      return JSON.parse(sessionStorage.getItem(LOGS_KEY) || "{}");
    } catch {
      return {};
    }
  }
  const nameOf = (id) => (people.find((person) => person.id === id) || { name: id }).name;
  const notice = (text) => {
    $("notice").textContent = text;
  };

  const command = (payload) =>
    new Promise((resolve) => {
      sequence += 1;
      const requestId = `c${sequence}`;
      pending.set(requestId, resolve);
      socket.send(JSON.stringify({ ...payload, requestId }));
    });

  const logFor = (handoff) => {
    if (!logs.has(handoff.id))
      logs.set(
        handoff.id,
        (handoff.lastMessages || []).map((message) => ({ from: message.from, text: message.text })),
      );
    return logs.get(handoff.id);
  };

  const renderIncoming = (handoffs) => {
    const list = $("incoming");
    list.replaceChildren();
    const waiting = handoffs.filter(
      (handoff) =>
        handoff.status === "pending" || (handoff.status === "accepted" && handoff.acceptedBy !== me),
    );
    if (waiting.length === 0) list.append(element("li", { class: "muted" }, "No request waiting."));
    for (const handoff of waiting) {
      const item = element("li", { class: "card", "data-handoff": handoff.id });
      item.append(
        ...testBadge(handoff),
        element("span", { class: `badge ${handoff.priority}` }, handoff.priority),
        " ",
        element("span", { class: "badge" }, `${handoff.language} · ${handoff.emotion} · ${handoff.reason}`),
        element("p", {}, handoff.summary || "(no summary)"),
      );
      if (handoff.status === "pending") {
        const accept = element("button", { type: "button", class: "primary" }, "Accept");
        const decline = element("button", { type: "button" }, "Decline");
        accept.addEventListener("click", async () => {
          const result = await command({ type: "accept", handoff: handoff.id });
          notice(result.ok ? "You have the conversation." : `Could not accept: ${result.problem}`);
        });
        decline.addEventListener("click", () => command({ type: "decline", handoff: handoff.id }));
        item.append(accept, " ", decline);
      } else {
        item.append(element("p", { class: "muted" }, `Taken by ${nameOf(handoff.acceptedBy)}`));
      }
      list.append(item);
    }
  };

  const renderChat = (handoff) => {
    let panel = document.querySelector(`[data-chat="${CSS.escape(handoff.id)}"]`);
    if (!panel) {
      panel = element("section", {
        class: "card",
        "data-chat": handoff.id,
        "aria-label": `Chat ${handoff.summary}`,
      });
      const log = element("ol", { class: "chat-log", role: "log", "aria-live": "polite" });
      const form = element("form", { class: "row" });
      const inputId = `reply-${handoff.id}`;
      form.append(
        element("label", { for: inputId, class: "visually-hidden" }, "Reply to the customer"),
        element("input", {
          id: inputId,
          type: "text",
          autocomplete: "off",
          placeholder: "Reply to the customer",
          required: "",
        }),
        element("button", { type: "submit", class: "primary" }, "Send"),
      );
      const resolve = element("button", { type: "button" }, "Resolve");
      const close = element("button", { type: "button" }, "Close");
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const input = form.querySelector("input");
        const text = input.value.trim();
        if (!text) return;
        input.value = "";
        sequence += 1;
        const result = await command({
          type: "reply",
          handoff: handoff.id,
          id: `${Date.now()}-${sequence}`,
          text,
        });
        if (result.ok) {
          logFor(handoff).push({ from: "agent", text });
          saveLogs();
          drawLog(panel, handoff);
        } else notice(`Not sent: ${result.problem}`);
      });
      resolve.addEventListener("click", () => command({ type: "end", handoff: handoff.id, how: "resolved" }));
      close.addEventListener("click", () => command({ type: "end", handoff: handoff.id, how: "closed" }));
      const heading = element("h3", {}, `${handoff.language} · ${handoff.emotion}`);
      heading.prepend(...testBadge(handoff));
      panel.append(heading, log, form, resolve, " ", close);
      $("chats").append(panel);
    }
    drawLog(panel, handoff);
  };
  const drawLog = (panel, handoff) => {
    const log = panel.querySelector("ol");
    log.replaceChildren(
      ...logFor(handoff).map((entry) =>
        element(
          "li",
          { class: `from-${entry.from}` },
          `${entry.from === "customer" ? "Customer" : entry.from === "agent" ? "You" : "Assistant"}: ${entry.text}`,
        ),
      ),
    );
    log.scrollTop = log.scrollHeight;
  };

  const renderTasks = (tasks) => {
    const body = $("tasks");
    body.replaceChildren();
    for (const task of tasks) {
      const row = element("tr", { "data-task": task.id, "data-test": String(task.test === true) });
      const actions = element("td");
      if (task.status !== "done") {
        if (task.assignee !== me) {
          const assign = element("button", { type: "button" }, "Assign to me");
          assign.addEventListener("click", () => command({ type: "assign", followUp: task.id }));
          actions.append(assign, " ");
        }
        const done = element("button", { type: "button" }, "Done");
        done.addEventListener("click", () => command({ type: "done", followUp: task.id }));
        actions.append(done);
      }
      row.append(
        element("td", {}, "").appendChild(element("span", { class: `badge ${task.priority}` }, task.priority))
          .parentNode,
        withTestBadge(element("td", {}, task.labels.join(", ")), task),
        element("td", {}, task.summary),
        element("td", {}, task.assignee ? `${task.status} · ${nameOf(task.assignee)}` : task.status),
        actions,
      );
      body.append(row);
    }
  };

  // Handoffs and tasks from the dashboard's test chat (issue 17, finding 4): marked, never a customer.
  function testBadge(item) {
    return item.test === true
      ? [element("span", { class: "badge test", "data-test-badge": "" }, "TEST"), " "]
      : [];
  }
  function withTestBadge(cell, item) {
    cell.prepend(...testBadge(item));
    return cell;
  }

  const onSnapshot = (snapshot) => {
    people = snapshot.agents;
    const self = people.find((person) => person.id === me);
    if (self) {
      $("agent-name").textContent = self.name;
      // Read from the server once per connection only: a snapshot computed before the agent's own
      // toggle may arrive after it and must not flip the box back.
      if (!activeSynced) $("active").checked = self.isActive;
      activeSynced = true;
    }
    renderIncoming(snapshot.handoffs);
    const mine = snapshot.handoffs.filter(
      (handoff) => handoff.status === "accepted" && handoff.acceptedBy === me,
    );
    for (const panel of document.querySelectorAll("[data-chat]"))
      if (!mine.some((handoff) => handoff.id === panel.getAttribute("data-chat"))) panel.remove();
    for (const handoff of mine) renderChat(handoff);
    renderTasks(snapshot.followUps);
  };

  const connect = () => {
    activeSynced = false;
    socket = new WebSocket(`${location.protocol === "https:" ? "wss:" : "ws:"}//${location.host}/ws/agent`);
    socket.addEventListener("open", () => socket.send(JSON.stringify({ type: "auth", token })));
    socket.addEventListener("message", (event) => {
      const frame = JSON.parse(event.data);
      if (frame.type === "welcome") {
        me = frame.agent;
        sessionStorage.setItem(tokenKey, token);
        $("sign-in").hidden = true;
        $("desk").hidden = false;
        $("connection").textContent = "online";
        $("online").checked = true;
        $("active").disabled = false;
        document.body.setAttribute("data-online", "true");
      } else if (frame.type === "snapshot") onSnapshot(frame);
      // The desk status line is drawn by console-desk.js.
      else if (frame.type === "desk")
        document.dispatchEvent(new CustomEvent("lutin:desk", { detail: frame }));
      else if (frame.type === "result") {
        const resolve = pending.get(frame.requestId);
        pending.delete(frame.requestId);
        if (resolve) resolve(frame);
      } else if (frame.type === "post") {
        const post = frame.post;
        if (post.kind === "customer_message" && logs.has(post.ref)) {
          logs.get(post.ref).push({ from: "customer", text: post.text });
          saveLogs();
          const panel = document.querySelector(`[data-chat="${CSS.escape(post.ref)}"]`);
          if (panel) drawLog(panel, { id: post.ref });
        }
        if (post.kind === "handoff_requested") notice("New request waiting.");
      } else if (frame.type === "error") notice(frame.problem);
    });
    socket.addEventListener("close", (event) => {
      $("connection").textContent = "offline";
      $("active").disabled = true;
      document.body.setAttribute("data-online", "false");
      if (event.code === 4401) {
        sessionStorage.removeItem(tokenKey);
        $("sign-in").hidden = false;
        $("desk").hidden = true;
        notice("Sign-in refused: check the token.");
        return;
      }
      if (me && wantOnline) setTimeout(() => wantOnline && connect(), 2000);
    });
  };
  setInterval(() => {
    if (socket && socket.readyState === WebSocket.OPEN && me)
      socket.send(JSON.stringify({ type: "heartbeat" }));
  }, 20000);

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
      notice(`Not changed: ${result.problem}`);
    }
  });
  $("sign-out").addEventListener("click", () => {
    sessionStorage.removeItem(tokenKey);
    me = null;
    socket.close();
    location.reload();
  });
  const saved = sessionStorage.getItem(tokenKey);
  if (saved) {
    token = saved;
    connect();
  }
})();
