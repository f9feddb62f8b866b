// The counter (templates/canteen/counter.html): after a card is read the scan field is emptied
// and takes the focus again, ready for the next elder; so does it after a serve. The page works
// without this file, only with one more tap.
(function () {
  function scanField() {
    return document.querySelector("[data-scan-form] input[name=card]");
  }

  document.addEventListener("htmx:afterRequest", (event) => {
    const form = event.target.closest ? event.target.closest("[data-scan-form]") : null;
    if (form) {
      form.reset();
    }
  });

  document.addEventListener("htmx:afterSwap", (event) => {
    if (event.target.id === "person" || event.target.closest("#person")) {
      const field = scanField();
      if (field) {
        field.focus();
      }
    }
  });
})();
