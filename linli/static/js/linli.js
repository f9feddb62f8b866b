// Small behaviours that need no framework. Pages work without this file; it only adds comfort.
document.addEventListener("click", (event) => {
  const printButton = event.target.closest("[data-print]");
  if (printButton) {
    window.print();
  }
});
