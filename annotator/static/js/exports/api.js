// The export form's requests: start a job, read how far it got. Each rejects with a sentence.

async function answer(response, what) {
  const body = await response.json().catch(() => null);
  if (response.status === 401) throw new Error("your session has ended. Log in again.");
  if (!response.ok) {
    const named = body?.errors?.map((e) => `${e.path}: ${e.message}`).join("; ");
    throw new Error(named || body?.error || `the server answered ${response.status} to ${what}.`);
  }
  if (body === null || typeof body.status !== "string") {
    throw new Error(`the server's answer to ${what} is not an export job.`);
  }
  return body;
}

async function reach(fetchImpl, url, options) {
  try {
    return await fetchImpl(url, { credentials: "same-origin", ...options });
  } catch {
    throw new Error("the server could not be reached. Check the connection and try again.");
  }
}

/** Start an export job with ``options``; resolves to the job (the 202's body). */
export async function startJob(url, options, csrfToken, fetchImpl = (...args) => fetch(...args)) {
  const response = await reach(fetchImpl, url, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json", "X-CSRFToken": csrfToken },
    body: JSON.stringify(options),
  });
  return answer(response, "the export");
}

/** The job at ``url`` as it is now. */
export async function readJob(url, fetchImpl = (...args) => fetch(...args)) {
  const response = await reach(fetchImpl, url, { headers: { Accept: "application/json" } });
  return answer(response, "the export's progress");
}
