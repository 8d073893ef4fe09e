/*
 * Agent console: the desk status line (can live requests reach you now, and if not, why) and the filter
 * of the test chat's follow-up tasks (issue 17, findings 1 and 4). console.js hands over the server's
 * "desk" frames (window.lutinConsole.on("desk")); this file draws them in the header's #desk-status-slot,
 * in the console's language (English or French).
 */
(() => {
  const texts = {
    en: {
      reachesYou: "Live requests reach you now",
      reachesYouOutsideHours: "Outside business hours, live requests reach you now (your team allows it)",
      reachesOthers: "Live requests reach other agents now, not you",
      closedUntil: "Desk closed until {time} — requests become follow-up tasks",
      closed: "Desk closed — requests become follow-up tasks",
      nobodyActive: "Nobody active — requests become follow-up tasks",
      agentsBusy: "Every active agent is at capacity — requests become follow-up tasks",
      escalationOff:
        "Live handoffs are not in this plan: “Talk to a human” gives customers your contact details",
      showTestTasks: "Show test tasks",
    },
    fr: {
      reachesYou: "Les demandes en direct vous parviennent",
      reachesYouOutsideHours:
        "Hors des heures d'ouverture, les demandes en direct vous parviennent (votre équipe l'autorise)",
      reachesOthers: "Les demandes en direct parviennent à d'autres agents, pas à vous",
      closedUntil: "Support fermé jusqu'à {time} — les demandes deviennent des tâches de suivi",
      closed: "Support fermé — les demandes deviennent des tâches de suivi",
      nobodyActive: "Personne n'est actif — les demandes deviennent des tâches de suivi",
      agentsBusy:
        "Tous les agents actifs ont atteint leur nombre maximal de conversations — les demandes deviennent des tâches de suivi",
      escalationOff:
        "Les transferts en direct ne font pas partie de cette formule : « Parler à un humain » donne vos coordonnées aux clients",
      showTestTasks: "Afficher les tâches de test",
    },
  };
  const consolePage = window.lutinConsole;
  const language = () => {
    const code = String(consolePage?.language() || navigator.language || "en")
      .slice(0, 2)
      .toLowerCase();
    return texts[code] ? code : "en";
  };
  const text = (key) => texts[language()][key];

  const line = () => {
    let node = document.getElementById("desk-status");
    if (!node) {
      node = document.createElement("p");
      node.id = "desk-status";
      node.setAttribute("role", "status");
      node.setAttribute("aria-live", "polite");
      const slot = document.getElementById("desk-status-slot") || document.getElementById("desk");
      if (slot) slot.prepend(node);
    }
    return node;
  };

  let last = null;
  // The next opening on the tenant's clock: the business hours are written in its zone.
  const openingTime = (frame) =>
    new Intl.DateTimeFormat(language(), {
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZone: frame.timeZone,
    }).format(new Date(frame.opensAt));
  const sentence = (frame) => {
    if (frame.state === "open") {
      if (!frame.reachesYou) return text("reachesOthers");
      return frame.reason === "agent_outside_hours" ? text("reachesYouOutsideHours") : text("reachesYou");
    }
    if (frame.state === "off") return text("escalationOff");
    if (frame.state === "closed")
      return frame.opensAt ? text("closedUntil").replace("{time}", openingTime(frame)) : text("closed");
    return frame.reason === "agents_busy" ? text("agentsBusy") : text("nobodyActive");
  };
  const draw = () => {
    if (last === null) return;
    const node = line();
    node.textContent = sentence(last);
    node.lang = language();
    node.title = last.timeZone;
    node.className = `desk-status desk-${last.state}${last.reachesYou ? " desk-reaches-you" : ""}`;
    node.setAttribute("data-state", last.state);
  };
  consolePage?.on("desk", (frame) => {
    last = frame;
    draw();
  });

  // Follow-up tasks from the test chat carry data-test="true": this box hides them.
  const addTestTaskFilter = () => {
    const heading = document.getElementById("tasks-title");
    if (!heading || document.getElementById("show-test-tasks")) return;
    const label = document.createElement("label");
    label.className = "test-task-filter";
    const box = document.createElement("input");
    box.type = "checkbox";
    box.id = "show-test-tasks";
    box.checked = true;
    box.addEventListener("change", () =>
      document.body.setAttribute("data-hide-test-tasks", String(!box.checked)),
    );
    const caption = document.createElement("span");
    label.append(box, " ", caption);
    heading.after(label);
  };
  const drawFilter = () => {
    const caption = document.querySelector(".test-task-filter span");
    if (caption) caption.textContent = text("showTestTasks");
  };
  addTestTaskFilter();
  drawFilter();

  consolePage?.on("language", () => {
    draw();
    drawFilter();
  });
})();
