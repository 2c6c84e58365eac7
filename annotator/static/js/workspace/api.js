// The workspace's only way to the server: every request, with its CSRF header, credentials and JSON.

/**
 * A client for the workspace's API calls. Every fetch of the page goes through here, so the
 * CSRF header, the cookies and the reading of JSON answers are decided once. ``fetchImpl``
 * lets tests stand in for the network.
 *
 * Two kinds of call: ``getJson`` for what the page cannot work without (it throws unless the
 * answer is a 2xx with JSON), and the rest, which resolve to {status, ok, body} (body {} when
 * the answer holds no JSON) so the caller can tell a conflict from a refusal. All of them
 * reject when the network fails, so a caller can tell "offline" from "refused".
 */
export function createApi({ csrfToken, fetchImpl = (...args) => fetch(...args) }) {
  function send(method, url, { json, keepalive = false } = {}) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRFToken"] = csrfToken;
    const options = { method, credentials: "same-origin", headers };
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(json);
    }
    if (keepalive) options.keepalive = true;
    return fetchImpl(url, options);
  }

  async function call(method, url, options) {
    const response = await send(method, url, options);
    const body = await response.json().catch(() => ({}));
    return { status: response.status, ok: response.ok, body };
  }

  async function getJson(url) {
    const response = await send("GET", url);
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.json();
  }

  const path = encodeURIComponent;

  return {
    /** The label configuration (and, when the server sends them, its limits). */
    labels: () => getJson("/api/labels"),

    /** A paragraph with my annotation, or with ``annotator``'s for a reviewer reading it. */
    paragraph: (id, annotator) =>
      getJson(`/api/paragraphs/${path(id)}` + (annotator ? `?annotator=${path(annotator)}` : "")),

    /** Save an annotation; ``keepalive`` lets the request outlive a page being left. */
    saveAnnotation: (id, payload, { keepalive = false } = {}) =>
      call("PUT", `/api/paragraphs/${path(id)}/annotation`, { json: payload, keepalive }),

    /** A paragraph with every submitted annotation of it and its gold annotation (reviewers). */
    adjudication: (id) => getJson(`/api/paragraphs/${path(id)}/adjudication`),

    /** Save the gold annotation: a payload plus its ``sources`` (reviewers). */
    saveGold: (id, payload, { keepalive = false } = {}) =>
      call("PUT", `/api/paragraphs/${path(id)}/gold`, { json: payload, keepalive }),

    /** The paragraph the queue gives next (200 with {paragraph_id}), or none. */
    nextParagraph: (after) => call("GET", `/api/queue/next?after=${path(after)}`),

    /** Actors whose name or aliases match what is typed. */
    searchActors: (query) => call("GET", `/api/actors?q=${path(query)}`),

    /** Create an actor on the spot (reviewers); 201 with the actor. */
    createActor: ({ name, type, aliases }) => call("POST", "/api/actors", { json: { name, type, aliases } }),

    /** Propose (or, for reviewers, add) an alias of an actor; 201 with its status. */
    proposeAlias: (actorKey, alias) => call("POST", `/api/actors/${path(actorKey)}/aliases`, { json: { alias } }),

    /** The actor types a new actor may have. */
    actorTypes: () => getJson("/api/actor-types"),
  };
}
