// The shipped graph (ontology/*.ttl + kg/*.ttl) in a memory store, as
// `tinykg init` loads it, for the match tests.
#ifndef TINYKG_TESTS_MATCH_SHIPPED_GRAPH_H_
#define TINYKG_TESTS_MATCH_SHIPPED_GRAPH_H_

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "tinykg/base/file.h"
#include "tinykg/rdf/store.h"
#include "tinykg/rdf/syntax.h"

namespace tinykg::testing {

// The document a load makes of Turtle `text` (a failed parse is a test
// failure and an empty document).
inline rdf::GraphDocument TurtleDocument(const std::string& iri, const std::string& text, const std::string& kind,
                                         const std::string& source) {
  auto triples = rdf::ParseRdf(text, rdf::Syntax::kTurtle, iri, source);
  EXPECT_TRUE(triples.ok()) << triples.status().ToString();
  rdf::GraphDocument doc;
  doc.iri = iri;
  doc.kind = kind;
  doc.source = source;
  if (triples.ok()) doc.triples = std::move(triples).value();
  return doc;
}

inline void LoadTurtleFile(rdf::Store& store, const std::string& path, const char* kind) {
  auto text = ReadFile(path);
  ASSERT_TRUE(text.ok()) << text.status().ToString();
  ASSERT_TRUE(store.Put(TurtleDocument(FileIri(path), *text, kind, path)).ok());
}

// A memory store with the ontology and the shipped kg/, shared by a suite.
inline rdf::Store& ShippedStore() {
  static std::unique_ptr<rdf::Store> store = [] {
    auto s = rdf::Store::Open("memory:");
    EXPECT_TRUE(s.ok());
    std::unique_ptr<rdf::Store> out = std::move(s).value();
    namespace fs = std::filesystem;
    std::vector<std::string> files;
    for (const char* dir : {"ontology", "kg"}) {
      for (const auto& e : fs::recursive_directory_iterator(fs::path(TINYKG_SOURCE_DIR) / dir)) {
        if (e.path().extension() == ".ttl") files.push_back(e.path().string());
      }
    }
    std::sort(files.begin(), files.end(), [](const std::string& a, const std::string& b) {
      bool ao = a.find("/ontology/") != std::string::npos, bo = b.find("/ontology/") != std::string::npos;
      return ao != bo ? ao : a < b;
    });
    for (const auto& f : files) {
      LoadTurtleFile(*out, f, f.find("/ontology/") != std::string::npos ? rdf::kKindOntology : rdf::kKindKg);
    }
    return out;
  }();
  return *store;
}

}  // namespace tinykg::testing

#endif  // TINYKG_TESTS_MATCH_SHIPPED_GRAPH_H_
