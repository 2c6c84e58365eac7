// alias.js: the page compares aliases exactly as the server does (tests/js/alias_cases.json).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { normaliseAlias } from "../../annotator/static/js/workspace/alias.js";

const CASES = JSON.parse(readFileSync(new URL("./alias_cases.json", import.meta.url), "utf8"));

test("every case of the shared fixture normalises as the server's normalise_alias does", () => {
  assert.ok(CASES.length >= 40);
  for (const { note, input, expected } of CASES) {
    assert.equal(normaliseAlias(input), expected, `${note}: ${JSON.stringify(input)}`);
  }
});

test("Straße, STRASSE and strasse are the same alias", () => {
  assert.equal(normaliseAlias("Straße"), normaliseAlias("STRASSE"));
  assert.equal(normaliseAlias("Straße"), "strasse");
});

test("a Greek name matches whether its sigma is final or not", () => {
  assert.equal(normaliseAlias("ΣΟΦΟΣ"), normaliseAlias("σοφος"));
});

test("Arabic with or without short vowels and tatweel is one alias", () => {
  assert.equal(normaliseAlias("دَاعِش"), "داعش");
  assert.equal(normaliseAlias("داعـــش"), "داعش");
});

test("dashes, underscores and spacing do not make a different alias", () => {
  const forms = ["Jaysh-al-Islam", "Jaysh al-Islam", "Jaysh–al–Islam", "Jaysh_al_Islam", "  jaysh\u00a0AL  islam "];
  for (const form of forms) assert.equal(normaliseAlias(form), "jaysh al islam", form);
});

test("a curly apostrophe matches a straight one", () => {
  assert.equal(normaliseAlias("Ahrar al-Sham’s"), normaliseAlias("Ahrar al-Sham's"));
});

test("full-width and ligature letters match their plain forms", () => {
  assert.equal(normaliseAlias("ＩＳＩＳ"), "isis");
  assert.equal(normaliseAlias("ﬁnance"), "finance");
});

test("emoji are kept as they are", () => {
  assert.equal(normaliseAlias("🇸🇾 Syria"), "🇸🇾 syria");
});
