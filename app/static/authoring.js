// Live preview for the authoring editors: as the author types, the server renders the Markdown
// through the same sanitiser as the learners' pages. Without JavaScript, the "Prévisualiser"
// button does the same with a page load.
(function () {
  "use strict";
  var target = document.getElementById("apercu");
  if (!target) { return; }
  var form = target.closest("main").querySelector("form.editor-form");
  var source = form && form.querySelector("[name='" + target.dataset.source + "']");
  var token = form && form.querySelector("[name='csrf_token']");
  if (!source) { return; }
  var timer = null;
  var sent = 0;
  function refresh() {
    var body = new URLSearchParams();
    body.set("body", source.value);
    if (token) { body.set("csrf_token", token.value); }
    var ticket = ++sent;
    fetch(target.dataset.previewUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { if (ticket === sent) { target.innerHTML = html; } })
      .catch(function () { /* keep the last preview; the button still works */ });
  }
  source.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);
  });
}());
