// An upload's import job in words (tests/js/upload_job.test.mjs). Pure: no DOM, no fetch.

/**
 * What the page shows of ``job`` (GET /api/imports/<id>): a sentence, the progress bar's
 * value and maximum (null: no bar), and whether it is finished.
 */
export function describeImport(job) {
  const total = typeof job.total === "number" ? job.total : null;
  switch (job.status) {
    case "queued":
      return { text: "Waiting for the job runner to start the import…", value: null, max: null, finished: false };
    case "running": {
      if (total === null) return { text: "Starting the import…", value: null, max: null, finished: false };
      const now = job.current ? `, now ${job.current}` : "";
      return {
        text: `Importing: ${job.done} of ${total} files done${now}…`,
        value: Math.min(job.done, total),
        max: Math.max(total, 1),
        finished: false,
      };
    }
    case "done":
      return { text: `Done: ${total} file${total === 1 ? "" : "s"} read.`, value: 1, max: 1, finished: true };
    case "failed":
      return { text: `The import failed: ${job.error}`, value: null, max: null, finished: true };
    default:
      return { text: `The import is ${job.status}.`, value: null, max: null, finished: false };
  }
}
