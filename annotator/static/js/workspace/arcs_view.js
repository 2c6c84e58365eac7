// Drawing relations over the paragraph: each stance as an arc from its holder to its target,
// coloured by polarity, each quote as a dashed arc from its speaker to its content with its
// cue marked. The SVG lies over the text (pointer events pass through it); the text element
// itself holds only the paragraph's text, so selections still map to offsets one to one.

import { anchor, layoutArcs } from "./arcs.js";

const SVG = "http://www.w3.org/2000/svg";
const QUOTE_COLOUR = "#7a4fa0";

/**
 * The client rects of code points [start, end) of the paragraph drawn in ``textBox`` (one
 * text node per segment, as render.js draws it), relative to ``origin`` (a DOMRect).
 */
function spanRects(textBox, text, start, end, origin) {
  const range = document.createRange();
  let started = false;
  for (const segment of textBox.children) {
    const from = Number(segment.dataset.start);
    const to = Number(segment.dataset.end);
    const node = segment.firstChild;
    if (!node) continue;
    const offset = (at) => text.toUtf16(at) - text.toUtf16(from);
    if (!started && start >= from && start < to) {
      range.setStart(node, offset(start));
      started = true;
    }
    if (started && end > from && end <= to) {
      range.setEnd(node, offset(end));
      break;
    }
  }
  if (!started) return [];
  return [...range.getClientRects()]
    .filter((rect) => rect.width > 0)
    .map((rect) => ({
      left: rect.left - origin.left,
      right: rect.right - origin.left,
      top: rect.top - origin.top,
      bottom: rect.bottom - origin.top,
    }));
}

function element(name, attributes) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  return node;
}

/**
 * Draw the relations of ``state`` (a WorkspaceState) into ``svg``, which covers ``frame``
 * (the text's positioned parent); hidden when ``state.showArcs`` is false. The relation
 * ``state.hovered`` ({kind, id}, from the side panel) is drawn bolder.
 */
export function drawArcs(svg, frame, textBox, state) {
  svg.replaceChildren();
  svg.classList.toggle("is-hidden", !state.showArcs); // SVG elements have no .hidden
  if (!state.showArcs) return;
  const origin = frame.getBoundingClientRect();
  svg.setAttribute("width", String(frame.clientWidth));
  svg.setAttribute("height", String(frame.clientHeight));
  const a = state.annotation;
  const entities = new Map(a.entities.map((e) => [e.id, e]));
  const rectsOf = (span) => spanRects(textBox, state.text, span.start, span.end, origin);
  const polarityColour = new Map(state.labels.polarities.map((p) => [p.name, p.colour]));
  const relations = [];
  for (const stance of a.stances) {
    const holder = entities.get(stance.holder);
    const target = typeof stance.target === "string" ? entities.get(stance.target) : stance.target;
    if (!holder || !target) continue;
    const [from, to] = [rectsOf(holder), rectsOf(target)];
    if (!from.length || !to.length) continue;
    relations.push({
      key: `stance:${stance.id}`, kind: "stance", id: stance.id, from: anchor(from), to: anchor(to),
      colour: polarityColour.get(stance.polarity) || "#555555", label: stance.polarity,
    });
  }
  const cues = [];
  for (const quote of a.quotes) {
    const content = rectsOf(quote.content);
    if (!content.length) continue;
    if (quote.cue) {
      const cue = rectsOf(quote.cue);
      if (cue.length) cues.push({ quote: quote.id, at: anchor(cue) });
    }
    const speaker = quote.speaker ? entities.get(quote.speaker) : null;
    const from = speaker ? rectsOf(speaker) : [];
    if (!from.length) continue;
    relations.push({
      key: `quote:${quote.id}`, kind: "quote", id: quote.id, from: anchor(from), to: anchor(content),
      colour: QUOTE_COLOUR, label: quote.type,
    });
  }
  const hovered = state.hovered;
  const hot = (kind, id) => Boolean(hovered && hovered.kind === kind && hovered.id === id);
  const arcs = layoutArcs(relations);
  relations.forEach((relation, index) => {
    const { d, head } = arcs[index];
    const group = element("g", {
      class: `arc ${relation.kind}${hot(relation.kind, relation.id) ? " is-hot" : ""}`,
      "data-kind": relation.kind,
      "data-id": relation.id,
    });
    const title = element("title", {});
    title.textContent = `${relation.id}: ${relation.label}`;
    group.append(
      title,
      element("path", { class: "line", d, stroke: relation.colour }),
      element("path", { class: "head", d: head, fill: relation.colour }),
    );
    svg.appendChild(group);
  });
  for (const cue of cues) {
    svg.appendChild(element("circle", {
      class: `cue-mark${hot("quote", cue.quote) ? " is-hot" : ""}`,
      "data-quote": cue.quote,
      cx: String(cue.at.x), cy: String(cue.at.y - 3), r: "3", fill: QUOTE_COLOUR,
    }));
  }
}
