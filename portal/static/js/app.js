// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  // Move focus to swapped content that asks for it, so keyboard and screen-reader users follow.
  const target = event.detail.target.querySelector("[data-focus]");
  if (target) target.focus();
});

// A form that takes a while (a large upload) says it is working: its button is disabled and
// relabelled with data-busy, and the status element named by data-busy-status gets its text.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.busy || event.defaultPrevented) return;
  const button = event.submitter || form.querySelector("button[type=submit]");
  if (button) {
    button.dataset.idleLabel = button.textContent;
    button.textContent = form.dataset.busy;
    // Disabled after the submit event has started the submission: it still goes ahead.
    button.disabled = true;
  }
  const status = document.getElementById(form.dataset.busyStatus || "");
  if (status) status.textContent = status.dataset.busyText || form.dataset.busy;
  form.setAttribute("aria-busy", "true");
});

// Back to a page the browser kept in memory: its busy forms are ready again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const form of document.querySelectorAll("form[aria-busy=true]")) {
    form.removeAttribute("aria-busy");
    for (const button of form.querySelectorAll("button[data-idle-label]")) {
      button.textContent = button.dataset.idleLabel;
      button.disabled = false;
    }
    const status = document.getElementById(form.dataset.busyStatus || "");
    if (status) status.textContent = "";
  }
});

// The header menu is a <details>: app.css shows its content as a row on wide screens. A browser
// without ::details-content cannot, so there the menu is opened on wide screens instead.
const menu = document.querySelector(".nav-menu");
if (menu && !CSS.supports("selector(::details-content)")) {
  const wide = window.matchMedia("(min-width: 60rem)");
  const follow = () => { menu.open = wide.matches; };
  follow();
  wide.addEventListener("change", follow);
}
