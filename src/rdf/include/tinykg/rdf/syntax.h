// Reading and writing RDF documents (Raptor underneath): Turtle, N-Triples,
// N-Quads, RDF/XML, TriG.
#ifndef TINYKG_RDF_SYNTAX_H_
#define TINYKG_RDF_SYNTAX_H_

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tinykg/base/status.h"
#include "tinykg/rdf/triple.h"

namespace tinykg::rdf {

enum class Syntax { kTurtle, kNTriples, kNQuads, kRdfXml, kTriG };

// "turtle"/"ttl", "ntriples"/"nt", "nquads"/"nq", "rdfxml"/"rdf"/"xml"/"owl",
// "trig". kInvalidArgument for anything else, listing the accepted names.
Result<Syntax> SyntaxFromName(std::string_view name);
// By file extension (.ttl .nt .nq .rdf .owl .xml .trig); kInvalidArgument
// naming the file when the extension says nothing.
Result<Syntax> SyntaxForPath(const std::string& path);
std::string_view SyntaxName(Syntax syntax);

// (prefix, namespace IRI) pairs.
using PrefixList = std::vector<std::pair<std::string, std::string>>;

// The deepest nesting of blank nodes `[ ... ]` and collections `( ... )` a
// Turtle or TriG document may have: Serd's reader recurses per level
// (100,000 levels overflowed the stack). A bracket past it is refused with
// its byte offset, line and column.
inline constexpr int kMaxRdfNesting = 256;

// Parses `text` with base IRI `base_iri`. `source` names the document in
// errors. A syntax error fails with kParseError carrying file, line and
// column; nothing is returned in that case (all or nothing). Quads formats
// return the triples and drop the graph name. `prefixes`, when given,
// receives the prefixes the document declares (Turtle and TriG; the last
// declaration of a prefix wins; RDF/XML gives none).
Result<std::vector<Triple>> ParseRdf(std::string_view text, Syntax syntax,
                                     const std::string& base_iri, const std::string& source,
                                     PrefixList* prefixes = nullptr);

// What a parse hands over in parts; an error it returns ends the parse.
using TriplePart = std::function<Status(std::vector<Triple>&& part)>;

// ParseRdf for a file too large to hold ("-": standard input): the file is
// read a page at a time and its triples go to `each_part` in parts of
// `part_triples` (the last part, possibly empty, at the end: `each_part` is
// called at least once when the parse succeeds). The same checks and errors
// as ParseRdf, named by `path`; an error `each_part` returns is returned as
// it is. A parse may fail after parts were handed over: what to do with
// them is the caller's (a load writes them in one transaction it then
// aborts). `prefixes` holds the declarations read so far at each part.
// RDF/XML is read whole (Raptor) and handed over as one part.
Status ParseRdfFile(const std::string& path, Syntax syntax, const std::string& base_iri, std::size_t part_triples,
                    const TriplePart& each_part, PrefixList* prefixes = nullptr);

// Writes triples as `syntax`; for Turtle the prefixes in `prefixes` are
// declared and used. kNQuads writes N-Triples (one graph); use WriteNQuads
// for quads.
Result<std::string> WriteRdf(const std::vector<Triple>& triples, Syntax syntax,
                             const PrefixList& prefixes = {});

// Prefixes tinykg uses when writing Turtle (rdf, rdfs, xsd, td, nnet, tkg, ...).
const PrefixList& DefaultPrefixes();

}  // namespace tinykg::rdf

#endif  // TINYKG_RDF_SYNTAX_H_
