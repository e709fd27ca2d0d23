/* Lomake's forms on an agency's own pages. The page needs only this script and a place for each form:

     <script src="https://lomake.example.fi/static/embed.js" defer></script>
     <div data-lomake-form="kantelu" data-lomake-lang="fi"></div>

   Each such element gets an iframe of the form's embedded page (/embed/forms/<id>), titled by the page it shows,
   as tall as that page (no scroll bar of its own), through every page of the form to its confirmation. After a
   new page the frame's top is scrolled into view and the frame focused, and an error summary takes the focus.
   Messages are taken only from Lomake's origin (this script's own) and from the iframe they name; they are sent
   only to that origin. No inline code, nothing to call: the agency's CSP needs `script-src` and `frame-src` for
   Lomake's origin, and the agency's origin must be in its `embed_origins`. Without JavaScript, use a plain iframe
   of a fixed height (docs/embedding.md). */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.postMessage) { return; }
  var origin = new URL(script.src, location.href).origin;
  var untitled = {fi: "Lomake", sv: "Blankett", en: "Form"};
  var frames = [];

  function embed(box) {
    if (box.querySelector("iframe.lomake-frame")) { return; }
    var id = box.getAttribute("data-lomake-form");
    var lang = box.getAttribute("data-lomake-lang") || (document.documentElement.lang || "fi").slice(0, 2);
    var iframe = document.createElement("iframe");
    var frame = {iframe: iframe, pages: 0};
    iframe.className = "lomake-frame";
    iframe.title = box.getAttribute("data-lomake-title") || untitled[lang] || untitled.fi;
    iframe.src = origin + "/embed/forms/" + encodeURIComponent(id) + "?lang=" + encodeURIComponent(lang);
    iframe.style.display = "block";
    iframe.style.width = "100%";
    iframe.style.height = "40rem";
    iframe.style.border = "0";
    iframe.addEventListener("load", function () {  // a page loaded in the frame: greet it, so that it answers
      iframe.contentWindow.postMessage({lomake: "hello"}, origin);
    });
    frames.push(frame);
    box.appendChild(iframe);
  }

  function frameOf(source) {
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].iframe.contentWindow === source) { return frames[i]; }
    }
    return null;
  }

  // A new page in the frame (not its first): its top in view, the focus in the frame, the error summary focused.
  function turned(frame, source) {
    var top = frame.iframe.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight / 2) { frame.iframe.scrollIntoView({block: "start"}); }
    frame.iframe.focus({preventScroll: true});
    source.postMessage({lomake: "focus"}, origin);
  }

  window.addEventListener("message", function (event) {
    var data = event.data;
    var frame = event.origin === origin && data && typeof data.lomake === "string" ? frameOf(event.source) : null;
    if (!frame) { return; }
    if (typeof data.height === "number" && data.height > 0) { frame.iframe.style.height = Math.ceil(data.height) + "px"; }
    if (data.lomake === "page") {
      if (typeof data.title === "string" && data.title) { frame.iframe.title = data.title; }
      frame.pages += 1;
      if (frame.pages > 1) { turned(frame, event.source); }
    }
  });

  function start() { document.querySelectorAll("[data-lomake-form]").forEach(embed); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
