// The merge form's "into" field offers the registry's actors as one types: a datalist filled
// from the type-ahead API (GET /api/actors?q=); the key chosen or typed is what is sent.
import { mergeChoices } from "./choices.js";

const form = document.querySelector("form[data-merging]");
const field = form?.querySelector("input[name=into]");

if (form && field) {
  const list = document.createElement("datalist");
  list.id = "merge-into-choices";
  form.append(list);
  field.setAttribute("list", list.id);
  field.setAttribute("autocomplete", "off");
  let asked = 0;

  field.addEventListener("input", async () => {
    const query = field.value.trim();
    const ticket = ++asked;
    if (query.length < 2) return;
    let actors = [];
    try {
      const response = await fetch(`/api/actors?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      if (!response.ok) return;
      actors = await response.json();
    } catch {
      return; // offline: the field still takes a key typed in full
    }
    if (ticket !== asked) return; // a newer keystroke's answer is on its way
    const options = mergeChoices(actors, form.dataset.merging).map(({ value, label }) => {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = label;
      return option;
    });
    list.replaceChildren(...options);
  });
}
