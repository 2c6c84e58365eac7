// arcs.js: where relation arcs start and end, and how nested ones stay apart.
import assert from "node:assert/strict";
import { test } from "node:test";

import { anchor, layoutArcs } from "../../annotator/static/js/workspace/arcs.js";

const box = (left, right, top) => ({ left, right, top, bottom: top + 20 });

test("an arc leaves from the top middle of a span's first line", () => {
  assert.deepEqual(anchor([box(10, 50, 40), box(0, 30, 80)]), { x: 30, y: 40 });
});

test("an arc rises from one end point to the other, with its arrowhead on the target", () => {
  const [arc] = layoutArcs([{ key: "s1", from: { x: 10, y: 40 }, to: { x: 110, y: 40 } }]);
  assert.equal(arc.d, "M 10 40 C 10 30, 110 30, 110 40");
  assert.equal(arc.head, "M 106 32 L 114 32 L 110 40 Z");
  assert.equal(arc.level, 0);
});

test("nested arcs on one line rise one above the other, the shorter lower", () => {
  const arcs = layoutArcs([
    { key: "outer", from: { x: 0, y: 40 }, to: { x: 300, y: 40 } },
    { key: "inner", from: { x: 100, y: 40 }, to: { x: 150, y: 40 } },
    { key: "apart", from: { x: 400, y: 40 }, to: { x: 450, y: 40 } },
    { key: "next line", from: { x: 100, y: 90 }, to: { x: 150, y: 90 } },
  ]);
  assert.deepEqual(arcs.map((a) => [a.key, a.level]), [["outer", 1], ["inner", 0], ["apart", 0], ["next line", 0]]);
});

test("right-to-left: an arc may run leftwards, and still ends on its target", () => {
  const [arc] = layoutArcs([{ key: "s1", from: { x: 300, y: 40 }, to: { x: 120, y: 40 } }]);
  assert.ok(arc.d.startsWith("M 300 40") && arc.d.endsWith("120 40"));
  assert.ok(arc.head.endsWith("L 120 40 Z"));
});

test("many overlapping arcs never rise past the room between lines", () => {
  const many = Array.from({ length: 20 }, (_, i) => ({ key: `s${i}`, from: { x: 0, y: 40 }, to: { x: 10 + i, y: 40 } }));
  for (const arc of layoutArcs(many)) {
    const rise = 40 - Number(arc.d.split(" ")[5].replace(",", ""));
    assert.ok(rise <= 34, `${arc.key} rises ${rise}`);
  }
});
