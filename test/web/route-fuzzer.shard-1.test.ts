import { fuzzRoutes } from "./route-fuzzer.ts";

// Issue 10, finding 6: see route-fuzzer.ts.
fuzzRoutes(0, 2);
