// The side panel: open suggestions and the three layers as lists, the entity editor below them.

import { EntityEditor } from "./entity_editor.js";
import { choiceName, choices } from "./labels.js";
import { itemButton, shorten } from "./render.js";

const $ = (id) => document.getElementById(id);

export class Panel {
  /**
   * The panel is handed what it shows and what it may do, and holds no page state itself:
   *
   * - ``labels`` (GET /api/labels), ``canReview``, ``readOnly``: fixed while the page is open;
   * - ``api``: the API client (actor search, creation, aliases, actor types);
   * - ``get``: getters for what changes: ``annotation()``, ``text()``, ``selected()``,
   *   ``openSuggestions()``, ``focusedSuggestion()``, ``actor(key)``, ``tag(label)``,
   *   ``actorSuggested()`` (the entity whose actor link came from its aliases);
   * - ``on``: what the panel asks the page to do: ``changed``, ``select(item)``,
   *   ``deleteItem(item)``, ``acceptSuggestion(s)``, ``rejectSuggestion(s)``,
   *   ``startSpeakerMode(quoteId)``, ``startCueMode(quoteId)``, ``showMessage(text)``,
   *   ``setEntityLabel``, ``setStancePolarity``, ``setStanceQuote``, ``setQuoteType``
   *   (id, value), ``linkActor(entityId, actor|null, suggested)``, ``rememberActor(actor)``.
   */
  constructor({ labels, canReview, readOnly, api, get, on }) {
    this.labels = labels;
    this.canReview = canReview;
    this.readOnly = readOnly;
    this.api = api;
    this.get = get;
    this.on = on;
    this.editor = new EntityEditor({ labels, canReview, readOnly, api, get, on });
  }

  /** A: put the cursor in the actor search for the selected entity. */
  focusActorSearch() {
    this.editor.focusActorSearch();
  }

  /** After a span is labelled by hand: link it to the actor one of whose aliases it is. */
  suggestActor(entity) {
    return this.editor.suggestActor(entity);
  }

  slice(start, end) {
    return this.get.text().slice(start, end);
  }

  entityText(entity) {
    return this.slice(entity.start, entity.end);
  }

  entityName(id) {
    const entity = this.get.annotation().entity(id);
    return entity ? `“${shorten(this.entityText(entity), 30)}”` : id;
  }

  render() {
    this.renderSuggestions();
    this.renderEntities();
    this.renderStances();
    this.renderQuotes();
    this.editor.render();
  }

  renderSuggestions() {
    const list = $("suggestion-list");
    list.replaceChildren();
    const open = this.get.openSuggestions();
    for (const suggestion of open) {
      const item = document.createElement("li");
      item.className = "suggestion" + (this.get.focusedSuggestion() === suggestion.id ? " is-focused" : "");
      item.dataset.suggestionId = suggestion.id;
      const label = document.createElement("span");
      label.className = "suggestion-text";
      const actor = suggestion.actor ? ` → ${suggestion.actor_name || suggestion.actor}` : "";
      const origin = suggestion.origin ? ` (from ${suggestion.origin})` : "";
      label.textContent = suggestion.kind === "entity"
        ? `${suggestion.text} · ${this.get.tag(suggestion.label)}${actor}${origin}`
        : `${suggestion.text} · reporting verb${origin}`;
      item.appendChild(label);
      if (suggestion.kind === "entity") {
        const accept = itemButton("Accept", { title: "Accept (Enter)" });
        accept.classList.add("small");
        accept.addEventListener("click", () => this.on.acceptSuggestion(suggestion));
        item.appendChild(accept);
      }
      const reject = itemButton("Reject", { title: "Reject (X)" });
      reject.classList.add("small", "secondary");
      reject.addEventListener("click", () => this.on.rejectSuggestion(suggestion));
      item.appendChild(reject);
      list.appendChild(item);
    }
    if (this.readOnly) list.appendChild(this.empty("Suggestions are for the annotator, not shown to a reader."));
    else if (!open.length) list.appendChild(this.empty("No open suggestions."));
  }

  empty(text) {
    const item = document.createElement("li");
    item.className = "empty";
    item.textContent = text;
    return item;
  }

  renderEntities() {
    const list = $("entity-list");
    list.replaceChildren();
    const ordered = [...this.get.annotation().entities].sort((a, b) => a.start - b.start || b.end - a.end);
    for (const entity of ordered) {
      const actor = entity.actor ? this.get.actor(entity.actor) : null;
      const text = `${shorten(this.entityText(entity), 40)} · ${this.get.tag(entity.label)}${actor ? ` → ${actor.name}` : entity.actor ? ` → ${entity.actor}` : ""}`;
      list.appendChild(this.row(text, "entity", entity.id));
    }
    if (!ordered.length) list.appendChild(this.empty("Select words and press a number key."));
  }

  renderStances() {
    const list = $("stance-list");
    list.replaceChildren();
    const annotation = this.get.annotation();
    for (const stance of annotation.stances) {
      const target = typeof stance.target === "string"
        ? this.entityName(stance.target)
        : `“${shorten(this.slice(stance.target.start, stance.target.end), 30)}”`;
      const text = `${this.entityName(stance.holder)} ${stance.polarity} ${target}${stance.quote ? ` (in ${stance.quote})` : ""}`;
      const row = this.row(text, "stance", stance.id);
      if (this.isSelected("stance", stance.id)) {
        row.appendChild(this.select(
          "Polarity",
          choices(this.labels.polarities, stance.polarity).map((p) => [p.name, choiceName(p)]),
          stance.polarity,
          (value) => this.on.setStancePolarity(stance.id, value),
        ));
        row.appendChild(this.select(
          "Quote",
          [["", "no quote"], ...annotation.quotes.map((q) => [q.id, `${q.id}: ${shorten(this.slice(q.content.start, q.content.end), 25)}`])],
          stance.quote || "",
          (value) => this.on.setStanceQuote(stance.id, value || null),
        ));
      }
      list.appendChild(row);
    }
    if (!annotation.stances.length) list.appendChild(this.empty("Select the holder entity and press S."));
  }

  renderQuotes() {
    const list = $("quote-list");
    list.replaceChildren();
    const quotes = this.get.annotation().quotes;
    for (const quote of quotes) {
      const speaker = quote.speaker ? this.entityName(quote.speaker) : "unnamed source";
      const cue = quote.cue ? this.slice(quote.cue.start, quote.cue.end) : "no cue";
      const content = shorten(this.slice(quote.content.start, quote.content.end), 40);
      const row = this.row(`${quote.id}: ${speaker} · ${cue} · “${content}” · ${quote.type}`, "quote", quote.id);
      if (this.isSelected("quote", quote.id)) {
        row.appendChild(this.select(
          "Type",
          choices(this.labels.quote_types, quote.type).map((t) => [t.name, choiceName(t, t.hotkey && t.hotkey.toUpperCase())]),
          quote.type,
          (value) => this.on.setQuoteType(quote.id, value),
        ));
        const speakerButton = itemButton("Pick speaker");
        speakerButton.classList.add("small", "secondary");
        speakerButton.addEventListener("click", () => this.on.startSpeakerMode(quote.id));
        const cueButton = itemButton("Pick cue");
        cueButton.classList.add("small", "secondary");
        cueButton.addEventListener("click", () => this.on.startCueMode(quote.id));
        row.append(speakerButton, cueButton);
      }
      list.appendChild(row);
    }
    if (!quotes.length) list.appendChild(this.empty("Select what was said and press Q."));
  }

  isSelected(kind, id) {
    const sel = this.get.selected();
    return Boolean(sel && sel.kind === kind && sel.id === id);
  }

  row(text, kind, id) {
    const item = document.createElement("li");
    item.className = "layer-item";
    item.dataset.kind = kind;
    item.dataset.id = id;
    const button = itemButton(text, { selected: this.isSelected(kind, id), data: { kind, id } });
    button.addEventListener("click", () => this.on.select({ kind, id }));
    if (kind === "stance" || kind === "quote") {
      item.addEventListener("mouseenter", () => this.on.hover({ kind, id }));
      item.addEventListener("mouseleave", () => this.on.hover(null));
    }
    if (this.readOnly) {
      item.append(button);
      return item;
    }
    const remove = itemButton("×", { title: `Delete ${id}` });
    remove.classList.add("small", "secondary", "delete");
    remove.setAttribute("aria-label", `Delete ${id}`);
    remove.addEventListener("click", () => this.on.deleteItem({ kind, id }));
    item.append(button, remove);
    return item;
  }

  select(label, options, value, onChange) {
    const wrapper = document.createElement("label");
    wrapper.className = "inline-select";
    wrapper.textContent = `${label} `;
    const select = document.createElement("select");
    for (const [optionValue, optionText] of options) {
      const option = document.createElement("option");
      option.value = optionValue;
      option.textContent = optionText;
      select.appendChild(option);
    }
    select.value = value;
    select.disabled = this.readOnly;
    select.addEventListener("change", () => onChange(select.value));
    wrapper.appendChild(select);
    return wrapper;
  }
}
