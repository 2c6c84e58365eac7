// The upload page: files dropped on the drop zone join those chosen with the file picker
// (the same <input multiple>, so the plain form posts them), and the chosen names are listed.
// Without JavaScript the file picker alone works.
import { mergeFiles, describeFile } from "./files.js";

const input = document.getElementById("upload-files");
const zone = document.getElementById("drop-zone");
const list = document.getElementById("chosen-files");

function show() {
  list.replaceChildren(
    ...Array.from(input.files, (file) => {
      const item = document.createElement("li");
      item.textContent = describeFile(file);
      return item;
    }),
  );
}

if (input && zone && list) {
  input.addEventListener("change", show);
  show(); // files chosen before this module ran (or kept by the back button)
  for (const name of ["dragenter", "dragover"]) {
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    const all = new DataTransfer();
    for (const file of mergeFiles(input.files, event.dataTransfer.files)) all.items.add(file);
    input.files = all.files;
    show();
  });
}
