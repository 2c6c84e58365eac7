// Saving: autosave two seconds after the last change and when the page is left, a copy in
// local storage until the server confirms it, retries when the network fails, and a clear
// stop on a version conflict (HTTP 409): never a silent overwrite.

const AUTOSAVE_DELAY_MS = 2000;
const RETRY_DELAYS_MS = [2000, 5000, 10000, 30000];

export class Saver {
  constructor({ url, storageKey, csrfToken, getPayload, onState, onConflict, onInvalid, onSaved }) {
    this.url = url;
    this.storageKey = storageKey;
    this.csrfToken = csrfToken;
    this.getPayload = getPayload; // () => payload with the current version
    this.onState = onState;
    this.onConflict = onConflict;
    this.onInvalid = onInvalid;
    this.onSaved = onSaved;
    this.dirty = false;
    this.changeCount = 0;
    this.timer = null;
    this.inFlight = null;
    this.retries = 0;
    this.stopped = false;
    window.addEventListener("online", () => { if (this.dirty) this.save(); });
  }

  /** Something changed: keep it locally at once, save it to the server a little later. */
  changed() {
    if (this.stopped) return;
    this.dirty = true;
    this.changeCount += 1;
    this.writeLocal();
    this.onState("unsaved", "Unsaved changes");
    this.schedule(AUTOSAVE_DELAY_MS);
  }

  schedule(delay) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.save(), delay);
  }

  writeLocal() {
    try {
      localStorage.setItem(this.storageKey, JSON.stringify({ payload: this.getPayload(), changedAt: new Date().toISOString() }));
    } catch (error) {
      this.onState("unsaved", "Unsaved changes (this browser cannot keep a copy)");
    }
  }

  readLocal() {
    try {
      const stored = localStorage.getItem(this.storageKey);
      return stored ? JSON.parse(stored) : null;
    } catch (error) {
      return null;
    }
  }

  clearLocal() {
    try { localStorage.removeItem(this.storageKey); } catch (error) { /* nothing kept */ }
  }

  /**
   * Send the current state. Resolves to {ok: true, version} on success, {ok: false, reason}
   * otherwise; one request at a time, and changes made meanwhile are sent afterwards.
   */
  async save(status) {
    if (this.stopped) return { ok: false, reason: "stopped" };
    clearTimeout(this.timer);
    if (this.inFlight) {
      await this.inFlight.catch(() => {});
      if (!this.dirty && status === undefined) return { ok: true };
    }
    const sentChange = this.changeCount;
    const payload = this.getPayload(status);
    this.onState("saving", "Saving…");
    this.inFlight = this.put(payload);
    let response;
    try {
      response = await this.inFlight;
    } catch (error) {
      this.inFlight = null;
      return this.failed("Offline: your changes are kept in this browser and will be sent again");
    }
    this.inFlight = null;
    if (response.status === 200) {
      const body = await response.json();
      this.retries = 0;
      this.onSaved(body.version, payload);
      if (this.changeCount === sentChange) {
        this.dirty = false;
        this.clearLocal();
        this.onState("saved", `Saved (version ${body.version})`);
      } else {
        this.writeLocal();
        this.schedule(AUTOSAVE_DELAY_MS);
      }
      return { ok: true, version: body.version };
    }
    if (response.status === 409) {
      const body = await response.json();
      this.stopped = true;
      clearTimeout(this.timer);
      this.onState("conflict", "Not saved: changed elsewhere");
      this.onConflict(body);
      return { ok: false, reason: "conflict" };
    }
    if (response.status === 422) {
      const body = await response.json();
      this.onState("invalid", "Not saved: see the errors below");
      this.onInvalid(body.errors || []);
      return { ok: false, reason: "invalid" };
    }
    if (response.status === 401) {
      this.onState("offline", "Not saved: your session ended; log in again in another tab, your changes are kept here");
      this.retryLater();
      return { ok: false, reason: "unauthorised" };
    }
    return this.failed(`Not saved (the server answered ${response.status}); your changes are kept here and will be sent again`);
  }

  failed(message) {
    this.onState("offline", message);
    this.retryLater();
    return { ok: false, reason: "network" };
  }

  retryLater() {
    const delay = RETRY_DELAYS_MS[Math.min(this.retries, RETRY_DELAYS_MS.length - 1)];
    this.retries += 1;
    this.schedule(delay);
  }

  put(payload, keepalive = false) {
    return fetch(this.url, {
      method: "PUT",
      headers: { "Content-Type": "application/json", "X-CSRFToken": this.csrfToken, Accept: "application/json" },
      body: JSON.stringify(payload),
      credentials: "same-origin",
      keepalive,
    });
  }

  /** The page is being left: send what is unsaved without waiting for the answer. */
  flushOnLeave() {
    if (!this.dirty || this.stopped || this.inFlight) return;
    this.writeLocal();
    this.put(this.getPayload(), true).catch(() => {});
  }
}
