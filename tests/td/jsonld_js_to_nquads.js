// Differential peer: converts JSON-LD files to N-Quads with jsonld.js, using
// a local document loader (never the network).
// usage: node jsonld_js_to_nquads.js CONTEXT_DIR OUT_DIR [--ignore IRI]... < list
//   list: one input file per line; writes OUT_DIR/<line number>.nq, or
//   OUT_DIR/<line number>.err with the error message.
'use strict';
const fs = require('fs');
const path = require('path');
const jsonld = require('jsonld');

const [contextDir, outDir, ...rest] = process.argv.slice(2);
const ignored = new Set();
for (let i = 0; i < rest.length; i += 2) if (rest[i] === '--ignore') ignored.add(rest[i + 1]);

const known = {
  'https://www.w3.org/2019/wot/td/v1': 'td-context-1.0.jsonld',
  'https://www.w3.org/2022/wot/td/v1.1': 'td-context-1.1.jsonld',
  'https://www.w3.org/2022/wot/discovery': 'discovery-context.jsonld',
  'https://www.w3.org/2019/wot/hypermedia': 'hypermedia-context.jsonld',
  'https://www.w3.org/2019/wot/json-schema': 'json-schema-context.jsonld',
  'https://www.w3.org/2019/wot/security': 'wot-security-context.jsonld',
  'https://w3id.org/tinykg/context/v1': 'tinykg-context.jsonld',
};
const cache = new Map();
async function documentLoader(url) {
  if (ignored.has(url)) return {contextUrl: null, documentUrl: url, document: {'@context': {}}};
  const file = known[url];
  if (!file) throw new Error('unknown remote context ' + url);
  if (!cache.has(url)) cache.set(url, JSON.parse(fs.readFileSync(path.join(contextDir, file), 'utf8')));
  return {contextUrl: null, documentUrl: url, document: cache.get(url)};
}

async function main() {
  const files = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.length > 0);
  for (let i = 0; i < files.length; ++i) {
    try {
      const doc = JSON.parse(fs.readFileSync(files[i], 'utf8'));
      const nq = await jsonld.toRDF(doc, {format: 'application/n-quads', documentLoader, safe: false});
      fs.writeFileSync(path.join(outDir, i + '.nq'), nq);
    } catch (e) {
      fs.writeFileSync(path.join(outDir, i + '.err'), String(e && e.message));
    }
  }
}
main();
