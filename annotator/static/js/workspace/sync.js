// Saving: autosave two seconds after the last change and when the page is hidden or left,
// a copy in local storage until the server confirms it, retries when the network fails,
// and a clear stop on a version conflict (HTTP 409): never a silent overwrite.

const AUTOSAVE_DELAY_MS = 2000;
const RETRY_DELAYS_MS = [2000, 5000, 10000, 30000];

export class Saver {
  /**
   * ``put(payload, {keepalive})`` sends one save through the API client and resolves to its
   * {status, body}; it rejects when the network fails. With ``autosave`` false (the gold
   * annotation) changes are kept in this browser but only an explicit save() sends them.
   */
  constructor({ put, storageKey, readOnly, getPayload, onState, onConflict, onInvalid, onSaved, autosave = true }) {
    this.put = put;
    this.autosave = autosave;
    this.storageKey = storageKey;
    this.readOnly = readOnly;
    this.getPayload = getPayload; // (status?) => payload with the current version
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
    window.addEventListener("online", () => { if (this.dirty && this.autosave) this.save(); });
  }

  /** Something changed: keep it locally at once, save it to the server a little later. */
  changed() {
    if (this.readOnly) return;
    this.dirty = true;
    this.changeCount += 1;
    this.writeLocal(); // even after a conflict: nothing typed is lost
    if (this.stopped) return;
    this.onState("unsaved", "Unsaved changes");
    if (this.autosave) this.schedule(AUTOSAVE_DELAY_MS);
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

  /** Resume saving after the user chose how to settle a conflict. */
  resume() {
    this.stopped = false;
  }

  /**
   * Send the current state. Resolves to {ok: true, version} on success, {ok: false, reason}
   * otherwise. One request at a time: a save asked for meanwhile waits for the one under way
   * (whose answer, version included, is fully handled first), then sends what is newer.
   */
  async save(status, { keepalive = false } = {}) {
    if (this.readOnly) return { ok: false, reason: "read-only" };
    if (this.stopped) return { ok: false, reason: "stopped" };
    clearTimeout(this.timer);
    while (this.inFlight) {
      await this.inFlight.catch(() => {});
    }
    if (this.stopped) return { ok: false, reason: "stopped" };
    if (!this.dirty && status === undefined) return { ok: true };
    const attempt = this.send(status, keepalive);
    this.inFlight = attempt;
    try {
      return await attempt;
    } finally {
      this.inFlight = null;
    }
  }

  async send(status, keepalive) {
    const sentChange = this.changeCount;
    const payload = this.getPayload(status);
    this.onState("saving", "Saving…");
    let answer;
    try {
      answer = await this.put(payload, { keepalive });
    } catch (error) {
      return this.failed("Offline: your changes are kept in this browser and will be sent again");
    }
    const { status: code, body } = answer;
    if (code === 200) {
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
    if (code === 409) {
      this.stopped = true;
      clearTimeout(this.timer);
      this.onState("conflict", "Not saved: changed elsewhere");
      this.onConflict(body);
      return { ok: false, reason: "conflict" };
    }
    if (code === 422) {
      this.onState("invalid", "Not saved: see the errors below");
      this.onInvalid(body.errors || []);
      return { ok: false, reason: "invalid" };
    }
    if (code === 401) {
      const why = body && body.reason === "deactivated"
        ? "Not saved: your account has been deactivated; ask an administrator. Your changes are kept here"
        : "Not saved: your session ended; log in again in another tab, your changes are kept here";
      this.onState("offline", why);
      this.retryLater();
      return { ok: false, reason: "unauthorised" };
    }
    return this.failed(`Not saved (the server answered ${code}); your changes are kept here and will be sent again`);
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

  /**
   * The page is hidden or being left: save now. The request outlives the page (keepalive);
   * if the page stays, its answer updates the version like any other save.
   */
  flushOnLeave() {
    if (!this.dirty || this.stopped || this.readOnly || !this.autosave) return;
    this.writeLocal();
    this.save(undefined, { keepalive: true });
  }
}

/** Whether two payloads hold the same labels (version and status aside), key order aside. */
export function sameContent(a, b) {
  const canonical = (value) => {
    if (Array.isArray(value)) return value.map(canonical);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical(value[key])]));
    }
    return value;
  };
  const strip = (p) => JSON.stringify(canonical({ ...p, version: 0, status: "" }));
  return strip(a) === strip(b);
}
