// The word lists W and B read (name_words.json, and the suggestion rules' cues, titles and
// collective nouns from GET /api/lexicon), fetched once per page and kept prepared.

import { prepareNameWords } from "./names.js";

let prepared = prepareNameWords();
let loading = null;

/** Fetch and prepare the lists once; resolves to them (a list whose fetch fails counts as
 * empty, so that W and B still find capitalised names). The page awaits it before it is ready. */
export function loadNameWords() {
  if (!loading) {
    const read = (url) => fetch(url, { credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : {}))
      .catch(() => ({}));
    loading = Promise.all([read(new URL("./name_words.json", import.meta.url)), read("/api/lexicon")])
      .then(([data, lexicon]) => { prepared = prepareNameWords(data, lexicon); return prepared; });
  }
  return loading;
}

/** The lists as loaded so far (empty until loadNameWords has resolved). */
export function nameWords() {
  return prepared;
}
