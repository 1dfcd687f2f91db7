// The Oxigraph side of match_bench.sh: the same fleet and the same named
// queries (ontology/queries/match-*.rq) that `tinykg match` runs, with the
// same constant bindings, on Oxigraph (npm `oxigraph`, in-memory). Prints one
// JSON line per operation: {"op", "backend": "oxigraph", "ms", "rows"}.
//   node match_bench.mjs MODEL_IRI DEVICE_IRI SENSOR_IRI RAM FLASH FILE.nt|.ttl ...
import { readFileSync } from "node:fs";
import path from "node:path";

import { requirePeer } from "../peers.mjs";

const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, "../..");
const oxigraph = requirePeer("oxigraph");

const [modelIri, deviceIri, sensorIri, ram, flash, ...files] = process.argv.slice(2);
const store = new oxigraph.Store();
const t0 = performance.now();
for (const f of files) {
  store.load(readFileSync(f, "utf8"), { format: f.endsWith(".nt") ? "application/n-triples" : "text/turtle", base_iri: "file://" + f });
}
console.log(JSON.stringify({ op: "load", backend: "oxigraph", ms: performance.now() - t0 }));

const rq = (name) => readFileSync(path.join(root, "ontology/queries", name + ".rq"), "utf8");
// BindConstants: ?var after WHERE becomes the constant.
function bind(text, vars) {
  const at = text.search(/WHERE\s*\{/i);
  let tail = text.slice(at);
  for (const [v, term] of Object.entries(vars)) tail = tail.replace(new RegExp("\\?" + v + "\\b", "g"), term);
  return text.slice(0, at) + tail;
}
const int = (n) => `"${n}"^^<http://www.w3.org/2001/XMLSchema#integer>`;
function run(queries) {
  let rows = 0;
  for (const q of queries) rows += store.query(q).length;
  return rows;
}
function time(op, build, repeat = 3) {
  let best = Infinity, rows = 0;
  for (let r = 0; r < repeat; r++) {
    const a = performance.now();
    rows = run(build());
    best = Math.min(best, performance.now() - a);
  }
  console.log(JSON.stringify({ op, backend: "oxigraph", ms: best, rows }));
}
const m = `<${modelIri}>`, d = `<${deviceIri}>`;
const modelQueries = (b) => ["match-model-facts", "match-accuracy"].map((n) => bind(rq(n), b));
const deviceQueries = (b) => ["match-device-facts"].map((n) => bind(rq(n), b));
const reference = ["match-runtime-operators", "match-runtime-optimised", "match-cores"].map(rq);

// match --model: the model's facts, then candidates by sensor and budget
// with their facts in one query, as tinykg runs it.
time("match --model", () => [
  ...reference,
  ...modelQueries({ model: m }),
  bind(rq("match-candidate-devices"), { kind: `<${sensorIri}>`, min_ram: int(ram), min_flash: int(flash) }),
]);
// match --device: the device's facts and every model's facts.
time("match --device", () => [...reference, ...deviceQueries({ device: d }), ...modelQueries({})]);
// matrix: every device's and every model's facts.
time("matrix", () => [...reference, ...deviceQueries({}), ...modelQueries({})], 1);
