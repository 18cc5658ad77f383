// Copy a co-branded template's text, then tell the portal (an engagement event).
// Without this file the text stays selectable and the copy button stays hidden.
document.querySelectorAll("form[data-copy-source]").forEach((form) => {
  const source = document.getElementById(form.dataset.copySource);
  const button = form.querySelector("button[type=submit]");
  const status = form.querySelector("[data-copy-status]");
  if (!source || !button) return;
  button.hidden = false;

  const copyText = async (text) => {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return;
    }
    // Older browsers and plain-HTTP pages: select the text and use the legacy command.
    source.focus();
    source.select();
    if (!document.execCommand("copy")) throw new Error("copy refused");
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await copyText(source.value);
    } catch {
      source.focus();
      source.select();
      if (status) status.textContent = "Press Ctrl+C (or ⌘C) to copy the selected text.";
      return;
    }
    if (status) status.textContent = "Copied.";
    // Recording the copy must never get in the partner's way: failures are ignored.
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" },
    }).catch(() => {});
  });
});
