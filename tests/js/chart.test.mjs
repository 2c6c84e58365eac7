// chart.js: the dashboard's chart has no holes, fits one day or a year, and words times as people read them.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  CHART,
  barTitle,
  chartLayout,
  describeDays,
  fillDays,
  formatSeconds,
  formatShare,
  labelEvery,
  shortDay,
  yScale,
} from "../../annotator/static/js/dashboard/chart.js";
import { loadProgress } from "../../annotator/static/js/dashboard/api.js";

const PLOT_WIDTH = CHART.width - CHART.left - CHART.right;

/** A year of days from 2026-01-01, ``count(i)`` submitted on the i-th. */
function year(count = () => 1) {
  const days = [];
  for (let i = 0; i < 365; i += 1) {
    const day = new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10);
    days.push({ day, submitted: count(i) });
  }
  return days;
}

test("days without submissions between the first and the last are filled in as 0", () => {
  const days = fillDays([
    { day: "2026-11-27", submitted: 3 },
    { day: "2026-11-30", submitted: 1 },
  ]);
  assert.deepEqual(days, [
    { day: "2026-11-27", submitted: 3 },
    { day: "2026-11-28", submitted: 0 },
    { day: "2026-11-29", submitted: 0 },
    { day: "2026-11-30", submitted: 1 },
  ]);
});

test("filling days crosses month and year ends and a leap day, and ignores DST", () => {
  const days = fillDays([
    { day: "2028-02-28", submitted: 1 },
    { day: "2028-03-01", submitted: 2 },
  ]);
  assert.deepEqual(days.map((d) => d.day), ["2028-02-28", "2028-02-29", "2028-03-01"]);
  const newYear = fillDays([
    { day: "2026-12-31", submitted: 1 },
    { day: "2027-01-01", submitted: 1 },
  ]);
  assert.equal(newYear.length, 2);
  // A day that loses an hour in Europe (2026-03-29) is still one day in UTC.
  assert.equal(fillDays([{ day: "2026-03-28", submitted: 1 }, { day: "2026-03-30", submitted: 1 }]).length, 3);
});

test("no submissions give no days; one day gives one; unsorted input comes out sorted", () => {
  assert.deepEqual(fillDays([]), []);
  assert.deepEqual(fillDays([{ day: "2026-11-27", submitted: 6 }]), [{ day: "2026-11-27", submitted: 6 }]);
  const days = fillDays([
    { day: "2026-11-29", submitted: 2 },
    { day: "2026-11-27", submitted: 1 },
  ]);
  assert.deepEqual(days.map((d) => d.submitted), [1, 0, 2]);
});

test("a day that is not YYYY-MM-DD is refused rather than drawn wrong", () => {
  assert.throws(() => fillDays([{ day: "27/11/2026", submitted: 1 }]), /not a day/);
});

test("one day is one bar of a sensible width, as tall as the plot, labelled", () => {
  const layout = chartLayout([{ day: "2026-11-27", submitted: 6 }]);
  assert.equal(layout.bars.length, 1);
  const [bar] = layout.bars;
  assert.equal(bar.width, CHART.maxBarWidth, "a lone bar does not fill the whole width");
  assert.equal(bar.height, layout.plot.height);
  assert.equal(bar.y, layout.plot.top);
  // Centred in the plot.
  assert.equal(bar.x + bar.width / 2, layout.plot.left + layout.plot.width / 2);
  assert.deepEqual(layout.labels.map((l) => l.text), ["27 Nov"]);
  assert.deepEqual(layout.ticks.map((t) => t.value), [0, 2, 4, 6]);
});

test("a year is 365 thin bars inside the plot, with labels every few weeks that do not collide", () => {
  const layout = chartLayout(year((i) => i % 10));
  assert.equal(layout.bars.length, 365);
  const { plot } = layout;
  for (const bar of layout.bars) {
    assert.ok(bar.width > 0 && bar.width < 2, `thin bars (${bar.width})`);
    assert.ok(bar.x >= plot.left - 0.01 && bar.x + bar.width <= plot.left + plot.width + 0.01);
  }
  assert.equal(layout.every % 7, 0, "labels fall on one weekday");
  assert.ok(layout.labels.length >= 5 && layout.labels.length <= PLOT_WIDTH / CHART.labelRoom);
  for (let i = 1; i < layout.labels.length; i += 1) {
    assert.ok(layout.labels[i].x - layout.labels[i - 1].x >= CHART.labelRoom, "labels keep their room");
  }
  assert.equal(layout.labels[0].text, "1 Jan");
});

test("empty days have no height; a day of 1 among hundreds still shows", () => {
  const layout = chartLayout([
    { day: "2026-11-27", submitted: 900 },
    { day: "2026-11-28", submitted: 0 },
    { day: "2026-11-29", submitted: 1 },
  ]);
  const [big, none, small] = layout.bars;
  assert.equal(none.height, 0);
  assert.equal(none.y, layout.plot.top + layout.plot.height);
  assert.ok(small.height >= 1);
  assert.ok(big.height <= layout.plot.height);
});

test("the y axis counts whole paragraphs in at most five steps", () => {
  assert.deepEqual(yScale(0), { max: 1, step: 1 });
  assert.deepEqual(yScale(1), { max: 1, step: 1 });
  assert.deepEqual(yScale(3), { max: 3, step: 1 });
  assert.deepEqual(yScale(7), { max: 8, step: 2 });
  assert.deepEqual(yScale(100), { max: 100, step: 20 });
  assert.deepEqual(yScale(1234), { max: 1500, step: 500 });
  for (const peak of [1, 2, 5, 9, 11, 37, 99, 101, 999, 12345]) {
    const { max, step } = yScale(peak);
    assert.ok(Number.isInteger(step) && step >= 1, `whole step for ${peak}`);
    assert.ok(max >= peak && max / step <= 5, `${peak}: max ${max}, step ${step}`);
  }
});

test("labels: every day when they fit, else every 2 or 3, else whole weeks", () => {
  assert.equal(labelEvery(1, PLOT_WIDTH), 1);
  assert.equal(labelEvery(11, PLOT_WIDTH), 1);
  assert.equal(labelEvery(20, PLOT_WIDTH), 2);
  assert.equal(labelEvery(30, PLOT_WIDTH), 3);
  assert.equal(labelEvery(60, PLOT_WIDTH), 7);
  assert.equal(labelEvery(365, PLOT_WIDTH), 35);
});

test("days are labelled short, and bars and the chart are described in words", () => {
  assert.equal(shortDay("2026-11-27"), "27 Nov");
  assert.equal(shortDay("2027-01-01"), "1 Jan");
  assert.equal(barTitle({ day: "2026-11-27", submitted: 1 }), "2026-11-27: 1 paragraph submitted");
  assert.equal(barTitle({ day: "2026-11-28", submitted: 0 }), "2026-11-28: 0 paragraphs submitted");
  assert.equal(
    describeDays([{ day: "2026-11-27", submitted: 6 }]),
    "Paragraphs submitted per day: 6 paragraphs on 2026-11-27.",
  );
  assert.equal(
    describeDays(fillDays([{ day: "2026-11-27", submitted: 3 }, { day: "2026-11-29", submitted: 5 }])),
    "Paragraphs submitted per day from 2026-11-27 to 2026-11-29: 8 paragraphs over 3 days, at most 5 on 2026-11-29.",
  );
  assert.equal(describeDays([]), "No paragraph submitted yet.");
});

test("seconds read as seconds, minutes and hours, with two-digit parts", () => {
  assert.equal(formatSeconds(0), "0 s");
  assert.equal(formatSeconds(42.4), "42 s");
  assert.equal(formatSeconds(59.6), "1 min 00 s");
  assert.equal(formatSeconds(65), "1 min 05 s");
  assert.equal(formatSeconds(754), "12 min 34 s");
  assert.equal(formatSeconds(3725), "1 h 02 min 05 s");
  for (const none of [null, undefined, NaN, -1, Infinity]) assert.equal(formatSeconds(none), "—");
});

test("shares read as percentages with one decimal, none as a dash", () => {
  assert.equal(formatShare(0.1765), "17.6 %");
  assert.equal(formatShare(1), "100.0 %");
  assert.equal(formatShare(0), "0.0 %");
  assert.equal(formatShare(null), "—");
});

// api.js: the dashboard's one request says why it failed.

const answer = (status, body, statusText = "") => ({
  ok: status >= 200 && status < 300,
  status,
  statusText,
  json: async () => (body instanceof Error ? Promise.reject(body) : body),
});

test("the progress is fetched from the batch's URL with the session's cookies", async () => {
  const figures = { batch: { id: 7 }, annotators: [], documents: [], per_day: [] };
  let asked;
  const got = await loadProgress("7", async (url, options) => {
    asked = { url, options };
    return answer(200, figures);
  });
  assert.deepEqual(got, figures);
  assert.equal(asked.url, "/api/batches/7/progress");
  assert.equal(asked.options.credentials, "same-origin");
});

test("a dead network, a refusal and a wrong answer each say so", async () => {
  await assert.rejects(
    loadProgress(1, async () => {
      throw new TypeError("Failed to fetch");
    }),
    /could not be reached/,
  );
  await assert.rejects(loadProgress(1, async () => answer(500, {}, "INTERNAL SERVER ERROR")), /answered 500 INTERNAL SERVER ERROR/);
  await assert.rejects(loadProgress(1, async () => answer(404, {})), /answered 404\./);
  await assert.rejects(loadProgress(1, async () => answer(401, {})), /session has ended/);
  await assert.rejects(loadProgress(1, async () => answer(200, new SyntaxError("bad JSON"))), /not the progress figures/);
  await assert.rejects(loadProgress(1, async () => answer(200, { annotators: [] })), /not the progress figures/);
});
