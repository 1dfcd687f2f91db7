// The peer side of store_bench.sh: the same data and queries on Oxigraph
// (npm `oxigraph`, in-memory store), printing the same JSON lines.
//   node store_bench.mjs --repeat N --query NAME=FILE ... DATA.nt ...
import { readFileSync } from "node:fs";
import path from "node:path";

import { requirePeer } from "../peers.mjs";

const here = path.dirname(new URL(import.meta.url).pathname);
const oxigraph = requirePeer("oxigraph");

let repeat = 5, replaceFile = "", replaceTimes = 0;
const queries = [], files = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--repeat") repeat = Number(args[++i]);
  else if (args[i] === "--replace") replaceFile = args[++i];
  else if (args[i] === "--times") replaceTimes = Number(args[++i]);
  else if (args[i] === "--query") { const [n, f] = args[++i].split("="); queries.push([n, f]); }
  else files.push(args[i]);
}
const t0 = performance.now();
const store = new oxigraph.Store();
let triples = 0;
for (const f of files) {
  const text = readFileSync(f, "utf8");
  triples += text.split("\n").filter((l) => l.trim()).length;
  store.load(text, { format: "application/n-triples" });
}
const t1 = performance.now();
console.log(JSON.stringify({ event: "load", backend: "oxigraph", triples, write_ms: t1 - t0, triples_per_s: Math.round(triples / ((t1 - t0) / 1000)) }));
for (const [name, file] of queries) {
  const q = readFileSync(file, "utf8");
  const times = [];
  let rows = 0;
  for (let r = 0; r < repeat; r++) {
    const a = performance.now();
    const res = store.query(q);
    rows = Array.isArray(res) ? res.length : 1;
    times.push(performance.now() - a);
  }
  times.sort((x, y) => x - y);
  console.log(JSON.stringify({ event: "query", backend: "oxigraph", query: name, rows, median_ms: times[Math.floor(times.length / 2)] }));
}

// The same replacement as tinykg_store_bench --replace: drop the named graph,
// load the Thing Description's triples into it.
if (replaceFile) {
  const text = readFileSync(replaceFile, "utf8");
  const graph = oxigraph.namedNode("urn:bench:replaced-thing");
  const times = [];
  for (let r = 0; r < Math.max(1, replaceTimes); r++) {
    const a = performance.now();
    store.update("DROP SILENT GRAPH <urn:bench:replaced-thing>");
    store.load(text, { format: "application/n-triples", to_graph_name: graph });
    times.push(performance.now() - a);
  }
  times.sort((x, y) => x - y);
  const triples = text.split("\n").filter((l) => l.trim()).length;
  console.log(JSON.stringify({ event: "replace", backend: "oxigraph", triples, times: times.length,
    median_ms: times[Math.floor(times.length / 2)], p99_ms: times[Math.min(times.length - 1, Math.floor(times.length * 0.99))] }));
}
