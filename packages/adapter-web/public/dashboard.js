/* Dashboard for tenant admins: usage, history, test chat, packs, plan and enchantments (admin API). */
(() => {
  const $ = (id) => document.getElementById(id);
  const element = (tag, attributes, text) => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const resources = {
    en: {
      translation: {
        title: "Dashboard",
        language: "Language",
        adminToken: "Admin token",
        signIn: "Sign in",
        thisPeriod: "This period",
        plan: "Plan",
        used: "Used",
        remaining: "Remaining",
        overage: "Overage",
        packs: "Packs remaining",
        human: "Human conversations",
        overTime: "Usage by day",
        history: "Detailed history",
        mode: "Mode",
        all: "All",
        humanShort: "Human",
        counted: "Counted",
        yes: "Yes",
        no: "No",
        origin: "Origin",
        exportCsv: "Export CSV",
        opened: "Opened",
        channel: "Channel",
        why: "Opened because / ended because",
        languageEmotion: "Language / emotion",
        previous: "Previous",
        next: "Next",
        testChat: "Test chat",
        neverCounted: "never counted",
        testMessage: "Test message",
        send: "Send",
        billing: "Plan, packs and enchantments",
        packSize: "Pack size",
        addPack: "Add a pack",
        changePlan: "Change plan",
        apply: "Apply",
        enchantments: "Enchantments",
        periodRange: "From {{start}} to {{end}}",
        alert: "You have used {{percent}}% of this period's conversations.",
        alertsTitle: "Usage alerts",
        invoice: "Invoice of a closed period",
        invoiceMonth: "Period starting in",
        showInvoice: "Show the invoice",
        print: "Print",
        invoiceLine: "Line",
        invoiceCount: "Conversations",
        invoiceIds: "Conversation ids",
        invoiceHeading: "{{tenant}}, plan {{plan}} ({{price}} €/month), from {{start}} to {{end}}",
        lineAllowance: "Included in the plan ({{allowance}})",
        linePack: "Pack {{id}} ({{size}})",
        lineOverage: "Overage",
        invoiceAmount: "Amount",
        amountIncluded: "included",
        amountPrepaid: "prepaid",
        amountNotPriced: "not priced in the catalog",
        amountEach: "{{count}} × {{unit}} € = {{amount}} €",
        lineTotal: "Total",
        totalUnknown: "not known: a line is not priced",
        lastAuditNever: "No audit yet: run lutin audit --data DIR to check the ledger against the events.",
        lastAuditAgree: "Last audit on {{at}}{{live}}: ledger and events agree ({{periods}} period(s)).",
        lastAuditDiffer: "Last audit on {{at}}{{live}}: {{count}} difference(s), first: {{first}}",
        lastAuditLive: " (server running)",
        lineHuman: "Human conversations",
        lineHumanOverage: "Human conversations past the plan's {{allowance}}",
        alertFired: "{{threshold}}%: reached on {{at}}",
        alertWithdrawn:
          "{{threshold}}%: withdrawn on {{withdrawnAt}} (reached on {{at}}, undone by a merge or a failed delivery)",
        pageOf: "Page {{page}} of {{pages}} ({{total}} conversations)",
        countedAt: "yes, at {{at}}",
        notCounted: "no: {{reason}}",
        inProgress: "not yet (no delivered reply)",
        ongoing: "in progress",
        pendingPlan: "(→ {{plan}} on {{date}})",
        included: "included",
        addOn: "add-on {{price}} €/month",
        packAdded: "Pack of {{size}} added.",
        planChanged: "Plan: {{plan}}.",
        wrongToken: "Wrong token.",
        daySeries: "Day",
        aiSeries: "AI",
        humanSeries: "Human",
        testBadge: "test — not counted",
        testAgentSays: "Agent: {{text}}",
        periodFilter: "Period",
        emotion_frustrated: "frustrated",
        emotion_happy: "happy",
        emotion_neutral: "neutral",
        emotion_confused: "confused",
        emotion_urgent: "urgent",
        allPeriods: "All periods",
        previewBadge: "preview — not counted",
        mode_ai: "AI",
        mode_human: "Human",
        open_first_message: "first message",
        open_after_close: "after a close",
        open_after_inactivity: "after 30 min without activity",
        open_new_topic: "new topic after a resolution",
        open_handoff: "handoff to an agent",
        end_inactivity: "30 min without activity",
        end_closed: "closed",
        end_resolved: "resolved",
        not_test: "test chat",
        not_preview: "preview",
        not_cancelled: "cancelled (no reply delivered)",
        not_merged: "merged into an earlier one",
      },
    },
    fr: {
      translation: {
        title: "Tableau de bord",
        language: "Langue",
        adminToken: "Jeton administrateur",
        signIn: "Se connecter",
        thisPeriod: "Cette période",
        plan: "Forfait",
        used: "Utilisées",
        remaining: "Restantes",
        overage: "Dépassement",
        packs: "Packs restants",
        human: "Conversations humaines",
        overTime: "Utilisation par jour",
        history: "Historique détaillé",
        mode: "Mode",
        all: "Tous",
        humanShort: "Humain",
        counted: "Comptée",
        yes: "Oui",
        no: "Non",
        origin: "Origine",
        exportCsv: "Exporter en CSV",
        opened: "Ouverte",
        channel: "Canal",
        why: "Ouverte parce que / terminée parce que",
        languageEmotion: "Langue / émotion",
        previous: "Précédent",
        next: "Suivant",
        testChat: "Chat de test",
        neverCounted: "jamais compté",
        testMessage: "Message de test",
        send: "Envoyer",
        billing: "Forfait, packs et enchantements",
        packSize: "Taille du pack",
        addPack: "Ajouter un pack",
        changePlan: "Changer de forfait",
        apply: "Appliquer",
        enchantments: "Enchantements",
        periodRange: "Du {{start}} au {{end}}",
        alert: "Vous avez utilisé {{percent}} % des conversations de cette période.",
        alertsTitle: "Alertes de consommation",
        invoice: "Facture d'une période close",
        invoiceMonth: "Période commençant en",
        showInvoice: "Afficher la facture",
        print: "Imprimer",
        invoiceLine: "Ligne",
        invoiceCount: "Conversations",
        invoiceIds: "Identifiants des conversations",
        invoiceHeading: "{{tenant}}, forfait {{plan}} ({{price}} €/mois), du {{start}} au {{end}}",
        lineAllowance: "Incluses dans le forfait ({{allowance}})",
        linePack: "Pack {{id}} ({{size}})",
        lineOverage: "Dépassement",
        invoiceAmount: "Montant",
        amountIncluded: "inclus",
        amountPrepaid: "prépayé",
        amountNotPriced: "sans prix dans le catalogue",
        amountEach: "{{count}} × {{unit}} € = {{amount}} €",
        lineTotal: "Total",
        totalUnknown: "inconnu : une ligne n'a pas de prix",
        lastAuditNever:
          "Aucun audit pour l'instant : lancez lutin audit --data DOSSIER pour vérifier le registre par rapport aux événements.",
        lastAuditAgree:
          "Dernier audit le {{at}}{{live}} : registre et événements concordent ({{periods}} période(s)).",
        lastAuditDiffer: "Dernier audit le {{at}}{{live}} : {{count}} écart(s), le premier : {{first}}",
        lastAuditLive: " (serveur en marche)",
        lineHuman: "Conversations humaines",
        lineHumanOverage: "Conversations humaines au-delà des {{allowance}} du forfait",
        alertFired: "{{threshold}} % : atteint le {{at}}",
        alertWithdrawn:
          "{{threshold}} % : retirée le {{withdrawnAt}} (atteint le {{at}}, annulé par une fusion ou un échec de livraison)",
        pageOf: "Page {{page}} sur {{pages}} ({{total}} conversations)",
        countedAt: "oui, le {{at}}",
        notCounted: "non : {{reason}}",
        inProgress: "pas encore (aucune réponse délivrée)",
        ongoing: "en cours",
        pendingPlan: "(→ {{plan}} le {{date}})",
        included: "inclus",
        addOn: "option {{price}} €/mois",
        packAdded: "Pack de {{size}} ajouté.",
        planChanged: "Forfait : {{plan}}.",
        wrongToken: "Jeton incorrect.",
        daySeries: "Jour",
        aiSeries: "IA",
        humanSeries: "Humain",
        testBadge: "test — non comptée",
        testAgentSays: "Conseiller : {{text}}",
        periodFilter: "Période",
        emotion_frustrated: "frustré",
        emotion_happy: "content",
        emotion_neutral: "neutre",
        emotion_confused: "perplexe",
        emotion_urgent: "pressé",
        allPeriods: "Toutes les périodes",
        previewBadge: "aperçu — non comptée",
        mode_ai: "IA",
        mode_human: "Humain",
        open_first_message: "premier message",
        open_after_close: "après une fermeture",
        open_after_inactivity: "après 30 min sans activité",
        open_new_topic: "nouveau sujet après résolution",
        open_handoff: "transfert à un conseiller",
        end_inactivity: "30 min sans activité",
        end_closed: "fermée",
        end_resolved: "résolue",
        not_test: "chat de test",
        not_preview: "aperçu",
        not_cancelled: "annulée (aucune réponse délivrée)",
        not_merged: "fusionnée avec une précédente",
      },
    },
  };
  const i18n = window.i18next;
  const saved = localStorage.getItem("lutin-dashboard-language");
  i18n.init({
    initAsync: false,
    lng: saved || (navigator.language.startsWith("fr") ? "fr" : "en"),
    fallbackLng: "en",
    resources,
    // Every translated string goes into the page with textContent, which already keeps markup inert;
    // i18next's own HTML escaping would show dates as "20&#x2F;11&#x2F;2026".
    interpolation: { escapeValue: false },
  });
  const t = (key, values) => i18n.t(key, values);
  const applyTranslations = () => {
    document.documentElement.lang = i18n.language;
    $("language").value = i18n.language;
    for (const node of document.querySelectorAll("[data-i18n]"))
      node.textContent = t(node.getAttribute("data-i18n"));
  };

  const tokenKey = "lutin-admin-token";
  let token = sessionStorage.getItem(tokenKey);
  let page = 1;
  let usage = null;
  let chart = null;
  const session = Math.random().toString(36).slice(2, 12);

  const api = async (path, body) => {
    const response = await fetch(`/api/admin${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 401) throw Object.assign(new Error("unauthorized"), { status: 401 });
    const json = response.headers.get("content-type").includes("json")
      ? await response.json()
      : await response.blob();
    if (!response.ok) throw Object.assign(new Error(json.message), { status: response.status });
    return json;
  };
  // Periods and days are the tenant's (Q1): dates are shown in the tenant's time zone, not the browser's.
  const zone = () => (usage ? { timeZone: usage.tenant.timeZone } : {});
  const date = (value) => new Date(value).toLocaleString(i18n.language, zone());
  const day = (value) => new Date(value).toLocaleDateString(i18n.language, zone());

  const renderUsage = () => {
    const u = usage;
    // The period is half-open (Q1): its last day is the one before `end`.
    $("period").textContent = t("periodRange", { start: day(u.period.start), end: day(u.period.end - 1) });
    $("plan").textContent = u.plan.name;
    $("pending-plan").textContent = u.pendingPlanChange
      ? t("pendingPlan", { plan: u.pendingPlanChange.plan, date: day(u.pendingPlanChange.effectiveAt) })
      : "";
    $("used").textContent = `${u.used} / ${u.allowance}`;
    $("remaining").textContent = String(u.remaining);
    $("overage").textContent = String(u.overage);
    $("packs").textContent = String(u.packsRemaining);
    $("human").textContent =
      u.human.allowance === null ? String(u.human.used) : `${u.human.used} / ${u.human.allowance}`;
    const percent = u.allowance === 0 ? (u.used > 0 ? 100 : 0) : Math.round((u.used / u.allowance) * 100);
    $("progress").setAttribute("aria-valuenow", String(Math.min(percent, 100)));
    $("progress").classList.toggle("over", u.overage > 0);
    $("progress-bar").style.width = `${Math.min(percent, 100)}%`;
    // Q5, C13: the banner shows the highest alert still in force; a withdrawn one (its crossing was undone
    // by a reversal) is listed as withdrawn, never announced as reached.
    const latest = u.alerts
      .filter((alert) => alert.state !== "withdrawn")
      .reduce((top, alert) => Math.max(top, alert.threshold), 0);
    $("alerts").hidden = latest === 0;
    $("alerts").textContent = latest === 0 ? "" : t("alert", { percent: latest });
    $("alert-list-section").hidden = u.alerts.length === 0;
    $("alert-list").replaceChildren(
      ...u.alerts.map((alert) => {
        const withdrawn = alert.state === "withdrawn";
        const text = withdrawn
          ? t("alertWithdrawn", {
              threshold: alert.threshold,
              at: date(alert.at),
              withdrawnAt: date(alert.withdrawnAt),
            })
          : t("alertFired", { threshold: alert.threshold, at: date(alert.at) });
        return element(
          "li",
          { "data-state": withdrawn ? "withdrawn" : "fired", class: withdrawn ? "muted" : "" },
          text,
        );
      }),
    );
    const select = $("plan-select");
    select.replaceChildren(
      ...u.plans.map((plan) => {
        const option = element("option", { value: plan.id }, `${plan.name} (${plan.aiAllowance})`);
        option.selected = plan.id === u.plan.id;
        return option;
      }),
    );
    const box = $("enchantments");
    box.replaceChildren(
      ...u.enchantments.map((item) => {
        const id = `enchantment-${item.name}`;
        const input = element("input", { type: "checkbox", id });
        input.checked = item.enabled;
        input.addEventListener("change", async () => {
          await api("/enchantments", { name: item.name, enabled: input.checked });
          await refresh();
        });
        const label = element(
          "label",
          { for: id },
          `${item.name} (${item.included ? t("included") : t("addOn", { price: (item.monthlyPriceCents / 100).toFixed(2) })})`,
        );
        const wrapper = element("span");
        wrapper.append(input, " ", label);
        return wrapper;
      }),
    );
    drawChart();
  };

  const drawChart = () => {
    const days = usage.days;
    const data = [
      days.map((entry) => Date.parse(`${entry.date}T12:00:00Z`) / 1000),
      days.map((entry) => entry.ai),
      days.map((entry) => entry.human),
    ];
    if (chart) chart.destroy();
    const width = Math.max(280, Math.min($("chart").clientWidth || 600, 1000));
    chart = new window.uPlot(
      {
        width,
        height: 220,
        series: [
          // uPlot's own legend would say "Time" in every language.
          { label: t("daySeries"), value: (_self, seconds) => (seconds == null ? "—" : day(seconds * 1000)) },
          { label: t("aiSeries"), stroke: "#5b3cc4", width: 2 },
          { label: t("humanSeries"), stroke: "#2e8b57", width: 2 },
        ],
        axes: [{}, { label: "" }],
        scales: { y: { range: (_self, _min, max) => [0, Math.max(5, max)] } },
      },
      data,
      $("chart"),
    );
  };

  const filters = () => {
    const query = new URLSearchParams({ page: String(page), pageSize: "20" });
    for (const [name, id] of [
      ["mode", "filter-mode"],
      ["counted", "filter-counted"],
      ["origin", "filter-origin"],
      ["channel", "filter-channel"],
    ])
      if ($(id).value) query.set(name, $(id).value);
    // "This period": the rows whose count belongs to the period shown above (Q8: used = its counted rows).
    if ($("filter-period").value === "current" && usage) query.set("period", usage.period.label);
    return query;
  };

  let historyRequest = 0;
  const renderHistory = async () => {
    // Filters can change faster than the answers come back: only the latest request is drawn.
    historyRequest += 1;
    const mine = historyRequest;
    const result = await api(`/history?${filters()}`);
    if (mine !== historyRequest) return;
    const body = $("history");
    body.replaceChildren(
      ...result.rows.map((row) => {
        // The rule codes (COUNTING.md) stay on the row as data attributes and tooltips; the cells say them in words.
        const tr = element("tr", {
          "data-conversation": row.id,
          "data-origin": row.origin,
          "data-open-reason": row.openReason,
          "data-end-reason": row.endReason || "",
          "data-counted": String(row.counted),
          "data-not-counted-reason": row.notCountedReason || "",
        });
        const counted = row.counted
          ? t("countedAt", { at: date(row.countedAt) })
          : row.notCountedReason
            ? t("notCounted", { reason: t(`not_${row.notCountedReason}`) })
            : t("inProgress");
        const openedCell = element("td", {}, date(row.openedAt));
        if (row.origin !== "live") {
          openedCell.append(
            " ",
            element(
              "span",
              { class: `badge ${row.origin}` },
              t(row.origin === "test" ? "testBadge" : "previewBadge"),
            ),
          );
        }
        tr.append(
          openedCell,
          element("td", {}, t(`mode_${row.mode}`)),
          element("td", {}, row.channel),
          element(
            "td",
            { class: "reasons", title: `${row.openReason} / ${row.endReason || "—"}` },
            `${t(`open_${row.openReason}`)} / ${row.endReason ? t(`end_${row.endReason}`) : t("ongoing")}`,
          ),
          element("td", { class: "counted", title: row.notCountedReason || "" }, counted),
          element(
            "td",
            {},
            `${row.language || "—"} / ${row.emotion ? t(`emotion_${row.emotion}`, { defaultValue: row.emotion }) : "—"}`,
          ),
        );
        return tr;
      }),
    );
    const pages = Math.max(1, Math.ceil(result.total / result.pageSize));
    $("page").textContent = t("pageOf", { page: result.page, pages, total: result.total });
    $("previous").disabled = result.page <= 1;
    $("next").disabled = result.page >= pages;
  };

  // The last `lutin audit` (issue 14): when it ran and whether this tenant's ledger matched its events.
  const renderAudit = ({ audit, problem }) => {
    const line = $("last-audit");
    if (audit === null) {
      line.dataset.state = problem ? "damaged" : "none";
      line.textContent = problem || t("lastAuditNever");
      return;
    }
    const live = audit.live ? t("lastAuditLive") : "";
    line.dataset.state = audit.agree ? "agree" : "differ";
    const first = audit.differences[0];
    line.textContent = audit.agree
      ? t("lastAuditAgree", { at: date(audit.at), live, periods: audit.periods })
      : t("lastAuditDiffer", {
          at: date(audit.at),
          live,
          count: audit.differences.length,
          first: `${first.rule} ${first.period}${first.conversation ? ` ${first.conversation}` : ""}: ${first.message}`,
        });
  };

  const refresh = async () => {
    usage = await api("/usage");
    renderUsage();
    renderAudit(await api("/audit"));
    await renderHistory();
    document.body.setAttribute("data-loaded", "true");
  };

  const show = async () => {
    try {
      await refresh();
      sessionStorage.setItem(tokenKey, token);
      $("sign-in").hidden = true;
      $("board").hidden = false;
      drawChart();
    } catch (error) {
      if (error.status === 401) {
        sessionStorage.removeItem(tokenKey);
        $("sign-in-error").textContent = t("wrongToken");
      }
    }
  };

  $("sign-in").addEventListener("submit", (event) => {
    event.preventDefault();
    token = $("admin-token").value.trim();
    show();
  });
  $("language").addEventListener("change", (event) => {
    i18n.changeLanguage(event.target.value);
    localStorage.setItem("lutin-dashboard-language", event.target.value);
    applyTranslations();
    if (usage) refresh();
  });
  $("filters").addEventListener("change", () => {
    page = 1;
    renderHistory();
  });
  $("previous").addEventListener("click", () => {
    page -= 1;
    renderHistory();
  });
  $("next").addEventListener("click", () => {
    page += 1;
    renderHistory();
  });
  $("export").addEventListener("click", async () => {
    const query = filters();
    query.delete("page");
    query.delete("pageSize");
    const blob = await api(`/history.csv?${query}`);
    const link = element("a", { href: URL.createObjectURL(blob), download: "lutingenie-history.csv" });
    document.body.append(link);
    link.click();
    link.remove();
  });
  $("test-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = $("test-input").value.trim();
    if (!text) return;
    $("test-input").value = "";
    $("test-log").append(element("li", {}, `> ${text}`));
    const result = await api("/test-chat", { session, text, origin: "test" });
    const item = element("li", { dir: result.direction }, result.reply || `(${result.status})`);
    $("test-log").append(item);
    followTestChat();
    await refresh();
  });
  // A test chat may reach an agent (issue 17, finding 4): what they write comes after the answer, so
  // the test chat asks for it every 1.5 s once it is used, while the page is shown.
  let testAfter = 0;
  let testPolling = null;
  let testAsking = false;
  const followTestChat = () => {
    if (testPolling !== null) return;
    testPolling = setInterval(async () => {
      if (document.hidden || testAsking) return;
      testAsking = true;
      try {
        const later = await api(`/test-chat/messages?session=${session}&after=${testAfter}`);
        for (const message of later.messages)
          $("test-log").append(
            element(
              "li",
              { class: `from-${message.author}`, dir: message.direction },
              message.author === "agent" ? t("testAgentSays", { text: message.text }) : message.text,
            ),
          );
        testAfter = later.next;
      } catch (_error) {
        // The next round asks again.
      } finally {
        testAsking = false;
      }
    }, 1500);
  };
  // The invoice of a closed period (Q3 order), each line with the conversations it counts; printable.
  const renderInvoice = (invoice) => {
    $("invoice-heading").textContent = t("invoiceHeading", {
      tenant: usage ? usage.tenant.name : invoice.tenant,
      plan: invoice.plan.name,
      price: (invoice.plan.monthlyPriceCents / 100).toFixed(2),
      start: day(invoice.period.start),
      end: day(invoice.period.end - 1),
    });
    const euros = (cents) => (cents / 100).toFixed(2);
    // Q4, Q9: an overage line at the plan's unit price; a line the catalog gives no price says so.
    const priced = (line) =>
      line.amountCents === null
        ? t("amountNotPriced")
        : line.count === 0
          ? "0.00 €"
          : t("amountEach", {
              count: line.count,
              unit: euros(line.unitPriceCents),
              amount: euros(line.amountCents),
            });
    const lines = [
      [
        t("lineAllowance", { allowance: invoice.allowance.allowance }),
        invoice.allowance,
        "allowance",
        t("amountIncluded"),
      ],
      ...invoice.packs.map((pack) => [
        t("linePack", { id: pack.id, size: pack.size }),
        pack,
        "pack",
        t("amountPrepaid"),
      ]),
      [t("lineOverage"), invoice.overage, "overage", priced(invoice.overage)],
      [t("lineHuman"), invoice.human, "human", invoice.human.allowance === null ? t("amountIncluded") : ""],
      ...(invoice.human.allowance === null
        ? []
        : [
            [
              t("lineHumanOverage", { allowance: invoice.human.allowance }),
              invoice.human.overage,
              "human-overage",
              priced(invoice.human.overage),
            ],
          ]),
    ];
    $("invoice-lines").replaceChildren(
      ...lines.map(([label, line, kind, amount]) => {
        const tr = element("tr", { "data-line": kind });
        tr.append(
          element("td", {}, label),
          element("td", {}, String(line.count)),
          element("td", { class: "amount" }, amount),
          element("td", { class: "ids" }, line.conversationIds.join(", ") || "—"),
        );
        return tr;
      }),
      (() => {
        const tr = element("tr", { "data-line": "total" });
        const total = invoice.charges.totalCents;
        tr.append(
          element("th", {}, t("lineTotal")),
          element("td", {}, ""),
          element("td", { class: "amount" }, total === null ? t("totalUnknown") : `${euros(total)} €`),
          element("td", {}, ""),
        );
        return tr;
      })(),
    );
    $("invoice").hidden = false;
    $("invoice-print").disabled = false;
  };
  $("invoice-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    $("invoice-status").textContent = "";
    try {
      renderInvoice(await api(`/invoice?period=${encodeURIComponent($("invoice-month").value)}`));
    } catch (error) {
      $("invoice").hidden = true;
      $("invoice-print").disabled = true;
      $("invoice-status").textContent = error.message;
    }
  });
  $("invoice-print").addEventListener("click", () => {
    // Only the invoice is printed (pages.css, body.printing-invoice).
    document.body.classList.add("printing-invoice");
    window.print();
    document.body.classList.remove("printing-invoice");
  });
  $("pack-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const size = Number($("pack-size").value);
    await api("/packs", { size });
    $("billing-status").textContent = t("packAdded", { size });
    await refresh();
  });
  $("plan-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const result = await api("/plan", { plan: $("plan-select").value });
    $("billing-status").textContent = t("planChanged", { plan: result.plan });
    await refresh();
  });

  applyTranslations();
  if (token) show();
})();
