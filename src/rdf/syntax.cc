#include "tinykg/rdf/syntax.h"

#include <serd/serd.h>

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cstdint>

#include "redland_handles.h"
#include "tinykg/base/file.h"
#include "tinykg/base/input_check.h"
#include "tinykg/base/utf8.h"
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


namespace {

// RFC 3986 scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":".
bool HasValidScheme(const std::string& iri) {
  const size_t colon = iri.find(':');
  if (colon == std::string::npos || colon == 0) return false;
  if (!std::isalpha(static_cast<unsigned char>(iri[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    const unsigned char c = static_cast<unsigned char>(iri[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return false;
  }
  return true;
}

// Serd's Turtle reader takes "<h%:>" as an absolute IRI (its N-Triples
// reader then refuses what tinykg writes from it: found by
// tests/rdf/fuzz_turtle_loader.cc); every IRI that reaches the store must
// have a scheme N-Triples accepts.
Status CheckIriSchemes(const std::vector<Triple>& triples, const std::string& source) {
  for (const Triple& t : triples) {
    for (const Term* term : {&t.subject, &t.predicate, &t.object}) {
      const std::string* iri = term->is_iri() ? &term->value
                               : (term->is_literal() && !term->datatype.empty()) ? &term->datatype
                                                                                   : nullptr;
      if (iri != nullptr && !HasValidScheme(*iri)) {
        return ParseError("IRI <" + *iri + "> has no valid scheme", SourceLocation(source));
      }
    }
  }
  return Status();
}

// Turtle, N-Triples, N-Quads and TriG are read with Serd, which parses them
// several times faster than Raptor through librdf (measured on the fleet
// benchmark); RDF/XML goes to Raptor.
struct SerdParse {
  SerdEnv* env = nullptr;
  std::vector<Triple>* out = nullptr;
  PrefixList* prefixes = nullptr;  // the document's declarations, when asked
  std::string error;
  unsigned line = 0, col = 0;
  bool failed = false;
  // Parts: when `out` holds `part_triples`, they go to `each_part` (an
  // error there ends the parse and is kept in `part_error`).
  std::size_t part_triples = 0;
  const TriplePart* each_part = nullptr;
  std::string source;
  Status part_error;

  bool HandOver() {
    const size_t capacity = out->capacity();
    if (Status schemes = CheckIriSchemes(*out, source); !schemes.ok()) {
      part_error = std::move(schemes);
    } else {
      part_error = (*each_part)(std::move(*out));
    }
    out->clear();
    if (!part_error.ok()) {
      failed = true;
      return false;
    }
    // The consumer may give the buffer back (no new allocation per part);
    // else the next part gets one as large, not grown by doubling.
    if (out->capacity() < capacity) out->reserve(capacity);
    return true;
  }

  // The term of a node: CURIEs and relative IRIs expanded against the
  // document's prefixes and base.
  bool TermOf(const SerdNode* node, Term& term) {
    switch (node->type) {
      case SERD_URI:
      case SERD_CURIE: {
        if (node->type == SERD_URI && serd_uri_string_has_scheme(node->buf) &&
            !std::strstr(reinterpret_cast<const char*>(node->buf), "/.")) {
          // Absolute without dot segments (every IRI of a fleet's N-Triples):
          // resolving it against the base would give it back unchanged.
          term = Term::Iri(std::string(reinterpret_cast<const char*>(node->buf), node->n_bytes));
          return true;
        }
        SerdNode full = serd_env_expand_node(env, node);
        if (!full.buf) return Fail("cannot expand <" + std::string(reinterpret_cast<const char*>(node->buf)) + ">");
        term = Term::Iri(std::string(reinterpret_cast<const char*>(full.buf), full.n_bytes));
        serd_node_free(&full);
        return true;
      }
      case SERD_BLANK:
        term = Term::Blank(std::string(reinterpret_cast<const char*>(node->buf), node->n_bytes));
        return true;
      case SERD_LITERAL:
        term = Term::Literal(std::string(reinterpret_cast<const char*>(node->buf), node->n_bytes));
        return true;
      default:
        return Fail("unexpected node");
    }
  }
  bool Fail(std::string message) {
    if (!failed) error = std::move(message);
    failed = true;
    return false;
  }

  static SerdStatus OnBase(void* handle, const SerdNode* uri) {
    return serd_env_set_base_uri(static_cast<SerdParse*>(handle)->env, uri);
  }
  static SerdStatus OnPrefix(void* handle, const SerdNode* name, const SerdNode* uri) {
    auto* self = static_cast<SerdParse*>(handle);
    SerdStatus status = serd_env_set_prefix(self->env, name, uri);
    if (status == SERD_SUCCESS && self->prefixes) {
      // The namespace as the environment resolved it (a relative IRI against
      // the base), so the catalog keeps what the document meant.
      std::string key(reinterpret_cast<const char*>(name->buf), name->n_bytes);
      const std::string curie_text = key + ":";
      SerdNode curie = serd_node_from_string(SERD_CURIE, reinterpret_cast<const uint8_t*>(curie_text.c_str()));
      SerdNode full = serd_env_expand_node(self->env, &curie);
      if (full.buf) {
        std::string ns(reinterpret_cast<const char*>(full.buf), full.n_bytes);
        auto same = [&key](const auto& p) { return p.first == key; };
        std::erase_if(*self->prefixes, same);  // a later @prefix redefines it
        self->prefixes->emplace_back(std::move(key), std::move(ns));
        serd_node_free(&full);
      }
    }
    return status;
  }
  static SerdStatus OnStatement(void* handle, SerdStatementFlags, const SerdNode*, const SerdNode* subject,
                                const SerdNode* predicate, const SerdNode* object, const SerdNode* datatype,
                                const SerdNode* lang) {
    auto* self = static_cast<SerdParse*>(handle);
    Triple t;
    if (!self->TermOf(subject, t.subject) || !self->TermOf(predicate, t.predicate) ||
        !self->TermOf(object, t.object)) {
      return SERD_ERR_BAD_SYNTAX;
    }
    if (t.object.is_literal()) {
      if (lang && lang->buf) {
        std::string tag(reinterpret_cast<const char*>(lang->buf), lang->n_bytes);
        for (char& c : tag) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        t.object.language = std::move(tag);
      } else if (datatype && datatype->buf) {
        Term dt;
        if (!self->TermOf(datatype, dt)) return SERD_ERR_BAD_SYNTAX;
        static const std::string xsd_string = std::string(vocab::kXsd) + "string";
        if (dt.value != xsd_string) t.object.datatype = std::move(dt.value);
      }
    }
    self->out->push_back(std::move(t));
    if (self->out->size() >= self->part_triples && self->each_part && !self->HandOver()) return SERD_ERR_BAD_ARG;
    return SERD_SUCCESS;
  }
  static SerdStatus OnError(void* handle, const SerdError* e) {
    auto* self = static_cast<SerdParse*>(handle);
    if (self->failed && !self->error.empty() && self->line) return e->status;
    char buf[512];
    va_list args;
    va_copy(args, *e->args);
    std::vsnprintf(buf, sizeof buf, e->fmt, args);
    va_end(args);
    std::string message = buf;
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
    self->failed = true;
    self->error = message;
    self->line = e->line;
    self->col = e->col;
    return e->status;
  }
};

// Serd's Turtle and TriG reader recurses once per nested blank node `[ ... ]`
// or collection `( ... )`: 100,000 levels (200 KB) overflowed the stack
// (`tinykg load` exit 139). This scanner follows the nesting outside
// strings, IRIs and comments, page by page, and finds the first bracket
// that opens a level past kMaxRdfNesting.
class TurtleNesting {
 public:
  static constexpr size_t kFine = static_cast<size_t>(-1);

  // kFine, or the index in `page` of the byte that opened a level too many.
  size_t Feed(std::string_view page) {
    for (size_t at = 0; at < page.size(); ++at) {
      const char c = page[at];
      if (escaped_) {  // the byte after a backslash, in or out of a string
        escaped_ = false;
        continue;
      }
      switch (state_) {
        case State::kComment:
          if (c == '\n' || c == '\r') state_ = State::kNormal;
          continue;
        case State::kIri:
          if (c == '>') state_ = State::kNormal;
          continue;
        case State::kOneQuote:  // after an opening quote
          if (c == quote_) {
            state_ = State::kTwoQuotes;
            continue;
          }
          state_ = State::kShort;
          break;  // this byte is the string's first
        case State::kTwoQuotes:  // "" is an empty string, """ opens a long one
          if (c == quote_) {
            state_ = State::kLong;
            closing_ = 0;
            continue;
          }
          state_ = State::kNormal;
          break;  // this byte follows the empty string
        default:
          break;
      }
      if (state_ == State::kShort) {
        if (c == '\\') escaped_ = true;
        else if (c == quote_) state_ = State::kNormal;
        continue;
      }
      if (state_ == State::kLong) {
        if (c == '\\') {
          escaped_ = true;
          closing_ = 0;
        } else if (c == quote_) {
          if (++closing_ == 3) state_ = State::kNormal;
        } else {
          closing_ = 0;
        }
        continue;
      }
      switch (c) {
        case '#': state_ = State::kComment; break;
        case '<': state_ = State::kIri; break;
        case '"':
        case '\'':
          quote_ = c;
          state_ = State::kOneQuote;
          break;
        case '\\': escaped_ = true; break;  // a local name's escape (ex:a\(b)
        case '[':
        case '(':
          if (++depth_ > kMaxRdfNesting) return at;
          break;
        case ']':
        case ')':
          if (depth_ > 0) --depth_;
          break;
        default: break;
      }
    }
    return kFine;
  }

 private:
  enum class State { kNormal, kComment, kIri, kOneQuote, kTwoQuotes, kShort, kLong };
  State state_ = State::kNormal;
  char quote_ = '"';
  int closing_ = 0;
  bool escaped_ = false;
  int depth_ = 0;
};

// Serd's input, a page at a time: a text in memory (checked whole before,
// handed over as it is) or a file, each page of which is checked on the way:
// a NUL byte or
// ill-formed UTF-8 ends the input (Serd sees the end of the file) and
// `error` says where, as CheckUtf8Text does for a whole text. A page is
// always full except at the end: Serd takes a short page for the end.
class SerdInput {
 public:
  SerdInput(std::string_view checked_text, std::string source)
      : memory_(checked_text), source_(std::move(source)) {}
  SerdInput(FileReader* file, std::string source) : file_(file), source_(std::move(source)) {}

  static constexpr std::size_t kPage = 64 * 1024;

  static size_t Read(void* out, size_t, size_t size, void* handle) {
    return static_cast<SerdInput*>(handle)->ReadPage(static_cast<char*>(out), size);
  }
  static int Error(void* handle) { return static_cast<SerdInput*>(handle)->error.ok() ? 0 : 1; }

  // Turtle and TriG: follow the nesting of what is handed to Serd.
  void CountNesting() { nesting_.emplace(); }

  Status error;

 private:
  size_t ReadPage(char* out, size_t size) {
    const size_t n = ReadCheckedPage(out, size);
    const std::string_view page(out, n);
    if (n > 0 && nesting_) {
      if (const size_t at = nesting_->Feed(page); at != TurtleNesting::kFine) {
        return Refuse("nesting deeper than " + std::to_string(kMaxRdfNesting) +
                          " blank nodes or collections at byte " + std::to_string(offset_ + at),
                      page.substr(0, at), true);
      }
    }
    // Positions are only ever reported for a file (whose pages are checked
    // here) or for nesting: a text in memory without it skips the count.
    if (file_ != nullptr || nesting_) Advance(page);
    return n;
  }

  size_t ReadCheckedPage(char* out, size_t size) {
    if (!error.ok()) return 0;
    if (file_ == nullptr) {  // a whole text, checked before: no copy
      const size_t n = std::min(size, memory_.size() - taken_);
      std::memcpy(out, memory_.data() + taken_, n);
      taken_ += n;
      return n;
    }
    // A sequence may run past the page: keep 3 bytes more to check it whole.
    if (!Fill(size + 3)) return 0;
    const std::string_view buffered(buffer_.data() + head_, tail_ - head_);
    const size_t n = std::min(size, buffered.size());
    size_t i = next_;
    while (i < n) {
      if (i + 8 <= n) {  // eight bytes at a time while they are ASCII and not NUL
        constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighBits = 0x8080808080808080ULL;
        std::uint64_t w;
        std::memcpy(&w, buffered.data() + i, sizeof w);
        if (((((w - kOnes) & ~w) | w) & kHighBits) == 0) {
          i += sizeof w;
          continue;
        }
      }
      const auto c = static_cast<unsigned char>(buffered[i]);
      if (c == 0) return Refuse("NUL byte at offset " + std::to_string(offset_ + i), buffered.substr(0, i), false);
      if (c < 0x80) {
        ++i;
        continue;
      }
      const size_t length = Utf8SequenceLength(buffered, i);
      if (length == 0) {
        return Refuse("invalid UTF-8 at byte " + std::to_string(offset_ + i), buffered.substr(0, i), true);
      }
      i += length;
    }
    next_ = i - n;
    std::memcpy(out, buffered.data(), n);
    head_ += n;
    return n;
  }

  // At least `want` bytes buffered, or all that is left.
  bool Fill(size_t want) {
    if (head_ > 0 && tail_ - head_ < want) {
      std::memmove(buffer_.data(), buffer_.data() + head_, tail_ - head_);
      tail_ -= head_;
      head_ = 0;
    }
    if (buffer_.size() < want) buffer_.resize(want);
    while (!at_end_ && tail_ - head_ < want) {
      Result<size_t> got = file_->Read(buffer_.data() + tail_, buffer_.size() - tail_);
      if (!got.ok()) {
        error = got.status();
        return false;
      }
      at_end_ = *got == 0;
      tail_ += *got;
    }
    return true;
  }

  struct Position {
    std::int64_t line, column;
  };

  // Line and column (in characters) after `before`, which starts where the
  // next page does.
  Position After(std::string_view before) const {
    Position at{line_, column_};
    const size_t last = before.rfind('\n');
    if (last != std::string_view::npos) {
      at.line += std::count(before.begin(), before.end(), '\n');
      at.column = 1;
      before.remove_prefix(last + 1);
    }
    for (char c : before) at.column += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return at;
  }

  // Past a page handed to Serd.
  void Advance(std::string_view page) {
    const Position end = After(page);
    line_ = end.line;
    column_ = end.column;
    offset_ += page.size();
  }

  // Ends the input with `message`, about the byte after `before` (the
  // next page's bytes up to it).
  size_t Refuse(std::string message, std::string_view before, bool located) {
    const Position at = After(before);
    error = located ? ParseError(std::move(message), SourceLocation(source_, at.line, at.column))
                    : ParseError(std::move(message), SourceLocation(source_));
    return 0;
  }

  std::optional<TurtleNesting> nesting_;
  std::string_view memory_;
  size_t taken_ = 0;
  FileReader* file_ = nullptr;
  std::string source_;
  std::vector<char> buffer_;
  size_t head_ = 0, tail_ = 0;
  size_t next_ = 0;     // bytes after the head already checked (a sequence that ran past the page)
  bool at_end_ = false;
  // Where the next page starts in the input.
  std::uint64_t offset_ = 0;
  std::int64_t line_ = 1, column_ = 1;
};

// Parses `input` with Serd into `out`, handing `out` to `each_part` (when
// given) whenever it holds `part_triples`, and once more at the end.
Status ParseWithSerd(SerdInput& input, Syntax syntax, const std::string& base, const std::string& source,
                     PrefixList* prefixes, std::vector<Triple>& out, size_t part_triples,
                     const TriplePart* each_part) {
  SerdSyntax serd_syntax = syntax == Syntax::kNTriples ? SERD_NTRIPLES
                           : syntax == Syntax::kNQuads ? SERD_NQUADS
                           : syntax == Syntax::kTriG   ? SERD_TRIG
                                                       : SERD_TURTLE;
  if (syntax == Syntax::kTurtle || syntax == Syntax::kTriG) input.CountNesting();
  SerdParse parse;
  parse.out = &out;
  parse.prefixes = prefixes;
  parse.part_triples = part_triples;
  parse.each_part = each_part;
  parse.source = source;
  SerdNode base_node = serd_node_from_string(SERD_URI, reinterpret_cast<const uint8_t*>(base.c_str()));
  parse.env = serd_env_new(&base_node);
  SerdReader* reader = serd_reader_new(serd_syntax, &parse, nullptr, SerdParse::OnBase, SerdParse::OnPrefix,
                                       SerdParse::OnStatement, nullptr);
  serd_reader_set_strict(reader, true);
  serd_reader_set_error_sink(reader, SerdParse::OnError, &parse);
  const SerdStatus status = serd_reader_read_source(reader, SerdInput::Read, SerdInput::Error, &input,
                                                    reinterpret_cast<const uint8_t*>(source.c_str()),
                                                    SerdInput::kPage);
  serd_reader_free(reader);
  serd_env_free(parse.env);
  // The input's own error first: Serd only saw the input end there.
  if (!input.error.ok()) return input.error;
  if (!parse.part_error.ok()) return parse.part_error;
  // SERD_FAILURE is the end of the input (an empty document is a valid one).
  if ((status != SERD_SUCCESS && status != SERD_FAILURE) || parse.failed) {
    std::string message = parse.error.empty() ? "not valid " + std::string(SyntaxName(syntax)) : parse.error;
    return ParseError(message, SourceLocation(source, parse.line, parse.col));
  }
  if (Status schemes = CheckIriSchemes(out, source); !schemes.ok()) return schemes;
  if (each_part != nullptr) return (*each_part)(std::move(out));
  return Status::Ok();
}

// Raptor may dereference URIs while parsing (an RDF/XML DTD or external
// entity through libxml2, a GRDDL or owl:imports retrieval). tinykg reads
// only the text it is given: no network, no files, no external entities,
// and a URI filter that refuses every retrieval that still gets asked.
int RefuseEveryUri(void*, librdf_uri*) { return 1; }

Status Isolate(internal::World& world, librdf_parser* parser) {
  auto set = [&](const char* option, const char* value) -> bool {
    const std::string name = std::string("http://feature.librdf.org/raptor-") + option;
    internal::UriPtr feature(librdf_new_uri(world.get(), reinterpret_cast<const unsigned char*>(name.c_str())));
    internal::NodePtr node(
        librdf_new_node_from_literal(world.get(), reinterpret_cast<const unsigned char*>(value), nullptr, 0));
    return feature && node && librdf_parser_set_feature(parser, feature.get(), node.get()) == 0;
  };
  if (!set("noNet", "1") || !set("noFile", "1") || !set("loadExternalEntities", "0")) {
    return Internal("cannot switch off URI retrieval in the RDF parser");
  }
  librdf_parser_set_uri_filter(parser, RefuseEveryUri, nullptr);
  return Status::Ok();
}

}  // namespace

Result<std::vector<Triple>> ParseRdf(std::string_view text, Syntax syntax,
                                     const std::string& base_iri, const std::string& source,
                                     PrefixList* prefixes) {
  if (prefixes) prefixes->clear();
  if (syntax != Syntax::kRdfXml) {
    // These syntaxes are UTF-8 by definition (RDF/XML declares its own
    // encoding): ill-formed bytes are refused here, with their offset,
    // whatever the parser would make of them (Raptor's Turtle parser let
    // them through into IRIs whose N-Triples could not be read back; found
    // by tests/rdf/fuzz_turtle_loader.cc).
    if (Status checked = CheckUtf8Text(text, source); !checked.ok()) return checked;
    if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
      return ParseError("NUL byte at offset " + std::to_string(nul), SourceLocation(source));
    }
    std::vector<Triple> triples;
    if (syntax == Syntax::kNTriples || syntax == Syntax::kNQuads) {
      // A statement a line: no reallocation (moving every triple) on the way.
      triples.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
    }
    SerdInput input(text, source);
    TINYKG_RETURN_IF_ERROR(ParseWithSerd(input, syntax, base_iri.empty() ? "urn:tinykg:base" : base_iri, source,
                                         prefixes, triples, SIZE_MAX, nullptr));
    return triples;
  }
  auto world = internal::World::Create();
  if (!world) return Internal("cannot create a librdf world");
  internal::ParserPtr parser(librdf_new_parser(world->get(), std::string(SyntaxName(syntax)).c_str(), nullptr, nullptr));
  if (!parser) return world->ErrorStatus(StatusCode::kInternal, source, "cannot create an RDF parser");
  TINYKG_RETURN_IF_ERROR(Isolate(*world, parser.get()));
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

Status ParseRdfFile(const std::string& path, Syntax syntax, const std::string& base_iri, size_t part_triples,
                    const TriplePart& each_part, PrefixList* prefixes) {
  if (prefixes) prefixes->clear();
  if (syntax == Syntax::kRdfXml) {  // Raptor reads a whole text
    TINYKG_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
    TINYKG_ASSIGN_OR_RETURN(std::vector<Triple> triples, ParseRdf(text, syntax, base_iri, path, prefixes));
    return each_part(std::move(triples));
  }
  TINYKG_ASSIGN_OR_RETURN(FileReader file, FileReader::Open(path));
  part_triples = std::max<size_t>(part_triples, 1);
  std::vector<Triple> part;
  part.reserve(std::min(part_triples, file.size_hint() / 64 + 1));
  SerdInput input(&file, path);
  return ParseWithSerd(input, syntax, base_iri.empty() ? "urn:tinykg:base" : base_iri, path, prefixes, part,
                       part_triples, &each_part);
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
  // A hashed model: librdf's "memory" storage is a list whose add compares
  // the statement with every earlier one (quadratic; a whole-store export
  // spent 88% of its time there, see export.h).
  internal::StoragePtr storage(librdf_new_storage(world->get(), "hashes", "scratch", "hash-type='memory'"));
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
