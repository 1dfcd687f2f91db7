// The npm test peers (scripts/packages/npm-*.txt, installed into .peers/ by
// `scripts/setup.sh --tests`), loaded the same way by every differential
// test and benchmark. $TINYKG_PEERS overrides the node_modules folder.
//
// Debian 12's Node.js is 18.x, which has no global `crypto`; the oxigraph
// package (Rust compiled to WebAssembly) seeds its random generator from
// `globalThis.crypto.getRandomValues` and panics without it ("could not
// initialize ThreadRng: Web Crypto API is unavailable"). Node 18 has the same
// API as `node:crypto`'s `webcrypto`, so it is installed as the global first.
import { webcrypto } from "node:crypto";
import { createRequire } from "node:module";
import path from "node:path";

if (!globalThis.crypto) globalThis.crypto = webcrypto;

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);

export const peersDir = process.env.TINYKG_PEERS || path.resolve(here, "../.peers/node_modules");

// require() of a peer package by name, from .peers/node_modules.
export function requirePeer(name) {
  return require(path.resolve(peersDir, name));
}
