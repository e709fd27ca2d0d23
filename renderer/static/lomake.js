/* Lomake's one script. Everything works without it; it only shows conditional questions
   while they apply and the picked option's questions of a choice between objects, and lets
   a list's Add and Remove buttons, and an uploaded file's Remove, change the page in place (the
   server still does the work, exactly as without JavaScript; only the page is not reloaded), and
   warns before a draft expires. A link of the error summary brings its question into view: the
   label or legend at the top, then the hint and the message, and the control focused.
   No framework, no inline code, no eval: the Content-Security-Policy allows this file alone. */
(function () {
  "use strict";

  function controls(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
  }

  function valueOf(form, name) {
    var els = controls(form, name);
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (el.type === "radio") { if (el.checked) { return el.value; } continue; }
      if (el.type === "checkbox") { return el.checked ? el.value : "false"; }
      return el.value.trim();
    }
    return "";
  }

  function update(form) {
    form.querySelectorAll(".conditional[data-when-field]").forEach(function (group) {
      var picked = JSON.parse(group.getAttribute("data-when-values")).indexOf(valueOf(form, group.getAttribute("data-when-field"))) !== -1;
      group.hidden = picked !== (group.getAttribute("data-when-holds") === "true");
    });
    form.querySelectorAll(".conditional[data-when-answered]").forEach(function (group) {
      var value = valueOf(form, group.getAttribute("data-when-answered"));
      group.hidden = value === "" || value === "false";
    });
    form.querySelectorAll(".alternatives").forEach(function (box) {
      var radios = box.querySelectorAll(":scope > .radios .radio__input");
      var branches = box.querySelectorAll(":scope > .alternative");
      branches.forEach(function (branch, i) { branch.hidden = !(radios[i] && radios[i].checked); });
    });
  }

  function listAction(form, button) {
    var data = new FormData(form);
    data.append("_action", button.value);
    var multipart = form.enctype === "multipart/form-data";
    var verb = button.value.split(" ")[0];
    var list = button.value.slice(verb.length + 1);
    if (verb === "remove") { list = list.slice(0, list.lastIndexOf("/")); }
    fetch(form.action, {
      method: "POST", credentials: "same-origin",
      body: multipart ? data : new URLSearchParams(data)
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.text();
    }).then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("form.form");
      form.replaceWith(fresh);
      update(fresh);
      fileInputs(fresh);
      var count = fresh.querySelector('input[name="' + list + '[count]"]');
      var box = count && count.closest(".list");
      var items = box ? box.querySelectorAll(":scope > .list__item") : [];
      var target = verb === "add" && items.length ? items[items.length - 1].querySelector("input, select, textarea")
        : box && box.querySelector(':scope > button[name="_action"]');
      if (verb === "remove-file") {  // a file removed: on to its field's file input, to choose another
        target = fresh.querySelector('input[type="file"][name="' + CSS.escape(list.slice(0, list.lastIndexOf(" "))) + '"]');
      }
      if (target) { target.focus(); }
    }).catch(function () {
      button.form.requestSubmit(button);  // fall back to the page without JavaScript
    });
  }

  // The question's heading for a control: the legend of its own group (radios, a date in parts: the group is
  // `<id>-group`) when the legend and the control fit in half the window together, else the control's own
  // label. A group of questions (an object's fieldset) is not a question: a text box inside it has its label.
  function questionOf(control) {
    var fieldset = control.closest("fieldset");
    var legend = fieldset && fieldset.id === control.id + "-group" && fieldset.querySelector(":scope > legend");
    if (legend) {
      var top = legend.getBoundingClientRect().top;
      var bottom = control.getBoundingClientRect().bottom;
      if (bottom - top < window.innerHeight / 2) { return legend; }
    }
    return document.querySelector('label[for="' + CSS.escape(control.id) + '"]') || legend || control;
  }

  function followErrorLink(event) {
    var link = event.target.closest && event.target.closest('.error-summary a[href^="#"]');
    var control = link && document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!control) { return; }
    event.preventDefault();
    questionOf(control).scrollIntoView({block: "start"});
    control.focus({preventScroll: true});
  }

  document.body.classList.add("js");
  document.addEventListener("click", followErrorLink);
  // A page that answered a POST becomes a plain address in the history: going Back to it later loads it afresh
  // instead of Chromium's ERR_CACHE_MISS (the page is never cached: no-store). A form's pages never answer one
  // (Post/Redirect/Get, web/history.py); an error page may (a stale page, a body too large).
  if (window.history && history.replaceState) { history.replaceState(history.state, "", location.href); }
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form.form");
    if (form) { update(form); }
  });
  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form.form");
    if (form) { update(form); }
  });
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest('form.form button[name="_action"]:not([value="save"])');
    if (button && !button.dataset.submitting) {
      event.preventDefault();
      button.dataset.submitting = "1";
      listAction(button.form, button);
    }
  });
  document.querySelectorAll("form.form").forEach(update);

  // A text area's limit, counted down: shown at once, announced to screen readers once typing pauses.
  document.querySelectorAll(".character-count[data-max-chars]").forEach(function (info) {
    var area = document.getElementById(info.id.replace(/-count$/, ""));
    var live = document.createElement("div");
    var timer = null;
    live.className = "visually-hidden";
    live.setAttribute("aria-live", "polite");
    info.after(live);
    function message() {
      var left = Number(info.getAttribute("data-max-chars")) - area.value.length;
      return info.getAttribute(left < 0 ? "data-over" : "data-left").replace("{n}", String(Math.abs(left)).replace(/\B(?=(\d{3})+(?!\d))/g, "\u00a0"));
    }
    function show() {
      info.textContent = message();
      info.classList.toggle("character-count--over", area.value.length > Number(info.getAttribute("data-max-chars")));
    }
    show();
    area.addEventListener("input", function () {
      show();
      clearTimeout(timer);
      timer = setTimeout(function () { live.textContent = message(); }, 1000);
    });
  });

  // File inputs in the page's language: the styled label is the button, the chosen files' names beside it.
  function fileInputs(root) {
    root.querySelectorAll(".file-upload").forEach(function (box) {
      var input = box.querySelector(".file-upload__input");
      var status = box.querySelector(".file-upload__status");
      box.classList.add("file-upload--enhanced");
      box.querySelector(".file-upload__button").hidden = false;
      status.hidden = false;
      input.addEventListener("change", function () {
        var names = Array.prototype.map.call(input.files, function (file) { return file.name; });
        if (names.length) { status.textContent = names.join(", "); }
      });
    });
  }
  fileInputs(document);

  // The saved page's print button: only with JavaScript (without it, the browser's own menu prints).
  document.querySelectorAll(".saved__print").forEach(function (item) {
    item.hidden = false;
    item.querySelector("[data-print]").addEventListener("click", function () { window.print(); });
  });

  // Embedded in an agency's page (/embed, framed by the host page's embed.js): the host is told the page's
  // height whenever it changes and each page's title, so that its iframe fits the page and follows it; on the
  // host's word after a new page, the error summary takes the focus (autofocus does nothing in a cross-origin
  // frame). Messages go only to the parent window, at the origin its "hello" came from (frame-ancestors lets only
  // the agency's origins frame the page; where the browser names the parent's origin, it must be that one).
  function embedded() {
    var host = null;
    function height() { return Math.ceil(document.documentElement.getBoundingClientRect().height); }
    function post(message) { if (host) { window.parent.postMessage(message, host); } }
    window.addEventListener("message", function (event) {
      var ancestors = location.ancestorOrigins;
      if (event.source !== window.parent || !event.data || typeof event.data.lomake !== "string" ||
          (ancestors && ancestors.length && ancestors[0] !== event.origin)) { return; }
      if (event.data.lomake === "hello") {
        host = event.origin;
        post({lomake: "page", title: document.title, height: height()});
      } else if (event.data.lomake === "focus" && event.origin === host) {
        var summary = document.querySelector(".error-summary");
        if (summary) { summary.focus({preventScroll: true}); }
      }
    });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { post({lomake: "height", height: height()}); }).observe(document.documentElement);
    }
  }
  if (document.body.classList.contains("embedded") && window.parent !== window) { embedded(); }

  // A page left open until a quarter of an hour before its draft expires says so, and offers more time.
  document.querySelectorAll(".draft-notice[data-expires-at]").forEach(function (notice) {
    var warning = notice.querySelector(".draft-notice__warning");
    var wait = Date.parse(notice.getAttribute("data-expires-at")) - Date.now() - 15 * 60 * 1000;
    if (warning && warning.hidden && wait < 2147483647) {
      setTimeout(function () { warning.hidden = false; }, Math.max(wait, 0));
    }
  });
})();
