// The side panel: the three layers as lists, the suggestions, and the entity editor with
// its actor type-ahead (link, create on the spot for reviewers, propose an alias).

import { itemButton, shorten } from "./render.js";

const $ = (id) => document.getElementById(id);

/** The same comparison key the server uses for aliases (case, dashes, spaces). */
export function normaliseAlias(value) {
  return value
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u064B-\u065F\u0670\u0640]/g, "")
    .replace(/[-\u2010-\u2015\u2212_]+/g, " ")
    .split(/\s+/)
    .filter(Boolean)
    .join(" ");
}

export class Panel {
  constructor(ws, actions) {
    this.ws = ws;
    this.actions = actions;
    this.results = [];
    this.resultIndex = -1;
    this.searchTimer = null;
    this.setUp();
  }

  setUp() {
    const search = $("actor-search");
    search.addEventListener("input", () => {
      clearTimeout(this.searchTimer);
      this.searchTimer = setTimeout(() => this.search(search.value), 150);
    });
    search.addEventListener("keydown", (event) => this.onSearchKey(event));
    $("entity-label").addEventListener("change", (event) => {
      const entity = this.selectedEntity();
      if (entity) {
        entity.label = event.target.value;
        this.actions.changed();
      }
    });
    $("propose-alias").addEventListener("click", () => this.proposeAlias());
    $("actor-dialog").addEventListener("close", () => this.onActorDialogClosed());
    const labelSelect = $("entity-label");
    for (const label of this.ws.labels.entity_types) {
      const option = document.createElement("option");
      option.value = label.name;
      option.textContent = label.display_name;
      labelSelect.appendChild(option);
    }
  }

  selectedEntity() {
    const sel = this.ws.selected;
    return sel && sel.kind === "entity" ? this.ws.annotation.entity(sel.id) : null;
  }

  entityText(entity) {
    return this.ws.text.slice(entity.start, entity.end);
  }

  entityName(id) {
    const entity = this.ws.annotation.entity(id);
    return entity ? `“${shorten(this.entityText(entity), 30)}”` : id;
  }

  render() {
    this.renderSuggestions();
    this.renderEntities();
    this.renderStances();
    this.renderQuotes();
    this.renderEditor();
  }

  renderSuggestions() {
    const list = $("suggestion-list");
    list.replaceChildren();
    const open = this.ws.suggestions.filter((s) => this.ws.annotation.isOpen(s));
    for (const suggestion of open) {
      const item = document.createElement("li");
      item.className = "suggestion" + (this.ws.focusedSuggestion === suggestion.id ? " is-focused" : "");
      item.dataset.suggestionId = suggestion.id;
      const label = document.createElement("span");
      label.className = "suggestion-text";
      const actor = suggestion.actor ? ` → ${suggestion.actor_name || suggestion.actor}` : "";
      const origin = suggestion.origin ? ` (from ${suggestion.origin})` : "";
      label.textContent = suggestion.kind === "entity"
        ? `${suggestion.text} · ${this.ws.tags[suggestion.label] || suggestion.label}${actor}${origin}`
        : `${suggestion.text} · reporting verb${origin}`;
      item.appendChild(label);
      if (suggestion.kind === "entity") {
        const accept = itemButton("Accept", { title: "Accept (Enter)" });
        accept.classList.add("small");
        accept.addEventListener("click", () => this.dispatch("suggestion-accept", suggestion));
        item.appendChild(accept);
      }
      const reject = itemButton("Reject", { title: "Reject (X)" });
      reject.classList.add("small", "secondary");
      reject.addEventListener("click", () => this.dispatch("suggestion-reject", suggestion));
      item.appendChild(reject);
      list.appendChild(item);
    }
    if (!open.length) list.appendChild(this.empty("No open suggestions."));
  }

  dispatch(name, detail) {
    document.getElementById("workspace").dispatchEvent(new CustomEvent(name, { detail }));
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
    const ordered = [...this.ws.annotation.entities].sort((a, b) => a.start - b.start || b.end - a.end);
    for (const entity of ordered) {
      const actor = entity.actor ? this.ws.actors.get(entity.actor) : null;
      const text = `${shorten(this.entityText(entity), 40)} · ${this.ws.tags[entity.label] || entity.label}${actor ? ` → ${actor.name}` : entity.actor ? ` → ${entity.actor}` : ""}`;
      list.appendChild(this.row(text, "entity", entity.id));
    }
    if (!ordered.length) list.appendChild(this.empty("Select words and press a number key."));
  }

  renderStances() {
    const list = $("stance-list");
    list.replaceChildren();
    for (const stance of this.ws.annotation.stances) {
      const target = typeof stance.target === "string"
        ? this.entityName(stance.target)
        : `“${shorten(this.ws.text.slice(stance.target.start, stance.target.end), 30)}”`;
      const text = `${this.entityName(stance.holder)} ${stance.polarity} ${target}${stance.quote ? ` (in ${stance.quote})` : ""}`;
      const row = this.row(text, "stance", stance.id);
      if (this.isSelected("stance", stance.id)) {
        row.appendChild(this.select(
          "Polarity",
          this.ws.labels.polarities.map((p) => [p.name, `${p.display_name} (${p.hotkey})`]),
          stance.polarity,
          (value) => { stance.polarity = value; this.actions.changed(); },
        ));
        row.appendChild(this.select(
          "Quote",
          [["", "no quote"], ...this.ws.annotation.quotes.map((q) => [q.id, `${q.id}: ${shorten(this.ws.text.slice(q.content.start, q.content.end), 25)}`])],
          stance.quote || "",
          (value) => { stance.quote = value || null; this.actions.changed(); },
        ));
      }
      list.appendChild(row);
    }
    if (!this.ws.annotation.stances.length) list.appendChild(this.empty("Select the holder entity and press S."));
  }

  renderQuotes() {
    const list = $("quote-list");
    list.replaceChildren();
    for (const quote of this.ws.annotation.quotes) {
      const speaker = quote.speaker ? this.entityName(quote.speaker) : "unnamed source";
      const cue = quote.cue ? this.ws.text.slice(quote.cue.start, quote.cue.end) : "no cue";
      const content = shorten(this.ws.text.slice(quote.content.start, quote.content.end), 40);
      const row = this.row(`${quote.id}: ${speaker} · ${cue} · “${content}” · ${quote.type}`, "quote", quote.id);
      if (this.isSelected("quote", quote.id)) {
        row.appendChild(this.select(
          "Type",
          this.ws.labels.quote_types.map((t) => [t.name, `${t.display_name} (${t.hotkey.toUpperCase()})`]),
          quote.type,
          (value) => { quote.type = value; this.actions.changed(); },
        ));
        const speakerButton = itemButton("Pick speaker");
        speakerButton.classList.add("small", "secondary");
        speakerButton.addEventListener("click", () => this.actions.startSpeakerMode(quote.id));
        const cueButton = itemButton("Pick cue");
        cueButton.classList.add("small", "secondary");
        cueButton.addEventListener("click", () => this.actions.startCueMode(quote.id));
        row.append(speakerButton, cueButton);
      }
      list.appendChild(row);
    }
    if (!this.ws.annotation.quotes.length) list.appendChild(this.empty("Select what was said and press Q."));
  }

  isSelected(kind, id) {
    return Boolean(this.ws.selected && this.ws.selected.kind === kind && this.ws.selected.id === id);
  }

  row(text, kind, id) {
    const item = document.createElement("li");
    item.className = "layer-item";
    item.dataset.kind = kind;
    item.dataset.id = id;
    const button = itemButton(text, { selected: this.isSelected(kind, id), data: { kind, id } });
    button.addEventListener("click", () => this.actions.select({ kind, id }));
    if (this.ws.readOnly) {
      item.append(button);
      return item;
    }
    const remove = itemButton("×", { title: `Delete ${id}` });
    remove.classList.add("small", "secondary", "delete");
    remove.setAttribute("aria-label", `Delete ${id}`);
    remove.addEventListener("click", () => this.actions.deleteItem({ kind, id }));
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
    select.disabled = this.ws.readOnly;
    select.addEventListener("change", () => onChange(select.value));
    wrapper.appendChild(select);
    return wrapper;
  }

  // ------------------------------------------------------------ entity editor and actors

  renderEditor() {
    const editor = $("entity-editor");
    const entity = this.selectedEntity();
    editor.hidden = !entity;
    if (!entity) return;
    $("entity-label").value = entity.label;
    $("entity-label").disabled = this.ws.readOnly;
    $("actor-search").disabled = this.ws.readOnly;
    const actor = entity.actor ? this.ws.actors.get(entity.actor) : null;
    $("actor-current").textContent = entity.actor
      ? `Linked to ${actor ? actor.name : entity.actor}${this.ws.actorSuggested === entity.id ? " (suggested from its aliases)" : ""}`
      : "Not linked to an actor.";
    const propose = $("propose-alias");
    const text = this.entityText(entity);
    const known = actor && (actor.aliases || []).some((a) => normaliseAlias(a) === normaliseAlias(text));
    propose.hidden = !actor || known || this.ws.readOnly;
    if (actor) propose.textContent = `Propose “${shorten(text, 30)}” as an alias of ${actor.name}`;
  }

  focusActorSearch() {
    const entity = this.selectedEntity();
    if (!entity) {
      this.actions.showMessage("Select an entity first, then press A to link it to an actor.");
      return;
    }
    const search = $("actor-search");
    search.value = this.entityText(entity);
    search.focus();
    search.select();
    this.search(search.value);
  }

  /** Fetch results for ``query``; an answer to an older query never replaces a newer one. */
  async search(query) {
    const ticket = (this.searchTicket = (this.searchTicket || 0) + 1);
    let response;
    try {
      response = await fetch(`/api/actors?q=${encodeURIComponent(query)}`, { credentials: "same-origin" });
    } catch (error) {
      this.actions.showMessage("The actor search cannot reach the server; try again in a moment.");
      return;
    }
    if (!response.ok || ticket !== this.searchTicket) return;
    this.results = await response.json();
    this.resultsQuery = query;
    this.resultIndex = this.results.length ? 0 : -1;
    this.renderResults(query);
  }

  renderResults(query) {
    const list = $("actor-results");
    list.replaceChildren();
    const options = [
      ...this.results.map((actor) => ({ kind: "actor", actor, text: `${actor.name} (${actor.type.toLowerCase().replace(/_/g, " ")})` })),
      { kind: "none", text: "No actor (unlink)" },
    ];
    if (this.ws.canReview && query.trim()) options.push({ kind: "create", text: `Create actor “${query.trim()}”…`, name: query.trim() });
    this.options = options;
    options.forEach((option, index) => {
      const item = document.createElement("li");
      item.setAttribute("role", "option");
      item.className = "typeahead-option" + (index === this.resultIndex ? " is-focused" : "");
      item.setAttribute("aria-selected", index === this.resultIndex ? "true" : "false");
      item.textContent = option.text;
      item.addEventListener("mousedown", (event) => {
        event.preventDefault();
        this.chooseOption(option);
      });
      list.appendChild(item);
    });
    list.hidden = false;
  }

  onSearchKey(event) {
    const options = this.options || [];
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      this.resultIndex = (this.resultIndex + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      this.renderResults($("actor-search").value);
    } else if (event.key === "Enter") {
      event.preventDefault();
      const query = $("actor-search").value;
      if (this.resultsQuery !== query) {
        // Typed faster than the type-ahead answered: search what is typed now, then choose.
        clearTimeout(this.searchTimer);
        this.search(query).then(() => {
          if (this.resultIndex >= 0 && this.options[this.resultIndex]) this.chooseOption(this.options[this.resultIndex]);
        });
        return;
      }
      if (this.resultIndex >= 0 && options[this.resultIndex]) this.chooseOption(options[this.resultIndex]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      this.closeSearch();
    }
  }

  closeSearch() {
    $("actor-results").hidden = true;
    $("actor-search").value = "";
    $("paragraph-text").focus();
  }

  chooseOption(option) {
    const entity = this.selectedEntity();
    if (!entity) return;
    if (option.kind === "create") {
      // What is typed now, even if the type-ahead has not caught up with it yet.
      this.openActorDialog($("actor-search").value.trim() || option.name);
      return;
    }
    if (option.kind === "actor") {
      this.ws.actors.set(option.actor.id, option.actor);
      entity.actor = option.actor.id;
    } else {
      entity.actor = null;
    }
    this.ws.actorSuggested = null;
    this.closeSearch();
    this.actions.changed();
  }

  /** After a span is labelled by hand: link it to the actor one of whose aliases it is. */
  async suggestActor(entity) {
    const text = this.entityText(entity);
    let results;
    try {
      const response = await fetch(`/api/actors?q=${encodeURIComponent(text)}`, { credentials: "same-origin" });
      if (!response.ok) return;
      results = await response.json();
    } catch (error) {
      return; // offline: the entity stays unlinked, which the panel shows
    }
    const key = normaliseAlias(text);
    const match = results.find((actor) => actor.aliases.some((alias) => normaliseAlias(alias) === key));
    if (!match || entity.actor || !this.ws.annotation.entity(entity.id)) return;
    this.ws.actors.set(match.id, match);
    entity.actor = match.id;
    this.ws.actorSuggested = entity.id;
    this.actions.changed();
  }

  async proposeAlias() {
    const entity = this.selectedEntity();
    if (!entity || !entity.actor) return;
    const alias = this.entityText(entity);
    let response;
    try {
      response = await fetch(`/api/actors/${encodeURIComponent(entity.actor)}/aliases`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": this.ws.csrfToken },
        body: JSON.stringify({ alias }),
      });
    } catch (error) {
      this.actions.showMessage("Could not reach the server to propose the alias; try again.");
      return;
    }
    const body = await response.json().catch(() => ({}));
    if (response.status === 201) {
      const actor = this.ws.actors.get(entity.actor);
      if (body.status === "confirmed" && actor) actor.aliases = [...(actor.aliases || []), alias];
      this.actions.showMessage(body.status === "confirmed"
        ? `“${alias}” is now an alias of ${actor ? actor.name : entity.actor}.`
        : `Proposed “${alias}” as an alias; a reviewer will confirm it.`);
      $("propose-alias").hidden = true;
    } else {
      const message = body.errors ? body.errors.map((e) => e.message).join("; ") : `the server answered ${response.status}`;
      this.actions.showMessage(`Could not propose the alias: ${message}.`);
    }
  }

  async openActorDialog(name) {
    const select = $("new-actor-type");
    if (!select.options.length) {
      const response = await fetch("/api/actor-types", { credentials: "same-origin" });
      for (const type of await response.json()) {
        const option = document.createElement("option");
        option.value = type.name;
        option.textContent = type.display_name;
        select.appendChild(option);
      }
    }
    $("new-actor-name").value = name;
    $("actor-results").hidden = true;
    $("actor-dialog").showModal();
  }

  async onActorDialogClosed() {
    const dialog = $("actor-dialog");
    if (dialog.returnValue !== "create") return;
    const entity = this.selectedEntity();
    const name = $("new-actor-name").value.trim();
    const aliases = entity && normaliseAlias(this.entityText(entity)) !== normaliseAlias(name) ? [this.entityText(entity)] : [];
    const response = await fetch("/api/actors", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.ws.csrfToken },
      body: JSON.stringify({ name, type: $("new-actor-type").value, aliases }),
    });
    const body = await response.json().catch(() => ({}));
    if (response.status !== 201) {
      const message = body.errors ? body.errors.map((e) => `${e.path}: ${e.message}`).join("; ") : `the server answered ${response.status}`;
      this.actions.showMessage(`Could not create the actor: ${message}.`);
      return;
    }
    this.ws.actors.set(body.id, body);
    if (entity) entity.actor = body.id;
    this.closeSearch();
    this.actions.showMessage(`Created the actor ${body.name}.`);
    this.actions.changed();
  }
}
