#include "sparql_kind.h"

#include <gtest/gtest.h>

#include "merge_patch.h"

namespace tinykg::serve {
namespace {

TEST(ClassifySparql, ReadsTheFormAfterThePrologue) {
  EXPECT_EQ(ClassifySparql("SELECT * WHERE { ?s ?p ?o }"), SparqlForm::kSelect);
  EXPECT_EQ(ClassifySparql("# c\nPREFIX ex: <http://e/>\nPREFIX : <http://f/>\nBASE <http://b/>\nask { ?s ?p ?o }"),
            SparqlForm::kAsk);
  EXPECT_EQ(ClassifySparql("prefix td: <https://x#> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"),
            SparqlForm::kConstruct);
  EXPECT_EQ(ClassifySparql("DESCRIBE <urn:x>"), SparqlForm::kDescribe);
}

TEST(ClassifySparql, FindsUpdates) {
  EXPECT_EQ(ClassifySparql("INSERT DATA { <urn:a> <urn:b> <urn:c> }"), SparqlForm::kUpdate);
  EXPECT_EQ(ClassifySparql("PREFIX ex: <http://e/> DELETE WHERE { ?s ?p ?o }"), SparqlForm::kUpdate);
  EXPECT_EQ(ClassifySparql("# SELECT\n drop all"), SparqlForm::kUpdate);
  EXPECT_EQ(ClassifySparql("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }"), SparqlForm::kUpdate);
  EXPECT_EQ(ClassifySparql("LOAD <http://x>"), SparqlForm::kUpdate);
}

TEST(ClassifySparql, UnknownForGarbage) {
  EXPECT_EQ(ClassifySparql(""), SparqlForm::kUnknown);
  EXPECT_EQ(ClassifySparql("{ }"), SparqlForm::kUnknown);
  EXPECT_EQ(ClassifySparql("HELLO"), SparqlForm::kUnknown);
}

TEST(MergePatch, FollowsRfc7396Examples) {
  using Json = nlohmann::ordered_json;
  // RFC 7396 section 3 example.
  Json target = Json::parse(R"({"title":"Goodbye!","author":{"givenName":"John","familyName":"Doe"},
                               "tags":["example","sample"],"content":"This will be unchanged"})");
  Json patch = Json::parse(R"({"title":"Hello!","phoneNumber":"+01-123-456-7890",
                              "author":{"familyName":null},"tags":["example"]})");
  Json want = Json::parse(R"({"title":"Hello!","author":{"givenName":"John"},"tags":["example"],
                             "content":"This will be unchanged","phoneNumber":"+01-123-456-7890"})");
  EXPECT_EQ(MergePatch(target, patch), want);
  EXPECT_EQ(MergePatch(Json::parse(R"({"a":"b"})"), Json::parse(R"({"a":"c"})")), Json::parse(R"({"a":"c"})"));
  EXPECT_EQ(MergePatch(Json::parse(R"({"a":[{"b":"c"}]})"), Json::parse(R"({"a":[1]})")),
            Json::parse(R"({"a":[1]})"));
  EXPECT_EQ(MergePatch(Json::parse(R"(["a","b"])"), Json::parse(R"(["c","d"])")), Json::parse(R"(["c","d"])"));
  EXPECT_EQ(MergePatch(Json::parse(R"({"a":"foo"})"), Json::parse("null")), Json::parse("null"));
  EXPECT_EQ(MergePatch(Json::parse(R"({})"), Json::parse(R"({"a":{"bb":{"ccc":null}}})")),
            Json::parse(R"({"a":{"bb":{}}})"));
}

}  // namespace
}  // namespace tinykg::serve
