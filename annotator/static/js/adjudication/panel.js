// The annotators' panel of the adjudication page: each annotator's layers over the text and as
// lists, every item marked agreed or different and in gold or not, with a Take button; and the
// item the keys have focused. It draws; what taking does is the page's (adjudicate.js).

import { drawText, itemButton, shorten } from "../workspace/render.js";
import { compare, goldKeys } from "./merge.js";

const HEADINGS = [["entity", "Entities"], ["quote", "Quotes"], ["stance", "Stances"]];

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export class AnnotatorsPanel {
  /**
   * ``annotations``: the submitted annotations (each with its ``annotator``); ``text``: the
   * paragraph (a CodePointText); ``tag(label)`` and ``actor(key)`` name labels and actors;
   * ``colours``: label colours; ``onTake(row)``: a Take button was pressed.
   */
  constructor({ container, annotations, text, tag, actor, colours, onTake }) {
    this.container = container;
    this.annotations = new Map(annotations.map((a) => [a.annotator, a]));
    this.rows = compare(annotations);
    this.text = text;
    this.tag = tag;
    this.actor = actor;
    this.colours = colours;
    this.onTake = onTake;
    this.focus = -1;
  }

  /** The focused row, or null. */
  focused() {
    return this.rows[this.focus] || null;
  }

  /** Move the focus ``step`` rows on (wrapping), and bring the row into view. */
  move(step, gold) {
    if (!this.rows.length) return;
    const count = this.rows.length;
    this.focus = this.focus === -1 ? (step > 0 ? 0 : count - 1) : (this.focus + step + count) % count;
    this.render(gold);
    const row = this.container.querySelector(".adj-item.is-focused");
    if (!row) return;
    row.scrollIntoView({ block: "nearest" });
    // The focus is the keys' (T takes it), not the DOM's: say which item it is, for a
    // screen reader, in the panel's live region.
    const live = document.getElementById("adj-announce");
    if (live) {
      const parts = [...row.children].filter((child) => child.tagName !== "BUTTON").map((child) => child.textContent);
      live.textContent = `${row.dataset.annotator}: ${parts.join(", ")}`;
    }
  }

  /** Focus ``row`` (after a click on its Take button). */
  focusRow(row) {
    this.focus = this.rows.indexOf(row);
  }

  /** Draw every annotator's block against ``gold`` (the annotation being adjudicated). */
  render(gold) {
    const inGold = goldKeys(gold);
    const blocks = [];
    for (const [name, annotation] of this.annotations) {
      const block = element("section", "annotator-block");
      block.dataset.annotator = name;
      const heading = element("h3", "", name);
      const meta = [annotation.comment ? `comment: ${annotation.comment}` : "", annotation.flagged ? "flagged" : ""];
      if (meta.some(Boolean)) heading.appendChild(element("span", "annotator-meta", meta.filter(Boolean).join(" · ")));
      block.appendChild(heading);
      const rows = this.rows.filter((r) => r.annotator === name);
      const textBox = element("div", "annotator-text");
      textBox.dir = "auto";
      drawText(textBox, this.text, this.marks(annotation, rows), this.colours);
      block.appendChild(textBox);
      for (const [kind, title] of HEADINGS) {
        const list = element("ul", "item-list adj-list");
        list.dataset.kind = kind;
        for (const row of rows.filter((r) => r.kind === kind)) list.appendChild(this.item(row, annotation, inGold));
        if (!list.children.length) list.appendChild(element("li", "empty", "none"));
        block.append(element("h4", "", title), list);
      }
      blocks.push(block);
    }
    if (!blocks.length) blocks.push(element("p", "empty", "Nobody has submitted this paragraph yet."));
    this.container.replaceChildren(...blocks);
  }

  /** The highlights of one annotator's text: entities, quotes, differences, the focused item. */
  marks(annotation, rows) {
    const marks = [];
    const focused = this.focused();
    for (const e of annotation.entities) {
      marks.push({ type: "entity", id: e.id, start: e.start, end: e.end, label: e.label, tag: this.tag(e.label) });
    }
    for (const q of annotation.quotes) {
      marks.push({ type: "quote-content", start: q.content.start, end: q.content.end });
      if (q.cue) marks.push({ type: "quote-cue", start: q.cue.start, end: q.cue.end });
    }
    for (const row of rows) {
      if (row.kind === "entity" && !row.agreed) marks.push({ type: "differs", start: row.item.start, end: row.item.end });
    }
    if (focused && focused.annotator === annotation.annotator) {
      for (const span of this.spans(focused, annotation)) marks.push({ type: "focus", ...span, selected: true });
    }
    return marks;
  }

  /** The spans a row's item covers (a stance: its holder and target). */
  spans(row, annotation) {
    const entity = (id) => annotation.entities.find((e) => e.id === id);
    const item = row.item;
    let spans;
    if (row.kind === "entity") spans = [item];
    else if (row.kind === "quote") spans = [item.content, item.cue, item.speaker && entity(item.speaker)];
    else spans = [entity(item.holder), typeof item.target === "string" ? entity(item.target) : item.target];
    return spans.filter(Boolean).map(({ start, end }) => ({ start, end }));
  }

  /** One item: marker, description, whether gold has it, and its Take button. */
  item(row, annotation, inGold) {
    const taken = inGold.has(`${row.kind}:${row.key}`);
    const li = element("li", `adj-item ${row.agreed ? "is-agreed" : "is-different"}${taken ? " is-taken" : ""}`);
    if (this.focused() === row) li.classList.add("is-focused");
    Object.assign(li.dataset, { annotator: row.annotator, kind: row.kind, id: row.id });
    const marker = row.agreed ? "= agreed" : `≠ only ${row.makers.join(", ")}`;
    li.appendChild(element("span", `marker ${row.agreed ? "marker-agreed" : "marker-different"}`, marker));
    li.appendChild(element("span", "adj-text", this.describe(row, annotation)));
    if (taken) li.appendChild(element("span", "marker marker-taken", "in gold"));
    const button = itemButton("Take", { title: taken ? "Already in gold" : "Take into gold (T)" });
    button.classList.add("small", "take");
    button.disabled = taken;
    button.addEventListener("click", () => {
      this.focusRow(row);
      this.onTake(row);
    });
    li.appendChild(button);
    return li;
  }

  quoted(span, max = 30) {
    return `“${shorten(this.text.slice(span.start, span.end), max)}”`;
  }

  /** What an item says, in words: spans quoted, labels and actors named. */
  describe(row, annotation) {
    const entity = (id) => annotation.entities.find((e) => e.id === id);
    const name = (id) => (entity(id) ? this.quoted(entity(id)) : id);
    const item = row.item;
    if (row.kind === "entity") {
      const actor = item.actor ? this.actor(item.actor) : null;
      const link = item.actor ? ` → ${actor ? actor.name : item.actor}` : "";
      return `${shorten(this.text.slice(item.start, item.end), 40)} · ${this.tag(item.label)}${link}`;
    }
    if (row.kind === "quote") {
      const speaker = item.speaker ? name(item.speaker) : "unnamed source";
      const cue = item.cue ? this.text.slice(item.cue.start, item.cue.end) : "no cue";
      return `${speaker} · ${cue} · ${this.quoted(item.content, 40)} · ${item.type}`;
    }
    const target = typeof item.target === "string" ? name(item.target) : this.quoted(item.target);
    const quote = item.quote ? annotation.quotes.find((q) => q.id === item.quote) : null;
    return `${name(item.holder)} ${item.polarity} ${target}${quote ? ` (in ${this.quoted(quote.content, 20)})` : ""}`;
  }
}
