// Adjudication's pure logic: when two annotators' items are the same, which items all of them
// agreed on, taking an item into gold (with the entities and quote it refers to), and the
// annotators each gold item came from. No DOM; offsets are code points, as everywhere.
//
// Items are matched by what they say, never by their ids (each annotation numbers its own):
// - an entity by its span, label and actor;
// - a quote by its speaker (the speaker entity's span and label), cue span, content span, type;
// - a stance by its holder (span and label), target (an entity's span and label, or a text
//   span), polarity, and the content span of the quote it is in.
// Each item also has a "slot" (an entity: span and label; a quote: content span; a stance:
// holder and target): taking an item whose slot gold already fills replaces that gold item's
// other fields instead of adding a second item on the same words. An entity or quote that a
// taken stance or quote needs is reused when gold has one in its slot, and copied otherwise.

/** The three layers: the item kind and the annotation's array holding it, in taking order. */
export const LAYERS = [["entity", "entities"], ["quote", "quotes"], ["stance", "stances"]];

const spanKey = (span) => (span ? `${span.start}-${span.end}` : "none");

/** How stances and quotes refer to an entity: its span and label (its actor aside). */
export function entityRef(entity) {
  return `${entity.start}-${entity.end}/${entity.label}`;
}

function entityKey(entity) {
  return `${entityRef(entity)}@${entity.actor ?? ""}`;
}

/**
 * The slot and key of every item of ``annotation`` (anything with entities, quotes and
 * stances arrays), as {entity, quote, stance}: each a Map from item id to {slot, key}.
 */
export function itemKeys(annotation) {
  const entities = new Map(annotation.entities.map((e) => [e.id, e]));
  const quotes = new Map(annotation.quotes.map((q) => [q.id, q]));
  const ref = (id) => (entities.has(id) ? entityRef(entities.get(id)) : `missing:${id}`);
  const result = { entity: new Map(), quote: new Map(), stance: new Map() };
  for (const e of annotation.entities) {
    result.entity.set(e.id, { slot: entityRef(e), key: entityKey(e) });
  }
  for (const q of annotation.quotes) {
    const slot = spanKey(q.content);
    const speaker = q.speaker ? ref(q.speaker) : "none";
    result.quote.set(q.id, { slot, key: `${speaker}|${spanKey(q.cue)}|${slot}|${q.type}` });
  }
  for (const s of annotation.stances) {
    const target = typeof s.target === "string" ? `entity:${ref(s.target)}` : `span:${spanKey(s.target)}`;
    const slot = `${ref(s.holder)}>${target}`;
    const quote = s.quote && quotes.has(s.quote) ? spanKey(quotes.get(s.quote).content) : "none";
    result.stance.set(s.id, { slot, key: `${slot}|${s.polarity}|${quote}` });
  }
  return result;
}

/** Who made each item: a Map from "kind:key" to the usernames, in the annotations' order. */
export function makersByKey(annotations) {
  const makers = new Map();
  for (const annotation of annotations) {
    const keys = itemKeys(annotation);
    for (const [kind] of LAYERS) {
      for (const { key } of keys[kind].values()) {
        const names = makers.get(`${kind}:${key}`) || [];
        if (!names.includes(annotation.annotator)) names.push(annotation.annotator);
        makers.set(`${kind}:${key}`, names);
      }
    }
  }
  return makers;
}

const position = {
  entity: (e) => [e.start, -e.end],
  quote: (q) => [q.content.start, -q.content.end],
  stance: () => [0, 0], // stances stay in the order they were made
};

/**
 * Every annotator's items as rows {annotator, kind, id, item, key, makers, agreed}:
 * ``makers`` are the annotators who made an identical item, ``agreed`` is true when all
 * of them did (and there are at least two). Rows go annotator by annotator, entities in
 * reading order, then quotes, then stances.
 */
export function compare(annotations) {
  const makers = makersByKey(annotations);
  const everyone = annotations.length;
  const rows = [];
  for (const annotation of annotations) {
    const keys = itemKeys(annotation);
    for (const [kind, layer] of LAYERS) {
      const order = (a, b) => {
        const [x, y] = [position[kind](a), position[kind](b)];
        return x[0] - y[0] || x[1] - y[1];
      };
      for (const item of [...annotation[layer]].sort(order)) {
        const { key } = keys[kind].get(item.id);
        const who = makers.get(`${kind}:${key}`);
        rows.push({
          annotator: annotation.annotator, kind, id: item.id, item, key, makers: who,
          agreed: everyone > 1 && who.length === everyone,
        });
      }
    }
  }
  return rows;
}

/** The "kind:key" of every item of the gold annotation: a row is in gold when its key is here. */
export function goldKeys(gold) {
  const keys = itemKeys(gold);
  const result = new Set();
  for (const [kind] of LAYERS) for (const { key } of keys[kind].values()) result.add(`${kind}:${key}`);
  return result;
}

/** The next free id with ``prefix`` among ``items`` (e1, e2, ...), as the workspace numbers them. */
export function freshId(prefix, items) {
  let highest = 0;
  for (const item of items) {
    const match = new RegExp(`^${prefix}(\\d+)$`).exec(item.id);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return `${prefix}${highest + 1}`;
}

function find(items, id) {
  return items.find((item) => item.id === id) || null;
}

/**
 * Take ``source``'s item (``kind``, ``id``) into ``gold`` (an annotation whose arrays are
 * changed in place). Returns {id, already, taken}: the gold item's id, whether gold already
 * held an identical item (then nothing changes), and the ids of the gold items now copied
 * from annotators (the item and any entity or quote it needed).
 */
export function take(gold, source, kind, id) {
  const item = find(source[LAYERS.find(([k]) => k === kind)[1]], id);
  if (!item) throw new Error(`no ${kind} ${id} in ${source.annotator}'s annotation`);
  const wanted = itemKeys(source)[kind].get(id).key;
  for (const [goldId, { key }] of itemKeys(gold)[kind]) {
    if (key === wanted) return { id: goldId, already: true, taken: [] };
  }
  const taken = [];
  const takeKind = { entity: takeEntity, quote: takeQuote, stance: takeStance }[kind];
  return { id: takeKind(gold, source, item, taken), already: false, taken };
}

function takeEntity(gold, source, entity, taken) {
  const same = gold.entities.find((e) => entityRef(e) === entityRef(entity));
  if (same) {
    same.actor = entity.actor ?? null;
    taken.push(same.id);
    return same.id;
  }
  const copy = {
    id: freshId("e", gold.entities), start: entity.start, end: entity.end, label: entity.label,
    actor: entity.actor ?? null, from_suggestion: false,
  };
  gold.entities.push(copy);
  taken.push(copy.id);
  return copy.id;
}

/** The gold entity standing for ``source``'s entity ``id``: one with its span and label, or a copy. */
function refer(gold, source, id, taken) {
  const entity = find(source.entities, id);
  const same = gold.entities.find((e) => entityRef(e) === entityRef(entity));
  return same ? same.id : takeEntity(gold, source, entity, taken);
}

function takeQuote(gold, source, quote, taken) {
  const speaker = quote.speaker ? refer(gold, source, quote.speaker, taken) : null;
  const fields = { speaker, cue: quote.cue ? { ...quote.cue } : null, type: quote.type };
  const same = gold.quotes.find((q) => spanKey(q.content) === spanKey(quote.content));
  if (same) {
    Object.assign(same, fields);
    taken.push(same.id);
    return same.id;
  }
  const copy = { id: freshId("q", gold.quotes), ...fields, content: { ...quote.content } };
  gold.quotes.push(copy);
  taken.push(copy.id);
  return copy.id;
}

function takeStance(gold, source, stance, taken) {
  const holder = refer(gold, source, stance.holder, taken);
  const target = typeof stance.target === "string"
    ? refer(gold, source, stance.target, taken)
    : { start: stance.target.start, end: stance.target.end };
  let quote = null;
  if (stance.quote) {
    const content = find(source.quotes, stance.quote).content;
    const same = gold.quotes.find((q) => spanKey(q.content) === spanKey(content));
    quote = same ? same.id : takeQuote(gold, source, find(source.quotes, stance.quote), taken);
  }
  const sameTarget = (s) => (typeof target === "string" ? s.target === target : spanKey(s.target) === spanKey(target));
  const same = gold.stances.find((s) => s.holder === holder && sameTarget(s));
  if (same) {
    Object.assign(same, { polarity: stance.polarity, quote });
    taken.push(same.id);
    return same.id;
  }
  const copy = { id: freshId("s", gold.stances), holder, target, polarity: stance.polarity, quote };
  gold.stances.push(copy);
  taken.push(copy.id);
  return copy.id;
}

/**
 * Take every agreed item not yet in gold (entities first, so stances and quotes reuse
 * them). Returns the ids of the gold items copied from annotators.
 */
export function takeAgreed(gold, annotations) {
  if (!annotations.length) return [];
  const first = annotations[0];
  const taken = [];
  // compare() lists each annotator's entities before quotes and stances.
  for (const row of compare(annotations)) {
    if (row.annotator === first.annotator && row.agreed) taken.push(...take(gold, first, row.kind, row.id).taken);
  }
  return taken;
}

/**
 * The ``sources`` of a gold save: for each item of ``gold`` whose id is in ``takenIds``
 * (it was taken from annotators), the annotators who made an identical item. An item
 * taken and then changed so that nobody made it is left out: it is now the reviewer's.
 */
export function sourcesOf(gold, annotations, takenIds) {
  const makers = makersByKey(annotations);
  const keys = itemKeys(gold);
  const sources = {};
  for (const [kind] of LAYERS) {
    for (const [id, { key }] of keys[kind]) {
      const names = makers.get(`${kind}:${key}`);
      if (takenIds.has(id) && names) sources[id] = [...names].sort();
    }
  }
  return sources;
}
