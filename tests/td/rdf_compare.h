// Test helpers: a small N-Quads reader and RDF dataset isomorphism (blank
// nodes compared up to renaming).
#ifndef TINYKG_TESTS_TD_RDF_COMPARE_H_
#define TINYKG_TESTS_TD_RDF_COMPARE_H_

#include <string>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/td/jsonld.h"

namespace tinykg::td::testing {

// Parses N-Quads (one statement per line, comments and blank lines allowed).
Result<std::vector<Quad>> ParseNQuads(const std::string& text);

// True when the two datasets (duplicates ignored) are isomorphic. When not,
// `why` (if given) gets a short explanation.
bool Isomorphic(std::vector<Quad> a, std::vector<Quad> b, std::string* why = nullptr);

}  // namespace tinykg::td::testing

#endif  // TINYKG_TESTS_TD_RDF_COMPARE_H_
