// Small progressive enhancements; every page works without this file.

// Upvotes without a page reload: the same form post, sent with fetch and answered in JSON.
document.addEventListener("submit", async (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.classList.contains("vote-form")) return;
  event.preventDefault();
  const body = new URLSearchParams(new FormData(form));
  const res = await fetch(form.action, {
    method: "POST",
    body,
    headers: { accept: "application/json", "x-csrf-token": body.get("_csrf") || "" },
    credentials: "same-origin",
  }).catch(() => null);
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
});
