// The request inspector. Everything the sandbox received is hostile text: it only ever
// reaches the page through textContent (the `el` helper), never as markup.
"use strict";

const API = "/_sandbox";
const POLL_MS = 1000;

let lastId = 0;
let capacity = 0;
let openId = null;
let opener = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function getJson(path) {
  const response = await fetch(API + path, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(path + ": HTTP " + response.status);
  return response.json();
}

function time(ms) {
  const date = new Date(ms);
  return el("time", { datetime: date.toISOString() },
    date.toLocaleTimeString([], { hour12: false }) + "." + String(ms % 1000).padStart(3, "0"));
}

const VERDICTS = {
  accepted: "accepted",
  rejected: "rejected",
  business_error: "business error",
  fault: "fault",
  not_served: "not served",
};

function verdict(entry) {
  const label = VERDICTS[entry.verdict] || entry.verdict;
  const check = entry.failed_check ? " (" + entry.failed_check.replaceAll("_", " ") + ")" : "";
  return el("span", { class: "verdict verdict-" + entry.verdict }, label + check);
}

function reason(entry) {
  const cell = el("td", { class: "reason" }, entry.reason || "");
  for (const warning of entry.warnings || []) {
    cell.append(el("span", { class: "warning" }, "warning: " + warning));
  }
  return cell;
}

function row(entry) {
  const label = entry.operation || entry.method + " " + entry.path;
  const open = el("button", {
    type: "button", class: "open", "aria-controls": "detail",
    "aria-label": "Open request " + entry.id + ", " + label,
  }, label);
  open.addEventListener("click", () => openRequest(entry.id, open));
  return el("tr", { "data-id": entry.id, "data-verdict": entry.verdict },
    el("td", {}, time(entry.time_ms)),
    el("th", { scope: "row" }, open),
    el("td", { class: "num" }, entry.status),
    el("td", { class: "num" }, entry.errcode === null ? "" : entry.errcode),
    el("td", {}, verdict(entry)),
    reason(entry));
}

async function poll() {
  try {
    const list = await getJson("/requests" + (lastId ? "?after=" + lastId : ""));
    capacity = list.capacity;
    const mode = list.tolerant
      ? "Tolerant mode: SDK variants with unambiguous signed bytes are accepted with a warning."
      : "Strict mode: the vendor pages are enforced.";
    const modeLine = document.getElementById("mode");
    if (modeLine.textContent !== mode) modeLine.textContent = mode;
    const body = document.querySelector("#requests tbody");
    if (list.last_id < lastId) body.replaceChildren(); // a restarted sandbox
    const rows = list.requests.map(row);
    body.prepend(...rows);
    while (body.rows.length > capacity) body.lastElementChild.remove();
    lastId = list.last_id;
    const shown = body.rows.length;
    setStatus(shown === 0
      ? "No requests yet. Point a client at this sandbox; new requests appear here."
      : shown + " request" + (shown === 1 ? "" : "s") + " (the last " + capacity + " are kept); updates live.");
  } catch (error) {
    setStatus("Cannot reach the sandbox: " + error.message);
  }
}

// The status line is a live region: it is only rewritten when its text changes, so a
// screen reader does not announce the same count every second.
function setStatus(text) {
  const live = document.getElementById("live");
  if (live.textContent !== text) live.textContent = text;
}

function pretty(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch (_) {
    return text;
  }
}

function bodyBlock(title, body, id) {
  const section = el("section", { "aria-label": title }, el("h3", {}, title));
  if (body.text === "") {
    section.append(el("p", {}, "(empty)"));
  } else {
    section.append(el("pre", { id, tabindex: 0 }, pretty(body.text)));
  }
  if (body.truncated_from !== null) {
    section.append(el("p", { class: "note" },
      "Only the first " + body.text.length + " characters of " + body.truncated_from + " bytes are kept."));
  }
  return section;
}

function pairs(title, list, id) {
  const table = el("table", { id },
    el("caption", {}, title),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Name"), el("th", { scope: "col" }, "Value"))));
  const body = el("tbody");
  for (const [name, value] of list) {
    body.append(el("tr", {}, el("th", { scope: "row" }, name), el("td", {}, el("code", {}, value))));
  }
  table.append(body);
  return el("div", { class: "scroll" }, table);
}

function firstDifference(a, b) {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : length;
}

function signatureBlock(signature) {
  const scheme = signature.scheme === "md5_body_sign"
    ? "MD5 over the sorted body parameters (the canonical parameter string)"
    : "HMAC-SHA256 over method, path, query and signed headers";
  const received = signature.received;
  const same = received === signature.expected;
  let comparison;
  if (received === null) comparison = "No signature was received.";
  else if (same) comparison = "The received signature is the expected one.";
  else comparison = "The signatures differ from character " + (firstDifference(received, signature.expected) + 1) + " on.";
  return el("section", { "aria-labelledby": "signature-title", class: "signature" },
    el("h3", { id: "signature-title" }, "Signature"),
    el("p", {}, scheme + ". The sandbox rebuilt the string to sign from the request; secrets in it show as ***."),
    el("h4", {}, "String to sign"),
    el("pre", { id: "string-to-sign", tabindex: 0 }, signature.string_to_sign),
    el("dl", { class: "signatures" },
      el("dt", {}, "Expected"),
      el("dd", {}, el("code", { id: "signature-expected" }, signature.expected)),
      el("dt", {}, "Received"),
      el("dd", {}, el("code", { id: "signature-received" }, received === null ? "(none)" : received))),
    el("p", { id: "signature-comparison", class: same ? "match" : "mismatch" },
      (same ? "✓ " : "✗ ") + comparison));
}

function fact(list, name, value) {
  if (value === null || value === undefined || value === "") return;
  list.append(el("dt", {}, name), el("dd", {}, value));
}

function showDetail(entry) {
  const title = document.getElementById("detail-title");
  title.textContent = "Request " + entry.id + ": " + entry.method + " " + entry.path;
  const facts = el("dl", { class: "facts" });
  fact(facts, "Time", time(entry.time_ms));
  fact(facts, "Operation", entry.operation);
  fact(facts, "Status", String(entry.response.status));
  fact(facts, "Code", entry.errcode);
  fact(facts, "Verdict", verdict(entry));
  fact(facts, "First failed check", entry.failed_check && entry.failed_check.replaceAll("_", " "));
  fact(facts, "Reason", entry.reason);
  fact(facts, "Fault", entry.fault);
  const parts = [facts];
  if (entry.warnings.length) {
    const list = el("ul", { id: "warnings" });
    for (const warning of entry.warnings) list.append(el("li", {}, warning));
    parts.push(el("section", { "aria-label": "Warnings", class: "warnings" },
      el("h3", {}, "Warnings (accepted, but not what the pages say)"), list));
  }
  if (entry.signature) parts.push(signatureBlock(entry.signature));
  parts.push(el("section", { "aria-label": "Request headers" }, el("h3", {}, "Request headers"),
    pairs("Headers as received; credentials masked.", entry.headers, "request-headers")));
  if (entry.query.length) {
    parts.push(el("section", { "aria-label": "Query" }, el("h3", {}, "Query"),
      pairs("Decoded query parameters.", entry.query, "request-query")));
  }
  parts.push(bodyBlock("Request body", entry.body, "request-body"));
  parts.push(bodyBlock("Response (" + entry.response.status + ", " + entry.response.content_type + ")",
    entry.response.body, "response-body"));
  document.getElementById("detail-body").replaceChildren(...parts);
  const detail = document.getElementById("detail");
  detail.hidden = false;
  title.focus();
}

async function openRequest(id, from) {
  opener = from || null;
  openId = id;
  for (const open of document.querySelectorAll("#requests button.open")) {
    open.setAttribute("aria-expanded", String(open === from));
  }
  try {
    showDetail(await getJson("/requests/" + id));
    history.replaceState(null, "", "#request-" + id);
  } catch (error) {
    document.getElementById("detail-title").textContent = "Request " + id + " is no longer in the log";
    document.getElementById("detail-body").replaceChildren(el("p", {}, error.message));
    document.getElementById("detail").hidden = false;
  }
}

function closeDetail() {
  document.getElementById("detail").hidden = true;
  openId = null;
  history.replaceState(null, "", "#requests");
  if (opener && opener.isConnected) opener.focus();
}

// State page.

function simpleTable(caption, columns, rows, id) {
  if (rows.length === 0) return el("p", { id }, caption + ": none.");
  const head = el("tr");
  for (const column of columns) head.append(el("th", { scope: "col" }, column));
  const body = el("tbody");
  for (const cells of rows) {
    const tr = el("tr");
    cells.forEach((cell, i) => tr.append(el(i === 0 ? "th" : "td", i === 0 ? { scope: "row" } : {}, cell)));
    body.append(tr);
  }
  return el("div", { class: "scroll" }, el("table", { id }, el("caption", {}, caption), el("thead", {}, head), body));
}

const cents = (n) => (n / 100).toFixed(2);
const compact = (value) => (value === null || value === undefined ? "" : JSON.stringify(value));

async function refreshState() {
  let state;
  try {
    state = await getJson("/state");
  } catch (error) {
    document.getElementById("state-body").replaceChildren(el("p", {}, error.message));
    return;
  }
  const select = document.getElementById("fault-operation");
  if (select.options.length !== state.operations.length) {
    const chosen = select.value;
    select.replaceChildren(...state.operations.map((op) => el("option", { value: op }, op)));
    if (chosen) select.value = chosen;
  }
  const pending = Object.entries(state.pending_faults);
  document.getElementById("state-body").replaceChildren(
    el("p", {}, "Sandbox clock: ", time(state.clock_ms), " (skew " + state.clock_skew_ms + " ms). App-tokens issued: "
      + state.tokens.issued + ", live: " + state.tokens.live + "."),
    simpleTable("Members and balances", ["Member", "Balance"],
      state.members.map((m) => [m.member_id, m.balance]), "state-members"),
    simpleTable("Recharges (mall_recharge)", ["src_bill_id", "Status", "Answer"],
      state.recharges.map((b) => [b.src_bill_id, b.status, compact(b.data)]), "state-recharges"),
    simpleTable("Pre-write-off cancels", ["src_bill_id", "Status", "Answer"],
      state.cancels.map((b) => [b.src_bill_id, b.status, compact(b.data)]), "state-cancels"),
    simpleTable("Refunds", ["refund_no", "Status", "Record"],
      state.refunds.map((r) => [r.refund_no, (r.record && r.record.refund_status) || "", compact(r.record)]), "state-refunds"),
    simpleTable("Coupons", ["Code", "Status", "Amount", "Settle amount", "Write-off order"],
      state.coupons.map((c) => [c.code, c.status.replaceAll("_", " "), cents(c.amount_cents), cents(c.settle_amount_cents), c.order_no || ""]),
      "state-coupons"),
    simpleTable("Queued faults", ["Operation", "Requests left"], pending, "state-faults"));
}

async function postFaults(path, body) {
  const response = await fetch(API + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(answer.error || "HTTP " + response.status);
  return answer;
}

function setupFaultForm() {
  const form = document.getElementById("fault-form");
  const result = document.getElementById("fault-result");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = { operation: data.get("operation"), kind: data.get("kind"), times: Number(data.get("times")) };
    for (const name of ["status", "code", "delay_ms"]) body[name] = Number(data.get(name));
    try {
      const answer = await postFaults("/faults", body);
      result.textContent = "Queued: " + answer.pending + " fault(s) wait for " + body.operation + ".";
    } catch (error) {
      result.textContent = "Not queued: " + error.message;
    }
    refreshState();
  });
  document.getElementById("fault-clear").addEventListener("click", async () => {
    try {
      await postFaults("/faults/clear", {});
      result.textContent = "All queued faults were dropped.";
    } catch (error) {
      result.textContent = "Not cleared: " + error.message;
    }
    refreshState();
  });
}

// Views and keyboard.

function showView() {
  const state = location.hash === "#state";
  document.getElementById("requests-view").hidden = state;
  document.getElementById("state-view").hidden = !state;
  for (const [id, current] of [["nav-requests", !state], ["nav-state", state]]) {
    const link = document.getElementById(id);
    if (current) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (state) refreshState();
  const match = /^#request-(\d+)$/.exec(location.hash);
  if (match && Number(match[1]) !== openId) openRequest(Number(match[1]), null);
}

document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !document.getElementById("detail").hidden) closeDetail();
});

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("detail-close").addEventListener("click", closeDetail);
  window.addEventListener("hashchange", showView);
  setupFaultForm();
  showView();
  poll();
  setInterval(() => {
    if (document.hidden) return;
    if (document.getElementById("state-view").hidden) poll();
    else refreshState();
  }, POLL_MS);
});
