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
