// The dashboard's one request: a batch's progress, or a sentence saying why not.

/**
 * The progress of batch ``id``. Rejects with a sentence a lead can act on: the network
 * failed, the server refused (status), or the answer is not the figures expected.
 */
export async function loadProgress(id, fetchImpl = (...args) => fetch(...args)) {
  let response;
  try {
    response = await fetchImpl(`/api/batches/${encodeURIComponent(id)}/progress`, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
  } catch {
    throw new Error("the server could not be reached. Check the connection and reload the page.");
  }
  if (response.status === 401) throw new Error("your session has ended. Log in again.");
  if (!response.ok) {
    const reason = response.statusText ? ` ${response.statusText}` : "";
    throw new Error(`the server answered ${response.status}${reason}. Reload the page to try again.`);
  }
  const body = await response.json().catch(() => null);
  const lists = ["annotators", "documents", "per_day"];
  if (body === null || typeof body !== "object" || !lists.every((key) => Array.isArray(body[key]))) {
    throw new Error("the server's answer is not the progress figures expected.");
  }
  return body;
}
