// Differential test: every shipped query (ontology/queries/*.rq) answers the
// same on Oxigraph as on tinykg (Rasqal behind the query guard).
//
//   node oxigraph_diff.mjs DATA.nq RESULTS_DIR QUERY.rq...
//
// DATA.nq is tinykg's export of the store (with the materialised
// inferences); RESULTS_DIR/<query>.srj holds tinykg's SPARQL JSON answer to
// each query. Rows are compared as multisets of terms; GROUP_CONCAT values
// are compared as sets of their space-separated parts (the order of
// concatenation is not defined by SPARQL).
import { readFileSync } from "node:fs";
import path from "node:path";

import { requirePeer } from "../peers.mjs";

const oxigraph = requirePeer("oxigraph");

const [dataFile, resultsDir, ...queries] = process.argv.slice(2);
// tinykg's queries see the union of all named graphs as a set of triples;
// give Oxigraph that same set as its default graph.
const triples = new Set();
for (const line of readFileSync(dataFile, "utf8").split("\n")) {
  if (!line.trim()) continue;
  const m = line.match(/^(.*) <[^<>]*> \.$/);
  triples.add((m ? m[1] : line.replace(/ \.$/, "")) + " .");
}
const store = new oxigraph.Store();
store.load([...triples].join("\n") + "\n", { format: "application/n-triples" });

const XSD = "http://www.w3.org/2001/XMLSchema#";
function norm(term) {
  if (!term) return "";
  if (term.type === "uri" || term.termType === "NamedNode") return "<" + term.value + ">";
  if (term.type === "bnode" || term.termType === "BlankNode") return "_:";
  const value = term.value;
  const lang = term["xml:lang"] ?? term.language ?? "";
  let dt = term.datatype?.value ?? term.datatype ?? "";
  if (dt === XSD + "string" || dt === "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString") dt = "";
  // Numbers compare by value: Rasqal and Oxigraph may print 1.0E2 vs 100.
  if ([XSD + "integer", XSD + "decimal", XSD + "double", XSD + "float"].includes(dt)) return String(Number(value));
  const parts = value.includes(" ") ? value.split(" ").sort().join(" ") : value;
  return JSON.stringify(parts) + (lang ? "@" + lang : "");
}

let passed = 0, failed = 0;
for (const q of queries) {
  const name = path.basename(q, ".rq");
  const text = readFileSync(q, "utf8");
  const ours = JSON.parse(readFileSync(path.join(resultsDir, name + ".srj"), "utf8"));
  const vars = ours.head.vars;
  const mine = ours.results.bindings.map((b) => vars.map((v) => norm(b[v])).join(" | ")).sort();
  const theirs = store.query(text)
    .map((m) => vars.map((v) => norm(m.get(v))).join(" | ")).sort();
  const same = mine.length === theirs.length && mine.every((row, i) => row === theirs[i]);
  if (same) {
    passed++;
    console.log(`ok ${name} (${mine.length} rows)`);
  } else {
    failed++;
    console.log(`FAIL ${name}: tinykg ${mine.length} rows, oxigraph ${theirs.length} rows`);
    const a = new Set(mine), b = new Set(theirs);
    for (const r of mine) if (!b.has(r)) console.log("  only tinykg:   " + r);
    for (const r of theirs) if (!a.has(r)) console.log("  only oxigraph: " + r);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
