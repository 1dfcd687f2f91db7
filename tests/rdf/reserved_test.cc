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
    EXPECT_TRUE(CheckUserGraphIri(iri).ok()) << iri;
  }
}

}  // namespace
}  // namespace tinykg::rdf
