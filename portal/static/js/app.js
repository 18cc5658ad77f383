// Small progressive enhancements; every page works without this file.
document.addEventListener("htmx:afterSwap", (event) => {
  // Move focus to swapped content that asks for it, so keyboard and screen-reader users follow.
  const target = event.detail.target.querySelector("[data-focus]");
  if (target) target.focus();
});
