// A save that met a newer server copy (HTTP 409): what each copy has that the other lacks,
// and a merge of the two. Pure: no DOM. Items are matched by what they say, never by their
// ids (each tab numbers its own), with the adjudication's item keys and its "take".

import { LAYERS, itemKeys, take } from "../adjudication/merge.js";

const clone = (value) => JSON.parse(JSON.stringify(value));

function quoted(text, span, max = 40) {
  const words = Array.from(text).slice(span.start, span.end).join("");
  return `“${words.length > max ? `${words.slice(0, max - 1)}…` : words}”`;
}

/** One item in words, for the banner: "entity “Syria” STATE_ACTOR", "stance “Syria” OPPOSE “terrorism”". */
export function describe(kind, item, annotation, text) {
  const entity = (id) => {
    const found = annotation.entities.find((e) => e.id === id);
    return found ? quoted(text, found) : id;
  };
  if (kind === "entity") return `entity ${quoted(text, item)} ${item.label}${item.actor ? ` → ${item.actor}` : ""}`;
  if (kind === "quote") {
    const speaker = item.speaker ? `, said by ${entity(item.speaker)}` : "";
    return `quote ${quoted(text, item.content)} (${item.type}${speaker})`;
  }
  const target = typeof item.target === "string" ? entity(item.target) : quoted(text, item.target);
  return `stance ${entity(item.holder)} ${item.polarity} ${target}`;
}

/** The items of ``annotation`` whose key ``other`` lacks, as [{kind, id, item, slot}]. */
function lacking(annotation, other) {
  const theirs = itemKeys(other);
  const mine = itemKeys(annotation);
  const result = [];
  for (const [kind, layer] of LAYERS) {
    const keys = new Set([...theirs[kind].values()].map((k) => k.key));
    for (const item of annotation[layer]) {
      const { key, slot } = mine[kind].get(item.id);
      if (!keys.has(key)) result.push({ kind, id: item.id, item, slot });
    }
  }
  return result;
}

/**
 * What each copy has that the other lacks, item by item: {mine, server}, each a list of
 * {kind, id, item, slot, text} (``text`` says it in words over the paragraph ``text``),
 * and whether the comments differ.
 */
export function differences(mine, server, text) {
  const words = (annotation) => (entry) => ({ ...entry, text: describe(entry.kind, entry.item, annotation, text) });
  return {
    mine: lacking(mine, server).map(words(mine)),
    server: lacking(server, mine).map(words(server)),
    comment: (mine.comment || "") !== (server.comment || ""),
  };
}

/**
 * Both copies in one: the server's copy with every item of mine it lacks taken in (with the
 * entities and quote the item needs). Where both copies have an item on the same words
 * (same slot) but say something else about it, the server's stays: it was saved first.
 * The comment is the server's unless it has none; flagged if either is; suggestion
 * decisions of both (the server's where both decided). The version is the server's.
 */
export function merge(mine, server) {
  const merged = clone(server);
  const serverSlots = itemKeys(server);
  const filled = (kind, slot) => [...serverSlots[kind].values()].some((k) => k.slot === slot);
  const source = { ...clone(mine), annotator: "this tab" };
  for (const entry of lacking(mine, server)) {
    if (!filled(entry.kind, entry.slot)) take(merged, source, entry.kind, entry.id);
  }
  merged.comment = server.comment || mine.comment || "";
  merged.flagged = Boolean(server.flagged || mine.flagged);
  const decided = new Map((mine.suggestions || []).map((d) => [d.id, d]));
  for (const d of server.suggestions || []) decided.set(d.id, d);
  merged.suggestions = [...decided.values()];
  merged.version = server.version;
  return merged;
}
