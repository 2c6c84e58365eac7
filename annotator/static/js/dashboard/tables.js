// The dashboard's tables (annotators, documents, days), built with textContent only.

import { formatSeconds, formatShare } from "./chart.js";

function element(name, { className, text } = {}) {
  const made = document.createElement(name);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

/** A table with a header row of ``columns`` ({title, num}) and one row per ``rows`` item. */
function table(className, columns, rows, fillRow) {
  const made = element("table", { className: `documents ${className}` });
  const head = made.createTHead().insertRow();
  for (const { title, num } of columns) {
    const th = element("th", { className: num ? "num" : undefined, text: title });
    th.scope = "col";
    head.append(th);
  }
  const body = made.createTBody();
  for (const row of rows) fillRow(body.insertRow(), row);
  return made;
}

function numberCell(tr, value) {
  tr.append(element("td", { className: "num", text: String(value) }));
}

/** A progress bar with the count beside it: "6 / 34 (17.6 %)". */
export function progressBar(done, total, share) {
  const bar = element("progress");
  bar.max = Math.max(total, 1);
  bar.value = done;
  bar.setAttribute("aria-label", `${done} of ${total} done`);
  const text = element("span", { className: "progress-text", text: ` ${done} / ${total} (${formatShare(share)})` });
  return [bar, text];
}

function progressCell(tr, done, total, share) {
  const td = element("td", { className: "progress-cell" });
  td.append(...progressBar(done, total, share));
  tr.append(td);
}

/** Each annotator's counts; a removed annotator keeps their row, marked (removed). */
export function annotatorTable(annotators) {
  const columns = [
    { title: "Annotator" },
    { title: "Assigned", num: true },
    { title: "Submitted", num: true },
    { title: "Skipped", num: true },
    { title: "Flagged", num: true },
    { title: "Remaining", num: true },
    { title: "Median time per paragraph", num: true },
  ];
  return table("annotator-progress", columns, annotators, (tr, person) => {
    tr.dataset.annotator = person.username;
    const name = element("td", { text: person.username });
    if (!person.active) {
      tr.classList.add("removed");
      name.append(" ", element("span", { className: "source", text: "(removed)" }));
    }
    tr.append(name);
    for (const key of ["assigned", "submitted", "skipped", "flagged", "remaining"]) {
      tr.append(element("td", { className: `num ${key}`, text: String(person[key]) }));
    }
    tr.append(element("td", { className: "num median", text: formatSeconds(person.median_seconds) }));
  });
}

/** Each document with its finished assignments of all; ``documentUrl`` has __ID__ for its id. */
export function documentTable(documents, documentUrl) {
  const columns = [{ title: "Document" }, { title: "Assignments", num: true }, { title: "Done" }];
  return table("document-progress", columns, documents, (tr, doc) => {
    const title = element("td");
    const link = element("a", { text: doc.title });
    link.href = documentUrl.replace("__ID__", encodeURIComponent(doc.id));
    title.append(link);
    tr.append(title);
    numberCell(tr, doc.assignments);
    progressCell(tr, doc.done, doc.assignments, doc.completion);
  });
}

/** The chart's numbers as a table (days with submissions only), for those who cannot see it. */
export function dayTable(days) {
  const columns = [{ title: "Day (UTC)" }, { title: "Submitted", num: true }];
  const busy = days.filter((d) => d.submitted > 0);
  return table("day-counts", columns, busy, (tr, { day, submitted }) => {
    tr.append(element("td", { text: day }));
    numberCell(tr, submitted);
  });
}

/** The flagged paragraphs: who flagged which and what they said, each opening their
 * annotation read-only (``paragraphUrl`` has __ID__ for the paragraph). */
export function flaggedTable(flags, paragraphUrl) {
  const columns = [{ title: "Paragraph" }, { title: "Flagged by" }, { title: "Status" }, { title: "Comment" }];
  return table("flagged", columns, flags, (tr, flag) => {
    tr.dataset.paragraphId = flag.paragraph_id;
    const cell = element("td");
    const link = element("a", { text: `${flag.document_id}, paragraph ${flag.index}` });
    const url = paragraphUrl.replace("__ID__", encodeURIComponent(flag.paragraph_id));
    link.href = `${url}?annotator=${encodeURIComponent(flag.annotator)}`;
    cell.append(link);
    tr.append(cell, element("td", { text: flag.annotator }), element("td", { text: flag.status }));
    tr.append(element("td", { className: "comment", text: flag.comment || "(no comment)" }));
  });
}
