// Small behaviours that need no framework. Pages work without this file; it only adds comfort.
document.addEventListener("click", (event) => {
  const printButton = event.target.closest("[data-print]");
  if (printButton) {
    window.print();
  }
});

// The confirm pattern (includes/confirm.html): "再想想" folds the question away again.
document.addEventListener("click", (event) => {
  const cancel = event.target.closest("[data-confirm-cancel]");
  if (cancel) {
    const box = cancel.closest("details.confirm");
    if (box) {
      box.open = false;
      box.querySelector("summary").focus();
    }
  }
});
