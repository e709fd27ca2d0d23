/* Lomake's one script. Everything works without it; it only shows conditional questions
   while they apply and the picked option's questions of a choice between objects.
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

  document.body.classList.add("js");
  document.querySelectorAll("form.form").forEach(function (form) {
    form.addEventListener("change", function () { update(form); });
    form.addEventListener("input", function () { update(form); });
    update(form);
  });
})();
