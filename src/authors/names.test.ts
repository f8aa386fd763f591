import assert from "node:assert/strict";
import { test } from "node:test";
import { authorKey } from "./names.ts";

test("every spelling of one name has one key; names that only look alike keep their own", () => {
  for (const spelling of ['Thomas M\\"uller', 'Thomas M{\\"u}ller', "THOMAS MÜLLER", "Thomas Muller"])
    assert.equal(authorKey(spelling), authorKey("Thomas Müller"), spelling);
  assert.equal(authorKey("Mikkel {\\O}bro"), authorKey("Mikkel Øbro"));
  // a guess between these would follow, or unfollow, someone else
  assert.notEqual(authorKey("Li Xue"), authorKey("Li Xu"));
  assert.notEqual(authorKey("Wei Yue"), authorKey("Wei Yu"));
  assert.notEqual(authorKey("Michael Schmidt"), authorKey("Michal Schmidt"));
});
