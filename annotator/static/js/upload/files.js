// Pure helpers of the upload page (tests/js/upload_files.test.mjs).

// The files already chosen followed by the dropped ones, a file dropped again (same name,
// size and time) only once.
export function mergeFiles(chosen, dropped) {
  const seen = new Set();
  const merged = [];
  for (const file of [...chosen, ...dropped]) {
    const key = `${file.name}\u0000${file.size}\u0000${file.lastModified}`;
    if (seen.has(key)) continue;
    seen.add(key);
    merged.push(file);
  }
  return merged;
}

// "name (12.3 kB)": what the list of chosen files shows for one.
export function describeFile(file) {
  const size = file.size;
  const shown =
    size < 1000 ? `${size} B` : size < 1e6 ? `${(size / 1e3).toFixed(1)} kB` : `${(size / 1e6).toFixed(1)} MB`;
  return `${file.name} (${shown})`;
}
