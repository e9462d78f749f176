#include "model/directory_source.h"

#include <algorithm>
#include <vector>

#include "checker/scalar_types.h"
#include "checker/text_util.h"

namespace syncgate::model {

namespace {

/// A parsed pattern: a sequence of terms (kPattern), each text, `*`, `?`, a class, or `{...}`
/// alternatives holding patterns. Mirrors gobwas/glob's AST.
struct GlobNode {
  enum class Kind { kPattern, kText, kAny, kSingle, kRange, kList, kAnyOf };
  Kind kind = Kind::kPattern;
  std::u32string text;  // kText: the characters; kList: the characters of the class
  char32_t lo = 0;      // kRange
  char32_t hi = 0;
  bool negated = false;            // kRange, kList: `[!...]`
  std::vector<GlobNode> children;  // kPattern: its terms; kAnyOf: its patterns
};

/// UTF-8 to code points. An invalid byte fails when `strict`, else becomes U+FFFD (as Go's
/// range over a string does for the text being matched).
bool Decode(std::string_view in, bool strict, std::u32string& out) {
  out.clear();
  for (size_t i = 0; i < in.size();) {
    const auto b = static_cast<unsigned char>(in[i]);
    int len = 0;
    char32_t cp = 0;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07;
    }
    bool ok = len > 0 && i + len <= in.size();
    for (int k = 1; ok && k < len; ++k) {
      const auto c = static_cast<unsigned char>(in[i + k]);
      ok = (c & 0xC0) == 0x80;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok) {
      if (strict) return false;
      out.push_back(U'\uFFFD');
      ++i;
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return true;
}

/// A recursive-descent reading of gobwas/glob's lexer and parser (v0.2.3, the version ArgoCD
/// uses): `,` and `}` are special only inside `{}`; `]` only inside `[]`; an unclosed `{` ends
/// with the pattern; `\` makes the next character literal (a trailing one is dropped).
class Parser {
 public:
  explicit Parser(const std::u32string& p) : p_(p) {}

  Expected<GlobNode> Parse() {
    GlobNode root = Pattern(0);
    if (!error_.empty()) return Unexpected(error_);
    return root;
  }

 private:
  bool AtEnd() const { return pos_ >= p_.size(); }

  GlobNode Pattern(int depth) {
    GlobNode pattern;
    pattern.kind = GlobNode::Kind::kPattern;
    while (!AtEnd() && error_.empty()) {
      const char32_t c = p_[pos_];
      if (depth > 0 && (c == U',' || c == U'}')) break;
      if (c == U'{') {
        ++pos_;
        GlobNode any_of;
        any_of.kind = GlobNode::Kind::kAnyOf;
        for (;;) {
          any_of.children.push_back(Pattern(depth + 1));
          if (!AtEnd() && p_[pos_] == U',') {
            ++pos_;
            continue;
          }
          if (!AtEnd() && p_[pos_] == U'}') ++pos_;
          break;
        }
        pattern.children.push_back(std::move(any_of));
      } else if (c == U'[') {
        ++pos_;
        Class(pattern);
      } else if (c == U'?') {
        ++pos_;
        pattern.children.push_back(GlobNode{GlobNode::Kind::kSingle});
      } else if (c == U'*') {
        pos_ += pos_ + 1 < p_.size() && p_[pos_ + 1] == U'*' ? 2 : 1;
        // Without separators `**` is `*`; runs of them are one (and keep matching linear).
        if (pattern.children.empty() || pattern.children.back().kind != GlobNode::Kind::kAny)
          pattern.children.push_back(GlobNode{GlobNode::Kind::kAny});
      } else {
        GlobNode text{GlobNode::Kind::kText};
        text.text = Text(depth > 0 ? U"?*[{,}" : U"?*[{");
        if (!text.text.empty()) pattern.children.push_back(std::move(text));
      }
    }
    return pattern;
  }

  /// Characters up to one of `breakers`, with `\` escapes.
  std::u32string Text(std::u32string_view breakers) {
    std::u32string out;
    while (!AtEnd()) {
      char32_t c = p_[pos_];
      if (c == U'\\') {
        ++pos_;
        if (AtEnd()) break;
        c = p_[pos_];
      } else if (breakers.find(c) != std::u32string_view::npos) {
        break;
      }
      out.push_back(c);
      ++pos_;
    }
    return out;
  }

  /// After `[`: `[!` optional, then `lo-hi]` or a list of characters up to `]`.
  void Class(GlobNode& pattern) {
    GlobNode node;
    if (!AtEnd() && p_[pos_] == U'!') {
      node.negated = true;
      ++pos_;
    }
    if (AtEnd()) {
      error_ = "unexpected end of the pattern in a [...] class";
      return;
    }
    if (pos_ + 1 < p_.size() && p_[pos_ + 1] == U'-') {
      node.kind = GlobNode::Kind::kRange;
      node.lo = p_[pos_];
      pos_ += 2;
      if (AtEnd()) {
        error_ = "unexpected end of the pattern in a [...] class";
        return;
      }
      node.hi = p_[pos_++];
      if (AtEnd() || p_[pos_] != U']') {
        error_ = "a [...] class holds one range (a-z) or a list of characters, then ]";
        return;
      }
      ++pos_;
      if (node.hi < node.lo) {
        error_ = "a [...] range must go from low to high (a-z, not z-a)";
        return;
      }
      pattern.children.push_back(std::move(node));
      return;
    }
    node.kind = GlobNode::Kind::kList;
    node.text = Text(U"]");
    if (AtEnd()) {
      error_ = "unexpected end of the pattern in a [...] class (no closing ])";
      return;
    }
    ++pos_;  // the ]
    if (node.text.empty()) {
      error_ = "an empty [...] class matches nothing";
      return;
    }
    pattern.children.push_back(std::move(node));
  }

  const std::u32string& p_;
  size_t pos_ = 0;
  std::string error_;
};

/// One state of the matcher: consumes one character (kRune, kAnyRune, kClass) and goes to `next`,
/// forks without consuming (kSplit: `outs`), or accepts.
struct State {
  enum class Kind { kRune, kAnyRune, kClass, kSplit, kAccept };
  Kind kind = Kind::kAccept;
  char32_t ch = 0;                // kRune
  const GlobNode* cls = nullptr;  // kClass: a kRange or kList node
  int next = -1;                  // kRune, kAnyRune, kClass
  std::vector<int> outs;          // kSplit
};

/// Thompson's construction over the parsed pattern: matching is a walk over the text that keeps
/// the set of live states, linear in text × pattern whatever the stars (a backtracking matcher
/// is exponential in them, and the patterns come from the repository being checked).
class Builder {
 public:
  explicit Builder(std::vector<State>& states) : states_(states) {}

  /// The states for `pattern`'s terms, continuing at `next`; returns the first.
  int Sequence(const GlobNode& pattern, int next) {
    for (auto it = pattern.children.rbegin(); it != pattern.children.rend(); ++it)
      next = Term(*it, next);
    return next;
  }

 private:
  int Add(State state) {
    states_.push_back(std::move(state));
    return static_cast<int>(states_.size()) - 1;
  }

  int Term(const GlobNode& term, int next) {
    switch (term.kind) {
      case GlobNode::Kind::kText:
        for (auto it = term.text.rbegin(); it != term.text.rend(); ++it)
          next = Add({State::Kind::kRune, *it, nullptr, next, {}});
        return next;
      case GlobNode::Kind::kSingle:
        return Add({State::Kind::kAnyRune, 0, nullptr, next, {}});
      case GlobNode::Kind::kRange:
      case GlobNode::Kind::kList:
        return Add({State::Kind::kClass, 0, &term, next, {}});
      case GlobNode::Kind::kAny: {
        // A fork to "one more character, then here again" or on.
        const int fork = Add({State::Kind::kSplit, 0, nullptr, -1, {}});
        const int one = Add({State::Kind::kAnyRune, 0, nullptr, fork, {}});
        states_[fork].outs = {one, next};
        return fork;
      }
      case GlobNode::Kind::kAnyOf: {
        std::vector<int> outs;
        for (const GlobNode& alternative : term.children)
          outs.push_back(Sequence(alternative, next));
        return Add({State::Kind::kSplit, 0, nullptr, -1, std::move(outs)});
      }
      case GlobNode::Kind::kPattern:
        return Sequence(term, next);
    }
    return next;
  }

  std::vector<State>& states_;
};

bool ClassMatches(const GlobNode& cls, char32_t c) {
  const bool in = cls.kind == GlobNode::Kind::kRange ? (c >= cls.lo && c <= cls.hi)
                                                     : cls.text.find(c) != std::u32string::npos;
  return in != cls.negated;
}

}  // namespace

struct Glob::Program {
  GlobNode root;  // the classes the states point at
  std::vector<State> states;
  int start = -1;
};

Expected<Glob> Glob::Compile(std::string_view pattern) {
  std::u32string runes;
  if (!Decode(pattern, /*strict=*/true, runes)) return Unexpected("the pattern is not valid UTF-8");
  Expected<GlobNode> root = Parser(runes).Parse();
  if (!root) return Unexpected(root.error());
  auto program = std::make_shared<Program>();
  program->root = std::move(*root);
  program->states.push_back({});  // 0: accept
  program->start = Builder(program->states).Sequence(program->root, 0);
  Glob glob;
  glob.program_ = std::move(program);
  return glob;
}

bool Glob::Match(std::string_view text) const {
  if (!program_) return false;
  const std::vector<State>& states = program_->states;
  std::u32string runes;
  Decode(text, /*strict=*/false, runes);
  // The live states after each character, closed over the forks.
  std::vector<char> live(states.size()), next_live(states.size());
  std::vector<int> stack;
  auto add = [&](std::vector<char>& set, int start) {
    stack.push_back(start);
    while (!stack.empty()) {
      const int s = stack.back();
      stack.pop_back();
      if (set[s]) continue;
      set[s] = 1;
      if (states[s].kind == State::Kind::kSplit)
        stack.insert(stack.end(), states[s].outs.begin(), states[s].outs.end());
    }
  };
  add(live, program_->start);
  for (const char32_t c : runes) {
    std::fill(next_live.begin(), next_live.end(), 0);
    bool any = false;
    for (size_t s = 0; s < states.size(); ++s) {
      if (!live[s]) continue;
      const State& state = states[s];
      const bool step = (state.kind == State::Kind::kRune && state.ch == c) ||
                        state.kind == State::Kind::kAnyRune ||
                        (state.kind == State::Kind::kClass && ClassMatches(*state.cls, c));
      if (step) {
        add(next_live, state.next);
        any = true;
      }
    }
    if (!any) return false;
    live.swap(next_live);
  }
  return live[0] != 0;
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  const Expected<Glob> glob = Glob::Compile(pattern);
  return glob && glob->Match(text);
}

namespace {

/// Whether `directory.jsonnet` sets anything: `jsonnet: {}` (which ArgoCD's UI writes into
/// plain-YAML Applications) and empty lists change nothing.
bool SetsJsonnetOptions(const Node* jsonnet) {
  if (!jsonnet || !jsonnet->IsMap()) return false;
  for (const MapEntry& entry : jsonnet->Resolved().entries) {
    const Node& value = entry.value->Resolved();
    if ((value.IsSeq() && !value.items.empty()) || (value.IsMap() && !value.entries.empty()) ||
        (value.IsScalar() && !value.IsNull() && !value.value.empty())) {
      return true;
    }
  }
  return false;
}

}  // namespace

DirectoryOptions ReadDirectoryOptions(const DirectorySource& directory) {
  DirectoryOptions options;
  options.recurse = IsYaml11True(directory.recurse);
  options.include = std::string(Text(directory.include));
  options.exclude = std::string(Text(directory.exclude));
  options.jsonnet = SetsJsonnetOptions(directory.jsonnet);
  return options;
}

bool IsJsonnetFile(std::string_view path) { return EndsWith(path, ".jsonnet"); }

bool DirectoryIncludes(const DirectoryOptions& options, std::string_view relative_path) {
  const size_t slash = relative_path.rfind('/');
  const std::string_view name =
      slash == std::string_view::npos ? relative_path : relative_path.substr(slash + 1);
  if (!(EndsWith(name, ".yaml") || EndsWith(name, ".yml") || EndsWith(name, ".json") ||
        IsJsonnetFile(name))) {
    return false;
  }
  if (!options.recurse && slash != std::string_view::npos) return false;
  if (!options.exclude.empty() && GlobMatch(options.exclude, relative_path)) return false;
  if (!options.include.empty() && !GlobMatch(options.include, relative_path)) return false;
  return true;
}

bool DirectoryIncludes(const DirectorySource& directory, std::string_view relative_path) {
  return DirectoryIncludes(ReadDirectoryOptions(directory), relative_path);
}

}  // namespace syncgate::model
