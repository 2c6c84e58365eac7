// The dashboard's chosen batch: fetch its progress, then draw the tables and the per-day chart.

import { loadProgress } from "./api.js";
import { fillDays } from "./chart.js";
import { drawChart } from "./draw.js";
import { annotatorTable, dayTable, documentTable, flaggedTable, progressBar } from "./tables.js";

function show(section, progress) {
  const byId = (id) => section.querySelector(`#${id}`);
  byId("overall").replaceChildren(
    ...progressBar(progress.done, progress.assignments, progress.completion),
    ` assignments done; each paragraph goes to ${progress.batch.overlap} annotator(s).`,
  );
  byId("annotator-table").replaceChildren(annotatorTable(progress.annotators));
  byId("document-table").replaceChildren(documentTable(progress.documents, section.dataset.documentUrl));
  const flags = byId("flagged-table");
  if (progress.flagged.length === 0) {
    const none = document.createElement("p");
    none.className = "empty";
    none.textContent = "Nobody has flagged a paragraph of this batch.";
    flags.replaceChildren(none);
  } else {
    flags.replaceChildren(flaggedTable(progress.flagged, section.dataset.paragraphUrl));
  }

  const days = fillDays(progress.per_day);
  const chart = byId("per-day-chart");
  const numbers = byId("per-day-numbers");
  if (days.length === 0) {
    const empty = document.createElement("p");
    empty.className = "empty";
    empty.textContent = "No paragraph of this batch has been submitted yet.";
    chart.replaceChildren(empty);
    numbers.hidden = true;
  } else {
    chart.replaceChildren(drawChart(days));
    numbers.querySelector(".table-slot").replaceChildren(dayTable(days));
    numbers.hidden = false;
  }
}

async function start() {
  const section = document.getElementById("batch-progress");
  if (!section) return;
  const status = section.querySelector("#progress-status");
  const failure = section.querySelector("#progress-error");
  section.setAttribute("aria-busy", "true");
  try {
    const progress = await loadProgress(section.dataset.batchId);
    show(section, progress);
    status.hidden = true;
    section.querySelector("#progress-body").hidden = false;
  } catch (error) {
    status.hidden = true;
    failure.textContent = `Could not load this batch's progress: ${error.message}`;
    failure.hidden = false;
  } finally {
    section.setAttribute("aria-busy", "false");
    section.dataset.ready = "true";
  }
}

if (typeof document !== "undefined") start();
