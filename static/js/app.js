// Small behaviours shared by every page. No inline scripts anywhere (CSP).
document.addEventListener("DOMContentLoaded", () => {
  // Buttons with data-confirm ask before they submit their form.
  document.body.addEventListener("click", (event) => {
    const button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
  // Print buttons.
  document.body.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) {
      window.print();
    }
  });
});
