#include "tinykg/rdf/syntax.h"

#include <cstdlib>

#include "redland_handles.h"
#include "tinykg/base/file.h"
#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf {

Result<Syntax> SyntaxFromName(std::string_view name) {
  if (name == "turtle" || name == "ttl") return Syntax::kTurtle;
  if (name == "ntriples" || name == "nt" || name == "n-triples") return Syntax::kNTriples;
  if (name == "nquads" || name == "nq" || name == "n-quads") return Syntax::kNQuads;
  if (name == "rdfxml" || name == "rdf" || name == "xml" || name == "owl" || name == "rdf/xml")
    return Syntax::kRdfXml;
  if (name == "trig") return Syntax::kTriG;
  return InvalidArgument("unknown RDF format '" + std::string(name) +
                         "' (expected turtle, ntriples, nquads, rdfxml or trig)");
}

Result<Syntax> SyntaxForPath(const std::string& path) {
  std::string ext = Extension(path);
  if (ext.empty()) {
    return InvalidArgument("cannot tell the RDF format from the file name; give --format",
                           SourceLocation(path));
  }
  auto syntax = SyntaxFromName(ext);
  if (!syntax.ok()) {
    return InvalidArgument("unknown RDF file extension '." + ext + "'; give --format",
                           SourceLocation(path));
  }
  return syntax;
}

// These are also Raptor's parser names.
std::string_view SyntaxName(Syntax syntax) {
  switch (syntax) {
    case Syntax::kTurtle: return "turtle";
    case Syntax::kNTriples: return "ntriples";
    case Syntax::kNQuads: return "nquads";
    case Syntax::kRdfXml: return "rdfxml";
    case Syntax::kTriG: return "trig";
  }
  return "turtle";
}


Result<std::vector<Triple>> ParseRdf(std::string_view text, Syntax syntax,
                                     const std::string& base_iri, const std::string& source) {
  auto world = internal::World::Create();
  if (!world) return Internal("cannot create a librdf world");
  internal::ParserPtr parser(librdf_new_parser(world->get(), std::string(SyntaxName(syntax)).c_str(), nullptr, nullptr));
  if (!parser) return world->ErrorStatus(StatusCode::kInternal, source, "cannot create an RDF parser");
  std::string base = base_iri.empty() ? "urn:tinykg:base" : base_iri;
  internal::UriPtr base_uri(
      librdf_new_uri(world->get(), reinterpret_cast<const unsigned char*>(base.c_str())));
  if (!base_uri) return InvalidArgument("invalid base IRI '" + base + "'", SourceLocation(source));
  // Raptor wants a NUL-terminated buffer.
  std::string buffer(text);
  internal::StreamPtr stream(librdf_parser_parse_counted_string_as_stream(
      parser.get(), reinterpret_cast<const unsigned char*>(buffer.data()), buffer.size(),
      base_uri.get()));
  std::vector<Triple> triples;
  if (stream) {
    while (!librdf_stream_end(stream.get())) {
      librdf_statement* statement = librdf_stream_get_object(stream.get());
      if (statement) triples.push_back(internal::World::TripleOf(statement));
      librdf_stream_next(stream.get());
    }
  }
  // Raptor reports errors through the logger; a stream may still have
  // yielded the statements before the error, which we discard.
  if (world->HasErrors() || !stream) {
    return world->ErrorStatus(StatusCode::kParseError, source,
                              "not valid " + std::string(SyntaxName(syntax)));
  }
  return triples;
}

Result<std::string> WriteRdf(const std::vector<Triple>& triples, Syntax syntax,
                             const PrefixList& prefixes) {
  if (syntax == Syntax::kNTriples || syntax == Syntax::kNQuads) {
    std::string out;
    out.reserve(triples.size() * 100);
    for (const auto& t : triples) {
      out += t.ToNTriples();
      out += '\n';
    }
    return out;
  }
  auto world = internal::World::Create();
  if (!world) return Internal("cannot create a librdf world");
  const char* name = syntax == Syntax::kRdfXml ? "rdfxml-abbrev" : "turtle";
  internal::SerializerPtr serializer(librdf_new_serializer(world->get(), name, nullptr, nullptr));
  if (!serializer) return Internal(std::string("no ") + name + " serializer");
  for (const auto& [prefix, ns] : prefixes) {
    internal::UriPtr uri(librdf_new_uri(world->get(), reinterpret_cast<const unsigned char*>(ns.c_str())));
    if (uri) librdf_serializer_set_namespace(serializer.get(), uri.get(), prefix.c_str());
  }
  internal::StoragePtr storage(librdf_new_storage(world->get(), "memory", nullptr, nullptr));
  internal::ModelPtr model(storage ? librdf_new_model(world->get(), storage.get(), nullptr) : nullptr);
  if (!model) return world->ErrorStatus(StatusCode::kInternal, "", "cannot create a scratch model");
  for (const auto& t : triples) {
    internal::StatementPtr st = world->NewStatement(t);
    if (!st || librdf_model_add_statement(model.get(), st.get()) != 0) {
      return world->ErrorStatus(StatusCode::kInvalidArgument, "", "cannot write " + t.ToNTriples());
    }
  }
  unsigned char* text = librdf_serializer_serialize_model_to_string(serializer.get(), nullptr, model.get());
  if (!text) return world->ErrorStatus(StatusCode::kInternal, "", "serializer failed");
  std::string out(reinterpret_cast<char*>(text));
  librdf_free_memory(text);
  return out;
}

const PrefixList& DefaultPrefixes() {
  static const PrefixList kPrefixes = {
      {"rdf", vocab::kRdf},         {"rdfs", vocab::kRdfs},
      {"xsd", vocab::kXsd},         {"owl", vocab::kOwl},
      {"dcterms", vocab::kDcterms}, {"schema", vocab::kSchema},
      {"sosa", vocab::kSosa},       {"ssn", vocab::kSsn},
      {"ssn-system", vocab::kSsnSystem}, {"s3n", vocab::kS3n},
      {"td", vocab::kTd},           {"hctl", vocab::kHctl},
      {"jsonschema", vocab::kJsonSchema}, {"wotsec", vocab::kWotSec},
      {"tm", vocab::kTm},           {"om", vocab::kOm},
      {"nnet", vocab::kNnet},       {"sosa_extend", vocab::kSosaExtend},
      {"s3n_extend", vocab::kS3nExtend}, {"ssn_extend", vocab::kSsnExtend},
      {"tkg", vocab::kTkg},         {"tkgid", vocab::kTkgResource},
  };
  return kPrefixes;
}

}  // namespace tinykg::rdf
