// Measures what a person notices about a page's layout; returns plain data for the test.
// Controls: visible a, button, input, select, textarea, summary (hidden inputs and controls
// inside closed <details> are not rendered, so they do not count).
(() => {
  const doc = document.documentElement;
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary";
  const describe = (el) => {
    const text = (el.getAttribute("aria-label") || el.textContent || el.name || el.id || "").trim().replace(/\s+/g, " ");
    return `<${el.tagName.toLowerCase()}> "${text.slice(0, 40)}"`;
  };
  // A link inside a sentence is exempt from target size (WCAG 2.5.8 "inline"): an inline link
  // whose block holds other words besides it.
  const inSentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display === "inline") block = block.parentElement;
    if (!block) return false;
    const own = el.textContent.replace(/\s+/g, "");
    const all = block.textContent.replace(/\s+/g, "");
    return all.length > own.length;
  };
  const controls = [];
  for (const el of document.querySelectorAll(selector)) {
    if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true })) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) continue;  // visually hidden (clip to 1px)
    if (r.right <= 0 || r.bottom + window.scrollY <= 0) continue;  // parked off screen (skip link)
    controls.push({
      el,
      name: describe(el),
      x: r.left + window.scrollX, y: r.top + window.scrollY, w: r.width, h: r.height,
      inline: inSentence(el),
      // A checkbox or radio inside its label: the label is the target.
      labelled: (el.type === "checkbox" || el.type === "radio") && !!el.closest("label"),
    });
  }
  const overlaps = [];
  for (let i = 0; i < controls.length; i++) {
    for (let j = i + 1; j < controls.length; j++) {
      const a = controls[i], b = controls[j];
      if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const dx = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
      const dy = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
      if (dx > 1 && dy > 1) overlaps.push(`${a.name} overlaps ${b.name} (${Math.round(dx)}×${Math.round(dy)} px)`);
    }
  }
  const targets = controls
    .filter((c) => !c.inline)
    .map((c) => {
      if (!c.labelled) return { name: c.name, w: c.w, h: c.h };
      const r = c.el.closest("label").getBoundingClientRect();
      return { name: c.name, w: r.width, h: r.height };
    });
  const header = document.querySelector("body > header");
  return {
    scrollWidth: doc.scrollWidth,
    clientWidth: doc.clientWidth,
    headerHeight: header ? header.getBoundingClientRect().height : 0,
    overlaps,
    targets,
  };
})()
