// Drawing the paragraph: the text is cut at every span boundary into segments, and each
// segment carries the marks (entities, suggestions, quotes, stance targets) that cover it.
// Nested and overlapping entities each keep an underline of their own, so all stay visible.

const STRIPE_PX = 3;

/** Cut ``text`` (a CodePointText) into segments at every mark boundary. */
export function segments(text, marks) {
  const cuts = new Set([0, text.length]);
  for (const mark of marks) {
    cuts.add(Math.max(0, Math.min(mark.start, text.length)));
    cuts.add(Math.max(0, Math.min(mark.end, text.length)));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const result = [];
  for (let i = 0; i < points.length - 1; i += 1) {
    const start = points[i];
    const end = points[i + 1];
    if (start === end) continue;
    result.push({ start, end, marks: marks.filter((m) => m.start < end && m.end > start) });
  }
  return result;
}

/**
 * Replace the container's content with one <span> per segment. The container's text stays
 * exactly the paragraph text, so DOM selections map back to offsets one to one.
 */
export function drawText(container, text, marks, colours) {
  const fragment = document.createDocumentFragment();
  for (const segment of segments(text, marks)) {
    const span = document.createElement("span");
    span.className = "seg";
    span.dataset.start = String(segment.start);
    span.dataset.end = String(segment.end);
    span.textContent = text.slice(segment.start, segment.end);
    const entities = segment.marks
      .filter((m) => m.type === "entity")
      .sort((a, b) => (b.end - b.start) - (a.end - a.start)); // outermost first
    if (entities.length) {
      const innermost = entities[entities.length - 1];
      span.classList.add("ent");
      span.style.setProperty("--tint", `${colours[innermost.label] || "#999999"}33`);
      // The innermost entity's stripe is drawn nearest the text; outer ones below it.
      const shadows = entities
        .slice()
        .reverse()
        .map((m, depth) => `inset 0 -${STRIPE_PX * (depth + 1)}px 0 0 ${colours[m.label] || "#999999"}`);
      span.style.setProperty("--stripes", shadows.join(", "));
      span.style.setProperty("--depth", String(entities.length));
      const ending = entities.filter((m) => m.end === segment.end);
      if (ending.length) span.dataset.tags = ending.map((m) => m.tag).join(" ");
      span.dataset.entities = entities.map((m) => m.id).join(" ");
    }
    for (const mark of segment.marks) {
      if (mark.type !== "entity") span.classList.add(mark.type);
      if (mark.selected) span.classList.add("is-selected");
      if (mark.focused) span.classList.add("is-focused");
    }
    fragment.appendChild(span);
  }
  container.replaceChildren(fragment);
}

/** A list item button for the side panel. */
export function itemButton(text, { selected = false, title = "", data = {} } = {}) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "item" + (selected ? " is-selected" : "");
  for (const run of bidiRuns(text)) {
    if (!run.isolate) {
      button.append(run.text);
      continue;
    }
    const isolated = document.createElement("bdi");
    isolated.textContent = run.text;
    button.append(isolated);
  }
  if (title) button.title = title;
  for (const [key, value] of Object.entries(data)) button.dataset[key] = value;
  return button;
}

/**
 * ``text`` of a panel row as runs, the paragraph's words to be isolated (``<bdi>``): what
 * stands inside “…” and any field between " · " written right to left. An Arabic speaker, cue
 * and content then keep their order in a row that reads left to right ("q3: “محمد الخوالدة” ·
 * وأضاف · “عمّان …” · INDIRECT"); the runs' texts join to ``text``.
 */
export function bidiRuns(text) {
  const runs = [];
  for (const piece of text.split(/(“[^”]*”| · )/u)) {
    if (!piece) continue;
    const quoted = /^“([^”]*)”$/u.exec(piece);
    if (quoted) runs.push({ text: "“", isolate: false }, { text: quoted[1], isolate: true }, { text: "”", isolate: false });
    else runs.push({ text: piece, isolate: piece !== " · " && /[\u0590-\u08ff]/u.test(piece) });
  }
  return runs;
}

/** Shorten long spans for lists: "first words … last words". */
export function shorten(value, max = 60) {
  const flat = value.replace(/\s+/g, " ");
  if (flat.length <= max) return flat;
  const half = Math.floor((max - 1) / 2);
  return `${flat.slice(0, half)}…${flat.slice(-half)}`;
}
