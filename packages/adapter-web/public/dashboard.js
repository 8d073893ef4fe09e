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
        linePackBought: "Pack of {{size}} bought on {{date}}",
        amountPaidAtPurchase: "paid when bought",
        lineOverage: "Overage",
        invoiceAmount: "Amount",
        amountIncluded: "included",
        packNotPriced: "bought without a price",
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
        countedAt: "yes, at {{at}}: {{why}}",
        notCounted: "no: {{reason}}",
        inProgress: "not yet (no delivered reply, C7)",
        ongoing: "in progress",
        pendingPlan: "(→ {{plan}} on {{date}})",
        included: "included",
        addOn: "add-on {{price}} €/month",
        packAdded: "Pack of {{size}} added ({{price}} €).",
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
        not_test: "test chat (C9)",
        not_preview: "preview (C9)",
        not_cancelled: "cancelled: no reply delivered (C8)",
        not_merged: "merged into an earlier one (C13)",
        periodPicker: "Period shown",
        pastPeriod: "closed period",
        periodOption: "{{start}} – {{end}}",
        currentPeriodOption: "{{start}} – {{end}} (current)",
        shownPeriod: "Period shown above",
        origin_live: "live",
        origin_test: "test",
        origin_preview: "preview",
        details: "Details",
        open: "Open",
        openConversation: "Open the conversation of {{at}}",
        planPrice: "Plan price",
        overagePrice: "Overage (past the allowance and packs)",
        humanOveragePrice: "Human conversations past the plan",
        pricePerMonth: "{{price}} €/month",
        pricePerConversation: "{{price}} € per conversation",
        notPriced: "not priced (counted and shown, not billed)",
        humanUnlimited: "unlimited on this plan",
        packOption: "{{size}} conversations — {{price}} €",
        packConfirmTitle: "Buy this pack?",
        packConfirmText:
          "A pack of {{size}} conversations for {{price}} €. It adds {{size}} AI conversations, used after the plan's allowance and before any overage; it does not expire and stays yours if you change plans.",
        cancel: "Cancel",
        buy: "Buy",
        buyFor: "Buy for {{price}} €",
        packCancelled: "No pack bought.",
        trail: "Counting trail",
        messages: "Messages",
        close: "Close",
        noMessages: "No message kept for this conversation.",
        dropped: "{{count}} earlier message(s) not kept.",
        conversationTitle: "Conversation {{id}}",
        conversationSummary:
          "{{mode}} · {{channel}} · {{origin}} · {{count}} message(s) · language {{language}} · emotion {{emotion}}",
        author_customer: "Customer",
        author_assistant: "Assistant",
        author_agent: "Agent",
        author_system: "Notice",
        noTime: "—",
        trail_opened_first_message: "Opened by the customer's first message in this thread",
        trail_opened_after_close: "Opened by a customer message after the previous conversation was closed",
        trail_opened_after_inactivity:
          "Opened by a customer message more than 30 min after the last activity",
        trail_opened_new_topic: "Opened by a new, unrelated question after a resolution",
        trail_opened_handoff: "Opened when an agent took over conversation {{linked}}",
        trail_related: "Follow-up judged related (score {{score}}, {{version}})",
        trail_unrelated: "Message judged unrelated (score {{score}}, {{version}})",
        trail_reopened: "Reopened by a related follow-up within 30 min of its resolution",
        trail_counted_ai:
          "Counted: the first assistant reply was delivered; period of {{period}}, plan {{plan}}",
        trail_counted_human:
          "Counted in human usage: the agent's first message was delivered; period of {{period}}, plan {{plan}}",
        trail_not_counted_test: "Not counted: a test chat from the dashboard",
        trail_not_counted_preview: "Not counted: an admin preview",
        trail_not_counted_cancelled: "Not counted: it ended with no assistant reply delivered",
        trail_not_counted_merged: "Not counted: a late message merged it into {{mergedInto}}",
        trail_not_counted_yet: "Not counted yet: no reply delivered so far",
        trail_ended_inactivity: "Ended: 30 min without activity",
        trail_ended_closed: "Ended: closed",
        trail_ended_resolved: "Ended: resolved",
        why_ai: "first assistant reply delivered (C7)",
        labelled: "{{label}}:",
        why_human: "agent's first message delivered (C10)",
        enchantment_memory: "Memory",
        enchantment_emotion: "Emotion",
        enchantment_escalation: "Escalation",
        enchantment_polyglot: "Polyglot",
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
        linePackBought: "Pack de {{size}} acheté le {{date}}",
        amountPaidAtPurchase: "payé à l'achat",
        lineOverage: "Dépassement",
        invoiceAmount: "Montant",
        amountIncluded: "inclus",
        packNotPriced: "acheté sans prix",
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
        alertFired: "{{threshold}} % : atteinte le {{at}}",
        alertWithdrawn:
          "{{threshold}} % : retirée le {{withdrawnAt}} (atteinte le {{at}}, annulée par une fusion ou un échec de livraison)",
        pageOf: "Page {{page}} sur {{pages}} ({{total}} conversations)",
        countedAt: "oui, le {{at}} : {{why}}",
        notCounted: "non : {{reason}}",
        inProgress: "pas encore (aucune réponse délivrée, C7)",
        ongoing: "en cours",
        pendingPlan: "(→ {{plan}} le {{date}})",
        included: "inclus",
        addOn: "option {{price}} €/mois",
        packAdded: "Pack de {{size}} ajouté ({{price}} €).",
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
        not_test: "chat de test (C9)",
        not_preview: "aperçu (C9)",
        not_cancelled: "annulée : aucune réponse délivrée (C8)",
        not_merged: "fusionnée avec une précédente (C13)",
        periodPicker: "Période affichée",
        pastPeriod: "période close",
        periodOption: "{{start}} – {{end}}",
        currentPeriodOption: "{{start}} – {{end}} (en cours)",
        shownPeriod: "Période affichée ci-dessus",
        origin_live: "réelle",
        origin_test: "test",
        origin_preview: "aperçu",
        details: "Détails",
        open: "Ouvrir",
        openConversation: "Ouvrir la conversation du {{at}}",
        planPrice: "Prix du forfait",
        overagePrice: "Dépassement (au-delà du forfait et des packs)",
        humanOveragePrice: "Conversations humaines au-delà du forfait",
        pricePerMonth: "{{price}} €/mois",
        pricePerConversation: "{{price}} € par conversation",
        notPriced: "sans prix (comptées et affichées, non facturées)",
        humanUnlimited: "illimitées avec ce forfait",
        packOption: "{{size}} conversations — {{price}} €",
        packConfirmTitle: "Acheter ce pack ?",
        packConfirmText:
          "Un pack de {{size}} conversations pour {{price}} €. Il ajoute {{size}} conversations IA, utilisées après celles du forfait et avant tout dépassement ; il n'expire pas et reste acquis si vous changez de forfait.",
        cancel: "Annuler",
        buy: "Acheter",
        buyFor: "Acheter pour {{price}} €",
        packCancelled: "Aucun pack acheté.",
        trail: "Parcours de comptage",
        messages: "Messages",
        close: "Fermer",
        noMessages: "Aucun message conservé pour cette conversation.",
        dropped: "{{count}} message(s) plus ancien(s) non conservé(s).",
        conversationTitle: "Conversation {{id}}",
        conversationSummary:
          "{{mode}} · {{channel}} · {{origin}} · {{count}} message(s) · langue {{language}} · émotion {{emotion}}",
        author_customer: "Client",
        author_assistant: "Assistant",
        author_agent: "Conseiller",
        author_system: "Information",
        noTime: "—",
        trail_opened_first_message: "Ouverte par le premier message du client dans ce fil",
        trail_opened_after_close: "Ouverte par un message du client après la fermeture de la précédente",
        trail_opened_after_inactivity:
          "Ouverte par un message du client plus de 30 min après la dernière activité",
        trail_opened_new_topic: "Ouverte par une nouvelle question, sans rapport, après une résolution",
        trail_opened_handoff: "Ouverte quand un conseiller a repris la conversation {{linked}}",
        trail_related: "Message jugé lié (score {{score}}, {{version}})",
        trail_unrelated: "Message jugé sans rapport (score {{score}}, {{version}})",
        trail_reopened: "Rouverte par un message lié dans les 30 min suivant sa résolution",
        trail_counted_ai:
          "Comptée : la première réponse de l'assistant a été délivrée ; période du {{period}}, forfait {{plan}}",
        trail_counted_human:
          "Comptée en conversations humaines : le premier message du conseiller a été délivré ; période du {{period}}, forfait {{plan}}",
        trail_not_counted_test: "Non comptée : chat de test du tableau de bord",
        trail_not_counted_preview: "Non comptée : aperçu administrateur",
        trail_not_counted_cancelled:
          "Non comptée : terminée sans qu'aucune réponse de l'assistant ait été délivrée",
        trail_not_counted_merged:
          "Non comptée : un message arrivé en retard l'a fusionnée avec {{mergedInto}}",
        trail_not_counted_yet: "Pas encore comptée : aucune réponse délivrée pour l'instant",
        trail_ended_inactivity: "Terminée : 30 min sans activité",
        trail_ended_closed: "Terminée : fermée",
        trail_ended_resolved: "Terminée : résolue",
        why_ai: "première réponse de l'assistant délivrée (C7)",
        labelled: "{{label}}\u00a0:",
        why_human: "premier message du conseiller délivré (C10)",
        enchantment_memory: "Mémoire",
        enchantment_emotion: "Émotion",
        enchantment_escalation: "Escalade",
        enchantment_polyglot: "Polyglotte",
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
    // A label before its value: French puts a (no-break) space before the colon.
    for (const node of document.querySelectorAll("[data-i18n-label]"))
      node.textContent = t("labelled", { label: t(node.getAttribute("data-i18n-label")) });
  };

  const tokenKey = "lutin-admin-token";
  let token = sessionStorage.getItem(tokenKey);
  let page = 1;
  let usage = null;
  let chart = null;
  /** The period picker's choice: "" for the current period, else a past period's label (YYYY-MM-DD). */
  let shownPeriod = "";
  // Live refresh redraws a part only when its data changed: no flicker, no lost selection or focus.
  let drawn = {};
  const changed = (part, value) => {
    const json = JSON.stringify([i18n.language, value]);
    if (drawn[part] === json) return false;
    drawn[part] = json;
    return true;
  };
  // Amounts in the page's language: 17.50 in English, 17,50 in French.
  const euros = (cents) =>
    new Intl.NumberFormat(i18n.language, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(
      cents / 100,
    );
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
    $("past-period").hidden = u.current !== false;
    renderPrices(u);
    if (changed("plans", [u.plans, u.plan.id])) renderPlans(u);
    if (changed("enchantments", u.enchantments)) renderEnchantments(u);
    if (changed("days", [u.days, u.tenant.timeZone])) drawChart();
  };

  // Plan, overage and pack prices (the catalog's; its packs are example prices unless the deployment sets its own).
  const renderPrices = (u) => {
    $("price-plan").textContent = t("pricePerMonth", { price: euros(u.plan.monthlyPriceCents) });
    $("price-overage").textContent =
      u.plan.overagePriceCents === null
        ? t("notPriced")
        : t("pricePerConversation", { price: euros(u.plan.overagePriceCents) });
    $("price-human-overage").textContent =
      u.plan.humanAllowance === null
        ? t("humanUnlimited")
        : u.plan.humanOveragePriceCents === null
          ? t("notPriced")
          : t("pricePerConversation", { price: euros(u.plan.humanOveragePriceCents) });
    if (changed("packOffers", u.packOffers)) {
      const select = $("pack-size");
      const chosen = select.value;
      select.replaceChildren(
        ...u.packOffers.map((offer) => {
          const option = element(
            "option",
            { value: String(offer.size) },
            t("packOption", { size: offer.size, price: euros(offer.priceCents) }),
          );
          option.selected = String(offer.size) === chosen;
          return option;
        }),
      );
    }
  };

  const renderPlans = (u) => {
    const select = $("plan-select");
    select.replaceChildren(
      ...u.plans.map((plan) => {
        const option = element("option", { value: plan.id }, `${plan.name} (${plan.aiAllowance})`);
        option.selected = plan.id === u.plan.id;
        return option;
      }),
    );
  };

  const renderEnchantments = (u) => {
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
          `${t(`enchantment_${item.name}`, { defaultValue: item.name })} (${item.included ? t("included") : t("addOn", { price: euros(item.monthlyPriceCents) })})`,
        );
        const wrapper = element("span");
        wrapper.append(input, " ", label);
        return wrapper;
      }),
    );
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
        // The day axis in the page's language and the tenant's time zone (uPlot's own ticks are US-style).
        axes: [
          {
            values: (_self, ticks) =>
              ticks.map((seconds) =>
                new Date(seconds * 1000).toLocaleDateString(i18n.language, {
                  day: "numeric",
                  month: "short",
                  ...zone(),
                }),
              ),
          },
          { label: "" },
        ],
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
    if (mine !== historyRequest || !changed("history", result)) return;
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
          ? t("countedAt", { at: date(row.countedAt), why: t(`why_${row.mode}`) })
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
        const details = element("td");
        const open = element(
          "button",
          {
            type: "button",
            class: "open-conversation",
            "data-conversation": row.id,
            "aria-label": t("openConversation", { at: date(row.openedAt) }),
          },
          t("open"),
        );
        open.addEventListener("click", () => openConversation(row.id));
        details.append(open);
        tr.append(details);
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

  // The period picker: the subscription's periods, newest first; a closed one is read from the archives.
  const renderPeriods = ({ periods }) => {
    if (!changed("periods", [periods, usage ? usage.tenant.timeZone : null])) return;
    $("period-picker").replaceChildren(
      ...periods.map((period) => {
        const text = t(period.current ? "currentPeriodOption" : "periodOption", {
          start: day(period.start),
          end: day(period.end - 1),
        });
        const option = element("option", { value: period.current ? "" : period.label }, text);
        option.selected = (period.current ? "" : period.label) === shownPeriod;
        return option;
      }),
    );
  };

  const refresh = async () => {
    usage = await api(shownPeriod ? `/usage?period=${encodeURIComponent(shownPeriod)}` : "/usage");
    renderUsage();
    renderPeriods(await api("/periods"));
    renderAudit(await api("/audit"));
    await renderHistory();
    document.body.setAttribute("data-loaded", "true");
  };

  // Live refresh: a poll every few seconds while the page is visible; one at a time, never a page reload.
  const REFRESH_MS = 4000;
  let refreshing = null;
  let pollTimer = null;
  const poll = () => {
    if (document.hidden || refreshing || !usage) return;
    refreshing = refresh()
      .catch(() => undefined)
      .finally(() => {
        refreshing = null;
      });
  };

  // A conversation's messages and counting trail (rule ids of COUNTING.md beside each step).
  const openConversation = async (id) => {
    let detail;
    try {
      detail = await api(`/conversations/${encodeURIComponent(id)}`);
    } catch (error) {
      // The API's message names the problem (e.g. an id no longer in this tenant's history).
      $("page").textContent = error.message;
      return;
    }
    $("conversation-title").textContent = t("conversationTitle", { id: detail.id });
    $("conversation-dialog").dataset.conversation = detail.id;
    $("conversation-summary").textContent = t("conversationSummary", {
      mode: t(`mode_${detail.mode}`),
      channel: detail.channel,
      origin: t(`origin_${detail.origin}`),
      count: detail.messageCount,
      language: detail.language || "—",
      emotion: detail.emotion ? t(`emotion_${detail.emotion}`, { defaultValue: detail.emotion }) : "—",
    });
    $("conversation-trail").replaceChildren(
      ...detail.trail.map((step) => {
        const item = element("li", { "data-event": step.event, "data-rules": step.rules.join(" ") });
        const values = {
          ...step.detail,
          linked: step.detail.linkedConversationId || "—",
          period: step.detail.period ? day(`${step.detail.period}T12:00:00Z`) : "—",
          score: typeof step.detail.score === "number" ? step.detail.score.toFixed(2) : "",
        };
        item.append(
          element("time", step.at ? { datetime: step.at } : {}, step.at ? date(step.at) : t("noTime")),
          " — ",
          t(`trail_${step.event}`, values),
          " ",
          element("span", { class: "rules" }, `(${step.rules.join(", ")})`),
        );
        return item;
      }),
    );
    $("conversation-dropped").hidden = detail.messagesDropped === 0;
    $("conversation-dropped").textContent = t("dropped", { count: detail.messagesDropped });
    $("conversation-messages").replaceChildren(
      ...(detail.messages.length === 0
        ? [element("li", { class: "muted" }, t("noMessages"))]
        : detail.messages.map((message) => {
            const item = element("li", { "data-from": message.from, dir: "auto" });
            item.append(
              element("span", { class: "meta" }, `${t(`author_${message.from}`)} · ${date(message.at)}`),
              element("span", { class: "text" }, message.text),
            );
            return item;
          })),
    );
    $("conversation-dialog").showModal();
  };

  const show = async () => {
    try {
      await refresh();
      sessionStorage.setItem(tokenKey, token);
      $("sign-in").hidden = true;
      $("board").hidden = false;
      drawChart();
      if (!pollTimer) pollTimer = setInterval(poll, REFRESH_MS);
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
    drawn = {};
    if (usage) refresh();
  });
  $("period-picker").addEventListener("change", (event) => {
    shownPeriod = event.target.value;
    // The history follows the period shown: its rows are the ones that period counts (Q8).
    $("filter-period").value = "current";
    page = 1;
    refresh();
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
      price: euros(invoice.plan.monthlyPriceCents),
      start: day(invoice.period.start),
      end: day(invoice.period.end - 1),
    });
    // Q4, Q9: an overage line at the plan's unit price; a line the catalog gives no price says so.
    const priced = (line) =>
      line.amountCents === null
        ? t("amountNotPriced")
        : line.count === 0
          ? `${euros(0)} €`
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
        t("amountPaidAtPurchase"),
      ]),
      // Packs bought in this period: charged here at the price paid (drawn on now or later).
      ...(invoice.purchases || []).map((pack) => [
        t("linePackBought", { size: pack.size, date: day(pack.purchasedAt) }),
        { count: "", conversationIds: [pack.id] },
        "pack-bought",
        pack.priceCents === null ? t("packNotPriced") : `${euros(pack.priceCents)} €`,
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
  // A pack is bought only from the dialog that shows its price and what it adds (the API wants confirm: true).
  let packOffered = null;
  $("pack-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const size = Number($("pack-size").value);
    packOffered = usage.packOffers.find((offer) => offer.size === size) || null;
    if (!packOffered) return;
    const price = euros(packOffered.priceCents);
    $("pack-dialog-text").textContent = t("packConfirmText", { size, price });
    $("pack-buy").textContent = t("buyFor", { price });
    $("pack-dialog").returnValue = "";
    $("pack-dialog").showModal();
  });
  $("pack-dialog").addEventListener("close", async () => {
    const offer = packOffered;
    packOffered = null;
    if (!offer || $("pack-dialog").returnValue !== "buy") {
      $("billing-status").textContent = t("packCancelled");
      return;
    }
    try {
      const bought = await api("/packs", { size: offer.size, confirm: true });
      $("billing-status").textContent = t("packAdded", {
        size: bought.size,
        price: euros(bought.priceCents),
      });
    } catch (error) {
      $("billing-status").textContent = error.message;
    }
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
