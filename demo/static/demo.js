// The demo's chat page: polls /api/state, renders what the bot sent, posts what you type or tap.
"use strict";

const $ = (id) => document.getElementById(id);
let user = Number(new URLSearchParams(location.search).get("user")) || 1001;
let shown = "";
let seenToasts = null;
let busy = false;

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ user, ...body }),
  });
  if (!response.ok) toast(await response.text());
  return response;
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, 3500);
}

const TAGS = {
  bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre",
  blockquote: "blockquote", expandable_blockquote: "blockquote",
};

function entityNode(entity, text) {
  if (entity.type === "text_link" || entity.type === "url") {
    const href = entity.type === "url" ? text.slice(entity.offset, entity.offset + entity.length)
      : entity.url;
    if (/^https?:\/\//.test(href || "")) {
      const link = document.createElement("a");
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      return link;
    }
    return document.createElement("span");
  }
  if (entity.type === "spoiler") {
    const span = document.createElement("span");
    span.className = "spoiler";
    span.addEventListener("click", () => span.classList.add("open"));
    return span;
  }
  return document.createElement(TAGS[entity.type] || "span");
}

// Text plus Telegram entities (offsets in UTF-16 units, as JavaScript strings count) as DOM.
function renderText(parent, text, entities, start = 0, end = text.length) {
  const inside = entities
    .filter((e) => e.offset >= start && e.offset + e.length <= end)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  let cursor = start;
  let index = 0;
  while (index < inside.length) {
    const entity = inside[index];
    if (entity.offset < cursor) { index += 1; continue; }
    parent.append(text.slice(cursor, entity.offset));
    const node = entityNode(entity, text);
    const stop = entity.offset + entity.length;
    const nested = inside.filter((e) => e !== entity && e.offset >= entity.offset
      && e.offset + e.length <= stop);
    renderText(node, text, nested, entity.offset, stop);
    parent.append(node);
    cursor = stop;
    index += 1;
  }
  parent.append(text.slice(cursor, end));
}

function renderMessage(message) {
  const item = document.createElement("div");
  item.className = `msg ${message.from}`;
  item.dataset.id = message.id;
  const bubble = document.createElement("div");
  bubble.className = "bubble";
  if (message.photo) {
    const img = document.createElement("img");
    img.src = message.photo;
    img.alt = "Picture from the bot";
    img.addEventListener("click", () => {
      $("viewer-img").src = message.photo;
      $("viewer").hidden = false;
    });
    bubble.append(img);
  }
  if (message.document) {
    const file = document.createElement("a");
    file.className = "file";
    file.href = message.document.url;
    file.target = "_blank";
    file.textContent = message.document.name;
    bubble.append(file);
  }
  const body = document.createElement("span");
  body.className = "text";
  renderText(body, message.text || "", message.entities || []);
  bubble.append(body);
  if (message.edited) {
    const mark = document.createElement("span");
    mark.className = "edited";
    mark.textContent = "edited";
    bubble.append(" ", mark);
  }
  item.append(bubble);
  if (message.buttons && message.buttons.length) {
    const keys = document.createElement("div");
    keys.className = "inline";
    for (const row of message.buttons) {
      const line = document.createElement("div");
      line.className = "row";
      for (const button of row) {
        const url = (message.urls || {})[button.text];
        if (url) {
          const link = document.createElement("a");
          link.href = url;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          link.textContent = `${button.text} ↗`;
          line.append(link);
          continue;
        }
        const key = document.createElement("button");
        key.type = "button";
        key.textContent = button.text;
        key.disabled = button.data === null;
        key.addEventListener("click", () => post("/api/tap", {
          message_id: message.id, data: button.data,
        }).then(refresh));
        line.append(key);
      }
      keys.append(line);
    }
    item.append(keys);
  }
  return item;
}

function renderKeyboard(keyboard) {
  const box = $("keyboard");
  box.replaceChildren();
  if (!keyboard) return;
  for (const row of keyboard.rows) {
    const line = document.createElement("div");
    line.className = "row";
    for (const key of row) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = key.text;
      if (key.location) button.dataset.location = "true";
      button.addEventListener("click", () => (key.location
        ? post("/api/location", {}) : post("/api/send", { text: key.text })).then(refresh));
      line.append(button);
    }
    box.append(line);
  }
}

function renderMenu(commands) {
  const menu = $("menu");
  menu.replaceChildren();
  for (const { command, description } of commands) {
    const item = document.createElement("button");
    item.type = "button";
    item.dataset.command = command;
    const name = document.createElement("b");
    name.textContent = `/${command}`;
    item.append(name, ` — ${description}`);
    item.addEventListener("click", () => {
      menu.hidden = true;
      post("/api/send", { text: `/${command}` }).then(refresh);
    });
    menu.append(item);
  }
  $("menu-button").disabled = commands.length === 0;
}

function renderUsers(users) {
  const box = $("users");
  if (box.childElementCount === users.length) {
    for (const button of box.children) {
      button.classList.toggle("active", Number(button.dataset.user) === user);
    }
    return;
  }
  box.replaceChildren();
  for (const person of users) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.user = person.id;
    button.textContent = `${person.name} · ${person.home}`;
    button.title = person.zone;
    button.addEventListener("click", () => {
      user = person.id;
      shown = "";
      seenToasts = null;
      history.replaceState(null, "", `?user=${user}`);
      refresh();
    });
    box.append(button);
  }
  renderUsers(users);
}

async function refresh() {
  let state;
  try {
    const response = await fetch(`/api/state?user=${user}`);
    if (!response.ok) return;
    state = await response.json();
  } catch (error) {
    return;
  }
  renderUsers(state.users);
  $("local").textContent = state.local;
  $("zone").textContent = state.zone;
  const signature = JSON.stringify([user, state.messages, state.keyboard, state.commands]);
  if (signature !== shown) {
    shown = signature;
    const chat = $("chat");
    chat.replaceChildren(...state.messages.map(renderMessage));
    chat.scrollTop = chat.scrollHeight;
    renderKeyboard(state.keyboard);
    renderMenu(state.commands);
  }
  const ids = state.toasts.map((t) => t.id);
  if (seenToasts !== null) {
    const fresh = state.toasts.filter((t) => !seenToasts.has(t.id));
    if (fresh.length) toast(fresh[fresh.length - 1].text);
  }
  seenToasts = new Set(ids);
}

async function moveClock(action) {
  if (busy) return;
  busy = true;
  const buttons = document.querySelectorAll("[data-clock]");
  buttons.forEach((b) => { b.disabled = true; });
  const status = $("clock-status");
  const before = status.textContent;
  status.textContent = "Moving the clock; whatever falls due is being sent…";
  try {
    await post("/api/clock", { action });
  } finally {
    busy = false;
    buttons.forEach((b) => { b.disabled = false; });
    status.textContent = before;
    refresh();
  }
}

document.querySelectorAll("[data-clock]").forEach((button) => {
  button.addEventListener("click", () => moveClock(button.dataset.clock));
});
$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text").value.trim();
  if (!text) return;
  $("text").value = "";
  post("/api/send", { text }).then(refresh);
});
$("menu-button").addEventListener("click", () => { $("menu").hidden = !$("menu").hidden; });
$("viewer").addEventListener("click", () => { $("viewer").hidden = true; });
refresh();
setInterval(refresh, 400);
