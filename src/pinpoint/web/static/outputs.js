/* Live values: each <output data-for="NAME"> shows the current value of its form's field
   NAME (the pain sliders of the session form). Without JavaScript the outputs keep the
   value the page was rendered with. */
(function () {
  "use strict";

  document.addEventListener("input", function (event) {
    var form = event.target.form;
    if (!form) return;
    Array.prototype.forEach.call(form.querySelectorAll("output[data-for]"), function (output) {
      var field = form.elements[output.getAttribute("data-for")];
      if (field) output.value = field.value;
    });
  });
})();
