// Pure: which actors the merge form offers as the one to keep, from the type-ahead's answer.

/**
 * The options for the "merge into" field: every actor found but the one being merged, by
 * key (what the form sends), labelled with its name and type.
 * @param {Array<{id: string, name: string, type: string}>} actors the type-ahead's answer
 * @param {string} merging the key of the actor being merged
 * @returns {Array<{value: string, label: string}>}
 */
export function mergeChoices(actors, merging) {
  if (!Array.isArray(actors)) return [];
  return actors
    .filter((actor) => actor && typeof actor.id === "string" && actor.id !== merging)
    .map((actor) => ({ value: actor.id, label: `${actor.name} (${actor.type})` }));
}
