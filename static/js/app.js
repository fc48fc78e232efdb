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

// The documents page (form[data-multi-upload], templates/products/product_documents.html):
// the files chosen or dropped on a slot are listed under it, each with a progress bar;
// the whole form goes in one request, each bar filling with its file's share of the bytes
// sent, and the answer (the next page, or this one with what was refused) replaces the
// page's main part. Without JavaScript the form posts as usual, in the same one request.
function fileZone(target) {
  return target instanceof Element ? target.closest("[data-multi-upload] [data-drop-zone]") : null;
}

function listFiles(input) {
  const list = input.closest("[data-drop-zone]").querySelector("[data-file-list]");
  list.replaceChildren(
    ...Array.from(input.files, (file) => {
      const item = document.createElement("li");
      const bar = document.createElement("progress");
      bar.max = file.size || 1;
      bar.value = 0;
      item.append(file.name, bar);
      return item;
    }),
  );
}

document.addEventListener("change", (event) => {
  if (fileZone(event.target) && event.target.matches("input[type=file]")) {
    listFiles(event.target);
  }
});
for (const type of ["dragenter", "dragover"]) {
  document.addEventListener(type, (event) => {
    const zone = fileZone(event.target);
    if (zone) {
      event.preventDefault();
      zone.classList.add("dragging");
    }
  });
}
document.addEventListener("dragleave", (event) => {
  const zone = fileZone(event.target);
  if (zone && !zone.contains(event.relatedTarget)) {
    zone.classList.remove("dragging");
  }
});
document.addEventListener("drop", (event) => {
  const zone = fileZone(event.target);
  if (zone) {
    event.preventDefault();
    zone.classList.remove("dragging");
    const input = zone.querySelector("input[type=file]");
    input.files = event.dataTransfer.files;
    listFiles(input);
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-multi-upload]");
  if (!form) {
    return;
  }
  event.preventDefault();
  // The bars in the order the files are sent: the order of the form's inputs.
  const bars = [];
  let total = 0;
  for (const input of form.querySelectorAll("input[type=file]")) {
    const shown = input.closest("[data-drop-zone]").querySelectorAll("progress");
    Array.from(input.files).forEach((file, i) => {
      bars.push({ bar: shown[i], start: total, size: file.size });
      total += file.size;
    });
  }
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.upload.addEventListener("progress", (progress) => {
    // The request also carries the other fields: scale what was sent to the files' bytes.
    const sent = (progress.loaded / (progress.total || 1)) * total;
    for (const { bar, start, size } of bars) {
      if (bar) {
        bar.value = Math.max(0, Math.min(size, sent - start));
      }
    }
  });
  request.addEventListener("load", () => {
    const page = new DOMParser().parseFromString(request.responseText, "text/html");
    const main = page.querySelector("main");
    if (!main) {
      document.documentElement.innerHTML = request.responseText;
      return;
    }
    document.querySelector("main").replaceWith(main);
    document.title = page.title;
    if (request.responseURL) {
      // The address of the page shown (the review page once every document is in).
      window.history.replaceState(null, "", request.responseURL);
    }
    window.scrollTo(0, 0);
    main.focus();
  });
  // Without an answer (the connection dropped), the form is sent the ordinary way.
  request.addEventListener("error", () => form.submit());
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.disabled = true;
  }
  request.send(new FormData(form));
});
