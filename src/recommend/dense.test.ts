import assert from "node:assert/strict";
import { test } from "node:test";
import { mulberry32 } from "../search/embed/random.ts";
import { dot } from "../search/embed/vectors.ts";
import { dotsWithEach } from "./dense.ts";

test("dotsWithEach gives each vector's dot product with the same bits, however many vectors", () => {
  const rand = mulberry32(21);
  for (const n of [0, 1, 7, 256]) {
    const x = Float32Array.from({ length: n }, () => rand() - 0.5);
    for (let count = 0; count <= 9; count++) {
      const cs = Array.from({ length: count }, () => Float32Array.from({ length: n }, () => rand() - 0.5));
      const out = new Float64Array(count).fill(Number.NaN);
      dotsWithEach(x, cs, out);
      assert.deepEqual(
        Array.from(out),
        cs.map((c) => dot(x, c)),
        `${count} vectors of ${n}`,
      );
    }
  }
});
