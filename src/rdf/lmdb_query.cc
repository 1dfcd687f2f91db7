#include "lmdb_query.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

#include "tinykg/rdf/vocab.h"

namespace tinykg::rdf::internal {

namespace {

struct RasqalQueryDeleter {
  void operator()(rasqal_query* q) const { rasqal_free_query(q); }
};

// A position of a triple pattern: a variable or a constant term.
struct Slot {
  int var = -1;   // variable index, or -1 for a constant
  TermId id = 0;  // the constant's id (0: not in the store)
  bool IsVar() const { return var >= 0; }
};

struct Pattern {
  Slot s, p, o;
};

// A compiled filter expression.
struct Expr {
  rasqal_op op = RASQAL_EXPR_UNKNOWN;
  std::vector<Expr> args;
  int var = -1;                  // RASQAL_EXPR_LITERAL of a variable
  std::optional<Term> constant;  // RASQAL_EXPR_LITERAL of a constant
  // The constant's value when it is a canonical xsd:integer (InlineId).
  std::optional<std::int64_t> integer;
};

// Raised (as a flag) when a value needs Rasqal's rules; the query is then
// handed back to Rasqal whole.
struct Unsupported {};

enum class Truth { kFalse, kTrue, kError };

bool IsNumericType(const std::string& dt, bool* integer) {
  static const char* const kIntegers[] = {
      "integer",        "nonPositiveInteger", "negativeInteger", "long",        "int",           "short",
      "byte",           "nonNegativeInteger", "unsignedLong",    "unsignedInt", "unsignedShort", "unsignedByte",
      "positiveInteger"};
  const std::string xsd = vocab::kXsd;
  if (dt.size() <= xsd.size() || dt.compare(0, xsd.size(), xsd) != 0) return false;
  std::string_view local(dt.data() + xsd.size(), dt.size() - xsd.size());
  for (const char* name : kIntegers) {
    if (local == name) {
      *integer = true;
      return true;
    }
  }
  *integer = false;
  return local == "decimal" || local == "float" || local == "double";
}

struct Number {
  bool integer = false;
  std::int64_t i = 0;
  long double d = 0;
};

// The value of a numeric literal; nullopt for other terms. A numeric
// datatype with an invalid or out-of-range lexical form is Unsupported.
std::optional<Number> NumberOf(const Term& t, bool* unsupported) {
  bool integer = false;
  if (!t.is_literal() || !t.language.empty() || !IsNumericType(t.datatype, &integer)) return std::nullopt;
  std::string_view s = t.value;
  Number n;
  if (integer) {
    if (!s.empty() && s.front() == '+') s.remove_prefix(1);
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n.i);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) {
      *unsupported = true;
      return std::nullopt;
    }
    n.integer = true;
    n.d = static_cast<long double>(n.i);
    return n;
  }
  // decimal, float, double: digits with an optional sign, point and
  // exponent; INF and NaN are left to Rasqal.
  bool digit = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c != '+' && c != '-' && c != '.' && c != 'e' && c != 'E') {
      *unsupported = true;
      return std::nullopt;
    }
  }
  std::string copy(s);
  char* end = nullptr;
  n.d = std::strtold(copy.c_str(), &end);
  if (!digit || end != copy.c_str() + copy.size()) {
    *unsupported = true;
    return std::nullopt;
  }
  return n;
}

bool IsStringLiteral(const Term& t) {
  return t.is_literal() && t.language.empty() &&
         (t.datatype.empty() || t.datatype == std::string(vocab::kXsd) + "string");
}

std::optional<bool> BooleanOf(const Term& t) {
  if (!t.is_literal() || t.datatype != std::string(vocab::kXsd) + "boolean") return std::nullopt;
  if (t.value == "true" || t.value == "1") return true;
  if (t.value == "false" || t.value == "0") return false;
  return std::nullopt;
}

// Terms as Rasqal's triple source hands them to librdf (lexical form,
// datatype and language as written in the query).
std::optional<Term> ConstantOf(rasqal_literal* l) {
  switch (l->type) {
    case RASQAL_LITERAL_URI:
      return Term::Iri(reinterpret_cast<const char*>(raptor_uri_as_string(l->value.uri)));
    case RASQAL_LITERAL_STRING:
    case RASQAL_LITERAL_XSD_STRING:
    case RASQAL_LITERAL_BOOLEAN:
    case RASQAL_LITERAL_INTEGER:
    case RASQAL_LITERAL_FLOAT:
    case RASQAL_LITERAL_DOUBLE:
    case RASQAL_LITERAL_DECIMAL:
    case RASQAL_LITERAL_DATETIME:
    case RASQAL_LITERAL_DATE:
    case RASQAL_LITERAL_UDT:
    case RASQAL_LITERAL_INTEGER_SUBTYPE: {
      if (!l->string) return std::nullopt;
      std::string lexical(reinterpret_cast<const char*>(l->string), l->string_len);
      std::string datatype = l->datatype ? reinterpret_cast<const char*>(raptor_uri_as_string(l->datatype)) : "";
      std::string language = l->language ? l->language : "";
      return Term::Literal(std::move(lexical), std::move(datatype), std::move(language));
    }
    default:
      return std::nullopt;
  }
}

class Evaluator {
 public:
  // Expressions nest as deep as the query text says (a chain of 60,000
  // `||` is a tree 60,000 deep, and compiling or testing it recursively
  // overflowed the stack): deeper than kMaxDepth goes to Rasqal.
  static constexpr int kMaxDepth = 256;

  Evaluator(LmdbEngine& engine, std::int64_t max_rows, const std::vector<std::string>& hidden, std::int64_t max_bytes)
      : engine_(engine),
        max_rows_(max_rows > 0 ? static_cast<size_t>(max_rows) : 0),
        max_bytes_(max_bytes > 0 ? static_cast<size_t>(max_bytes) : 0),
        hidden_(hidden),
        terms_(engine) {}

  // false: outside the shape (nothing was read).
  bool Compile(rasqal_query* q) {
    if (rasqal_query_get_verb(q) != RASQAL_QUERY_VERB_SELECT) return false;
    if (rasqal_query_get_distinct(q) || rasqal_query_get_limit(q) >= 0 || rasqal_query_get_offset(q) > 0) return false;
    if (rasqal_query_get_order_condition(q, 0) || rasqal_query_get_group_condition(q, 0) ||
        rasqal_query_get_having_condition(q, 0) || rasqal_query_get_data_graph(q, 0)) {
      return false;
    }
    rasqal_graph_pattern* top = rasqal_query_get_query_graph_pattern(q);
    if (!top || !Collect(q, top, true)) return false;
    if (raw_.empty()) return false;
    // Slots are made once every pattern is known (their addresses stay).
    patterns_.resize(raw_.size());
    for (size_t i = 0; i < raw_.size(); ++i) {
      if (!MakeSlot(raw_[i].s, patterns_[i].s) || !MakeSlot(raw_[i].p, patterns_[i].p) ||
          !MakeSlot(raw_[i].o, patterns_[i].o)) {
        return false;
      }
    }
    raptor_sequence* projection = rasqal_query_get_bound_variable_sequence(q);
    if (!projection) return false;
    for (int i = 0; i < raptor_sequence_size(projection); ++i) {
      auto* v = static_cast<rasqal_variable*>(raptor_sequence_get_at(projection, i));
      if (!v || v->expression) return false;
      projected_.push_back(VarIndex(v));
      names_.push_back(reinterpret_cast<const char*>(v->name));
    }
    return !unsupported_;
  }

  // Runs the compiled query; false when a value needed Rasqal.
  Result<bool> Run(QueryResult& out) {
    TINYKG_RETURN_IF_ERROR(ResolveConstants());
    bind_.assign(var_names_.size(), 0);
    row_bound_ = static_cast<size_t>(RowBound(static_cast<std::int64_t>(max_rows_), Width()));
    PushDownConstants();
    Plan();
    if (!empty_) {
      TINYKG_RETURN_IF_ERROR(Step(0));
    }
    if (unsupported_) return false;
    if (engine_.expired()) return true;  // the caller reports the deadline; no rows to decode
    if (over_) return RowLimitExceeded(static_cast<std::int64_t>(max_rows_), Width());
    out.kind = QueryResult::Kind::kBindings;
    out.variables = names_;
    const size_t width = projected_.size();
    const size_t n = width == 0 ? rows_count_ : rows_.size() / width;
    out.rows.reserve(n);
    out.term_ids.assign(width, std::vector<std::uint64_t>(n));
    size_t bytes = 0;
    for (size_t r = 0; r < n; ++r) {
      // Decoding a result of the bounds' size took seconds under ASan after
      // the query's deadline had passed (serve_fuzz_routes' slow units).
      if ((r & 1023) == 1023 && engine_.PastDeadline()) return true;
      std::vector<std::optional<Term>> row(width);
      for (size_t c = 0; c < width; ++c) {
        TermId id = rows_[r * width + c];
        out.term_ids[c][r] = id;
        if (!id) continue;
        const Term* t = terms_.Get(id);
        if (!t) return StoreError("term " + std::to_string(id) + " is missing from the store");
        row[c] = *t;
      }
      for (const auto& value : row) bytes += ResultValueBytes(value);
      if (max_bytes_ && bytes > max_bytes_) return ResultBytesExceeded(static_cast<std::int64_t>(max_bytes_));
      out.rows.push_back(std::move(row));
    }
    return true;
  }

 private:
  int VarIndex(rasqal_variable* v) {
    std::string name = reinterpret_cast<const char*>(v->name);
    auto it = var_index_.find(name);
    if (it != var_index_.end()) return it->second;
    int index = static_cast<int>(var_names_.size());
    var_index_.emplace(name, index);
    var_names_.push_back(std::move(name));
    return index;
  }

  // Gathers the triple patterns and filter conjuncts of the top group.
  bool Collect(rasqal_query* q, rasqal_graph_pattern* gp, bool top) {
    switch (rasqal_graph_pattern_get_operator(gp)) {
      case RASQAL_GRAPH_PATTERN_OPERATOR_BASIC:
        for (int i = 0;; ++i) {
          rasqal_triple* t = rasqal_graph_pattern_get_triple(gp, i);
          if (!t) break;
          if (t->origin) return false;
          RawPattern raw{t->subject, t->predicate, t->object};
          raw_.push_back(raw);
        }
        return rasqal_graph_pattern_get_sub_graph_pattern(gp, 0) == nullptr;
      case RASQAL_GRAPH_PATTERN_OPERATOR_FILTER: {
        rasqal_expression* e = rasqal_graph_pattern_get_filter_expression(gp);
        if (!e) return false;
        return AddConjuncts(e);
      }
      case RASQAL_GRAPH_PATTERN_OPERATOR_GROUP: {
        if (!top) return false;
        if (rasqal_expression* e = rasqal_graph_pattern_get_filter_expression(gp); e && !AddConjuncts(e)) return false;
        for (int i = 0;; ++i) {
          rasqal_graph_pattern* sub = rasqal_graph_pattern_get_sub_graph_pattern(gp, i);
          if (!sub) break;
          if (!Collect(q, sub, false)) return false;
        }
        return true;
      }
      default:
        return false;
    }
  }

  bool MakeSlot(rasqal_literal* l, Slot& slot) {
    if (!l) return false;
    if (l->type == RASQAL_LITERAL_VARIABLE) {
      slot.var = VarIndex(l->value.variable);
      return true;
    }
    auto term = ConstantOf(l);
    if (!term) return false;
    pending_.emplace_back(&slot, std::move(*term));
    return true;
  }

  bool AddConjuncts(rasqal_expression* e, int depth = 0) {
    if (!e || depth > kMaxDepth) return false;
    if (e->op == RASQAL_EXPR_AND) return AddConjuncts(e->arg1, depth + 1) && AddConjuncts(e->arg2, depth + 1);
    Expr compiled;
    if (!CompileExpr(e, compiled)) return false;
    filters_.push_back(std::move(compiled));
    return true;
  }

  bool CompileExpr(rasqal_expression* e, Expr& out, int depth = 0) {
    if (!e || depth > kMaxDepth) return false;
    out.op = e->op;
    switch (e->op) {
      case RASQAL_EXPR_LITERAL: {
        rasqal_literal* l = e->literal;
        if (!l) return false;
        if (l->type == RASQAL_LITERAL_VARIABLE) {
          out.var = VarIndex(l->value.variable);
          return true;
        }
        out.constant = ConstantOf(l);
        if (out.constant) {
          if (auto id = InlineId(*out.constant)) out.integer = InlineValue(*id);
        }
        return out.constant.has_value();
      }
      case RASQAL_EXPR_AND:
      case RASQAL_EXPR_OR:
      case RASQAL_EXPR_EQ:
      case RASQAL_EXPR_NEQ:
      case RASQAL_EXPR_LT:
      case RASQAL_EXPR_GT:
      case RASQAL_EXPR_LE:
      case RASQAL_EXPR_GE:
      case RASQAL_EXPR_SAMETERM:
        out.args.resize(2);
        return CompileExpr(e->arg1, out.args[0], depth + 1) && CompileExpr(e->arg2, out.args[1], depth + 1);
      case RASQAL_EXPR_BANG:
      case RASQAL_EXPR_ISURI:
      case RASQAL_EXPR_ISBLANK:
      case RASQAL_EXPR_ISLITERAL:
      case RASQAL_EXPR_BOUND:
        out.args.resize(1);
        if (e->op == RASQAL_EXPR_BOUND && (!e->arg1 || e->arg1->op != RASQAL_EXPR_LITERAL || !e->arg1->literal ||
                                           e->arg1->literal->type != RASQAL_LITERAL_VARIABLE)) {
          return false;
        }
        return CompileExpr(e->arg1, out.args[0], depth + 1);
      case RASQAL_EXPR_IN:
      case RASQAL_EXPR_NOT_IN: {
        out.args.resize(1);
        if (!CompileExpr(e->arg1, out.args[0], depth + 1) || !e->args) return false;
        for (int i = 0; i < raptor_sequence_size(e->args); ++i) {
          Expr item;
          if (!CompileExpr(static_cast<rasqal_expression*>(raptor_sequence_get_at(e->args, i)), item, depth + 1))
            return false;
          out.args.push_back(std::move(item));
        }
        return true;
      }
      default:
        return false;
    }
  }

  Status ResolveConstants() {
    for (auto& [slot, term] : pending_) {
      TINYKG_ASSIGN_OR_RETURN(auto id, engine_.Find(term));
      slot->id = id.value_or(0);
      if (!id) empty_ = true;  // a constant the store does not have: no match
    }
    return Status::Ok();
  }

  // A top-level `sameTerm(?v, c)`, or `?v = c` with an IRI c, binds ?v
  // before the join starts (the guard writes constants in patterns that
  // way; see sparql_guard.h). The filter stays, so its answer is unchanged.
  void PushDownConstants() {
    for (const Expr& f : filters_) {
      if (f.op != RASQAL_EXPR_SAMETERM && f.op != RASQAL_EXPR_EQ) continue;
      const Expr* var = nullptr;
      const Expr* constant = nullptr;
      for (int i = 0; i < 2; ++i) {
        if (f.args[i].var >= 0) var = &f.args[i];
        if (f.args[i].constant) constant = &f.args[i];
      }
      if (!var || !constant) continue;
      if (f.op == RASQAL_EXPR_EQ && !constant->constant->is_iri()) continue;
      if (!InPatterns(var->var) || prebound_.count(var->var)) continue;
      auto id = engine_.Find(*constant->constant);
      if (!id.ok() || !*id) {
        if (id.ok()) empty_ = true;  // the constant is nowhere in the store
        continue;
      }
      prebound_[var->var] = **id;
    }
  }

  bool InPatterns(int var) const {
    for (const auto& p : patterns_) {
      if (p.s.var == var || p.p.var == var || p.o.var == var) return true;
    }
    return false;
  }

  // How selective a pattern is with `bound` variables: lower is better.
  int Rank(const Pattern& p, const std::vector<bool>& bound) const {
    auto b = [&](const Slot& s) { return !s.IsVar() || bound[static_cast<size_t>(s.var)]; };
    bool s = b(p.s), pr = b(p.p), o = b(p.o);
    if (s && pr && o) return 0;
    if (s && (pr || o)) return 1;
    if (s) return 2;
    if (pr && o) return 3;
    if (o) return 4;
    if (pr) return 5;
    return 6;
  }

  // Orders the patterns greedily (the most bound first; among patterns of
  // the first rank that need a scan, the one with fewer matches, counted up
  // to a bound) and attaches each filter after the pattern that binds its
  // last variable.
  void Plan() {
    std::vector<bool> bound(var_names_.size(), false);
    for (const auto& [var, id] : prebound_) {
      bound[static_cast<size_t>(var)] = true;
      bind_[static_cast<size_t>(var)] = id;
    }
    std::vector<bool> used(patterns_.size(), false);
    for (size_t step = 0; step < patterns_.size(); ++step) {
      size_t best = SIZE_MAX;
      int best_rank = 99;
      std::int64_t best_count = INT64_MAX;
      for (size_t i = 0; i < patterns_.size(); ++i) {
        if (used[i]) continue;
        int rank = Rank(patterns_[i], bound);
        std::int64_t count = 0;
        if (rank >= 3 && rank <= best_rank) count = EstimateMatches(patterns_[i], bound);
        if (rank < best_rank || (rank == best_rank && count < best_count)) {
          best = i;
          best_rank = rank;
          best_count = count;
        }
      }
      used[best] = true;
      order_.push_back(best);
      for (const Slot* s : {&patterns_[best].s, &patterns_[best].p, &patterns_[best].o}) {
        if (s->IsVar()) bound[static_cast<size_t>(s->var)] = true;
      }
    }
    // Filters: after the step binding their last pattern variable.
    step_filters_.assign(order_.size(), {});
    std::vector<int> bound_at(var_names_.size(), -1);
    for (const auto& [var, id] : prebound_) bound_at[static_cast<size_t>(var)] = -1;
    for (size_t step = 0; step < order_.size(); ++step) {
      const Pattern& p = patterns_[order_[step]];
      for (const Slot* s : {&p.s, &p.p, &p.o}) {
        if (s->IsVar() && bound_at[static_cast<size_t>(s->var)] < 0 && !prebound_.count(s->var)) {
          bound_at[static_cast<size_t>(s->var)] = static_cast<int>(step);
        }
      }
    }
    for (size_t f = 0; f < filters_.size(); ++f) {
      int last = 0;
      Vars(filters_[f], [&](int var) { last = std::max(last, bound_at[static_cast<size_t>(var)]); });
      step_filters_[static_cast<size_t>(last)].push_back(f);
    }
  }

  template <typename F>
  void Vars(const Expr& e, F&& f) {
    if (e.var >= 0) f(e.var);
    for (const auto& a : e.args) Vars(a, f);
  }

  // Matches of a pattern with only constants bound, counted up to a bound.
  std::int64_t EstimateMatches(const Pattern& p, const std::vector<bool>& bound) {
    constexpr std::int64_t kCap = 20000;
    QuadIds want;
    auto id = [&](const Slot& s) -> TermId {
      if (!s.IsVar()) return s.id;
      return bound[static_cast<size_t>(s.var)] && prebound_.count(s.var) ? prebound_.at(s.var) : 0;
    };
    want.s = id(p.s);
    want.p = id(p.p);
    want.o = id(p.o);
    // Bound by an earlier pattern (not a constant): the count is unknown
    // until then; rank decides.
    for (const Slot* s : {&p.s, &p.p, &p.o}) {
      if (s->IsVar() && bound[static_cast<size_t>(s->var)] && !prebound_.count(s->var)) return kCap;
    }
    auto scan = engine_.Find(want);
    if (!scan.ok()) return kCap;
    std::int64_t n = 0;
    QuadIds q;
    while (n < kCap && (*scan)->Next(q)) ++n;
    return n;
  }

  Status Step(size_t k) {
    if (unsupported_ || over_ || engine_.expired()) return Status::Ok();
    if (k == order_.size()) {
      // Rows can come faster than scans step (a cross product): the deadline
      // is checked here too.
      if (++emitted_ % 4096 == 0) engine_.CheckDeadline();
      if (row_bound_ && emitted_ > row_bound_) {
        over_ = true;
        return Status::Ok();
      }
      if (projected_.empty()) {
        ++rows_count_;
      } else {
        for (int v : projected_) rows_.push_back(bind_[static_cast<size_t>(v)]);
      }
      return Status::Ok();
    }
    const Pattern& p = patterns_[order_[k]];
    QuadIds want;
    int fresh[3] = {-1, -1, -1};
    const Slot* slots[3] = {&p.s, &p.p, &p.o};
    TermId* ids[3] = {&want.s, &want.p, &want.o};
    for (int i = 0; i < 3; ++i) {
      const Slot& s = *slots[i];
      if (!s.IsVar()) {
        *ids[i] = s.id;
      } else if (bind_[static_cast<size_t>(s.var)]) {
        *ids[i] = bind_[static_cast<size_t>(s.var)];
      } else {
        fresh[i] = s.var;
      }
    }
    // One scan per step, started again for each row of the step before.
    if (scans_.size() <= k) scans_.resize(k + 1);
    if (!scans_[k]) {
      TINYKG_ASSIGN_OR_RETURN(scans_[k], engine_.Find(want));
    } else {
      TINYKG_RETURN_IF_ERROR(engine_.Refind(*scans_[k], want));
    }
    LmdbEngine::Scan* scan = scans_[k].get();
    QuadIds q;
    while (scan->Next(q)) {
      TermId got[3] = {q.s, q.p, q.o};
      bool consistent = true;
      for (int i = 0; i < 3; ++i) {
        if (fresh[i] < 0) continue;
        TermId& b = bind_[static_cast<size_t>(fresh[i])];
        if (b && b != got[i]) consistent = false;  // the same variable twice in the pattern
        b = got[i];
      }
      if (consistent && PassFilters(k)) TINYKG_RETURN_IF_ERROR(Step(k + 1));
      for (int i = 0; i < 3; ++i) {
        if (fresh[i] >= 0) bind_[static_cast<size_t>(fresh[i])] = 0;
      }
      if (unsupported_ || engine_.expired()) break;
    }
    return Status::Ok();
  }

  bool PassFilters(size_t step) {
    for (size_t f : step_filters_[step]) {
      if (Test(filters_[f]) != Truth::kTrue) return false;
    }
    return true;
  }

  // The value of an operand: a bound variable's term or a constant; null
  // when unbound (an error in SPARQL).
  const Term* Operand(const Expr& e) {
    if (e.constant) return &*e.constant;
    if (e.var < 0) {
      unsupported_ = true;  // a nested expression as an operand
      return nullptr;
    }
    TermId id = bind_[static_cast<size_t>(e.var)];
    if (!id) return nullptr;
    const Term* t = terms_.Get(id);
    if (!t) unsupported_ = true;
    return t;
  }

  // The value of an operand that is a canonical integer: a constant, or a
  // variable bound to an inline id (compared without decoding a term).
  std::optional<std::int64_t> IntegerOperand(const Expr& e) const {
    if (e.constant) return e.integer;
    if (e.var < 0) return std::nullopt;
    TermId id = bind_[static_cast<size_t>(e.var)];
    if (!IsInlineId(id)) return std::nullopt;
    return InlineValue(id);
  }

  // The first operand of a comparison, kept apart from the cache: the
  // second operand's lookup may take its cache slot.
  // (`second` null: any number of later lookups, as IN has.)
  const Term* Pinned(const Expr& e, const Expr* second) {
    const Term* t = Operand(e);
    if (!t || e.constant) return t;
    if (second) {
      if (second->var < 0) return t;
      TermId a = bind_[static_cast<size_t>(e.var)], b = bind_[static_cast<size_t>(second->var)];
      if (!b || a == b || !TermCache::SameSlot(a, b)) return t;
    }
    pinned_ = *t;
    return &pinned_;
  }

  static Truth Of(bool b) { return b ? Truth::kTrue : Truth::kFalse; }

  // -1, 0, 1 for an ordered comparison, or nullopt when SPARQL says error;
  // sets unsupported_ for types this file leaves to Rasqal.
  std::optional<int> Order(const Term& a, const Term& b) {
    bool bad = false;
    auto na = NumberOf(a, &bad);
    auto nb = NumberOf(b, &bad);
    if (bad) {
      unsupported_ = true;
      return std::nullopt;
    }
    if (na && nb) {
      if (na->integer && nb->integer) return na->i < nb->i ? -1 : na->i > nb->i ? 1 : 0;
      return na->d < nb->d ? -1 : na->d > nb->d ? 1 : 0;
    }
    if (IsStringLiteral(a) && IsStringLiteral(b)) {
      int c = a.value.compare(b.value);
      return c < 0 ? -1 : c > 0 ? 1 : 0;
    }
    auto ba = BooleanOf(a), bb = BooleanOf(b);
    if (ba && bb) return *ba == *bb ? 0 : (*ba ? 1 : -1);
    unsupported_ = true;
    return std::nullopt;
  }

  Truth Equal(const Term& a, const Term& b) {
    if (!a.is_literal() || !b.is_literal()) return Of(a == b);
    if (a == b) return Truth::kTrue;
    bool bad = false;
    auto na = NumberOf(a, &bad);
    auto nb = NumberOf(b, &bad);
    if (!bad && na && nb) {
      if (na->integer && nb->integer) return Of(na->i == nb->i);
      return Of(na->d == nb->d);
    }
    if (IsStringLiteral(a) && IsStringLiteral(b)) return Of(a.value == b.value);
    auto ba = BooleanOf(a), bb = BooleanOf(b);
    if (ba && bb) return Of(*ba == *bb);
    unsupported_ = true;  // other literal pairs: Rasqal's rules
    return Truth::kError;
  }

  Truth Test(const Expr& e) {
    switch (e.op) {
      case RASQAL_EXPR_AND: {
        Truth a = Test(e.args[0]), b = Test(e.args[1]);
        if (a == Truth::kFalse || b == Truth::kFalse) return Truth::kFalse;
        if (a == Truth::kError || b == Truth::kError) return Truth::kError;
        return Truth::kTrue;
      }
      case RASQAL_EXPR_OR: {
        Truth a = Test(e.args[0]), b = Test(e.args[1]);
        if (a == Truth::kTrue || b == Truth::kTrue) return Truth::kTrue;
        if (a == Truth::kError || b == Truth::kError) return Truth::kError;
        return Truth::kFalse;
      }
      case RASQAL_EXPR_BANG: {
        Truth a = Test(e.args[0]);
        return a == Truth::kError ? a : Of(a == Truth::kFalse);
      }
      case RASQAL_EXPR_BOUND:
        return Of(bind_[static_cast<size_t>(e.args[0].var)] != 0);
      case RASQAL_EXPR_ISURI:
      case RASQAL_EXPR_ISBLANK:
      case RASQAL_EXPR_ISLITERAL: {
        const Term* t = Operand(e.args[0]);
        if (!t) return Truth::kError;
        if (e.op == RASQAL_EXPR_ISURI) return Of(t->is_iri());
        if (e.op == RASQAL_EXPR_ISBLANK) return Of(t->is_blank());
        return Of(t->is_literal());
      }
      case RASQAL_EXPR_SAMETERM: {
        const Term* a = Pinned(e.args[0], &e.args[1]);
        const Term* b = Operand(e.args[1]);
        if (!a || !b) return Truth::kError;
        return Of(*a == *b);
      }
      case RASQAL_EXPR_EQ:
      case RASQAL_EXPR_NEQ: {
        if (auto x = IntegerOperand(e.args[0])) {
          if (auto y = IntegerOperand(e.args[1])) return Of((*x == *y) == (e.op == RASQAL_EXPR_EQ));
        }
        const Term* a = Pinned(e.args[0], &e.args[1]);
        const Term* b = Operand(e.args[1]);
        if (!a || !b) return Truth::kError;
        Truth t = Equal(*a, *b);
        if (e.op == RASQAL_EXPR_EQ || t == Truth::kError) return t;
        return Of(t == Truth::kFalse);
      }
      case RASQAL_EXPR_LT:
      case RASQAL_EXPR_GT:
      case RASQAL_EXPR_LE:
      case RASQAL_EXPR_GE: {
        std::optional<int> c;
        if (auto x = IntegerOperand(e.args[0])) {
          if (auto y = IntegerOperand(e.args[1])) c = *x < *y ? -1 : *x > *y ? 1 : 0;
        }
        if (!c) {
          const Term* a = Pinned(e.args[0], &e.args[1]);
          const Term* b = Operand(e.args[1]);
          if (!a || !b) return Truth::kError;
          c = Order(*a, *b);
          if (!c) return Truth::kError;
        }
        if (e.op == RASQAL_EXPR_LT) return Of(*c < 0);
        if (e.op == RASQAL_EXPR_GT) return Of(*c > 0);
        if (e.op == RASQAL_EXPR_LE) return Of(*c <= 0);
        return Of(*c >= 0);
      }
      case RASQAL_EXPR_IN:
      case RASQAL_EXPR_NOT_IN: {
        const Term* a = Pinned(e.args[0], nullptr);
        if (!a) return Truth::kError;
        bool error = false;
        for (size_t i = 1; i < e.args.size(); ++i) {
          const Term* b = Operand(e.args[i]);
          Truth t = b ? Equal(*a, *b) : Truth::kError;
          if (t == Truth::kTrue) return Of(e.op == RASQAL_EXPR_IN);
          if (t == Truth::kError) error = true;
        }
        if (error) return Truth::kError;
        return Of(e.op == RASQAL_EXPR_NOT_IN);
      }
      case RASQAL_EXPR_LITERAL: {
        // A term as a condition: its effective boolean value.
        const Term* t = Operand(e);
        if (!t) return Truth::kError;
        if (auto b = BooleanOf(*t)) return Of(*b);
        bool bad = false;
        if (auto n = NumberOf(*t, &bad)) return Of(n->d != 0);
        if (IsStringLiteral(*t)) return Of(!t->value.empty());
        unsupported_ = true;
        return Truth::kError;
      }
      default:
        unsupported_ = true;
        return Truth::kError;
    }
  }

  struct RawPattern {
    rasqal_literal *s, *p, *o;
  };

  LmdbEngine& engine_;
  std::vector<RawPattern> raw_;
  std::vector<Pattern> patterns_;
  std::vector<std::pair<Slot*, Term>> pending_;
  std::vector<Expr> filters_;
  std::unordered_map<std::string, int> var_index_;
  std::vector<std::string> var_names_;
  std::vector<int> projected_;
  std::vector<std::string> names_;
  std::unordered_map<int, TermId> prebound_;
  std::vector<size_t> order_;
  std::vector<std::vector<size_t>> step_filters_;
  std::vector<TermId> bind_;
  std::vector<std::unique_ptr<LmdbEngine::Scan>> scans_;
  std::vector<TermId> rows_;
  size_t rows_count_ = 0;
  size_t emitted_ = 0;
  // The projected columns the caller shows (not its helper columns).
  size_t Width() const {
    size_t n = 0;
    for (const auto& name : names_) n += std::find(hidden_.begin(), hidden_.end(), name) == hidden_.end();
    return n;
  }

  const size_t max_rows_;   // 0: no bound
  const size_t max_bytes_;  // 0: no bound
  const std::vector<std::string>& hidden_;
  size_t row_bound_ = 0;   // RowBound of max_rows_ for the projected columns
  bool over_ = false;      // stopped at max_rows_
  TermCache terms_;
  Term pinned_;
  bool empty_ = false;
  bool unsupported_ = false;
};

}  // namespace

IndexQueryParser::~IndexQueryParser() {
  if (world_) rasqal_free_world(world_);
}

rasqal_world* IndexQueryParser::world() {
  if (world_) return world_;
  world_ = rasqal_new_world();
  if (!world_) return nullptr;
  if (rasqal_world_open(world_) != 0) {
    rasqal_free_world(world_);
    world_ = nullptr;
    return nullptr;
  }
  rasqal_world_set_log_handler(world_, nullptr, [](void*, raptor_log_message*) {});
  return world_;
}

std::int64_t RowBound(std::int64_t max_rows, std::size_t columns) {
  if (max_rows <= 0) return 0;
  const auto wide = static_cast<std::int64_t>(std::max<std::size_t>(columns, 1));
  if (wide <= kRowBoundColumns) return max_rows;
  return std::max<std::int64_t>(1, max_rows / wide * kRowBoundColumns);
}

Status RowLimitExceeded(std::int64_t max_rows, std::size_t columns) {
  const std::int64_t bound = RowBound(max_rows, columns);
  std::string what = "the query's result has more than " + std::to_string(bound) + " rows";
  if (bound != max_rows) {
    what += " of " + std::to_string(columns) + " columns (the store's bound is " + std::to_string(max_rows) +
            " rows of up to " + std::to_string(kRowBoundColumns) + ")";
  } else {
    what += ", the bound of this store";
  }
  return InvalidArgument(what + " (narrow the query or add LIMIT)");
}

std::size_t ResultValueBytes(const Term& value) {
  return sizeof(value) + value.value.size() + value.datatype.size() + value.language.size();
}

std::size_t ResultValueBytes(const std::optional<Term>& value) {
  return value ? ResultValueBytes(*value) - sizeof(Term) + sizeof(value) : sizeof(value);
}

Status ResultBytesExceeded(std::int64_t max_bytes) {
  return InvalidArgument("the query's result takes more than " + std::to_string(max_bytes) +
                         " bytes, the bound of this store (narrow the query or add LIMIT)");
}

std::optional<Result<QueryResult>> EvaluateOnIndexes(LmdbEngine& engine, IndexQueryParser& parser,
                                                     const std::string& sparql, std::int64_t max_rows,
                                                     const std::vector<std::string>& hidden, std::int64_t max_bytes) {
  rasqal_world* rw = parser.world();
  if (!rw) return std::nullopt;
  std::unique_ptr<rasqal_query, RasqalQueryDeleter> query(rasqal_new_query(rw, "sparql", nullptr));
  if (!query) return std::nullopt;
  if (rasqal_query_prepare(query.get(), reinterpret_cast<const unsigned char*>(sparql.c_str()), nullptr) != 0) {
    return std::nullopt;
  }
  Evaluator evaluator(engine, max_rows, hidden, max_bytes);
  if (!evaluator.Compile(query.get())) return std::nullopt;
  QueryResult out;
  auto ran = evaluator.Run(out);
  if (!ran.ok()) return Result<QueryResult>(ran.status());
  if (!*ran) return std::nullopt;
  return Result<QueryResult>(std::move(out));
}

}  // namespace tinykg::rdf::internal
