/* Every multiple select becomes a searchable picker (Tom Select): type to filter, tap to add,
   × to remove; the options' groups (a term's vocabulary) stay as headings. Without JavaScript
   the plain select still works. */
document.addEventListener("DOMContentLoaded", () => {
  if (typeof TomSelect === "undefined") return;
  document.querySelectorAll("select[multiple]:not([data-plain])").forEach((select) => {
    const picker = new TomSelect(select, {
      plugins: ["remove_button"],
      maxOptions: null,
      hidePlaceholder: true,
      closeAfterSelect: false,
      placeholder: select.dataset.placeholder || document.documentElement.dataset.pickerPlaceholder || "",
    });
    // The label still names the control people type into.
    const label = document.querySelector(`label[for="${select.id}"]`);
    if (label && picker.control_input) label.htmlFor = picker.control_input.id;
  });
});
