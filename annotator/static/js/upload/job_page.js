// The upload's job page: while the import runs, ask how far it got and show it; once it has
// finished, load the page again, which the server renders with each file's outcome. Without
// JavaScript the page refreshes itself (and has a Reload link).
import { describeImport } from "./job.js";
import { pollDelay } from "../exports/job.js";

const section = document.getElementById("upload-job");
const status = document.getElementById("upload-job-status");
const progress = document.getElementById("upload-job-progress");

async function read(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`the server answered ${response.status}`);
  return response.json();
}

async function follow(url, attempt = 0) {
  let job;
  try {
    job = await read(url);
  } catch {
    window.setTimeout(() => follow(url, attempt + 1), 2000); // a blip: try again
    return;
  }
  const shown = describeImport(job);
  section.dataset.status = job.status;
  status.textContent = shown.text;
  if (progress && shown.max !== null) {
    progress.max = shown.max;
    progress.value = shown.value;
  }
  if (shown.finished) {
    window.location.reload();
    return;
  }
  window.setTimeout(() => follow(url, attempt + 1), pollDelay(attempt));
}

if (section && status && section.dataset.url) follow(section.dataset.url);
