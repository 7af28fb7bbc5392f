// Likeperson web UI: live updates over the event stream (the API's own /api/v1/events, authenticated by the session cookie), the unread badge,
// the polite live region, and the pause dialog. Small plain JavaScript; htmx does the partial page loads.
(() => {
  "use strict";
  const texts = JSON.parse(document.getElementById("lp-texts")?.textContent || "{}");
  const t = (key, ...args) => (texts[key] || key).replace(/\{(\d)\}/g, (_, i) => args[+i] ?? "");
  const region = document.getElementById("live-region");

  /** Announces politely (screen readers read it when idle); repeated texts are re-announced. */
  function announce(message) {
    if (!region) return;
    region.textContent = "";
    setTimeout(() => { region.textContent = message; }, 50);
  }

  // ---- the event stream -------------------------------------------------------------------------------------------
  const topics = document.body.dataset.topics;
  const live = { source: null, lastEventId: document.body.dataset.lastEventId || "", retryMs: 1000, timer: null, connected: false, handlers: {} };
  window.likeperson = { live, announce };

  function connect() {
    clearTimeout(live.timer);
    if (!topics || live.source) return;
    const params = new URLSearchParams({ topics });
    if (live.lastEventId) params.set("last_event_id", live.lastEventId);
    const source = new EventSource("/api/v1/events?" + params);
    live.source = source;
    source.onopen = () => { live.connected = true; live.retryMs = 1000; document.body.dataset.stream = "open"; };
    source.onerror = () => {
      // Reconnect ourselves, resuming after the last event we applied (the server replays what we missed).
      if (live.source !== source) return;
      source.close();
      live.source = null; live.connected = false; document.body.dataset.stream = "closed";
      live.timer = setTimeout(connect, jitter(live.retryMs));
      live.retryMs = Math.min(live.retryMs * 2, 15000);
    };
    for (const type of ["assignment.created", "assignment.updated", "mentor.status_changed", "notification.created", "reset"])
      source.addEventListener(type, (e) => {
        if (e.lastEventId) {
          if (live.lastEventId && +e.lastEventId <= +live.lastEventId) return; // already applied (replay overlap)
          live.lastEventId = e.lastEventId;
        }
        let data = null;
        try { data = e.data ? JSON.parse(e.data) : null; } catch { return; }
        (live.handlers[type] || []).forEach((h) => h(data));
        document.dispatchEvent(new CustomEvent("lp:" + type, { detail: data }));
      });
  }

  /** A delay of `ms` ± 30 %, so that many pages cut off together do not all come back in the same instant. */
  function jitter(ms) { return Math.round(ms * (0.7 + Math.random() * 0.6)); }

  // ---- live regions: refetched when an event says they changed; a failed fetch is retried with backoff and jitter -----
  const reloads = {};
  /** Fetches the current page again and swaps in the element with this id (at most one fetch per region at a time). */
  function reloadRegion(id, url = location.pathname + location.search) {
    const state = (reloads[id] ||= { running: false, again: false, delay: 1000, timer: null });
    if (state.running) { state.again = true; return; }
    clearTimeout(state.timer);
    state.running = true;
    fetch(url, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
      .then(async (response) => {
        if (response.redirected && new URL(response.url).pathname === "/signin") { location.assign(response.url); return; }
        if (!response.ok) throw new Error("HTTP " + response.status);
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = doc.getElementById(id);
        const current = document.getElementById(id);
        if (!fresh || !current) throw new Error("no #" + id + " in the answer");
        const hadFocus = current.contains(document.activeElement) && document.activeElement.id;
        current.replaceWith(fresh);
        if (window.htmx) htmx.process(fresh);
        if (hadFocus) document.getElementById(hadFocus)?.focus();
        state.delay = 1000;
        if (fresh.hasAttribute("data-live-refresh")) announce(t("live.updated"));
      })
      .catch(() => {
        state.again = false;
        state.timer = setTimeout(() => reloadRegion(id, url), jitter(state.delay));
        state.delay = Math.min(state.delay * 2, 30000);
      })
      .finally(() => {
        state.running = false;
        if (state.again) { state.again = false; reloadRegion(id, url); }
      });
  }
  window.likeperson.reloadRegion = reloadRegion;

  function disconnect() {
    clearTimeout(live.timer);
    if (live.source) { live.source.close(); live.source = null; }
    live.connected = false;
    document.body.dataset.stream = "closed";
  }

  /** Simulates a dropped connection (used by the browser tests): close, then reconnect after `ms` from the last id. */
  live.drop = (ms = 1500) => { disconnect(); live.timer = setTimeout(connect, ms); };
  const on = (type, handler) => (live.handlers[type] ||= []).push(handler);

  // The subscription ends when the page is left; coming back (back/forward cache) reloads for current data.
  window.addEventListener("pagehide", disconnect);
  window.addEventListener("pageshow", (e) => { if (e.persisted) location.reload(); });
  on("reset", () => location.reload());

  // ---- unread badge -------------------------------------------------------------------------------------------------
  on("notification.created", (n) => {
    const badge = document.getElementById("unread-badge");
    if (badge) {
      const count = (+badge.dataset.count || 0) + 1;
      badge.dataset.count = count;
      badge.hidden = false;
      badge.querySelector("[aria-hidden]").textContent = count;
      badge.querySelector(".visually-hidden").textContent = t("nav.unread", count);
    }
    announce(t("live.notification", n?.title || ""));
    const list = document.getElementById("notification-list");
    if (list) reloadRegion("notification-list");
  });

  // ---- assignment board: rows replaced by version, never by an older one ---------------------------------------------
  const board = document.querySelector(".board");
  const wanted = {};
  function refreshCounts() {
    document.querySelectorAll("[data-status-list]").forEach((list) => {
      const status = list.dataset.statusList;
      const n = list.children.length;
      document.querySelectorAll(`[data-count-for="${status}"], [data-tab-count-for="${status}"]`).forEach((c) => { c.textContent = n; });
      document.querySelector(`[data-empty-for="${status}"]`).hidden = n > 0;
    });
  }
  async function onAssignment(a, created) {
    if (!board || !a?.id) return;
    const shown = document.getElementById("a-" + a.id);
    if (shown && +shown.dataset.version >= a.version) return;
    if ((wanted[a.id] || 0) >= a.version) return; // a fetch for this or a later version is already on its way
    wanted[a.id] = a.version;
    let html = null;
    for (let delay = 1000; html === null; delay = Math.min(delay * 2, 30000)) {
      try {
        const response = await fetch(`/board?handler=row&id=${encodeURIComponent(a.id)}`, { headers: { "HX-Request": "true" } });
        if (response.status === 404) return; // no longer in the caller's scope
        if (response.ok) html = await response.text();
      } catch { /* the network is down: try again */ }
      if (html === null) await new Promise((resolve) => setTimeout(resolve, jitter(delay)));
      if (wanted[a.id] > a.version) return; // a later version is being fetched instead
    }
    const template = document.createElement("template");
    template.innerHTML = html.trim();
    const fresh = template.content.firstElementChild;
    const current = document.getElementById("a-" + a.id);
    if (current && +current.dataset.version >= +fresh.dataset.version) return; // a newer row won the race
    const list = document.querySelector(`[data-status-list="${fresh.dataset.status}"]`);
    if (!list) return;
    const hadFocus = current && current.contains(document.activeElement);
    if (current && current.parentElement === list) current.replaceWith(fresh); else { current?.remove(); list.prepend(fresh); }
    fresh.classList.add("flash");
    if (hadFocus) fresh.querySelector("a")?.focus();
    refreshCounts();
    const name = fresh.querySelector("h3")?.textContent.trim() || "";
    announce(current || !created ? t("live.assignment", name, t("status." + fresh.dataset.status)) : t("live.assignment_new", name));
  }
  // On a phone the board shows one column at a time: the status filter switches it without a page load.
  document.querySelectorAll(".board-filter a[data-show]").forEach((link) => link.addEventListener("click", (e) => {
    if (!board) return;
    e.preventDefault();
    board.dataset.show = link.dataset.show;
    document.querySelectorAll(".board-filter a[data-show]").forEach((l) => l.setAttribute("aria-current", l === link ? "true" : "false"));
    history.replaceState(null, "", link.href);
  }));

  on("assignment.created", (a) => onAssignment(a, true));
  on("assignment.updated", (a) => onAssignment(a, false));

  // A peer mentor's own assignments: the section is fetched again when one of them changes.
  const refreshAssignments = () => {
    const section = document.querySelector("[data-assignments-refresh]");
    if (section) reloadRegion(section.id, location.pathname);
  };
  on("assignment.created", refreshAssignments);
  on("assignment.updated", refreshAssignments);

  // One assignment's page: a newer version of it (changed elsewhere) reloads the page's content, unless a form on it has
  // been typed into; then a notice offers the current state, so nothing typed is lost.
  let detailWanted = 0;
  on("assignment.updated", (a) => {
    const region = document.querySelector("[data-assignment-id]");
    if (!region || !a?.id || a.id !== region.dataset.assignmentId) return;
    if (+region.dataset.assignmentVersion >= a.version || detailWanted >= a.version) return;
    if (region.querySelector("form[data-dirty]")) {
      const notice = document.getElementById("assignment-changed");
      if (notice?.hidden) { notice.hidden = false; announce(notice.textContent.trim()); }
      return;
    }
    detailWanted = a.version;
    if (window.htmx) htmx.ajax("GET", location.pathname, { target: "#" + region.id, select: "#" + region.id, swap: "outerHTML" })
      .then(() => announce(document.querySelector("[data-assignment-id]")?.dataset.updatedText || ""));
  });
  document.addEventListener("input", (e) => { const form = e.target.closest?.("[data-assignment-id] form"); if (form) form.dataset.dirty = "1"; });

  // ---- mentor status: badges by version; roster and mentor pages reload their content region -------------------------
  on("mentor.status_changed", (m) => {
    if (!m?.mentor_id) return;
    let changed = false;
    document.querySelectorAll(`[data-mentor-id="${m.mentor_id}"]`).forEach((badge) => {
      if (+badge.dataset.version >= m.version) return;
      badge.dataset.version = m.version;
      badge.textContent = t("status." + m.new_status);
      badge.className = badge.className.replace(/status-\S+/, "status-" + m.new_status);
      changed = true;
    });
    const region = document.querySelector("[data-live-refresh]");
    if (region) {
      const version = +(region.dataset.mentorVersion || 0);
      if (region.dataset.mentorFilter && region.dataset.mentorFilter !== m.mentor_id) { if (changed) announce(t("live.mentor", m.display_name, t("status." + m.new_status))); return; }
      if (version && version >= m.version) return;
      reloadRegion(region.id);
      changed = true;
    }
    if (changed) announce(t("live.mentor", m.display_name, t("status." + m.new_status)));
  });

  // ---- dialogs: open from a button, trap focus (native modal), return focus on close ---------------------------------
  document.addEventListener("click", (e) => {
    const opener = e.target.closest("[data-opens-dialog]");
    if (opener) {
      const dialog = document.getElementById(opener.dataset.opensDialog);
      dialog._returnFocus = opener;
      dialog.showModal();
      dialog.querySelector("textarea, input, select, button")?.focus();
    }
    const closer = e.target.closest("[data-closes-dialog]");
    if (closer) closer.closest("dialog").close();
  });
  document.addEventListener("close", (e) => { if (e.target.tagName === "DIALOG") e.target._returnFocus?.focus(); }, true);

  // ---- character counters --------------------------------------------------------------------------------------------
  document.addEventListener("input", (e) => {
    const field = e.target;
    if (!field.dataset.counter) return;
    const counter = document.getElementById(field.dataset.counter);
    const max = +field.getAttribute("maxlength");
    counter.textContent = t("counter", field.value.length, max);
    counter.classList.toggle("limit", field.value.length >= max);
  });

  // htmx swaps keep the live region informed and move focus sensibly.
  document.addEventListener("htmx:afterRequest", (e) => {
    if (e.detail.successful && e.detail.target?.hasAttribute?.("data-live-refresh")) announce(t("live.updated"));
  });

  // Subscribe once the page has loaded (a pending stream request must not hold up the load event).
  if (document.readyState === "complete") connect(); else window.addEventListener("load", connect, { once: true });
})();

// ---- Web Push (webpush helper): the service worker, and "Get notifications on this device" on /preferences ------------
(() => {
  "use strict";
  if (!("serviceWorker" in navigator)) { showUnsupported(); return; }
  navigator.serviceWorker.register("/sw.js").catch(() => { /* no push on this browser; the pages work the same */ });
  navigator.serviceWorker.addEventListener("message", (e) => {
    // The worker asks a tab it could not navigate itself (not yet controlled) to open a notification's link.
    if (e.data && e.data.type === "lp:navigate" && typeof e.data.url === "string" && new URL(e.data.url).origin === location.origin)
      location.assign(e.data.url);
  });
  const section = document.getElementById("devices");
  if (!section) return;
  if (!("PushManager" in window) || !("Notification" in window)) { showUnsupported(); return; }
  const form = document.getElementById("webpush-subscribe");
  const button = document.getElementById("webpush-button");
  const error = document.getElementById("devices-error");
  form.hidden = false;

  const ready = navigator.serviceWorker.ready;
  ready.then((reg) => reg.pushManager.getSubscription()).then((current) => {
    if (!current) return;
    for (const item of document.querySelectorAll("#devices-list li[data-endpoint]"))
      if (item.dataset.endpoint === current.endpoint) item.querySelector(".this-device").hidden = false;
  }).catch(() => {});

  // Removing this browser's own row also ends its subscription at the push service.
  for (const remove of document.querySelectorAll("#devices-list form.device-remove"))
    remove.addEventListener("submit", (e) => {
      const endpoint = remove.closest("li").dataset.endpoint;
      ready.then((reg) => reg.pushManager.getSubscription()).then((s) => { if (s && s.endpoint === endpoint) return s.unsubscribe(); }).catch(() => {});
    });

  let busy = false;
  button.addEventListener("click", async () => {
    if (busy) return;
    busy = true;
    const label = button.textContent;
    button.setAttribute("aria-disabled", "true");
    button.textContent = form.dataset.busy;
    error.hidden = true;
    try {
      // The browser asks for permission here, because the person pressed the button, and never on page load.
      if (await Notification.requestPermission() !== "granted") throw refusal(form.dataset.denied);
      const reg = await ready;
      const key = fromBase64Url(section.dataset.vapidKey);
      let subscription = await reg.pushManager.getSubscription();
      if (subscription && !sameKey(subscription.options.applicationServerKey, key)) { await subscription.unsubscribe(); subscription = null; }
      subscription = subscription || await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
      const response = await fetch(form.action, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "RequestVerificationToken": form.querySelector("input[name=__RequestVerificationToken]").value },
        body: JSON.stringify(subscription.toJSON()),
      });
      if (response.status === 201) { location.assign("/preferences?subscribed=1#devices"); return; }
      const body = await response.json().catch(() => ({}));
      throw refusal(body.error || form.dataset.failed);
    } catch (e) {
      error.textContent = (e && e.text) || form.dataset.failed;
      error.hidden = false;
      button.textContent = label;
      button.removeAttribute("aria-disabled");
      busy = false;
    }
  });

  function refusal(text) { const e = new Error(text); e.text = text; return e; }

  function fromBase64Url(text) {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4);
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  }

  function sameKey(buffer, key) {
    if (!buffer) return false;
    const a = new Uint8Array(buffer);
    return a.length === key.length && a.every((b, i) => b === key[i]);
  }

  function showUnsupported() {
    const note = document.getElementById("webpush-unsupported");
    if (note) note.hidden = false;
  }
})();
