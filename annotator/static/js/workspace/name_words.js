// The word lists W and B read (name_words.json), fetched once per page and kept prepared.

import { prepareNameWords } from "./names.js";

let prepared = prepareNameWords();
let loading = null;

/** Fetch and prepare the lists once; resolves to them (to empty lists when the fetch fails,
 * so that W and B still find capitalised names). The page awaits it before it is ready. */
export function loadNameWords() {
  if (!loading) {
    loading = fetch(new URL("./name_words.json", import.meta.url), { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : {}))
      .then((data) => { prepared = prepareNameWords(data); return prepared; })
      .catch(() => prepared);
  }
  return loading;
}

/** The lists as loaded so far (empty until loadNameWords has resolved). */
export function nameWords() {
  return prepared;
}
