// The entity editor: the selected entity's label and actor (type-ahead, link by alias, create, propose an alias).

import { normaliseAlias } from "./alias.js";
import { choiceName } from "./labels.js";
import { shorten } from "./render.js";

const $ = (id) => document.getElementById(id);

export class EntityEditor {
  /** Takes the Panel's arguments (see panel.js): fixed settings, ``api``, getters ``get``, requests ``on``. */
  constructor({ labels, canReview, readOnly, api, get, on }) {
    this.labels = labels;
    this.canReview = canReview;
    this.readOnly = readOnly;
    this.api = api;
    this.get = get;
    this.on = on;
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
      if (entity) this.on.setEntityLabel(entity.id, event.target.value);
    });
    $("propose-alias").addEventListener("click", () => this.proposeAlias());
    $("actor-dialog").addEventListener("close", () => this.onActorDialogClosed());
    const labelSelect = $("entity-label");
    for (const label of this.labels.entity_types) {
      const option = document.createElement("option");
      option.value = label.name;
      option.textContent = choiceName(label, null);
      // A retired type is listed only for an entity that has it (see render()).
      option.disabled = Boolean(label.retired);
      labelSelect.appendChild(option);
    }
  }

  selectedEntity() {
    const sel = this.get.selected();
    return sel && sel.kind === "entity" ? this.get.annotation().entity(sel.id) : null;
  }

  entityText(entity) {
    return this.get.text().slice(entity.start, entity.end);
  }

  /** Show the selected entity's label and actor, and offer its text as an alias when it is not one. */
  render() {
    const editor = $("entity-editor");
    const entity = this.selectedEntity();
    editor.hidden = !entity;
    if (!entity) return;
    for (const option of $("entity-label").options) option.hidden = option.disabled && option.value !== entity.label;
    $("entity-label").value = entity.label;
    $("entity-label").disabled = this.readOnly;
    $("actor-search").disabled = this.readOnly;
    const actor = entity.actor ? this.get.actor(entity.actor) : null;
    $("actor-current").textContent = entity.actor
      ? `Linked to ${actor ? actor.name : entity.actor}${this.get.actorSuggested() === entity.id ? " (suggested from its aliases)" : ""}`
      : "Not linked to an actor.";
    const propose = $("propose-alias");
    const text = this.entityText(entity);
    const known = actor && (actor.aliases || []).some((a) => normaliseAlias(a) === normaliseAlias(text));
    propose.hidden = !actor || known || this.readOnly;
    if (actor) propose.textContent = `Propose “${shorten(text, 30)}” as an alias of ${actor.name}`;
  }

  /** A: search actors by the selected entity's text, with the cursor in the search box. */
  focusActorSearch() {
    const entity = this.selectedEntity();
    if (!entity) {
      this.on.showMessage("Select an entity first, then press A to link it to an actor.");
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
    let answer;
    try {
      answer = await this.api.searchActors(query);
    } catch (error) {
      this.on.showMessage("The actor search cannot reach the server; try again in a moment.");
      return;
    }
    if (!answer.ok || ticket !== this.searchTicket) return;
    this.results = answer.body;
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
    if (this.canReview && query.trim()) options.push({ kind: "create", text: `Create actor “${query.trim()}”…`, name: query.trim() });
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
    this.closeSearch();
    this.on.linkActor(entity.id, option.kind === "actor" ? option.actor : null, false);
  }

  /** After a span is labelled by hand: link it to the actor one of whose aliases it is. */
  async suggestActor(entity) {
    const text = this.entityText(entity);
    let answer;
    try {
      answer = await this.api.searchActors(text);
    } catch (error) {
      return; // offline: the entity stays unlinked, which the panel shows
    }
    if (!answer.ok) return;
    const key = normaliseAlias(text);
    const match = answer.body.find((actor) => actor.aliases.some((alias) => normaliseAlias(alias) === key));
    // Meanwhile the entity may have been deleted, or linked by hand: then leave it.
    const current = this.get.annotation().entity(entity.id);
    if (!match || !current || current.actor) return;
    this.on.linkActor(entity.id, match, true);
  }

  async proposeAlias() {
    const entity = this.selectedEntity();
    if (!entity || !entity.actor) return;
    const alias = this.entityText(entity);
    let answer;
    try {
      answer = await this.api.proposeAlias(entity.actor, alias);
    } catch (error) {
      this.on.showMessage("Could not reach the server to propose the alias; try again.");
      return;
    }
    const { status, body } = answer;
    if (status === 201) {
      const actor = this.get.actor(entity.actor);
      if (body.status === "confirmed" && actor) this.on.rememberActor({ ...actor, aliases: [...(actor.aliases || []), alias] });
      this.on.showMessage(body.status === "confirmed"
        ? `“${alias}” is now an alias of ${actor ? actor.name : entity.actor}.`
        : `Proposed “${alias}” as an alias; a reviewer will confirm it.`);
      $("propose-alias").hidden = true;
    } else {
      const message = body.errors ? body.errors.map((e) => e.message).join("; ") : `the server answered ${status}`;
      this.on.showMessage(`Could not propose the alias: ${message}.`);
    }
  }

  async openActorDialog(name) {
    const select = $("new-actor-type");
    if (!select.options.length) {
      for (const type of await this.api.actorTypes()) {
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
    const { status, body } = await this.api.createActor({ name, type: $("new-actor-type").value, aliases });
    if (status !== 201) {
      const message = body.errors ? body.errors.map((e) => `${e.path}: ${e.message}`).join("; ") : `the server answered ${status}`;
      this.on.showMessage(`Could not create the actor: ${message}.`);
      return;
    }
    this.on.rememberActor(body);
    this.closeSearch();
    this.on.showMessage(`Created the actor ${body.name}.`);
    // undefined: a note that the entity's earlier link came from its aliases stays as it was.
    if (entity) this.on.linkActor(entity.id, body, undefined);
    else this.on.changed();
  }
}
