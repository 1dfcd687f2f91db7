#include "tinykg/rdf/reserved.h"

#include <gtest/gtest.h>

#include "tinykg/rdf/store.h"

namespace tinykg::rdf {
namespace {

TEST(Reserved, TinykgNamespaceIsReservedInAnyCase) {
  for (const char* iri : {"urn:tinykg:catalog", "urn:tinykg:inferred:http://ex/g", "URN:TinyKG:catalog",
                          "urn:tinykg:", "urn:tinykg:store:x:y"}) {
    EXPECT_TRUE(IsReservedIri(iri)) << iri;
    Status s = CheckUserGraphIri(iri);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << iri;
    EXPECT_NE(s.message().find("reserves"), std::string::npos) << s.ToString();
  }
  EXPECT_TRUE(IsReservedIri(kCatalogGraph));
  EXPECT_TRUE(IsReservedIri(InferredGraphOf("http://ex/g")));
}

TEST(Reserved, OtherIrisAreFree) {
  for (const char* iri : {"urn:tinykgx:catalog", "urn:tinykg", "http://ex/urn:tinykg:catalog", "",
                          "urn:uuid:1234", "https://w3id.org/tinykg/id/model/x", "file:///tmp/a.ttl"}) {
    EXPECT_FALSE(IsReservedIri(iri)) << iri;
    EXPECT_TRUE(CheckDroppableGraphIri(iri).ok()) << iri;
    EXPECT_EQ(CheckUserGraphIri(iri).ok(), *iri != '\0') << iri;  // a new graph needs an IRI
  }
}

// `load --graph 'urn:a b'` (and `>`, `"`, a relative name, bad UTF-8) stored
// a graph whose IRI the store's own N-Quads export could not write as it is
// (<urn:a\u0020b>). A new graph's IRI must be well-formed; dropping one
// stored before stays possible.
TEST(Reserved, NewGraphsNeedAWellFormedIri) {
  for (const char* iri : {"urn:a b", "notanabsoluteiri", "urn:a>b", "http://x/\"q", "urn:a\tb", "urn:a#b#c",
                          "urn:\xff", "urn:\xc3"}) {
    const Status s = CheckUserGraphIri(iri);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << iri;
    EXPECT_TRUE(CheckDroppableGraphIri(iri).ok()) << iri;
  }
  for (const char* iri : {"urn:a:b", "https://ex.org/g#x", "urn:caf\xc3\xa9", "file:///tmp/a%20b.ttl"}) {
    EXPECT_TRUE(CheckUserGraphIri(iri).ok()) << iri;
  }
  EXPECT_FALSE(CheckDroppableGraphIri("urn:tinykg:catalog").ok());
}

}  // namespace
}  // namespace tinykg::rdf
