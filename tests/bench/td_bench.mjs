// The peer side of td_bench.sh: every file of a folder through jsonld.js
// toRDF (contexts from the local folder, never the network) and N3's writer
// to N-Quads, written to one file, as `tinykg import td --dry-run --format
// nquads` does. Prints {"peer": "jsonld.js+n3", "tds", "ms", "quads"}.
//   node td_bench.mjs CONTEXT_DIR CORPUS_DIR OUT.nq
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const peers = process.env.TINYKG_PEERS || path.resolve(here, "../../.peers/node_modules");
const jsonld = require(path.join(peers, "jsonld"));
const N3 = require(path.join(peers, "n3"));

const [contextDir, corpusDir, outFile] = process.argv.slice(2);
const known = {
  "https://www.w3.org/2019/wot/td/v1": "td-context-1.0.jsonld",
  "https://www.w3.org/2022/wot/td/v1.1": "td-context-1.1.jsonld",
  "https://www.w3.org/2022/wot/discovery": "discovery-context.jsonld",
  "https://www.w3.org/2019/wot/hypermedia": "hypermedia-context.jsonld",
  "https://www.w3.org/2019/wot/json-schema": "json-schema-context.jsonld",
  "https://www.w3.org/2019/wot/security": "wot-security-context.jsonld",
  "https://w3id.org/tinykg/context/v1": "tinykg-context.jsonld",
};
const cache = new Map();
async function documentLoader(url) {
  // tinykg ignores the webthings.io context too (it is not published as JSON-LD).
  if (url.startsWith("https://webthings.io/schemas")) return { contextUrl: null, documentUrl: url, document: { "@context": {} } };
  const file = known[url];
  if (!file) throw new Error("unknown remote context " + url);
  if (!cache.has(url)) cache.set(url, JSON.parse(readFileSync(path.join(contextDir, file), "utf8")));
  return { contextUrl: null, documentUrl: url, document: cache.get(url) };
}

const files = readdirSync(corpusDir).filter((f) => f.endsWith(".jsonld")).sort();
const t0 = performance.now();
const writer = new N3.Writer({ format: "N-Quads" });
let quads = 0;
for (const f of files) {
  const doc = JSON.parse(readFileSync(path.join(corpusDir, f), "utf8"));
  const dataset = await jsonld.toRDF(doc, { documentLoader, safe: false });
  const graph = N3.DataFactory.namedNode(doc.id);
  for (const q of dataset) {
    // Each TD in its own named graph, as tinykg stores it.
    writer.addQuad(N3.DataFactory.quad(toN3(q.subject), toN3(q.predicate), toN3(q.object), graph));
    ++quads;
  }
}
const text = await new Promise((resolve, reject) => writer.end((e, r) => (e ? reject(e) : resolve(r))));
writeFileSync(outFile, text);
const ms = performance.now() - t0;
console.log(JSON.stringify({ peer: "jsonld.js+n3", tds: files.length, ms, quads }));

function toN3(term) {
  const f = N3.DataFactory;
  switch (term.termType) {
    case "NamedNode": return f.namedNode(term.value);
    case "BlankNode": return f.blankNode(term.value.replace(/^_:/, ""));
    case "Literal":
      return term.language ? f.literal(term.value, term.language) : f.literal(term.value, f.namedNode(term.datatype.value));
    default: return f.defaultGraph();
  }
}
