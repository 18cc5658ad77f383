// The verification page's "Copy link" buttons: shown only where the clipboard can be used
// (they are hidden without this script; the links stay selectable in their boxes).
(() => {
  if (!navigator.clipboard) return;
  const status = document.getElementById("copy-status");
  for (const button of document.querySelectorAll("button[data-copy]")) {
    const input = document.getElementById(button.dataset.copy);
    if (!input) continue;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(input.value);
        if (status) status.textContent = "Link copied.";
      } catch {
        input.select();
        if (status) status.textContent = "Select the link and copy it.";
      }
    });
  }
})();
