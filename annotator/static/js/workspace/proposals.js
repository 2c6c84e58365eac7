// What the page proposes while a quote or a stance is made, so that Enter (or one polarity
// key) confirms it: a quote's speaker and cue, a stance's targets inside a quote. Pure.

// Entity types that usually speak, when no reporting verb points at a speaker.
const SPEAKING = new Set(["PERSON", "ORGANIZATION"]);

/** How far apart two spans are, in code points (0 when they touch or overlap). */
function gap(a, b) {
  if (a.end <= b.start) return b.start - a.end;
  if (b.end <= a.start) return a.start - b.end;
  return 0;
}

const outside = (span, content) => span.end <= content.start || span.start >= content.end;

/** The one of ``items`` nearest ``span`` (ties: the earlier in the text), or null. */
function nearest(items, span) {
  let best = null;
  for (const item of items) {
    if (best === null || gap(item, span) < gap(best, span) || (gap(item, span) === gap(best, span) && item.start < best.start)) {
      best = item;
    }
  }
  return best;
}

/**
 * The speaker and cue proposed for a quote whose content is ``content`` ({start, end}):
 * the cue, the suggested reporting verb nearest the content outside it; the speaker, the
 * entity nearest that cue outside the content, or without a cue the nearest person or
 * organisation outside it (else any entity outside it). ``entities`` are the annotation's,
 * ``cues`` the open cue suggestions. Returns {speaker: entity id | null, cue: suggestion | null}.
 */
export function proposeSpeakerAndCue(entities, cues, content) {
  const cue = nearest(cues.filter((c) => outside(c, content)), content);
  const candidates = entities.filter((e) => outside(e, content));
  let speaker;
  if (cue) speaker = nearest(candidates, cue);
  else speaker = nearest(candidates.filter((e) => SPEAKING.has(e.label)), content) || nearest(candidates, content);
  return { speaker: speaker ? speaker.id : null, cue };
}

/**
 * The entities a stance made from a quote may target, most likely first: those inside the
 * quote's content in reading order, then the rest; never the holder.
 */
export function quoteTargets(entities, content, holder) {
  const inside = (e) => e.start >= content.start && e.end <= content.end;
  const order = (a, b) => a.start - b.start || b.end - a.end;
  const others = entities.filter((e) => e.id !== holder);
  return [...others.filter(inside).sort(order), ...others.filter((e) => !inside(e)).sort(order)];
}
