// The per-day chart as inline SVG, built with DOM calls from chart.js's layout.

import { barTitle, chartLayout, describeDays } from "./chart.js";

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes and, if given, text (always as text, never markup). */
function svg(name, attributes = {}, text = null) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== null) element.textContent = text;
  return element;
}

/**
 * The chart of ``days`` (filled, as ``fillDays`` returns them): one bar per day with its
 * exact count in a <title>, the y axis with whole-number ticks, day labels (every nth when
 * there are many) and the range in words. role="img" with a summary as its aria-label.
 */
export function drawChart(days) {
  const layout = chartLayout(days);
  const { plot } = layout;
  const bottom = plot.top + plot.height;
  const root = svg("svg", {
    viewBox: `0 0 ${layout.width} ${layout.height}`,
    class: "per-day-chart",
    role: "img",
    "aria-label": describeDays(days),
  });

  const grid = svg("g", { class: "y-axis" });
  for (const tick of layout.ticks) {
    grid.append(
      svg("line", { class: "grid", x1: plot.left, x2: plot.left + plot.width, y1: tick.y, y2: tick.y }),
      svg("text", { x: plot.left - 6, y: tick.y, "text-anchor": "end", "dominant-baseline": "middle" }, String(tick.value)),
    );
  }
  root.append(grid);

  const bars = svg("g", { class: "bars" });
  for (const bar of layout.bars) {
    const rect = svg("rect", {
      class: bar.submitted > 0 ? "bar" : "bar empty-day",
      x: bar.x,
      y: bar.y,
      width: bar.width,
      height: bar.height,
      "data-day": bar.day,
      "data-submitted": bar.submitted,
    });
    rect.append(svg("title", {}, barTitle(bar)));
    bars.append(rect);
  }
  root.append(bars);

  const axis = svg("g", { class: "x-axis" });
  axis.append(svg("line", { class: "axis", x1: plot.left, x2: plot.left + plot.width, y1: bottom, y2: bottom }));
  for (const label of layout.labels) {
    axis.append(
      svg("line", { class: "tick", x1: label.x, x2: label.x, y1: bottom, y2: bottom + 4 }),
      svg("text", { x: label.x, y: bottom + 16, "text-anchor": "middle" }, label.text),
    );
  }
  const range = days.length === 1 ? days[0].day : `${days[0].day} to ${days[days.length - 1].day}`;
  const every = layout.every > 1 ? `, a label every ${layout.every} days` : "";
  axis.append(
    svg(
      "text",
      { class: "axis-title", x: plot.left + plot.width / 2, y: layout.height - 6, "text-anchor": "middle" },
      `Day (UTC), ${range}${every}`,
    ),
  );
  root.append(axis);
  return root;
}
