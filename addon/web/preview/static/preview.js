// The preview plays Google's part: it builds the add-on event object, gets the request signed the way
// Google signs it, posts it to the real endpoint, and renders the card JSON that comes back.
"use strict";

const CONFIG = JSON.parse(document.getElementById("config").textContent);
const $ = (id) => document.getElementById(id);
const state = { stack: [], last: null, busy: false };

// ---- context panel ---------------------------------------------------------------------------------
function currentUser() {
  return ($("user-free").value.trim() || $("user").value).toLowerCase();
}
function host() {
  return document.querySelector("input[name=host]:checked").value;
}
function grantedScopes() {
  return [...document.querySelectorAll("input[name=scope]:checked")].map((i) => i.value);
}
function grant(scopes) {
  for (const box of document.querySelectorAll("input[name=scope]")) {
    if (scopes.includes(box.value)) box.checked = true;
  }
}
async function getJSON(url) {
  const resp = await fetch(url);
  const body = await resp.json();
  if (!resp.ok) throw new Error(body.error || resp.statusText);
  return body;
}
async function loadUsers() {
  const sel = $("user");
  try {
    const data = await getJSON("/preview/api/users");
    sel.innerHTML = "";
    for (const u of data.users) sel.add(new Option(`${u.name} (${u.email})`, u.email));
    if (!data.users.length) sel.add(new Option(data.note || "no users", ""));
  } catch (e) {
    sel.innerHTML = "";
    sel.add(new Option("could not list users: " + e.message, ""));
  }
  loadContext();
}
async function loadContext() {
  const user = currentUser();
  $("gmail-context").hidden = host() !== "gmail";
  $("drive-context").hidden = host() !== "drive";
  if (!user) return;
  try {
    if (host() === "gmail") {
      const data = await getJSON("/preview/api/messages?user=" + encodeURIComponent(user));
      const sel = $("message");
      sel.innerHTML = "";
      for (const m of data.messages) sel.add(new Option(`${m.from} — ${m.subject}`, JSON.stringify(m)));
    } else if (host() === "drive") {
      const data = await getJSON("/preview/api/files?user=" + encodeURIComponent(user));
      const sel = $("files");
      sel.innerHTML = "";
      for (const f of data.files) sel.add(new Option(f.name, JSON.stringify(f)));
    }
  } catch (e) {
    toast("Context: " + e.message);
  }
}

// Gmail names messages "msg-f:<decimal>" in add-on events; the API id is the same number in hex.
function gmailContext(token) {
  let msg = null;
  const free = $("message-free").value.trim();
  if (free) msg = { id: free, threadId: "" };
  else if ($("message").value) msg = JSON.parse($("message").value);
  if (!msg) return null;
  const isHex = /^[0-9a-f]{1,16}$/i.test(msg.id);
  const id = isHex ? "msg-f:" + BigInt("0x" + msg.id).toString() : msg.id;
  const thread = /^[0-9a-f]{1,16}$/i.test(msg.threadId || "") ? "thread-f:" + BigInt("0x" + msg.threadId).toString() : msg.threadId;
  return { messageId: id, threadId: thread, accessToken: token };
}
function driveContext() {
  const items = [...$("files").selectedOptions].map((o) => JSON.parse(o.value));
  return {
    selectedItems: items.map((f) => ({ id: f.id, title: f.name, mimeType: f.mimeType, iconUrl: f.iconLink || "", addonHasFileScopePermission: false })),
    activeCursorItem: items.length ? { id: items[0].id, title: items[0].name, mimeType: items[0].mimeType } : undefined,
  };
}

// ---- calling the add-on ----------------------------------------------------------------------------
function formInputs() {
  const out = {};
  for (const el of $("card").querySelectorAll("[data-input]")) {
    const name = el.dataset.input;
    if (el.dataset.kind === "date") {
      if (el.value) out[name] = { dateInput: { msSinceEpoch: String(Date.parse(el.value + "T00:00:00Z")) } };
    } else if (el.dataset.kind === "checks") {
      const values = [...el.querySelectorAll("input:checked")].map((i) => i.value);
      if (values.length) out[name] = { stringInputs: { value: values } };
    } else if (el.value !== "") {
      out[name] = { stringInputs: { value: [el.value] } };
    }
  }
  return out;
}
function hostAppName() {
  return host() === "drive" ? "DRIVE" : "GMAIL";
}

async function call(url, params, inputs, how) {
  const user = currentUser();
  if (!user) { toast("Pick a staff member first."); return; }
  state.last = { url, params, inputs, how };
  const scopes = grantedScopes();
  const t0 = performance.now();
  $("card").classList.add("loading");
  try {
    const tokResp = await fetch("/preview/api/tokens", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ url, user, scopes }),
    });
    const tok = await tokResp.json();
    if (!tokResp.ok) throw new Error(tok.error || "could not sign the request");
    const event = {
      commonEventObject: {
        hostApp: hostAppName(), platform: "WEB", userLocale: "en-GB",
        timeZone: { id: "Europe/London", offset: -new Date().getTimezoneOffset() * 60000 },
      },
      authorizationEventObject: {
        userOAuthToken: tok.userOAuthToken, userIdToken: tok.userIdToken, systemIdToken: tok.systemIdToken,
        authorizedScopes: scopes,
      },
    };
    if (params && Object.keys(params).length) event.commonEventObject.parameters = params;
    if (inputs && Object.keys(inputs).length) event.commonEventObject.formInputs = inputs;
    if (host() === "gmail") { const g = gmailContext(tok.gmailAccessToken); if (g) event.gmail = g; }
    if (host() === "drive") event.drive = driveContext();
    const shown = JSON.parse(JSON.stringify(event));
    for (const k of Object.keys(shown.authorizationEventObject)) {
      if (k !== "authorizedScopes") shown.authorizationEventObject[k] = "…(token)";
    }
    if (shown.gmail) shown.gmail.accessToken = "…(token)";
    $("event-json").textContent = JSON.stringify(shown, null, 2);
    const t1 = performance.now();
    const resp = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + tok.systemIdToken },
      body: JSON.stringify(event),
    });
    const t2 = performance.now();
    const text = await resp.text();
    $("timing").textContent = `HTTP ${resp.status} · add-on answered in ${Math.round(t2 - t1)} ms (signing ${Math.round(t1 - t0)} ms)`;
    $("response-json").textContent = text;
    if (!resp.ok) { toast(`The add-on answered ${resp.status}: ${text.slice(0, 200)}`); return; }
    await apply(JSON.parse(text), how);
  } catch (e) {
    toast(e.message);
  } finally {
    $("card").classList.remove("loading");
  }
}

async function apply(resp, how) {
  if (resp.requesting_google_scopes) {
    askConsent(resp.requesting_google_scopes.scopes || []);
    return;
  }
  const act = (resp.renderActions || resp.render_actions || resp).action || {};
  const cards = [];
  for (const nav of act.navigations || []) {
    if (nav.popToRoot) state.stack = state.stack.slice(0, 1);
    if (nav.popCard) state.stack.pop();
    if (nav.pushCard) { state.stack.push(nav.pushCard); cards.push(nav.pushCard); }
    if (nav.updateCard) {
      if (state.stack.length) state.stack[state.stack.length - 1] = nav.updateCard;
      else state.stack.push(nav.updateCard);
      cards.push(nav.updateCard);
    }
  }
  if (how === "root" && cards.length) state.stack = [cards[cards.length - 1]];
  if (act.notification) toast(act.notification.text);
  render();
  if (cards.length) validate(cards);
}

async function validate(cards) {
  const resp = await fetch("/preview/api/validate", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ cards }),
  });
  const data = await resp.json();
  const problems = data.problems.flat();
  const el = $("validity");
  el.className = problems.length ? "invalid" : "valid";
  el.textContent = problems.length ? "Card schema problems: " + problems.join("; ") : "✓ valid against Google's card schema";
}

function askConsent(scopes) {
  const list = $("consent-scopes");
  list.innerHTML = "";
  for (const s of scopes) { const li = document.createElement("li"); li.textContent = s; list.appendChild(li); }
  $("consent").hidden = false;
  $("consent-allow").onclick = () => {
    $("consent").hidden = true;
    grant(scopes);
    const last = state.last;  // as Google does: the action that asked is run again once granted
    if (last) call(last.url, last.params, last.inputs, last.how);
  };
  $("consent-deny").onclick = () => { $("consent").hidden = true; toast("Access not granted."); };
}

// ---- rendering cards -------------------------------------------------------------------------------
const ALLOWED_TAGS = new Set(["B", "I", "U", "S", "STRIKE", "FONT", "A", "BR", "P", "UL", "OL", "LI", "SPAN", "CODE"]);
function safeMarkup(html) {
  // Google renders a small HTML subset in card text; keep only that subset (and only safe attributes).
  const doc = new DOMParser().parseFromString("<div>" + html + "</div>", "text/html");
  const walk = (node) => {
    for (const child of [...node.childNodes]) {
      if (child.nodeType === Node.ELEMENT_NODE) {
        if (!ALLOWED_TAGS.has(child.tagName)) { child.replaceWith(document.createTextNode(child.textContent)); continue; }
        for (const attr of [...child.attributes]) {
          const ok = (child.tagName === "FONT" && attr.name === "color" && /^#[0-9a-f]{3,8}$/i.test(attr.value))
            || (child.tagName === "A" && attr.name === "href" && /^https?:/i.test(attr.value));
          if (!ok) child.removeAttribute(attr.name);
        }
        if (child.tagName === "A") { child.target = "_blank"; child.rel = "noopener"; }
        walk(child);
      }
    }
  };
  const root = doc.body.firstChild;
  walk(root);
  const frag = document.createDocumentFragment();
  while (root.firstChild) frag.appendChild(root.firstChild);
  return frag;
}
function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function onClick(handler) {
  if (!handler) return null;
  if (handler.action) {
    const a = handler.action;
    const params = Object.fromEntries((a.parameters || []).map((p) => [p.key, p.value]));
    return () => call(a.function, params, formInputs(), "nav");
  }
  if (handler.openLink) return () => window.open(handler.openLink.url, "_blank", "noopener");
  if (handler.card) return () => { state.stack.push(handler.card); render(); };
  return null;
}
// No icon font is reachable offline: common Material icon names get a similar symbol, others an initial.
const GLYPHS = {
  person: "\u263A", person_search: "\u263A", warning: "!", error: "\u2716", event: "\u25F7", check_circle: "\u2714",
  hourglass_top: "\u231B", search: "\u2315", mail: "\u2709", description: "\u2261", table_rows: "\u25A6",
  table_chart: "\u25A6", help: "?", radio_button_unchecked: "\u25CB", list: "\u2630", add: "+", home: "\u2302",
  refresh: "\u21BB", fact_check: "\u2713", folder_open: "\u25AD", login: "\u2192", save: "\u2713",
};
function icon(spec) {
  const name = (spec && (spec.materialIcon ? spec.materialIcon.name : spec.knownIcon)) || "";
  const i = el("span", "dt-icon i-" + name, GLYPHS[name] || name.slice(0, 1));
  i.title = name;
  return i;
}
function button(b) {
  const btn = el("button", "btn" + (b.type === "FILLED" ? " filled" : ""), b.text || "");
  btn.type = "button";
  btn.disabled = !!b.disabled;
  const fn = onClick(b.onClick);
  if (fn) btn.addEventListener("click", fn);
  return btn;
}
function field(label, control, hint) {
  const wrap = el("label", "field");
  if (label) wrap.appendChild(el("span", "field-label", label));
  wrap.appendChild(control);
  if (hint) wrap.appendChild(el("span", "field-hint", hint));
  return wrap;
}
function widget(w) {
  const box = el("div", "w");
  if (w.textParagraph) {
    box.classList.add("w-text");
    box.appendChild(safeMarkup(w.textParagraph.text || ""));
  } else if (w.decoratedText) {
    const d = w.decoratedText;
    const row = el("div", "dt");
    if (d.startIcon || d.icon) row.appendChild(icon(d.startIcon || d.icon));
    const col = el("div", "dt-body");
    if (d.topLabel) col.appendChild(el("div", "dt-top")).appendChild(safeMarkup(d.topLabel));
    col.appendChild(el("div", "dt-text")).appendChild(safeMarkup(d.text || ""));
    if (d.bottomLabel) col.appendChild(el("div", "dt-bottom")).appendChild(safeMarkup(d.bottomLabel));
    row.appendChild(col);
    if (d.button) row.appendChild(button(d.button));
    const fn = onClick(d.onClick);
    if (fn) { row.classList.add("clickable"); row.tabIndex = 0; row.addEventListener("click", fn); }
    box.appendChild(row);
  } else if (w.buttonList) {
    const row = el("div", "buttons");
    for (const b of w.buttonList.buttons || []) row.appendChild(button(b));
    box.appendChild(row);
  } else if (w.textInput) {
    const t = w.textInput;
    const input = el(t.type === "MULTIPLE_LINE" ? "textarea" : "input");
    input.dataset.input = t.name;
    input.value = t.value || "";
    input.name = t.name;
    box.appendChild(field(t.label, input, t.hintText));
  } else if (w.selectionInput) {
    const s = w.selectionInput;
    if (s.type === "DROPDOWN" || !s.type) {
      const sel = el("select");
      sel.dataset.input = s.name;
      sel.name = s.name;
      for (const it of s.items || []) sel.add(new Option(it.text, it.value, it.selected, it.selected));
      box.appendChild(field(s.label, sel));
    } else {
      const group = el("div", "checks");
      group.dataset.input = s.name;
      group.dataset.kind = "checks";
      if (s.label) group.appendChild(el("span", "field-label", s.label));
      for (const it of s.items || []) {
        const lab = el("label");
        const inp = el("input");
        inp.type = s.type === "RADIO_BUTTON" ? "radio" : "checkbox";
        inp.name = s.name; inp.value = it.value; inp.checked = !!it.selected;
        lab.append(inp, document.createTextNode(" " + it.text));
        group.appendChild(lab);
      }
      box.appendChild(group);
    }
  } else if (w.dateTimePicker) {
    const p = w.dateTimePicker;
    const input = el("input");
    input.type = "date";
    input.dataset.input = p.name;
    input.dataset.kind = "date";
    input.name = p.name;
    if (p.valueMsEpoch) input.value = new Date(Number(p.valueMsEpoch)).toISOString().slice(0, 10);
    box.appendChild(field(p.label, input));
  } else if (w.divider) {
    box.appendChild(el("hr", "divider"));
  } else if (w.grid) {
    const g = el("div", "grid");
    g.style.setProperty("--cols", w.grid.columnCount || 2);
    for (const it of w.grid.items || []) g.appendChild(el("div", "grid-item", it.title || ""));
    box.appendChild(g);
  } else {
    box.appendChild(el("span", "muted", "(widget not shown in the preview: " + Object.keys(w).join(", ") + ")"));
  }
  return box;
}
function render() {
  const top = state.stack[state.stack.length - 1];
  const root = $("card");
  root.innerHTML = "";
  $("back").disabled = state.stack.length < 2;
  if (!top) return;
  root.dataset.name = top.name || "";
  if (top.header) {
    const h = el("div", "card-header");
    h.appendChild(el("div", "card-title")).appendChild(safeMarkup(top.header.title || ""));
    if (top.header.subtitle) h.appendChild(el("div", "card-subtitle")).appendChild(safeMarkup(top.header.subtitle));
    root.appendChild(h);
  }
  for (const s of top.sections || []) {
    const sec = el("div", "section");
    if (s.header) sec.appendChild(el("div", "section-header")).appendChild(safeMarkup(s.header));
    const widgets = s.widgets || [];
    const visible = s.collapsible ? (s.uncollapsibleWidgetsCount || 0) : widgets.length;
    widgets.forEach((w, i) => { const node = widget(w); if (i >= visible) node.hidden = true; sec.appendChild(node); });
    if (s.collapsible && widgets.length > visible) {
      const more = el("button", "section-toggle", `Show ${widgets.length - visible} more`);
      more.type = "button";
      more.addEventListener("click", () => { sec.querySelectorAll(".w[hidden]").forEach((n) => { n.hidden = false; }); more.remove(); });
      sec.appendChild(more);
    }
    root.appendChild(sec);
  }
  if (top.fixedFooter && top.fixedFooter.primaryButton) {
    const f = el("div", "section buttons");
    f.appendChild(button(top.fixedFooter.primaryButton));
    root.appendChild(f);
  }
}

let toastTimer = null;
function toast(text) {
  const t = $("toast");
  t.textContent = text;
  t.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { t.hidden = true; }, 5000);
}

// ---- entry points ----------------------------------------------------------------------------------
function openAddon() {
  state.stack = [];
  const path = { homepage: CONFIG.paths.homepage, gmail: CONFIG.paths.gmail, drive: CONFIG.paths.drive }[host()];
  call(CONFIG.base + path, null, null, "root");
}

$("open").addEventListener("click", openAddon);
$("back").addEventListener("click", () => { state.stack.pop(); render(); });
$("user").addEventListener("change", loadContext);
$("user-free").addEventListener("change", loadContext);
for (const r of document.querySelectorAll("input[name=host]")) r.addEventListener("change", loadContext);
loadUsers();
