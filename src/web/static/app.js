// Small progressive enhancements; every page works without this file.

const csrfOf = (form) => new FormData(form).get("_csrf") || "";

async function postForm(form, submitter) {
  const body = new URLSearchParams(new FormData(form, submitter));
  const res = await fetch(form.action, {
    method: "POST",
    body,
    headers: { accept: "application/json", "x-csrf-token": csrfOf(form) },
    credentials: "same-origin",
  }).catch(() => null);
  return { res, body };
}

// Upvotes without a page reload: the same form post, sent with fetch and answered in JSON.
async function upvote(form) {
  const { res, body } = await postForm(form);
  if (!res?.ok) {
    // Limits, expired sessions and errors get the full page, which explains them.
    form.submit();
    return;
  }
  const result = await res.json();
  // Every control for this paper on the page (a paper can be listed twice) follows along.
  const id = body.get("arxiv_id");
  for (const f of document.querySelectorAll("form.vote-form")) {
    if (f.querySelector('input[name="arxiv_id"]')?.value !== id) continue;
    f.classList.toggle("upvoted", result.upvoted);
    f.querySelector('input[name="vote"]').value = result.upvoted ? "0" : "1";
    f.querySelector(".count").textContent = String(result.upvotes);
    const button = f.querySelector("button");
    button.setAttribute("aria-pressed", String(result.upvoted));
    button.title = result.upvoted ? "Remove your upvote" : "Upvote";
  }
}

// Theme and grid/list: applied at once, remembered by the same form post in the background.
async function preference(form, submitter) {
  const name = submitter?.name;
  const value = submitter?.value;
  if (name === "theme") {
    document.documentElement.dataset.theme = value;
    document.querySelector('meta[name="color-scheme"]')?.setAttribute("content", value);
  } else if (name === "view") {
    for (const list of document.querySelectorAll(".paper-list.view-grid, .paper-list.view-list")) {
      list.classList.remove("view-grid", "view-list");
      list.classList.add(`view-${value}`);
    }
    for (const b of form.querySelectorAll("button[name=view]"))
      b.setAttribute("aria-pressed", String(b.value === value));
  }
  const { res } = await postForm(form, submitter);
  if (!res?.ok) form.submit();
}

// Save and Not interested on a card, in place: the reader keeps their place in a long list, and a
// dismissed card stays (dimmed) with its undo until the next visit, instead of a reload to the top.
async function libraryToggle(form) {
  const { res, body } = await postForm(form);
  if (!res?.ok) {
    // Refusals (a paper in a collection cannot be dismissed) get the full page, which says why.
    form.submit();
    return;
  }
  const result = await res.json();
  const id = body.get("arxiv_id");
  // Saving undoes Not interested and dismissing unsaves: the answer carries each state it set.
  if ("saved" in result) showLibraryState(id, "save", result.saved);
  if ("dismissed" in result) showLibraryState(id, "dismiss", result.dismissed);
}

function showLibraryState(id, kind, on) {
  const saving = kind === "save";
  for (const f of document.querySelectorAll(`.card-actions form[action$="/${kind}"]`)) {
    if (f.querySelector('input[name="arxiv_id"]')?.value !== id) continue;
    f.querySelector('input[name="on"]').value = on ? "0" : "1";
    const button = f.querySelector("button");
    button.setAttribute("aria-pressed", String(on));
    button.textContent = saving
      ? on
        ? "Saved ✓ (undo)"
        : "Save"
      : on
        ? "Undo not interested"
        : "Not interested";
    const card = f.closest(".paper-card");
    if (saving || !card) continue;
    card.classList.toggle("dismissed", on);
    let note = card.querySelector(".dismissed-note");
    if (on && !note) {
      note = document.createElement("p");
      note.className = "dismissed-note";
      note.setAttribute("role", "status");
      note.textContent = `Hidden: “${card.querySelector("h2, h3")?.textContent?.trim() ?? id}”. You will see fewer like it.`;
      card.querySelector(".paper-body")?.prepend(note);
    } else if (!on) note?.remove();
  }
}

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.classList.contains("vote-form")) {
    event.preventDefault();
    upvote(form);
  } else if (form.closest(".card-actions") && /\/(save|dismiss)$/.test(new URL(form.action).pathname)) {
    event.preventDefault();
    libraryToggle(form);
  } else if (form.classList.contains("theme-toggle") || form.classList.contains("view-switch")) {
    event.preventDefault();
    preference(form, event.submitter);
  }
});

// Keyboard: j/k move between papers, o opens, u upvotes, / searches, ? lists the keys.
const KEYS = [
  ["j", "next paper"],
  ["k", "previous paper"],
  ["o or Enter", "open the paper"],
  ["u", "upvote it"],
  ["/", "search"],
  ["?", "this list"],
  ["Esc", "close, leave the search box"],
];
let current = -1;
const cards = () => [...document.querySelectorAll(".paper-card")];

function select(i) {
  const all = cards();
  if (all.length === 0) return;
  current = Math.max(0, Math.min(all.length - 1, i));
  for (const c of all) c.classList.remove("kb-current");
  const card = all[current];
  card.classList.add("kb-current");
  card.querySelector("h2 a, h3 a")?.focus({ preventScroll: true });
  card.scrollIntoView({ block: "nearest" });
}

function showKeys() {
  let dialog = document.getElementById("keys-dialog");
  if (!dialog) {
    dialog = document.createElement("dialog");
    dialog.id = "keys-dialog";
    dialog.className = "keys-dialog";
    dialog.setAttribute("aria-labelledby", "keys-title");
    const rows = KEYS.map(
      ([k, what]) => `<tr><th scope="row"><kbd>${k}</kbd></th><td>${what}</td></tr>`,
    ).join("");
    dialog.innerHTML = `<h2 id="keys-title">Keyboard shortcuts</h2><table class="keys-table">${rows}</table><form method="dialog"><button type="submit">Close</button></form>`;
    document.body.append(dialog);
  }
  dialog.showModal();
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  const typing =
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement ||
    target?.isContentEditable;
  if (typing) {
    if (event.key === "Escape") target.blur();
    return;
  }
  const all = cards();
  if (current >= all.length || (current >= 0 && !all[current].classList.contains("kb-current"))) current = -1;
  switch (event.key) {
    case "j":
      select(current + 1);
      break;
    case "k":
      select(current < 0 ? 0 : current - 1);
      break;
    case "o":
      if (current >= 0) all[current].querySelector("h2 a, h3 a")?.click();
      else return;
      break;
    case "u": {
      const scope = current >= 0 ? all[current] : document.querySelector(".paper-title-row");
      const control = scope?.querySelector("form.vote-form, a.votes");
      if (!control) return;
      if (control instanceof HTMLFormElement) control.requestSubmit();
      else control.click();
      break;
    }
    case "/": {
      const box = document.querySelector("input[data-suggest]");
      if (!box) return;
      box.focus();
      box.select();
      break;
    }
    case "?":
      showKeys();
      break;
    default:
      return;
  }
  event.preventDefault();
});

// Search as you type: titles, authors and topics under the search box, from /api/suggest.
function suggestions(input) {
  const holder = input.closest("form");
  holder.classList.add("has-suggestions");
  const list = document.createElement("ul");
  list.className = "suggestions";
  list.id = `suggest-${Math.random().toString(36).slice(2)}`;
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", "Suggestions");
  list.hidden = true;
  (input.parentElement.classList.contains("search-field") ? input.parentElement : holder).append(list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", list.id);
  let active = -1;
  let timer = 0;
  let seq = 0;
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const mark = (i) => {
    const items = [...list.querySelectorAll("a")];
    active = (i + items.length) % items.length;
    for (const [n, a] of items.entries()) a.setAttribute("aria-selected", String(n === active));
    input.setAttribute("aria-activedescendant", items[active]?.id ?? "");
  };
  const load = async () => {
    const q = input.value.trim();
    if (q.length < 2) return close();
    const mine = ++seq;
    const res = await fetch(`/api/suggest?q=${encodeURIComponent(q)}`).catch(() => null);
    if (!res?.ok || mine !== seq) return;
    const { suggestions: items } = await res.json();
    list.replaceChildren(
      ...items.map((s, n) => {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = s.href;
        a.id = `${list.id}-${n}`;
        a.setAttribute("role", "option");
        a.setAttribute("aria-selected", "false");
        const kind = document.createElement("span");
        kind.className = "kind";
        kind.textContent = s.kind;
        const label = document.createElement("span");
        label.textContent = s.label;
        a.append(kind, label);
        li.append(a);
        return li;
      }),
    );
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(items.length > 0));
    active = -1;
  };
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(load, 120);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    const items = list.querySelectorAll("a");
    if (event.key === "ArrowDown") mark(active + 1);
    else if (event.key === "ArrowUp") mark(active - 1);
    else if (event.key === "Enter" && active >= 0) items[active].click();
    else if (event.key === "Escape") close();
    else return;
    event.preventDefault();
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
}

for (const input of document.querySelectorAll("input[data-suggest]")) suggestions(input);
