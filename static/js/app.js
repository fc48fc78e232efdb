/* Siap Ekspor: the little the pages do with JavaScript. Every page works without it.

   Served from our own origin because the Content-Security-Policy allows no inline
   script or event handler attribute (onchange="..."): behaviour is wired here instead,
   through data attributes. */
"use strict";

// A select marked data-submit-on-change sends its form as soon as a choice is made (the
// language menu). Without JavaScript the form's own button, in <noscript>, sends it.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-submit-on-change]");
  if (select && select.form) {
    select.form.requestSubmit();
  }
});

// The document upload asks an expiry date only for a type that expires: the field's
// wrapper lists those types' ids (data-expiring-kinds) and hides itself when another is
// chosen (a halal certificate or an NIB has none). The server ignores a date given for
// such a type anyway, so without JavaScript the field merely stays in view.
function showExpiryFor(select) {
  const field = select.form && select.form.querySelector("[data-expiring-kinds]");
  if (field) {
    const expiring = field.dataset.expiringKinds.split(" ");
    field.hidden = select.value !== "" && !expiring.includes(select.value);
  }
}
document.addEventListener("change", (event) => {
  if (event.target.matches("select[name=kind]")) {
    showExpiryFor(event.target);
  }
});

// The evidence panel (details[data-open-wide], templates/curation/_evidence.html) is
// folded above the form on a phone; at a desk, where it sits beside the form (the same
// width as the stylesheet's two columns), it opens. Without JavaScript it stays folded.
if (window.matchMedia("(min-width: 64rem)").matches) {
  for (const details of document.querySelectorAll("details[data-open-wide]")) {
    details.open = true;
  }
}
