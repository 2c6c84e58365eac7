// The annotation being edited: entities, stances, quotes and suggestion decisions,
// with the operations the page performs on them and the same checks the server makes.

// What each of the server's limits counts, as the errors name it.
const LIMITED_LAYERS = [
  ["entities", "entities"],
  ["stances", "stances"],
  ["quotes", "quotes"],
  ["suggestions", "suggestion decisions"],
];

/**
 * The rules an annotation must follow, taken from GET /api/labels: the label names it may
 * use and, when the server sends them, its limits (items per layer, comment length). Read
 * from the server so the page never repeats, and never drifts from, the server's settings.
 */
export function rulesFromLabels(labels) {
  const names = (list) => new Set((list || []).map((label) => label.name));
  return {
    entityTypes: names(labels.entity_types),
    polarities: names(labels.polarities),
    quoteTypes: names(labels.quote_types),
    limits: labels.limits || null,
  };
}

export class Annotation {
  /** ``vocabulary`` is what rulesFromLabels() gives: {entityTypes, polarities, quoteTypes, limits?}. */
  constructor(server, vocabulary) {
    this.vocabulary = vocabulary;
    this.load(server);
  }

  load(server) {
    this.version = server.version;
    this.status = server.status;
    this.comment = server.comment ?? "";
    this.flagged = Boolean(server.flagged);
    this.entities = server.entities.map((e) => ({ ...e, from_suggestion: Boolean(e.from_suggestion) }));
    this.stances = server.stances.map((s) => ({ ...s, target: typeof s.target === "string" ? s.target : { ...s.target } }));
    this.quotes = server.quotes.map((q) => ({ ...q, cue: q.cue ? { ...q.cue } : null, content: { ...q.content } }));
    this.decisions = new Map((server.suggestions || []).map((d) => [d.id, { ...d }]));
  }

  /** The body of PUT /api/paragraphs/<id>/annotation. */
  payload(status = this.status) {
    return {
      version: this.version,
      status,
      comment: this.comment,
      flagged: this.flagged,
      entities: this.entities.map((e) => ({ id: e.id, start: e.start, end: e.end, label: e.label, actor: e.actor ?? null, from_suggestion: e.from_suggestion })),
      stances: this.stances.map((s) => ({ id: s.id, holder: s.holder, target: s.target, polarity: s.polarity, quote: s.quote ?? null })),
      quotes: this.quotes.map((q) => ({ id: q.id, speaker: q.speaker ?? null, cue: q.cue, content: q.content, type: q.type })),
      suggestions: [...this.decisions.values()],
    };
  }

  nextId(prefix, items) {
    let highest = 0;
    for (const item of items) {
      const match = new RegExp(`^${prefix}(\\d+)$`).exec(item.id);
      if (match) highest = Math.max(highest, Number(match[1]));
    }
    return `${prefix}${highest + 1}`;
  }

  entity(id) { return this.entities.find((e) => e.id === id); }
  quote(id) { return this.quotes.find((q) => q.id === id); }
  stance(id) { return this.stances.find((s) => s.id === id); }

  addEntity(start, end, label, actor = null, fromSuggestion = false) {
    const existing = this.entities.find((e) => e.start === start && e.end === end && e.label === label);
    if (existing) return existing;
    const entity = { id: this.nextId("e", this.entities), start, end, label, actor, from_suggestion: fromSuggestion };
    this.entities.push(entity);
    return entity;
  }

  /** Delete an entity with the stances that hang on it; quotes it spoke lose their speaker. */
  removeEntity(id) {
    const entity = this.entity(id);
    if (!entity) return { stances: 0, quotes: [] };
    this.entities = this.entities.filter((e) => e.id !== id);
    const before = this.stances.length;
    this.stances = this.stances.filter((s) => s.holder !== id && s.target !== id);
    const quotes = [];
    for (const quote of this.quotes) {
      if (quote.speaker === id) {
        quote.speaker = null;
        quotes.push(quote.id);
      }
    }
    if (entity.from_suggestion) {
      for (const decision of this.decisions.values()) {
        if (decision.kind === "entity" && decision.start === entity.start && decision.end === entity.end) {
          decision.decision = "rejected";
        }
      }
    }
    return { stances: before - this.stances.length, quotes };
  }

  addQuote(content, type) {
    const quote = { id: this.nextId("q", this.quotes), speaker: null, cue: null, content, type };
    this.quotes.push(quote);
    return quote;
  }

  removeQuote(id) {
    this.quotes = this.quotes.filter((q) => q.id !== id);
    for (const stance of this.stances) if (stance.quote === id) stance.quote = null;
  }

  addStance(holder, target, polarity) {
    const stance = { id: this.nextId("s", this.stances), holder, target, polarity, quote: null };
    this.stances.push(stance);
    return stance;
  }

  removeStance(id) {
    this.stances = this.stances.filter((s) => s.id !== id);
  }

  decide(suggestion, decision) {
    this.decisions.set(suggestion.id, {
      id: suggestion.id,
      kind: suggestion.kind,
      start: suggestion.start,
      end: suggestion.end,
      label: suggestion.label ?? null,
      actor: suggestion.actor ?? null,
      decision,
    });
  }

  /**
   * Accept entity suggestions in order, as many as the server's limits leave room for
   * (entities, and suggestion decisions); the rest stay open. Returns {accepted, left}.
   */
  acceptMany(suggestions) {
    const limits = this.vocabulary.limits || {};
    const room = (most, used) => (Number.isInteger(most) ? Math.max(0, most - used) : Infinity);
    let accepted = 0;
    for (const suggestion of suggestions) {
      const fresh = !this.decisions.has(suggestion.id);
      if (room(limits.entities, this.entities.length) === 0 || (fresh && room(limits.suggestions, this.decisions.size) === 0)) break;
      this.addEntity(suggestion.start, suggestion.end, suggestion.label, suggestion.actor, true);
      this.decide(suggestion, "accepted");
      accepted += 1;
    }
    return { accepted, left: suggestions.length - accepted };
  }

  /** Whether a suggestion still waits for a decision (and is not already an entity). */
  isOpen(suggestion) {
    const decision = this.decisions.get(suggestion.id);
    if (decision && decision.decision !== "ignored") return false;
    if (suggestion.kind === "entity") {
      return !this.entities.some((e) => e.start === suggestion.start && e.end === suggestion.end);
    }
    return !this.quotes.some((q) => q.cue && q.cue.start === suggestion.start && q.cue.end === suggestion.end);
  }

  /** Record the suggestions nobody decided on as "ignored" (on submit and skip). */
  ignoreOpen(suggestions) {
    for (const suggestion of suggestions) {
      if (this.isOpen(suggestion)) this.decide(suggestion, "ignored");
    }
  }

  /** The server's rules, checked before a save so mistakes show at once. */
  validate(length) {
    const errors = [];
    const span = (path, s) => {
      if (!(Number.isInteger(s.start) && Number.isInteger(s.end))) errors.push({ path, message: "offsets must be whole numbers" });
      else if (s.start < 0 || s.start >= s.end) errors.push({ path, message: `start (${s.start}) must be less than end (${s.end})` });
      else if (s.end > length) errors.push({ path, message: `end (${s.end}) is past the end of the paragraph (${length})` });
    };
    const entityIds = new Set();
    this.entities.forEach((e, i) => {
      span(`entities[${i}]`, e);
      if (entityIds.has(e.id)) errors.push({ path: `entities[${i}].id`, message: `id ${e.id} is used twice` });
      entityIds.add(e.id);
      if (!this.vocabulary.entityTypes.has(e.label)) errors.push({ path: `entities[${i}].label`, message: `unknown entity type ${e.label}` });
    });
    const quoteIds = new Set(this.quotes.map((q) => q.id));
    this.quotes.forEach((q, i) => {
      if (!q.content) errors.push({ path: `quotes[${i}].content`, message: "a quote needs its content" });
      else span(`quotes[${i}].content`, q.content);
      if (q.cue) span(`quotes[${i}].cue`, q.cue);
      if (q.speaker !== null && !entityIds.has(q.speaker)) errors.push({ path: `quotes[${i}].speaker`, message: `speaker ${q.speaker} is not an entity` });
      if (!this.vocabulary.quoteTypes.has(q.type)) errors.push({ path: `quotes[${i}].type`, message: `unknown quote type ${q.type}` });
    });
    this.stances.forEach((s, i) => {
      if (!entityIds.has(s.holder)) errors.push({ path: `stances[${i}].holder`, message: `holder ${s.holder} is not an entity` });
      if (typeof s.target === "string") {
        if (!entityIds.has(s.target)) errors.push({ path: `stances[${i}].target`, message: `target ${s.target} is not an entity` });
        if (s.target === s.holder) errors.push({ path: `stances[${i}].target`, message: "the holder cannot be its own target" });
      } else {
        span(`stances[${i}].target`, s.target);
      }
      if (!this.vocabulary.polarities.has(s.polarity)) errors.push({ path: `stances[${i}].polarity`, message: `unknown polarity ${s.polarity}` });
      if (s.quote !== null && !quoteIds.has(s.quote)) errors.push({ path: `stances[${i}].quote`, message: `quote ${s.quote} does not exist` });
    });
    if (this.flagged && !this.comment.trim()) errors.push({ path: "comment", message: "a flagged paragraph needs a comment" });
    errors.push(...this.overLimits());
    return errors;
  }

  /** The server's limits this annotation is over (none when the server sent no limits). */
  overLimits() {
    const limits = this.vocabulary.limits;
    if (!limits) return [];
    const errors = [];
    const counts = {
      entities: this.entities.length,
      stances: this.stances.length,
      quotes: this.quotes.length,
      suggestions: this.decisions.size,
    };
    for (const [layer, noun] of LIMITED_LAYERS) {
      const most = limits[layer];
      if (Number.isInteger(most) && counts[layer] > most) {
        errors.push({ path: layer, message: `at most ${most} ${noun} (this annotation has ${counts[layer]})` });
      }
    }
    // The server counts characters as Python does: code points, an emoji is one.
    const length = Array.from(this.comment).length;
    if (Number.isInteger(limits.comment) && length > limits.comment) {
      errors.push({ path: "comment", message: `at most ${limits.comment} characters (this comment has ${length})` });
    }
    return errors;
  }
}
