#include "tinykg/td/jsonld.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <sstream>
#include <string>

#include "../../src/td/iri.h"

namespace tinykg::td {
namespace {

std::string NQuads(const Json& input, const JsonLdOptions& options = {}) {
  JsonLdProcessor processor;
  Result<std::vector<Quad>> quads = processor.ToRdf(input, options);
  EXPECT_TRUE(quads.ok()) << quads.status().ToString();
  return quads.ok() ? ToNQuads(*quads) : std::string();
}

TEST(Iri, ResolvesRfc3986Examples) {
  const std::string base = "http://a/b/c/d;p?q";
  EXPECT_EQ(ResolveIri(base, "g"), "http://a/b/c/g");
  EXPECT_EQ(ResolveIri(base, "../g"), "http://a/b/g");
  EXPECT_EQ(ResolveIri(base, "../../../g"), "http://a/g");
  EXPECT_EQ(ResolveIri(base, "?y"), "http://a/b/c/d;p?y");
  EXPECT_EQ(ResolveIri(base, "#s"), "http://a/b/c/d;p?q#s");
  EXPECT_EQ(ResolveIri(base, "//g"), "http://g");
  EXPECT_EQ(ResolveIri(base, ""), "http://a/b/c/d;p?q");
  EXPECT_EQ(ResolveIri(base, "g/./h/../i"), "http://a/b/c/g/i");
}

// ToRdfDefaultGraph gives ToRdf's default-graph statements, in ToRdf's
// order, and names the first named graph instead of writing it.
TEST(JsonLd, ToRdfDefaultGraph_IsToRdfWithoutNamedGraphs) {
  const Json doc = Json::parse(R"({"@id": "http://ex.org/g", "http://ex.org/q": [1, "a\"b"],
      "http://ex.org/list": {"@list": [true, {"@id": "_:n"}]},
      "@graph": [{"@id": "http://ex.org/s", "http://ex.org/p": "in the graph"}]})");
  JsonLdProcessor processor;
  Result<std::vector<Quad>> quads = processor.ToRdf(doc, {});
  ASSERT_TRUE(quads.ok()) << quads.status().ToString();
  std::vector<rdf::Triple> expected;
  for (const Quad& q : *quads) {
    if (q.in_default_graph()) expected.push_back(q.triple);
  }
  ASSERT_LT(expected.size(), quads->size());  // the document has a named graph
  rdf::Term named_graph;
  Result<std::vector<rdf::Triple>> triples = processor.ToRdfDefaultGraph(doc, {}, &named_graph);
  ASSERT_TRUE(triples.ok()) << triples.status().ToString();
  EXPECT_EQ(*triples, expected);
  EXPECT_EQ(named_graph, rdf::Term::Iri("http://ex.org/g"));

  const Json plain = Json::parse(R"({"@id": "http://ex.org/s", "http://ex.org/p": {"@value": "x", "@language": "en"}})");
  triples = processor.ToRdfDefaultGraph(plain, {}, &named_graph);
  ASSERT_TRUE(triples.ok());
  ASSERT_EQ(triples->size(), 1u);
  EXPECT_EQ((*triples)[0].ToNTriples(), "<http://ex.org/s> <http://ex.org/p> \"x\"@en .");
  EXPECT_TRUE(named_graph.value.empty());
}

// The N-Quads text form writes, line for line, what ToRdfDefaultGraph
// builds as rdf::Triples: IRIs and literals with escapes, blank nodes,
// lists, numbers, language tags, datatypes, rdf:JSON and both rdfDirection
// forms; a named graph is reported, not written.
TEST(JsonLd, ToNQuadsDefaultGraph_IsToRdfDefaultGraphAsText) {
  const Json doc = Json::parse(R"({"@id": "http://ex.org/g", "http://ex.org/q": [1, 2.5, 1e30, true, "a\"b"],
      "http://ex.org/a b": {"@id": "http://ex.org/x>y", "@type": ["http://ex.org/T", "_:t"]},
      "http://ex.org/list": {"@list": [true, {"@id": "_:n"}, {"@list": ["in", 3]}]},
      "http://ex.org/lang": [{"@value": "x\n", "@language": "en-GB"},
                             {"@value": "rtl", "@language": "ar", "@direction": "rtl"}],
      "http://ex.org/typed": [{"@value": "v", "@type": "http://ex.org/dt"},
                              {"@value": "s", "@type": "http://www.w3.org/2001/XMLSchema#string"},
                              {"@value": {"b": [1, 2.0], "a": null}, "@type": "@json"}],
      "@graph": [{"@id": "http://ex.org/s", "http://ex.org/p": "in the graph"}]})");
  const std::string line_end = " <http://ex.org/graph> .\n";
  for (const char* direction : {"", "i18n-datatype", "compound-literal"}) {
    JsonLdOptions options;
    options.rdf_direction = direction;
    JsonLdProcessor processor;
    rdf::Term named_graph;
    Result<std::vector<rdf::Triple>> triples = processor.ToRdfDefaultGraph(doc, options, &named_graph);
    ASSERT_TRUE(triples.ok()) << triples.status().ToString();
    std::string expected;
    for (const rdf::Triple& t : *triples) {
      t.AppendNTriplesTerms(expected);
      expected += line_end;
    }
    JsonLdProcessor text_processor;
    rdf::Term text_named_graph;
    std::string text = "kept\n";
    Result<size_t> written = text_processor.ToNQuadsDefaultGraph(doc, options, line_end, text, &text_named_graph);
    ASSERT_TRUE(written.ok()) << written.status().ToString();
    EXPECT_EQ(*written, triples->size()) << direction;
    EXPECT_EQ(text, "kept\n" + expected) << direction;
    EXPECT_EQ(text_named_graph, rdf::Term::Iri("http://ex.org/g"));
    EXPECT_GT(triples->size(), 20u);
  }
}

// The appending N-Triples writer is the one ToNTriples uses: escapes in
// IRIs and literals, language tags and datatypes (xsd:string left out).
TEST(JsonLd, NTriplesTextEscapesAsBefore) {
  const rdf::Triple t{rdf::Term::Iri("http://ex.org/a b<c>"), rdf::Term::Iri("http://ex.org/p"),
                      rdf::Term::Literal("q\"\\\n\r\t\b\f\x01\x7f\u00e9", "http://ex.org/dt")};
  EXPECT_EQ(t.ToNTriples(),
            "<http://ex.org/a\\u0020b\\u003Cc\\u003E> <http://ex.org/p> "
            "\"q\\\"\\\\\\n\\r\\t\\b\\f\\u0001\\u007F\u00e9\"^^<http://ex.org/dt> .");
  std::string appended = "x";
  t.AppendNTriplesTerms(appended);
  EXPECT_EQ(appended, "x" + t.ToNTriples().substr(0, t.ToNTriples().size() - 2));
  EXPECT_EQ(rdf::Term::Literal("s", "http://www.w3.org/2001/XMLSchema#string").ToNTriples(), "\"s\"");
  EXPECT_EQ(rdf::EscapeIri("a{b}"), "a\\u007Bb\\u007D");
  EXPECT_EQ(rdf::EscapeLiteral("plain"), "plain");
}

// EscapeIri skips plain text eight bytes at a time: every byte value at
// every offset of a long IRI (in a word, at a word's edge, in the tail) is
// escaped exactly as a byte-by-byte reading says.
TEST(JsonLd, IriEscapesFoundAtEveryOffset) {
  auto reference = [](const std::string& iri) {
    std::string out;
    for (unsigned char c : iri) {
      if (c <= 0x20 || std::string_view("<>\"{}|^`\\").find(static_cast<char>(c)) != std::string_view::npos) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04X", c);
        out += buf;
      } else {
        out += static_cast<char>(c);
      }
    }
    return out;
  };
  const std::string plain = "https://www.w3.org/2019/wot/td#hasPropertyAffordance";
  size_t escaped = 0;
  for (size_t at = 0; at < plain.size(); ++at) {
    for (int byte = 1; byte < 256; ++byte) {
      std::string iri = plain;
      iri[at] = static_cast<char>(byte);
      const std::string expected = reference(iri);
      if (expected.size() != iri.size()) ++escaped;
      ASSERT_EQ(rdf::EscapeIri(iri), expected) << "byte " << byte << " at " << at;
    }
  }
  EXPECT_EQ(escaped, plain.size() * 41);  // 0x01-0x20 and the 9 characters
  EXPECT_EQ(rdf::EscapeIri(plain), plain);
}

// toRdf writes the IRIs IsWellFormedIri accepted without escaping them: the
// bytes it refuses must be exactly the bytes N-Triples escapes in an IRI.
// Every byte value at every offset, against a byte-by-byte reading of the
// rule (a scheme, no forbidden byte, at most one '#').
TEST(JsonLd, WellFormedIrisNeedNoNTriplesEscape) {
  const std::string plain = "https://www.w3.org/2019/wot/td/v1.1/hasPropertyAffordance";
  size_t refused = 0;
  for (size_t at = 6; at < plain.size(); ++at) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string iri = plain;
      iri[at] = static_cast<char>(byte);
      const bool escapes = rdf::EscapeIri(iri) != iri;
      const bool forbidden =
          byte <= 0x20 || std::string_view("<>\"{}|^`\\").find(static_cast<char>(byte)) != std::string_view::npos;
      ASSERT_EQ(escapes, forbidden) << "byte " << byte << " at " << at;
      ASSERT_EQ(IsWellFormedIri(iri), !forbidden) << "byte " << byte << " at " << at;
      if (!IsWellFormedIri(iri)) ++refused;
      std::string two_hashes = iri;
      two_hashes[at == 6 ? 7 : 6] = '#';
      ASSERT_EQ(IsWellFormedIri(two_hashes), !forbidden && byte != '#') << "byte " << byte << " at " << at;
    }
  }
  EXPECT_EQ(refused, (plain.size() - 6) * 42);  // 0x00-0x20 and the 9 characters
  EXPECT_TRUE(IsWellFormedIri(plain));
}

TEST(JsonLd, NativeTypesBecomeTypedLiterals) {
  const Json doc = Json::parse(R"({"@id": "urn:x", "urn:p": [1, 1.5, true, 1.0e25]})");
  const std::string out = NQuads(doc);
  EXPECT_NE(out.find("\"1\"^^<http://www.w3.org/2001/XMLSchema#integer>"), std::string::npos);
  EXPECT_NE(out.find("\"1.5E0\"^^<http://www.w3.org/2001/XMLSchema#double>"), std::string::npos);
  EXPECT_NE(out.find("\"true\"^^<http://www.w3.org/2001/XMLSchema#boolean>"), std::string::npos);
  EXPECT_NE(out.find("\"1.0E25\"^^<http://www.w3.org/2001/XMLSchema#double>"), std::string::npos);
}

TEST(JsonLd, UnknownRemoteContextIsAnErrorNamingTheIri) {
  LocalDocumentLoader loader;
  JsonLdOptions options;
  options.loader = &loader;
  JsonLdProcessor processor;
  Result<std::vector<Quad>> quads =
      processor.ToRdf(Json::parse(R"({"@context": "https://example.org/ctx", "a": 1})"), options);
  ASSERT_FALSE(quads.ok());
  EXPECT_EQ(JsonLdErrorCode(quads.status()), "loading remote context failed");
  EXPECT_NE(quads.status().message().find("https://example.org/ctx"), std::string::npos);
}

TEST(JsonLd, IgnoredContextLoadsAsEmpty) {
  LocalDocumentLoader loader;
  loader.Ignore("https://webthings.io/schemas");
  JsonLdOptions options;
  options.loader = &loader;
  const std::string out = NQuads(Json::parse(R"({"@context": ["https://webthings.io/schemas",
      {"@vocab": "urn:v#"}], "@id": "urn:x", "a": "b"})"), options);
  EXPECT_EQ(out, "<urn:x> <urn:v#a> \"b\" .\n");
}

TEST(JsonLd, PropertyValuedIndexAddsTheIndexAsAValue) {
  const Json doc = Json::parse(R"({
    "@context": {"@version": 1.1, "@vocab": "urn:v#",
      "props": {"@id": "urn:v#props", "@container": "@index", "@index": "name"}},
    "@id": "urn:x", "props": {"status": {"type": "string"}}})");
  const std::string out = NQuads(doc);
  EXPECT_NE(out.find("<urn:v#name> \"status\""), std::string::npos) << out;
}

// toRdf of a document leaves the value objects of plain strings, numbers
// and booleans unbuilt (Engine::DeferValueObjects); toRdf of its expanded
// form, whose value objects are explicit, reads built ones. Same statements,
// and a value given both ways is one statement: the node map's "already
// present" test compares the two forms.
TEST(JsonLd, DeferredValueObjectsGiveTheStatementsOfBuiltOnes) {
  const Json doc = Json::parse(R"({
    "@context": {"@version": 1.1, "@vocab": "urn:v#", "@language": "en",
      "typed": {"@id": "urn:v#typed", "@type": "http://www.w3.org/2001/XMLSchema#anyURI"},
      "list": {"@id": "urn:v#list", "@container": "@list"},
      "de": {"@id": "urn:v#de", "@language": "de"},
      "plain": {"@id": "urn:v#plain", "@language": null},
      "nest": "@nest", "j": {"@id": "urn:v#j", "@type": "@json"},
      "ref": {"@id": "urn:v#ref", "@type": "@id"}, "kind": {"@id": "urn:v#kind", "@type": "@vocab"}},
    "@id": "urn:x",
    "p": ["a", {"@value": "a", "@language": "en"}, "a", 5, {"@value": 5}, true, 1.5],
    "typed": ["http://h/1", {"@value": "http://h/1", "@type": "http://www.w3.org/2001/XMLSchema#anyURI"}],
    "list": ["x", 2, {"@value": "y"}],
    "de": "Hallo", "plain": ["s", {"@value": "s"}],
    "nest": [{"p": "nested", "q": ["n1", "n2"]}],
    "o": {"p": "inner", "@type": "urn:v#T"},
    "j": {"k": [1, "v"]},
    "ref": ["urn:r", {"@id": "urn:r"}, "_:bn", "_:bn", {"@id": "urn:r2", "p": "r2"}],
    "kind": ["Thing", {"@id": "urn:v#Thing"}]})");
  JsonLdProcessor processor;
  Result<Json> expanded = processor.Expand(doc, {});
  ASSERT_TRUE(expanded.ok()) << expanded.status().ToString();
  const std::string direct = NQuads(doc);
  EXPECT_EQ(direct, NQuads(*expanded));
  auto count = [&](const std::string& needle) {
    int n = 0;
    for (size_t at = direct.find(needle); at != std::string::npos; at = direct.find(needle, at + 1)) ++n;
    return n;
  };
  EXPECT_EQ(count("<urn:v#p> \"a\"@en ."), 1) << direct;
  EXPECT_EQ(count("<urn:v#p> \"5\"^^"), 1) << direct;
  EXPECT_EQ(count("<urn:v#typed> \"http://h/1\"^^"), 1) << direct;
  EXPECT_EQ(count("<urn:v#plain> \"s\" ."), 1) << direct;
  EXPECT_EQ(count("\"Hallo\"@de ."), 1) << direct;
  EXPECT_EQ(count("<urn:v#q> \"n2\"@en ."), 1) << direct;
  EXPECT_EQ(count("<urn:v#p> \"nested\"@en ."), 1) << direct;
  EXPECT_EQ(count("<urn:v#ref> <urn:r> ."), 1) << direct;
  EXPECT_EQ(count("<urn:v#ref> _:"), 1) << direct;
  EXPECT_EQ(count("<urn:r2> <urn:v#p> \"r2\"@en ."), 1) << direct;
  EXPECT_EQ(count("<urn:v#kind> <urn:v#Thing> ."), 1) << direct;
}

// "Add value unless present" on a long value list goes through a hash index
// (NodeMap::kIndexedFrom); it must keep exactly what the pairwise scan of a
// short list keeps: 5 and {"@value": 5.0} are one value, "a" and "a"@en
// two, a node reference once, lists always. 100,000 values of one property
// (a TD's enum) took 154 s with the scan alone.
TEST(JsonLd, LongValueListsKeepWhatShortOnesKeep) {
  const std::string context =
      R"("@context": {"@vocab": "urn:v#", "ref": {"@id": "urn:v#p", "@type": "@id"}}, "@id": "urn:x")";
  const std::string mixed =
      R"("a", {"@value": "a", "@language": "en"}, "a", 5, {"@value": 5.0}, 5.5, true, {"@value": true},
         {"@id": "urn:r"}, {"@id": "urn:r"}, {"@value": "a", "@language": "en"}, {"@list": ["l"]},
         {"@list": ["l"]}, {"@value": "7", "@type": "urn:t"}, {"@value": "7", "@type": "urn:t"}, null,
         9007199254740993, 9007199254740992.0, -0.0, 0)";
  std::string filler;
  for (int i = 0; i < 40; ++i) filler += "\"f" + std::to_string(i) + "\", ";
  const auto lines = [](const std::string& nquads, bool drop_filler) {
    std::multiset<std::string> out;
    std::istringstream in(nquads);
    for (std::string line; std::getline(in, line);) {
      if (drop_filler && line.find("\"f") != std::string::npos) continue;
      // Blank node labels differ with the number of lists before them.
      if (line.rfind("_:", 0) == 0 || line.find(" _:") != std::string::npos) line = "(a list statement)";
      out.insert(line);
    }
    return out;
  };
  const Json short_list = Json::parse("{" + context + R"(, "p": [)" + mixed + "]}");
  const Json long_list = Json::parse("{" + context + R"(, "p": [)" + filler + mixed + "]}");
  const auto expected = lines(NQuads(short_list), false);
  EXPECT_EQ(expected.count("<urn:x> <urn:v#p> \"a\" ."), 1u) << NQuads(short_list);
  EXPECT_EQ(expected.count("<urn:x> <urn:v#p> \"5\"^^<http://www.w3.org/2001/XMLSchema#integer> ."), 1u);
  EXPECT_EQ(lines(NQuads(long_list), true), expected) << NQuads(long_list);
  JsonLdProcessor processor;
  Result<Json> expanded = processor.Expand(long_list, {});  // built value objects, not deferred ones
  ASSERT_TRUE(expanded.ok()) << expanded.status().ToString();
  EXPECT_EQ(lines(NQuads(*expanded), true), expected);
  // 100,000 types of one node: each kept once (the pairwise check took minutes).
  std::string types = "{" + context + R"(, "@type": [)";
  for (int i = 0; i < 100000; ++i) types += "\"urn:t" + std::to_string(i % 50000) + (i + 1 < 100000 ? "\", " : "\"]}");
  EXPECT_EQ(lines(NQuads(Json::parse(types)), false).size(), 50000u);
  // One node named by 20,000 objects with a type each (10,000 distinct): each type once, in the
  // order first seen (every occurrence hashed the node's whole type list again: 40,000 took 79 s).
  std::string occurrences = "{" + context + R"(, "q": [)";
  for (int i = 0; i < 20000; ++i) {
    occurrences += R"({"@id": "urn:n", "@type": "urn:t)" + std::to_string(i % 10000) + (i + 1 < 20000 ? "\"}, " : "\"}]}");
  }
  const std::string typed = NQuads(Json::parse(occurrences));
  EXPECT_EQ(lines(typed, false).size(), 10001u);
  const size_t first = typed.find("<urn:n> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:t0> .");
  const size_t last = typed.find("<urn:n> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <urn:t9999> .");
  ASSERT_NE(last, std::string::npos) << typed.substr(0, 500);
  EXPECT_LT(first, last);
  // A long list of distinct values keeps all, of repeated ones one.
  std::string many = "{" + context + R"(, "p": [)";
  for (int i = 0; i < 5000; ++i) many += std::to_string(i % 2500) + (i + 1 < 5000 ? ", " : "]}");
  EXPECT_EQ(lines(NQuads(Json::parse(many)), false).size(), 2500u);
}

TEST(JsonLd, CanonicalJsonSortsKeysAndUsesEcmaNumbers) {
  EXPECT_EQ(CanonicalJson(Json::parse(R"({"b": [1.0, 1e21, 0.5], "a": "x"})")),
            R"({"a":"x","b":[1,1e+21,0.5]})");
}

}  // namespace
}  // namespace tinykg::td
