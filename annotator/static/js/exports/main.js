// The documents page's download form: line formats download directly (the form's own GET);
// spaCy, hf and one-file-per-set exports start a job, whose progress, result and file this
// module shows by asking the server until it is done.

import { readJob, startJob } from "./api.js";
import { describeJob, formOptions, misalignedSummary, pollDelay, runsAsJob, setRows } from "./job.js";

const byId = (id) => document.getElementById(id);

function item(text) {
  const li = document.createElement("li");
  li.textContent = text;
  return li;
}

function showResult(job) {
  byId("export-job-file").href = job.file_url;
  byId("export-job-file").textContent = `Download ${job.file}`;
  byId("export-job-ready").hidden = false;
  const rows = setRows(job.details);
  const sets = byId("export-job-sets");
  sets.querySelector("tbody").replaceChildren(
    ...rows.map((cells) => {
      const tr = document.createElement("tr");
      tr.dataset.set = cells[0];
      cells.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? "th" : "td");
        if (i === 0) cell.scope = "row";
        else cell.className = "num";
        cell.textContent = text;
        tr.append(cell);
      });
      return tr;
    }),
  );
  sets.hidden = rows.length === 0;
  const notes = job.details?.notes ?? [];
  byId("export-job-notes").replaceChildren(...notes.map((note) => item(`Note: ${note}.`)));
  byId("export-job-notes").hidden = notes.length === 0;
  const summary = misalignedSummary(job.details);
  const misaligned = byId("export-job-misaligned");
  misaligned.hidden = summary === null;
  if (summary !== null) {
    byId("export-job-misaligned-summary").textContent = summary;
    misaligned.querySelector("ul").replaceChildren(...job.details.misaligned_shown.map(item));
    byId("export-job-misaligned-file").href = job.misaligned_url;
  }
}

function show(job) {
  const seen = describeJob(job);
  byId("export-job-status").textContent = seen.text;
  const bar = byId("export-job-progress");
  bar.hidden = seen.max === null;
  if (seen.max !== null) {
    bar.max = seen.max;
    bar.value = seen.value;
  }
  if (job.status === "failed") fail(`The export failed: ${job.error}`);
  if (job.status === "done") showResult(job);
  byId("export-job").dataset.status = job.status;
}

function fail(message) {
  const error = byId("export-job-error");
  error.textContent = message;
  error.hidden = false;
  byId("export-job-status").textContent = "";
  byId("export-job-progress").hidden = true;
}

function reset() {
  for (const id of ["export-job-error", "export-job-ready", "export-job-sets", "export-job-notes", "export-job-misaligned"]) {
    byId(id).hidden = true;
  }
  byId("export-job").hidden = false;
  byId("export-job").dataset.status = "starting";
  byId("export-job-status").textContent = "Starting the export…";
}

async function follow(job, button) {
  let attempt = 0;
  try {
    while (!describeJob(job).finished) {
      show(job);
      await new Promise((resolve) => setTimeout(resolve, pollDelay(attempt)));
      attempt += 1;
      job = await readJob(job.url);
    }
    show(job);
  } catch (error) {
    fail(`Could not follow the export: ${error.message}`);
  } finally {
    button.disabled = false;
  }
}

function start() {
  const form = document.querySelector("form.export-form");
  if (!form) return;
  const lineFormats = form.dataset.lineFormats.split(" ");
  form.addEventListener("submit", async (event) => {
    const options = formOptions(new FormData(form));
    if (!runsAsJob(options, lineFormats)) return; // the form's own GET streams the file
    event.preventDefault();
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    reset();
    let job;
    try {
      job = await startJob(form.dataset.jobsUrl, options, form.dataset.csrfToken);
    } catch (error) {
      fail(`The export was not started: ${error.message}`);
      button.disabled = false;
      return;
    }
    await follow(job, button);
  });
  form.dataset.ready = "true";
}

start();
