// The YAML loader: the only file that includes yaml-cpp.
#include "checker/document.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "checker/scalar_types.h"
#include "checker/text_util.h"

namespace syncgate {

// ---------------------------------------------------------------------------------------------
// SourceFile

std::shared_ptr<const SourceFile> SourceFile::FromText(std::string path, std::string text,
                                                       std::optional<size_t> original_size) {
  auto file = std::make_shared<SourceFile>();
  file->path_ = std::move(path);
  file->text_ = std::move(text);
  file->byte_size_ = original_size.value_or(file->text_.size());
  file->line_starts_.push_back(0);
  const std::string& t = file->text_;
  for (size_t i = t.find('\n'); i != std::string::npos; i = t.find('\n', i + 1)) {
    if (i + 1 < t.size()) file->line_starts_.push_back(static_cast<uint32_t>(i + 1));
  }
  return file;
}

std::string_view SourceFile::Line(int line) const {
  if (line < 1 || line > line_count()) return {};
  const size_t begin = line_starts_[line - 1];
  size_t end = line < line_count() ? line_starts_[line] - 1 : text_.size();
  if (end > begin && text_[end - 1] == '\n') --end;
  if (end > begin && text_[end - 1] == '\r') --end;
  if (end < begin) end = begin;
  return std::string_view(text_).substr(begin, end - begin);
}

Position SourceFile::PositionOfOffset(size_t offset) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const int line = static_cast<int>(it - line_starts_.begin());
  const int column = static_cast<int>(offset - line_starts_[line - 1]) + 1;
  return {line, column};
}

// ---------------------------------------------------------------------------------------------
// Node lookups

namespace {
constexpr int kMaxMergeDepth = 16;

const Node* GetImpl(const Node& self, std::string_view key, int depth) {
  const Node& map = self.Resolved();
  if (map.kind != NodeKind::kMapping) return nullptr;
  for (auto it = map.entries.rbegin(); it != map.entries.rend(); ++it) {
    if (it->key->kind == NodeKind::kScalar && it->key->value == key) return it->value;
  }
  if (depth >= kMaxMergeDepth) return nullptr;
  // `<<: *base` or `<<: [*a, *b]`: keys of this mapping win, then the merged ones in order.
  for (const MapEntry& entry : map.entries) {
    if (entry.key->value != "<<" || entry.key->style != ScalarStyle::kPlain) continue;
    const Node& merged = entry.value->Resolved();
    if (merged.kind == NodeKind::kMapping) {
      if (const Node* found = GetImpl(merged, key, depth + 1)) return found;
    } else if (merged.kind == NodeKind::kSequence) {
      for (const Node* item : merged.items) {
        if (const Node* found = GetImpl(*item, key, depth + 1)) return found;
      }
    }
  }
  return nullptr;
}
}  // namespace

const Node* Node::Get(std::string_view key) const { return GetImpl(*this, key, 0); }

const Node* Node::KeyNode(std::string_view key) const {
  const Node& map = Resolved();
  if (map.kind != NodeKind::kMapping) return nullptr;
  for (auto it = map.entries.rbegin(); it != map.entries.rend(); ++it) {
    if (it->key->kind == NodeKind::kScalar && it->key->value == key) return it->key;
  }
  return nullptr;
}

const Node* Node::Path(std::initializer_list<std::string_view> keys) const {
  const Node* node = this;
  for (std::string_view key : keys) {
    node = node->Get(key);
    if (!node) return nullptr;
  }
  return node;
}

std::string_view DocKindName(DocKind kind) {
  switch (kind) {
    case DocKind::kManifest:
      return "manifest";
    case DocKind::kApplication:
      return "application";
    case DocKind::kAppProject:
      return "appproject";
    case DocKind::kApplicationSet:
      return "applicationset";
    case DocKind::kSealedSecret:
      return "sealedsecret";
    case DocKind::kValues:
      return "values";
    case DocKind::kChart:
      return "chart";
    case DocKind::kConfig:
      return "config";
    case DocKind::kData:
      return "data";
    case DocKind::kNone:
      return "none";
    case DocKind::kAny:
      return "any";
  }
  return "document";
}

const Node* FindBelow(const Node* root, std::string_view pointer) {
  const Node* node = root;
  if (!node || pointer.empty()) return node;
  for (std::string_view raw : Split(pointer.substr(1), '/')) {
    const std::string token = UnescapePointerToken(raw);
    const Node& current = node->Resolved();
    if (current.IsMap()) {
      node = current.Get(token);
    } else if (current.IsSeq()) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      const bool valid = ec == std::errc() && end == token.data() + token.size();
      node = valid && index < current.items.size() ? current.items[index] : nullptr;
    } else {
      node = nullptr;
    }
    if (!node) return nullptr;
  }
  return node;
}

Position KeyPositionOf(const Document& doc, std::string_view pointer) {
  const size_t slash = pointer.rfind('/');
  if (slash != std::string_view::npos) {
    const Node* parent = doc.Find(pointer.substr(0, slash));
    if (parent && parent->IsMap()) {
      if (const Node* key = parent->KeyNode(UnescapePointerToken(pointer.substr(slash + 1)))) {
        return key->pos;
      }
    }
  }
  return doc.PositionOf(pointer);
}

std::string UnescapePointerToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size()) {
      out += token[i + 1] == '1' ? '/' : '~';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

std::string EscapePointerToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string JoinPointer(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out += '/';
  out += EscapePointerToken(token);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Document

Document::Document(std::shared_ptr<const SourceFile> source, int index)
    : source_(std::move(source)), index_(index) {}

Document::~Document() = default;

Node* Document::NewNode() {
  // Blocks grow from 16 to 1024 nodes: most Kubernetes documents are small, and a large first
  // block would cost more in page faults and construction than the whole parse.
  if (block_used_ == block_size_) {
    block_size_ = block_size_ == 0 ? 16 : std::min<size_t>(block_size_ * 2, 1024);
    arena_blocks_.push_back(std::make_unique<Node[]>(block_size_));
    block_used_ = 0;
  }
  ++node_count_;
  return &arena_blocks_.back()[block_used_++];
}

void Document::Classify() {
  const Node& root = *root_;
  if (!root.IsMap()) return;
  const Node* api = root.Get("apiVersion");
  const Node* kind = root.Get("kind");
  if (!api || !kind || !api->IsScalar() || !kind->IsScalar()) return;
  object_.api_version = std::string(api->Text());
  object_.kind = std::string(kind->Text());
  if (const Node* meta = root.Get("metadata")) {
    if (const Node* name = meta->Get("name")) object_.name = std::string(name->Text());
    if (const Node* ns = meta->Get("namespace")) object_.ns = std::string(ns->Text());
  }
  const std::string_view group =
      std::string_view(object_.api_version).substr(0, object_.api_version.find('/'));
  if (group == "argoproj.io") {
    if (object_.kind == "Application") {
      kind_ = DocKind::kApplication;
      return;
    }
    if (object_.kind == "AppProject") {
      kind_ = DocKind::kAppProject;
      return;
    }
    if (object_.kind == "ApplicationSet") {
      kind_ = DocKind::kApplicationSet;
      return;
    }
  }
  if (group == "bitnami.com" && object_.kind == "SealedSecret") {
    kind_ = DocKind::kSealedSecret;
    return;
  }
  kind_ = DocKind::kManifest;
}

const Node* Document::Find(std::string_view pointer) const {
  const Document* doc = this;
  const Node* node = root_;
  if (pointer.empty()) return node;
  if (pointer.front() != '/') return nullptr;
  size_t pos = 1;
  std::string consumed;
  while (true) {
    const size_t slash = pointer.find('/', pos);
    std::string_view raw =
        pointer.substr(pos, slash == std::string_view::npos ? slash : slash - pos);
    const std::string token = UnescapePointerToken(raw);
    const Node& current = node->Resolved();
    const Node* next = nullptr;
    if (current.kind == NodeKind::kMapping) {
      next = current.Get(token);
    } else if (current.kind == NodeKind::kSequence) {
      size_t index = 0;
      auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), index);
      if (ec == std::errc() && end == token.data() + token.size() && index < current.items.size()) {
        next = current.items[index];
      }
    } else if (current.kind == NodeKind::kScalar && current.type == ScalarType::kString) {
      if (const Document* child = doc->Embedded(current, consumed)) {
        doc = child;
        node = &child->root();
        continue;  // retry this token inside the embedded document
      }
    }
    if (!next) return nullptr;
    node = next;
    consumed = std::string(pointer.substr(0, slash));
    if (slash == std::string_view::npos) return node;
    pos = slash + 1;
  }
}

Position Document::PositionOf(std::string_view pointer) const {
  std::string_view prefix = pointer;
  while (true) {
    if (const Node* node = Find(prefix)) {
      return node->pos.line > 0 ? node->pos : start_;
    }
    const size_t slash = prefix.rfind('/');
    if (slash == std::string_view::npos) return start_;
    prefix = prefix.substr(0, slash);
  }
}

// ---------------------------------------------------------------------------------------------
// The builder: yaml-cpp events → Node arena.

/// Maps positions of a child document (parsed from a string value) back into the outer file.
struct PositionMapper {
  int line_offset = 0;        // added to every child line
  int first_line_column = 0;  // added to columns on child line 1 (a value that starts mid-line)
  int column_offset = 0;      // added to columns on every line (the block's indentation)
  Position Map(const YAML::Mark& mark) const {
    const int line = mark.line + 1;
    int column = mark.column + 1 + column_offset;
    if (line == 1) column += first_line_column;
    return {line + line_offset, column};
  }
};

namespace {

/// A document whose aliases expand to far more nodes than it holds ("billion laughs").
struct ExcessiveAliasing {
  Position at;
  uint64_t expanded = 0;
};

/// go-yaml v2's limit on the share of decoded nodes that come from aliases (decode.go,
/// allowedAliasRatio), which Kubernetes and Helm read YAML with: 99% for documents of up to 400k
/// decoded nodes, down to 10% at 4M.
double AllowedAliasRatio(double decoded) {
  constexpr double kLow = 400000;
  constexpr double kHigh = 4000000;
  if (decoded <= kLow) return 0.99;
  if (decoded >= kHigh) return 0.10;
  return 0.99 - 0.89 * (decoded - kLow) / (kHigh - kLow);
}

/// The nodes below `node` with every alias expanded, saturating at kSaturated. An alias to a node
/// still being counted (an anchor that contains itself) counts as one.
uint64_t ExpandedSize(const Node& node, std::unordered_map<const Node*, uint64_t>& memo) {
  constexpr uint64_t kSaturated = uint64_t{1} << 62;
  const Node& target = node.Resolved();
  if (auto it = memo.find(&target); it != memo.end()) return std::max<uint64_t>(it->second, 1);
  memo[&target] = 0;  // in progress
  uint64_t size = 1;
  auto add = [&](uint64_t n) { size = std::min(size + n, kSaturated); };
  for (const Node* item : target.items) add(ExpandedSize(*item, memo));
  for (const MapEntry& e : target.entries) {
    add(ExpandedSize(*e.key, memo));
    add(ExpandedSize(*e.value, memo));
  }
  memo[&target] = size;
  return size;
}

}  // namespace

class DocumentBuilder : public YAML::EventHandler {
 public:
  DocumentBuilder(std::shared_ptr<const SourceFile> source, std::string_view text,
                  PositionMapper mapper, LoadResult& out)
      : source_(std::move(source)), text_(text), mapper_(mapper), out_(out) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    doc_ = std::make_unique<Document>(source_, static_cast<int>(out_.documents.size()));
    doc_->start_ = mapper_.Map(mark);
    anchors_.clear();
    frames_.clear();
    has_alias_ = false;
  }

  void OnDocumentEnd() override {
    if (!doc_->root_) {
      Node* empty = doc_->NewNode();
      empty->type = ScalarType::kNull;
      empty->pos = doc_->start_;
      doc_->root_ = empty;
    }
    // Everything after the loader that follows aliases (values text, schema validation) would
    // expand a billion-laughs document exponentially; Kubernetes and Helm refuse it.
    if (has_alias_) {
      std::unordered_map<const Node*, uint64_t> memo;
      const uint64_t expanded = ExpandedSize(*doc_->root_, memo);
      const uint64_t direct = doc_->node_count_;
      const uint64_t aliased = expanded > direct ? expanded - direct : 0;
      if (aliased > 100 && expanded > 1000 &&
          static_cast<double>(aliased) / static_cast<double>(expanded) >
              AllowedAliasRatio(static_cast<double>(expanded))) {
        throw ExcessiveAliasing{doc_->start_, expanded};
      }
    }
    doc_->Classify();
    out_.documents.push_back(std::move(doc_));
  }

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node* node = doc_->NewNode();
    node->type = ScalarType::kNull;
    node->pos = mapper_.Map(mark);
    Remember(anchor, node);
    Add(node);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    Node* node = doc_->NewNode();
    node->kind = NodeKind::kAlias;
    node->pos = mapper_.Map(mark);
    if (anchor < anchors_.size() && anchors_[anchor]) {
      node->alias_target = anchors_[anchor];
      has_alias_ = true;
      // Copy the scalar identity so key comparisons through an alias key work.
      if (node->alias_target->kind == NodeKind::kScalar) node->value = node->alias_target->value;
    }
    Add(node);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    Node* node = doc_->NewNode();
    node->pos = mapper_.Map(mark);
    node->value = value;
    node->style = StyleAt(mark);
    if (tag != "?" && tag != "!") node->tag = tag;
    if (node->tag.empty() && node->style == ScalarStyle::kPlain) {
      node->type = ResolveYaml12(value);
      node->yaml11_differs = Yaml11Differs(value, node->type);
    } else {
      node->type = TypeFromTag(node->tag);
    }
    Remember(anchor, node);
    Add(node);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    StartCollection(NodeKind::kSequence, mark, tag, anchor);
  }
  void OnSequenceEnd() override { frames_.pop_back(); }
  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    StartCollection(NodeKind::kMapping, mark, tag, anchor);
  }
  void OnMapEnd() override { frames_.pop_back(); }

  /// The document being built when a parse error interrupted it.
  std::unique_ptr<Document> TakePartial() { return std::move(doc_); }

 private:
  struct Frame {
    Node* node;
    const Node* pending_key = nullptr;
    std::unordered_map<std::string_view, const Node*> key_index;  // only for large mappings
  };
  static constexpr size_t kLinearKeyScan = 24;

  ScalarStyle StyleAt(const YAML::Mark& mark) const {
    if (mark.pos < 0 || static_cast<size_t>(mark.pos) >= text_.size()) return ScalarStyle::kPlain;
    switch (text_[mark.pos]) {
      case '"':
        return ScalarStyle::kDoubleQuoted;
      case '\'':
        return ScalarStyle::kSingleQuoted;
      case '|':
        return ScalarStyle::kLiteral;
      case '>':
        return ScalarStyle::kFolded;
      default:
        return ScalarStyle::kPlain;
    }
  }

  void Remember(YAML::anchor_t anchor, Node* node) {
    if (anchor == YAML::NullAnchor) return;
    if (anchors_.size() <= anchor) anchors_.resize(anchor + 1, nullptr);
    anchors_[anchor] = node;
  }

  void StartCollection(NodeKind kind, const YAML::Mark& mark, const std::string& tag,
                       YAML::anchor_t anchor) {
    Node* node = doc_->NewNode();
    node->kind = kind;
    node->pos = mapper_.Map(mark);
    if (tag != "?" && tag != "!" && tag != "tag:yaml.org,2002:map" &&
        tag != "tag:yaml.org,2002:seq") {
      node->tag = tag;
    }
    Remember(anchor, node);
    Add(node);
    frames_.push_back(Frame{node, nullptr, {}});
  }

  void Add(Node* node) {
    if (frames_.empty()) {
      if (!doc_->root_) doc_->root_ = node;
      return;
    }
    Frame& frame = frames_.back();
    if (frame.node->kind == NodeKind::kSequence) {
      frame.node->items.push_back(node);
      return;
    }
    if (!frame.pending_key) {
      frame.pending_key = node;
      return;
    }
    const Node* key = frame.pending_key;
    frame.pending_key = nullptr;
    CheckDuplicate(frame, key);
    frame.node->entries.push_back({key, node});
  }

  void CheckDuplicate(Frame& frame, const Node* key) {
    if (key->kind != NodeKind::kScalar && key->kind != NodeKind::kAlias) return;
    if (key->value == "<<" && key->style == ScalarStyle::kPlain) return;
    const Node* previous = nullptr;
    auto& entries = frame.node->entries;
    if (entries.size() < kLinearKeyScan) {
      for (const MapEntry& entry : entries) {
        if (entry.key->value == key->value && entry.key->kind != NodeKind::kMapping) {
          previous = entry.key;
          break;
        }
      }
    } else {
      if (frame.key_index.empty()) {
        for (const MapEntry& entry : entries) frame.key_index.emplace(entry.key->value, entry.key);
      }
      auto [it, inserted] = frame.key_index.emplace(key->value, key);
      if (!inserted) previous = it->second;
    }
    if (previous) doc_->duplicates_.push_back({previous, key, CurrentPointer()});
  }

  /// Pointer of the innermost open collection (only computed for the rare duplicate key).
  std::string CurrentPointer() const {
    std::string pointer;
    for (size_t i = 0; i + 1 < frames_.size(); ++i) {
      const Node* parent = frames_[i].node;
      const Node* child = frames_[i + 1].node;
      if (parent->kind == NodeKind::kSequence) {
        pointer += '/' + std::to_string(parent->items.size() - 1);
      } else {
        for (auto it = parent->entries.rbegin(); it != parent->entries.rend(); ++it) {
          if (it->value == child) {
            pointer = JoinPointer(pointer, it->key->value);
            break;
          }
        }
      }
    }
    return pointer;
  }

  std::shared_ptr<const SourceFile> source_;
  std::string_view text_;
  PositionMapper mapper_;
  LoadResult& out_;
  std::unique_ptr<Document> doc_;
  std::vector<Node*> anchors_;
  std::vector<Frame> frames_;
  bool has_alias_ = false;  // this document has an alias: check its expansion at its end
};

namespace {

/// yaml-cpp reads from a stream; a streambuf over the text's own bytes avoids copying them.
struct ViewBuf : std::streambuf {
  explicit ViewBuf(std::string_view v) {
    char* p = const_cast<char*>(v.data());
    setg(p, p, p + v.size());
  }
};

/// Returns the offset of the first byte that is not valid UTF-8, or npos.
size_t FindInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Fast path: 8 ASCII bytes at a time.
    if (i + 8 <= n) {
      uint64_t chunk;
      std::memcpy(&chunk, s + i, 8);
      if ((chunk & 0x8080808080808080ULL) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int extra = 0;
    uint32_t cp = 0;
    if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return i;
    }
    if (i + static_cast<size_t>(extra) >= n) return i;
    for (int k = 1; k <= extra; ++k) {
      if ((s[i + k] & 0xC0) != 0x80) return i;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    const bool overlong =
        (extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
    i += extra + 1;
  }
  return std::string_view::npos;
}

std::string CleanYamlCppMessage(const std::string& message) {
  // yaml-cpp's messages are lower-case fragments ("illegal map value"); keep them as they are,
  // they are what users search for.
  return message;
}

LoadResult Parse(const std::shared_ptr<const SourceFile>& source, std::string_view text,
                 PositionMapper mapper) {
  LoadResult result;
  DocumentBuilder builder(source, text, mapper, result);
  ViewBuf buf(text);
  std::istream in(&buf);
  try {
    YAML::Parser parser(in);
    // Each document after the first starts on a line of its own, so a stream holds at most one
    // more document than it has lines. yaml-cpp 0.7 can stop advancing on some malformed input
    // (",!" yields empty documents forever: found by bench/fuzz.sh); stop it there.
    const size_t max_documents =
        static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 2;
    while (parser.HandleNextDocument(builder)) {
      if (result.documents.size() > max_documents) {
        const Position at = result.documents.back()->start();
        result.documents.clear();
        result.error = ParseError{at,
                                  "the YAML parser stops making progress here (more documents "
                                  "than lines): the syntax near this point is malformed"};
        break;
      }
    }
  } catch (const ExcessiveAliasing& e) {
    const std::string count =
        (e.expanded >= (uint64_t{1} << 62) ? "over " : "") + std::to_string(e.expanded);
    result.error = ParseError{e.at, "the document's aliases expand to " + count +
                                        " nodes (\"billion laughs\"): Kubernetes and Helm refuse "
                                        "it as excessive aliasing; write the repeated parts out "
                                        "instead of aliasing them"};
  } catch (const YAML::DeepRecursion& e) {
    result.error = ParseError{mapper.Map(e.mark),
                              "document nested deeper than " + std::to_string(2000) +
                                  " levels; flatten it (Kubernetes rejects such objects too)"};
  } catch (const YAML::Exception& e) {
    result.error = ParseError{mapper.Map(e.mark), CleanYamlCppMessage(e.msg)};
  } catch (const std::exception& e) {
    result.error = ParseError{{1, 1}, std::string("YAML parser failed: ") + e.what()};
  }
  return result;
}

}  // namespace

LoadResult LoadYaml(const std::shared_ptr<const SourceFile>& source) {
  const std::string& text = source->text();
  if (const void* nul = std::memchr(text.data(), '\0', text.size())) {
    LoadResult result;
    const size_t offset = static_cast<const char*>(nul) - text.data();
    result.error = ParseError{source->PositionOfOffset(offset),
                              "binary content (NUL byte) in a YAML file; exclude it in "
                              ".syncgate.yaml if it is not YAML"};
    return result;
  }
  if (size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
    LoadResult result;
    result.error = ParseError{source->PositionOfOffset(bad),
                              "invalid UTF-8 byte sequence; YAML files must be UTF-8 (re-save "
                              "the file as UTF-8)"};
    return result;
  }
  LoadResult result = Parse(source, text, {});
  if (result.error && text.find('\t') != std::string::npos) {
    // YAML forbids tabs in indentation and yaml-cpp words that confusingly; say it plainly.
    for (int line = std::max(1, result.error->pos.line - 1); line <= result.error->pos.line;
         ++line) {
      std::string_view l = source->Line(line);
      const size_t first = l.find_first_not_of(' ');
      if (first != std::string_view::npos && l[first] == '\t') {
        result.error = ParseError{{line, static_cast<int>(first) + 1},
                                  "tab character used for indentation; YAML allows only spaces"};
        break;
      }
    }
  }
  return result;
}

const Document* Document::Embedded(const Node& scalar_in, std::string_view pointer) const {
  const Node& scalar = scalar_in.Resolved();
  if (scalar.kind != NodeKind::kScalar || scalar.type != ScalarType::kString) return nullptr;
  // Cheap rejections first: YAML-in-a-string for our purposes is a mapping or a sequence.
  const std::string& v = scalar.value;
  if (v.find(':') == std::string::npos && v.find("- ") == std::string::npos) return nullptr;
  std::lock_guard<std::mutex> lock(embedded_mutex_);
  if (auto it = embedded_.find(&scalar); it != embedded_.end()) return it->second.get();
  if (not_embedded_.count(&scalar)) return nullptr;

  PositionMapper mapper;
  if (scalar.style == ScalarStyle::kLiteral) {
    // Content starts on the line after the `|` indicator, indented by the block's indentation.
    mapper.line_offset = scalar.pos.line;
    int indent = 0;
    for (int line = scalar.pos.line + 1; line <= source_->line_count(); ++line) {
      std::string_view l = source_->Line(line);
      const size_t first = l.find_first_not_of(' ');
      if (first == std::string_view::npos) continue;
      indent = static_cast<int>(first);
      break;
    }
    mapper.column_offset = indent;
  } else if (scalar.style == ScalarStyle::kPlain || scalar.style == ScalarStyle::kSingleQuoted ||
             scalar.style == ScalarStyle::kDoubleQuoted) {
    mapper.line_offset = scalar.pos.line - 1;
    mapper.first_line_column =
        scalar.pos.column - 1 + (scalar.style == ScalarStyle::kPlain ? 0 : 1);
  } else {
    // Folded scalars join lines, so child lines do not map back; anchor them at the scalar.
    mapper.line_offset = scalar.pos.line - 1;
  }
  LoadResult loaded = Parse(source_, v, mapper);
  if (loaded.error || loaded.documents.size() != 1 ||
      !(loaded.documents[0]->root().IsMap() || loaded.documents[0]->root().IsSeq())) {
    not_embedded_.emplace(&scalar, std::move(loaded.error));
    return nullptr;
  }
  std::unique_ptr<Document> child = std::move(loaded.documents[0]);
  child->kind_ = DocKind::kData;
  child->object_ = {};
  child->embedded_at_ = std::string(pointer);
  child->parent_ = this;
  child->index_ = index_;
  const Document* raw = child.get();
  embedded_.emplace(&scalar, std::move(child));
  return raw;
}

}  // namespace syncgate

namespace syncgate {

const ParseError* Document::EmbeddedError(const Node& scalar_in, std::string_view pointer) const {
  const Node& scalar = scalar_in.Resolved();
  if (Embedded(scalar, pointer)) return nullptr;
  std::lock_guard<std::mutex> lock(embedded_mutex_);
  auto it = not_embedded_.find(&scalar);
  if (it == not_embedded_.end() || !it->second) return nullptr;
  return &*it->second;
}

}  // namespace syncgate

namespace syncgate {

size_t ParseEventsOnly(std::string_view text) {
  // The ceiling for this design: yaml-cpp's event parser with a handler that does nothing.
  struct CountingHandler : YAML::EventHandler {
    size_t events = 0;
    void OnDocumentStart(const YAML::Mark&) override { ++events; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override { ++events; }
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override { ++events; }
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {
      ++events;
    }
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
      ++events;
    }
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
      ++events;
    }
    void OnMapEnd() override {}
  } handler;
  ViewBuf buf(text);
  std::istream in(&buf);
  try {
    YAML::Parser parser(in);
    const size_t max_documents =
        static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 2;
    for (size_t documents = 0; parser.HandleNextDocument(handler) && documents <= max_documents;
         ++documents) {
    }
  } catch (const YAML::Exception&) {
  }
  return handler.events;
}

}  // namespace syncgate
