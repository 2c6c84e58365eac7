// Which labels the workspace offers for new work. A retired label (``retired`` in GET
// /api/labels) is still drawn and named on the annotations that use it, but has no button,
// no hotkey, and no place in a picker other than the picker of an item that has it.

/** The labels of one kind that new work may use, in display order. */
export function offered(labels) {
  return labels.filter((label) => !label.retired);
}

/** A picker's choices for an item labelled ``current``: the offered labels, and ``current``
 * itself when it is retired, so that the picker shows what the item has. */
export function choices(labels, current) {
  return labels.filter((label) => !label.retired || label.name === current);
}

/** How a picker names a label: its display name, "(retired)" when it is. */
export function choiceName(label, hotkey = label.hotkey) {
  const name = hotkey ? `${label.display_name} (${hotkey})` : label.display_name;
  return label.retired ? `${name} (retired)` : name;
}
