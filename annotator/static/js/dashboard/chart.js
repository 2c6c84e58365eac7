// The dashboard's figures as numbers: days filled in, bars and labels placed, times worded.
// Pure: no DOM, so node's test runner checks it (tests/js/chart.test.mjs).

const DAY_MS = 86_400_000;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** The chart's box in SVG units (the CSS scales it), its margins, and the room a day label needs. */
export const CHART = {
  width: 720,
  height: 260,
  top: 14,
  right: 12,
  bottom: 48,
  left: 44,
  labelRoom: 56,
  maxBarWidth: 48,
};

/** Milliseconds since the epoch of a "YYYY-MM-DD" day (UTC, as the server counts days). */
function parseDay(day) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new Error(`not a day: ${JSON.stringify(day)}`);
  return Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
}

const isoDay = (ms) => new Date(ms).toISOString().slice(0, 10);
const round = (value) => Math.round(value * 100) / 100;
const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

/**
 * Every day from the first to the last of ``perDay`` ([{day, submitted}], days with none
 * left out, in any order), with the missing ones as 0: the chart's x axis has no holes.
 */
export function fillDays(perDay) {
  const counts = new Map();
  for (const { day, submitted } of perDay) {
    const at = parseDay(day);
    counts.set(at, (counts.get(at) ?? 0) + submitted);
  }
  if (counts.size === 0) return [];
  let first = Infinity;
  let last = -Infinity;
  for (const at of counts.keys()) {
    first = Math.min(first, at);
    last = Math.max(last, at);
  }
  const days = [];
  for (let at = first; at <= last; at += DAY_MS) {
    days.push({ day: isoDay(at), submitted: counts.get(at) ?? 0 });
  }
  return days;
}

/** "27 Nov" for "2026-11-27": short enough to label a day under its bar. */
export function shortDay(day) {
  const date = new Date(parseDay(day));
  return `${date.getUTCDate()} ${MONTHS[date.getUTCMonth()]}`;
}

/**
 * The y axis for counts up to ``peak``: a top and a whole-number step of 1, 2 or 5 times a
 * power of ten, giving at most five steps.
 */
export function yScale(peak) {
  if (!(peak > 0)) return { max: 1, step: 1 };
  const rough = peak / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough);
  step = Math.max(1, Math.round(step));
  return { max: Math.ceil(peak / step) * step, step };
}

/**
 * Label every how many days, so that labels ``room`` units apart fit ``n`` days in
 * ``width``: every day if they fit, else 2 or 3, else a whole number of weeks (so labels fall
 * on one weekday).
 */
export function labelEvery(n, width, room = CHART.labelRoom) {
  const fit = Math.max(1, Math.floor(width / room));
  const needed = Math.ceil(n / fit);
  if (needed <= 3) return needed;
  return Math.ceil(needed / 7) * 7;
}

/**
 * Where everything of the per-day chart goes, for ``days`` as ``fillDays`` returns them:
 * bars (x, y, width, height in SVG units, with the day and its count), the day labels shown,
 * the y ticks, and the plot area. Bars thinner than 4 units touch; a day with some
 * submissions is at least 1 unit tall.
 */
export function chartLayout(days, box = CHART) {
  const plot = {
    left: box.left,
    top: box.top,
    width: box.width - box.left - box.right,
    height: box.height - box.top - box.bottom,
  };
  const bottom = plot.top + plot.height;
  const slot = days.length ? plot.width / days.length : plot.width;
  const barWidth = Math.min(slot >= 4 ? slot * 0.8 : slot, box.maxBarWidth);
  const peak = days.reduce((most, d) => Math.max(most, d.submitted), 0);
  const scale = yScale(peak);
  const bars = days.map(({ day, submitted }, i) => {
    const tall = submitted > 0 ? Math.max(1, (submitted / scale.max) * plot.height) : 0;
    return {
      day,
      submitted,
      x: round(plot.left + i * slot + (slot - barWidth) / 2),
      y: round(bottom - tall),
      width: round(barWidth),
      height: round(tall),
    };
  });
  const every = labelEvery(days.length, plot.width, box.labelRoom);
  const labels = [];
  for (let i = 0; i < days.length; i += every) {
    labels.push({ day: days[i].day, text: shortDay(days[i].day), x: round(plot.left + (i + 0.5) * slot) });
  }
  const ticks = [];
  for (let value = 0; value <= scale.max; value += scale.step) {
    ticks.push({ value, y: round(bottom - (value / scale.max) * plot.height) });
  }
  return { width: box.width, height: box.height, plot, bars, labels, ticks, every };
}

/** One sentence saying what the chart shows, for its aria-label. */
export function describeDays(days) {
  if (days.length === 0) return "No paragraph submitted yet.";
  const total = days.reduce((sum, d) => sum + d.submitted, 0);
  const busiest = days.reduce((best, d) => (d.submitted > best.submitted ? d : best));
  const first = days[0].day;
  const last = days[days.length - 1].day;
  if (days.length === 1) {
    return `Paragraphs submitted per day: ${plural(total, "paragraph", "paragraphs")} on ${first}.`;
  }
  return (
    `Paragraphs submitted per day from ${first} to ${last}: ` +
    `${plural(total, "paragraph", "paragraphs")} over ${plural(days.length, "day", "days")}, ` +
    `at most ${busiest.submitted} on ${busiest.day}.`
  );
}

/** A bar's tooltip: the exact count of its day. */
export function barTitle({ day, submitted }) {
  return `${day}: ${plural(submitted, "paragraph", "paragraphs")} submitted`;
}

/** Seconds as a person reads them: "42 s", "1 min 05 s", "1 h 02 min 05 s"; "—" for none. */
export function formatSeconds(seconds) {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) {
    return "—";
  }
  const total = Math.round(seconds);
  const pad = (n) => String(n).padStart(2, "0");
  const h = Math.floor(total / 3600);
  const min = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${pad(min)} min ${pad(s)} s`;
  if (min > 0) return `${min} min ${pad(s)} s`;
  return `${s} s`;
}

/** A share 0..1 as "17.6 %", as the batch pages write it; "—" when there is none. */
export function formatShare(share) {
  if (share === null || share === undefined || !Number.isFinite(share)) return "—";
  return `${(share * 100).toFixed(1)} %`;
}
