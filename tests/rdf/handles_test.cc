// Every Redland handle wrapper must tolerate being empty.
#include <gtest/gtest.h>

#include "redland_handles.h"

namespace tinykg::rdf::internal {
namespace {

TEST(RedlandHandles, EmptyHandlesOfEveryTypeAreFreed) {
  { WorldPtr p; }
  { StoragePtr p; }
  { ModelPtr p; }
  { ParserPtr p; }
  { SerializerPtr p; }
  { NodePtr p; }
  { StatementPtr p; }
  { StreamPtr p; }
  { IteratorPtr p; }
  { QueryPtr p; }
  { QueryResultsPtr p; }
  { UriPtr p; }
  WorldPtr reset_to_null(nullptr);
  reset_to_null.reset();
  SUCCEED();
}

TEST(RedlandHandles, WorldCapturesParserErrorsInsteadOfPrinting) {
  auto world = World::Create();
  ASSERT_NE(world, nullptr);
  ParserPtr parser(librdf_new_parser(world->get(), "turtle", nullptr, nullptr));
  ASSERT_NE(parser, nullptr);
  UriPtr base(librdf_new_uri(world->get(), reinterpret_cast<const unsigned char*>("http://ex/")));
  const char* bad = "<a> <b> .\n";
  StreamPtr stream(librdf_parser_parse_string_as_stream(
      parser.get(), reinterpret_cast<const unsigned char*>(bad), base.get()));
  while (stream && !librdf_stream_end(stream.get())) librdf_stream_next(stream.get());
  EXPECT_TRUE(world->HasErrors());
  Status s = world->ErrorStatus(StatusCode::kParseError, "bad.ttl", "fallback");
  EXPECT_EQ(s.code(), StatusCode::kParseError);
  EXPECT_EQ(s.where().file, "bad.ttl");
  EXPECT_EQ(s.where().line, 1);
  EXPECT_FALSE(world->HasErrors());
}

TEST(RedlandHandles, TermRoundTripThroughNodes) {
  auto world = World::Create();
  ASSERT_NE(world, nullptr);
  for (const Term& t : {Term::Iri("http://ex/a"), Term::Blank("b1"), Term::Literal("x"),
                        Term::Literal("chat", "", "fr"),
                        Term::Literal("42", "http://www.w3.org/2001/XMLSchema#integer")}) {
    NodePtr node = world->NewNode(t);
    ASSERT_NE(node, nullptr);
    EXPECT_EQ(World::TermOf(node.get()), t);
  }
}

}  // namespace
}  // namespace tinykg::rdf::internal
