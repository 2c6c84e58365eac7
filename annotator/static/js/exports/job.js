// The export job in words: whether a form's choice runs as a job, and what the page says about
// a job's state (progress, the per-set counts, notes, misaligned spans). Pure: no DOM, no fetch.

/**
 * The form's options as the API takes them: empty fields left out, the checkbox as true.
 * ``entries`` is any iterable of [name, value] pairs (a FormData).
 */
export function formOptions(entries) {
  const options = {};
  for (const [name, value] of entries) {
    if (typeof value !== "string" || value.trim() === "") continue;
    options[name] = name === "split_files" ? true : value.trim();
  }
  return options;
}

/**
 * Whether these options are built as a job rather than streamed by a plain download:
 * every format but the line formats (``lineFormats``, as the server lists them), and one
 * file per set in any format.
 */
export function runsAsJob(options, lineFormats) {
  return Boolean(options.split_files) || !lineFormats.includes(options.format || "annotator");
}

const number = (n) => n.toLocaleString("en");

/**
 * What the page shows of ``job`` (the API's answer): a sentence, the progress bar's value
 * and maximum (null: no bar), and whether it is finished.
 */
export function describeJob(job) {
  const total = typeof job.total === "number" ? job.total : null;
  switch (job.status) {
    case "queued":
      return {
        text: "Waiting for the job runner to start the export…",
        value: null,
        max: null,
        finished: false,
      };
    case "running":
      if (total === null) return { text: "Counting the records…", value: null, max: null, finished: false };
      return {
        text: `Writing records: ${number(job.done)} of ${number(total)}…`,
        value: Math.min(job.done, total),
        max: Math.max(total, 1),
        finished: false,
      };
    case "done": {
      const records = job.details?.records ?? job.done;
      return {
        text: `Ready: ${number(records)} record${records === 1 ? "" : "s"} in ${job.file}.`,
        value: 1,
        max: 1,
        finished: true,
      };
    }
    case "failed":
      return { text: `The export failed: ${job.error}`, value: null, max: null, finished: true };
    default:
      return { text: `The export is ${job.status}.`, value: null, max: null, finished: false };
  }
}

/** The rows of the per-set table: [set, records, documents], as text. */
export function setRows(details) {
  return (details?.sets ?? []).map((set) => [set.name, number(set.records), number(set.documents)]);
}

/** The line above the misaligned spans, or null when every span found its tokens. */
export function misalignedSummary(details) {
  const count = details?.misaligned ?? 0;
  if (!count) return null;
  const shown = details.misaligned_shown?.length ?? 0;
  const spans =
    count === 1
      ? "1 span does not fall on spaCy token boundaries and is"
      : `${number(count)} spans do not fall on spaCy token boundaries and are`;
  const listed = shown < count ? ` (the first ${number(shown)} below)` : "";
  return `${spans} not in the DocBin${listed}.`;
}

/** How long to wait before asking again: soon at first, then every two seconds. */
export function pollDelay(attempt) {
  return Math.min(300 * 1.5 ** attempt, 2000);
}
