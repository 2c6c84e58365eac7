// Relations drawn on the text: the geometry of the arcs from a stance's holder to its target
// and from a quote's speaker to its content. Pure: points in, SVG path data out (the DOM
// side, which measures the spans and draws, is arcs_view.js).

const RISE = 10; // px: how far the lowest arc rises above the text
const STEP = 6; // px: how much higher each arc that would overlap another goes
const HIGHEST = 34; // px: no arc rises more (the line spacing leaves about this much room)
const SAME_LINE = 4; // px: end points closer than this in height are on one line
const HEAD = 4; // px: half the width of an arrowhead

/**
 * The point an arc leaves from or arrives at on a span: the top middle of the span's first
 * box (its first line when it wraps), ``rects`` being the span's client rects relative to
 * the drawing, in reading order.
 */
export function anchor(rects) {
  const first = rects[0];
  return { x: (first.left + first.right) / 2, y: first.top };
}

/**
 * Lay out ``relations`` ([{key, from: {x, y}, to: {x, y}}]) as arcs that rise above the text,
 * shorter ones lower: an arc whose horizontal stretch overlaps an already placed one on the
 * same line rises one step higher, so that nested relations stay apart. Returns, in the
 * order given, [{key, d, head, level}]: ``d`` the arc's path, ``head`` the arrowhead's.
 */
export function layoutArcs(relations) {
  const order = relations
    .map((relation, index) => ({ relation, index, width: Math.abs(relation.to.x - relation.from.x) }))
    .sort((a, b) => a.width - b.width || a.index - b.index);
  const placed = [];
  const result = new Array(relations.length);
  for (const { relation, index } of order) {
    const { from, to } = relation;
    const low = Math.min(from.x, to.x);
    const high = Math.max(from.x, to.x);
    const sameLine = (other) =>
      Math.abs(other.from.y - from.y) < SAME_LINE && Math.abs(other.to.y - to.y) < SAME_LINE;
    const below = placed.filter((other) => sameLine(other) && other.low <= high && other.high >= low);
    const level = below.length ? Math.max(...below.map((other) => other.level)) + 1 : 0;
    placed.push({ from, to, low, high, level });
    const rise = Math.min(HIGHEST, RISE + level * STEP);
    const d = `M ${round(from.x)} ${round(from.y)} C ${round(from.x)} ${round(from.y - rise)}, ${round(to.x)} ${round(to.y - rise)}, ${round(to.x)} ${round(to.y)}`;
    const head = `M ${round(to.x - HEAD)} ${round(to.y - 2 * HEAD)} L ${round(to.x + HEAD)} ${round(to.y - 2 * HEAD)} L ${round(to.x)} ${round(to.y)} Z`;
    result[index] = { key: relation.key, d, head, level };
  }
  return result;
}

function round(value) {
  return Math.round(value * 10) / 10;
}
