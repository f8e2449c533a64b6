// "Tick all" on the registrations list: a file, not an inline script, so the
// Content-Security-Policy (no inline script) lets it run.
document.getElementById("tick-all")?.addEventListener("change", (e) => {
  document.querySelectorAll('input[name="participants"]').forEach((box) => {
    box.checked = e.target.checked;
  });
});
