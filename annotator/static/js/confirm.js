// Forms that change others' work ask first: a form with data-confirm="question" is sent
// only when the person answers OK.
for (const form of document.querySelectorAll("form[data-confirm]")) {
  form.addEventListener("submit", (event) => {
    if (!window.confirm(form.dataset.confirm)) event.preventDefault();
  });
}
