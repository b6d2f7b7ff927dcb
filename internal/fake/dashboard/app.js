// The fake LakiPay's dashboard: plain JavaScript, no framework, no build step.
//
// Everything shown is built with createElement and text nodes, never parsed as HTML: a
// reference, a description, a URL or a receiver's answer is shown as the text it is,
// whatever it holds. Live, it reads the fake's JSON under /_mock/ and polls its event
// cursor about once a second; in a snapshot (a file written for a failed test) it reads the
// data block the file carries and polls nothing.
"use strict";

(() => {
  const POLL_MS = 1000;
  const PAGE = 50;
  const MAX_PAGE = 200;
  const FILTER_DELAY_MS = 250;

  const byId = (id) => document.getElementById(id);
  const dataBlock = byId("snapshot");
  const snapshot = dataBlock ? JSON.parse(dataBlock.textContent) : null;

  const state = {
    sessions: [], // shown, newest first
    stored: 0, // sessions the fake stores
    nextBefore: 0, // live: the cursor of older sessions (0: none)
    filter: "",
    selected: "", // the transaction whose timeline is open
    version: null, // live: the fake's history version last seen
  };

  // el builds an element from trusted tag and attribute names; children are nodes or text.
  const ATTRIBUTES = /^(title|role|tabindex|aria-[a-z]+|data-[a-z-]+)$/;
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (name === "class") {
        node.className = value;
      } else if (ATTRIBUTES.test(name)) {
        node.setAttribute(name, String(value));
      } else {
        throw new Error("attribute not allowed: " + name);
      }
    }
    for (const child of children) {
      if (child !== null && child !== undefined && child !== false) {
        node.append(child instanceof Node ? child : String(child));
      }
    }
    return node;
  }

  const STATUS_TEXT = {
    200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 301: "Moved Permanently",
    302: "Found", 303: "See Other", 307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
    413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
    429: "Too Many Requests", 500: "Internal Server Error", 501: "Not Implemented",
    502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
  };
  const httpText = (code) => (code ? `${code}${STATUS_TEXT[code] ? " " + STATUS_TEXT[code] : ""}` : "no answer");

  function parsed(iso) {
    const d = new Date(iso);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  const clock = (iso) => (parsed(iso) ? parsed(iso).toISOString().slice(11, 23) : String(iso || ""));
  const dateTime = (iso) => (parsed(iso) ? parsed(iso).toISOString().replace("T", " ").slice(0, 23) + " UTC" : String(iso || ""));
  function duration(ns) {
    const ms = ns / 1e6;
    if (ms < 1000) return `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;
    return `${(ms / 1000).toFixed(2)} s`;
  }
  const size = (n) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);
  const times = (e) => (e.count > 1 ? ` ×${e.count}, last at ${clock(e.last)}` : "");

  const STATUS_CLASS = { INITIATED: "open", PENDING: "open", SUCCESS: "ok", FAILED: "bad", CANCELLED: "bad" };
  const badge = (status) => el("span", { class: "badge " + (STATUS_CLASS[status] || "other") }, status);

  function webhookSummary(w) {
    if (!w || w.accepted + w.failed + w.dropped === 0) return el("span", { class: "muted" }, "none");
    const out = el("span", { class: "webhooks" });
    if (w.failed) out.append(el("span", { class: "count-bad" }, `${w.failed} failed`));
    if (w.accepted) out.append(el("span", { class: "count-ok" }, `${w.accepted} accepted`));
    if (w.dropped) out.append(el("span", { class: "count-bad" }, `${w.dropped} dropped`));
    return out;
  }

  function setMode(text, trouble) {
    const mode = byId("mode");
    mode.textContent = text;
    mode.className = trouble ? "mode trouble" : "mode";
  }

  // ---- sessions ----

  function renderSessions() {
    const rows = byId("session-rows");
    rows.replaceChildren();
    for (const s of state.sessions) {
      const id = s.transaction_id;
      const row = el("tr", { "data-id": id, tabindex: 0, "aria-selected": String(id === state.selected) },
        el("td", { class: "reference" }, s.reference),
        el("td", { class: "mono" }, id),
        el("td", { class: "amount" }, `${s.amount} ${s.currency}`),
        el("td", null, badge(s.status)),
        el("td", null, s.medium || "—"),
        el("td", null, webhookSummary(s.webhooks)),
        el("td", { class: "times", title: `created ${dateTime(s.created)}, updated ${dateTime(s.updated)}` },
          el("div", null, clock(s.created)),
          s.updated !== s.created ? el("div", { class: "muted" }, clock(s.updated)) : null));
      if (id === state.selected) row.className = "selected";
      row.addEventListener("click", () => select(id));
      row.addEventListener("keydown", (event) => {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          select(id);
        }
      });
      rows.append(row);
    }
    const none = byId("no-sessions");
    none.hidden = state.sessions.length > 0;
    none.textContent = state.filter ? `No session's transaction id or reference holds “${state.filter}”.` : "No sessions yet: create a checkout.";
    byId("older").hidden = !state.nextBefore;
    byId("session-count").textContent = `(${state.sessions.length} shown, ${state.stored} stored)`;
  }

  const matches = (s, filter) => {
    const f = filter.toLowerCase();
    return s.transaction_id.toLowerCase().includes(f) || s.reference.toLowerCase().includes(f);
  };

  function sessionsQuery(extra) {
    return "sessions?" + new URLSearchParams({ ...(state.filter ? { q: state.filter } : {}), ...extra });
  }

  // ---- timeline ----

  function fact(list, name, value) {
    if (value === undefined || value === null || value === "") return;
    list.append(el("dt", null, name), el("dd", null, value));
  }

  function deliveryItem(e, retriedAt) {
    const d = e.delivery;
    const outcome = d.dropped ? "dropped" : d.http_status >= 200 && d.http_status < 300 ? "accepted" : "refused";
    const title = d.dropped
      ? `Webhook ${d.status} (${d.case}) dropped, never sent`
      : `Webhook ${d.status} (${d.case}), ${d.attempt > 1 ? "retry: " : ""}attempt ${d.attempt}`;
    const item = el("li", { class: "event delivery " + outcome, "data-kind": "delivery" },
      el("time", { title: dateTime(e.time) }, clock(e.time)),
      el("div", { class: "what" }, title));
    if (!d.dropped) {
      item.append(el("div", { class: "outcome" },
        el("span", { class: "badge " + (outcome === "accepted" ? "ok" : "bad") }, outcome === "accepted" ? "accepted" : "refused"),
        ` receiver answered ${httpText(d.http_status)}`,
        d.latency_ns ? ` in ${duration(d.latency_ns)}` : ""));
      item.append(el("div", { class: "url" }, "to ", el("span", { class: "mono" }, d.url)));
    }
    if (d.error) item.append(el("div", { class: "error" }, "Error: ", d.error));
    if (d.answer_size > 0) {
      const cut = d.answer_size > new TextEncoder().encode(d.answer).length;
      item.append(el("div", { class: "answer" },
        el("div", { class: "label" }, "Receiver's answer" + (cut ? ` (start of ${size(d.answer_size)})` : ` (${size(d.answer_size)})`)),
        el("pre", { class: "answer-body" }, d.answer)));
    }
    if (retriedAt) item.append(el("div", { class: "retried" }, `Retried at ${clock(retriedAt)}.`));
    item.append(el("details", null,
      el("summary", null, `Webhook body sent (${size(d.size)})`),
      el("pre", null, JSON.stringify(d.body, null, 2))));
    return item;
  }

  function statusTitle(e) {
    switch (e.status) {
      case "SUCCESS": return `Paid with ${e.medium || "?"} (SUCCESS)`;
      case "FAILED": return `Payment with ${e.medium || "?"} failed (FAILED)`;
      case "CANCELLED": return "Cancelled (CANCELLED)";
      default: return `Status changed to ${e.status}${e.medium ? ` with ${e.medium}` : ""}`;
    }
  }

  function eventItem(e, session, retriedAt) {
    if (e.kind === "delivery" && e.delivery) return deliveryItem(e, retriedAt);
    let title;
    switch (e.kind) {
      case "created":
        title = `Checkout created: ${session.amount} ${session.currency}, offering ${session.supported_mediums.join(", ")}`;
        break;
      case "page_opened":
        title = `Hosted page opened${times(e)}`;
        break;
      case "status":
        title = statusTitle(e);
        break;
      case "detail":
        title = e.scripted
          ? `Transaction detail answered by a script (${e.scripted}): ${httpText(e.http_status)}${times(e)}`
          : `Transaction detail answered ${e.status} (${httpText(e.http_status)})${times(e)}`;
        break;
      default:
        title = `${e.kind}${times(e)}`;
    }
    return el("li", { class: "event " + (e.kind === "status" ? "status" : "plain"), "data-kind": e.kind },
      el("time", { title: dateTime(e.time) }, clock(e.time)),
      el("div", { class: "what" }, title));
  }

  // retries maps each failed attempt's event to when its next attempt started.
  function retries(events) {
    const out = new Map();
    events.forEach((e, i) => {
      const d = e.delivery;
      if (!d || d.dropped || (d.http_status >= 200 && d.http_status < 300)) return;
      const next = events.slice(i + 1).find((n) => n.delivery && n.delivery.case === d.case &&
        n.delivery.status === d.status && n.delivery.url === d.url && n.delivery.attempt === d.attempt + 1);
      if (next) out.set(e, next.time);
    });
    return out;
  }

  function renderTimeline(t) {
    const s = t.session;
    byId("timeline-title").textContent = `Timeline of ${s.reference}`;
    byId("timeline-hint").hidden = true;
    const facts = byId("timeline-facts");
    facts.replaceChildren();
    facts.hidden = false;
    fact(facts, "Transaction", s.transaction_id);
    fact(facts, "Reference", s.reference);
    fact(facts, "Amount", `${s.amount} ${s.currency}`);
    fact(facts, "Status", badge(s.status));
    fact(facts, "Medium", s.medium);
    fact(facts, "Offered", s.supported_mediums.join(", "));
    fact(facts, "Description", s.description);
    fact(facts, "callback_url", s.callback_url || "none: no webhooks");
    fact(facts, "Success redirect", s.redirects.success);
    fact(facts, "Failed redirect", s.redirects.failed);
    fact(facts, "Created", dateTime(s.created));
    fact(facts, "Updated", dateTime(s.updated));
    const list = byId("timeline");
    list.replaceChildren();
    const retried = retries(t.events);
    for (const e of t.events) list.append(eventItem(e, s, retried.get(e)));
    const notes = [];
    if (t.pushed_out) notes.push(`${t.pushed_out} earlier event(s) of this transaction were forgotten to make room for newer ones (the fake keeps the newest 10,000 events).`);
    if (t.not_kept) notes.push(`${t.not_kept} later event(s) were not kept (at most 200 per transaction).`);
    const note = byId("timeline-note");
    note.textContent = notes.join(" ");
    note.hidden = notes.length === 0;
  }

  function timelineGone(id, why) {
    byId("timeline-title").textContent = "Timeline";
    byId("timeline-facts").hidden = true;
    byId("timeline").replaceChildren();
    const note = byId("timeline-note");
    note.textContent = `${id}: ${why}`;
    note.hidden = false;
  }

  async function loadTimeline() {
    const id = state.selected;
    if (!id) return;
    if (snapshot) {
      const t = snapshot.timelines[id];
      if (t) renderTimeline(t);
      else timelineGone(id, "not in this snapshot.");
      return;
    }
    try {
      const t = await fetchJSON(`transactions/${encodeURIComponent(id)}/timeline`);
      if (state.selected === id) renderTimeline(t);
    } catch (err) {
      if (state.selected === id) timelineGone(id, err.status === 404 ? "no longer stored by the fake (forgotten or reset)." : err.message);
    }
  }

  function select(id) {
    state.selected = id;
    try {
      history.replaceState(null, "", "#" + encodeURIComponent(id));
    } catch (_) {
      // a page opened from disk may refuse; the selection still works
    }
    renderSessions();
    loadTimeline();
  }

  // ---- coverage ----

  function renderCoverage(coverage) {
    const root = byId("coverage");
    root.replaceChildren();
    let exercised = 0;
    let total = 0;
    const sections = [["Operations (HTTP status × count)", coverage.operations], ["Enum values (value × count)", coverage.enums]];
    for (const [title, section] of sections) {
      const table = el("table", { class: "coverage" },
        el("thead", null, el("tr", null, el("th", null, ""), el("th", null, "exercised"), el("th", null, "not exercised"))));
      for (const name of Object.keys(section || {}).sort()) {
        const hit = el("td", { class: "hit" });
        const missed = el("td", { class: "missed" });
        for (const key of Object.keys(section[name]).sort()) {
          const n = section[name][key];
          total++;
          if (n > 0) {
            exercised++;
            hit.append(el("span", { class: "chip hit" }, `${key} ×${n}`));
          } else {
            missed.append(el("span", { class: "chip miss" }, key));
          }
        }
        table.append(el("tr", null, el("th", null, name), hit, missed));
      }
      root.append(el("h3", null, title), table);
    }
    byId("coverage-summary").textContent = `(${exercised} of ${total} exercised)`;
  }

  // ---- live ----

  async function fetchJSON(path) {
    const resp = await fetch(path, { cache: "no-store", headers: { Accept: "application/json" } });
    const body = await resp.json().catch(() => null);
    if (!resp.ok) {
      const err = new Error((body && body.error) || `HTTP ${resp.status}`);
      err.status = resp.status;
      throw err;
    }
    return body;
  }

  // refresh reloads the sessions, the coverage and the open timeline; when refreshes overlap
  // (a poll and a new filter), only the latest one shows.
  let refreshes = 0;
  async function refresh() {
    const mine = ++refreshes;
    const limit = Math.min(Math.max(PAGE, state.sessions.length), MAX_PAGE);
    const [page, coverage] = await Promise.all([fetchJSON(sessionsQuery({ limit })), fetchJSON("coverage")]);
    if (mine !== refreshes) return;
    state.sessions = page.sessions;
    state.stored = page.stored;
    state.nextBefore = page.next_before || 0;
    renderSessions();
    renderCoverage(coverage);
    await loadTimeline();
  }

  async function poll() {
    try {
      const feed = await fetchJSON(`events?since=${state.version || 0}&limit=1`);
      if (feed.version !== state.version) {
        state.version = feed.version;
        await refresh();
      }
      setMode(`Live: follows the fake as it changes (last checked ${new Date().toISOString().slice(11, 19)} UTC).`, false);
    } catch (err) {
      setMode(`The fake does not answer (${err.message}); trying again.`, true);
    }
    setTimeout(poll, POLL_MS);
  }

  async function older() {
    try {
      const page = await fetchJSON(sessionsQuery({ before: state.nextBefore, limit: PAGE }));
      state.sessions = state.sessions.concat(page.sessions);
      state.nextBefore = page.next_before || 0;
      renderSessions();
    } catch (err) {
      setMode(`Could not load older sessions (${err.message}).`, true);
    }
  }

  // ---- start ----

  let filterTimer = 0;
  byId("filter").addEventListener("input", (event) => {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      state.filter = event.target.value.trim();
      if (snapshot) {
        state.sessions = snapshot.sessions.filter((s) => !state.filter || matches(s, state.filter));
        renderSessions();
      } else {
        refresh().catch((err) => setMode(`The fake does not answer (${err.message}); trying again.`, true));
      }
    }, FILTER_DELAY_MS);
  });
  byId("older").addEventListener("click", older);

  const wanted = () => {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (_) {
      return "";
    }
  };
  window.addEventListener("hashchange", () => {
    if (wanted() && wanted() !== state.selected) select(wanted());
  });
  if (snapshot) {
    document.title = `${snapshot.title}: LakiPay fake`;
    setMode(`Snapshot: ${snapshot.title}, taken ${dateTime(snapshot.taken)}. Not live: it shows what the fake held then.`, false);
    state.sessions = snapshot.sessions;
    state.stored = snapshot.stored;
    renderSessions();
    renderCoverage(snapshot.coverage);
    if (wanted()) select(wanted());
  } else {
    state.selected = wanted();
    poll();
  }
})();
