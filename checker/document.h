#pragma once
// The project's own typed YAML tree, with a position on every key and value.
//
//   auto source = SourceFile::FromText("app.yaml", text);
//   LoadResult loaded = LoadYaml(source);
//   for (const auto& doc : loaded.documents) {
//     const Node* repo = doc->Find("/spec/source/repoURL");
//     if (repo && repo->IsScalar()) Use(repo->value, repo->pos.line, repo->pos.column);
//   }
//
// Trees are built straight from yaml-cpp's event parser (no YAML::Node in between). Aliases are
// kept as references to their anchor, never expanded, so an alias bomb costs one node per alias.
// A string value that is itself YAML (an ArgoCD `helm.values: |` block) opens as a child
// Document whose positions are already translated to lines and columns of the outer file.

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace syncgate {

/// 1-based line and column; 0 means unknown.
struct Position {
  int line = 0;
  int column = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

/// One input file, kept in memory for the whole run so positions can show an excerpt.
class SourceFile {
 public:
  /// `path` is the display path (relative to the working directory, '/'-separated).
  /// `original_size` is for a text restored scrubbed from a cache: the size the file had as
  /// read or rendered, which reports (SARIF artifacts) give.
  static std::shared_ptr<const SourceFile> FromText(std::string path, std::string text,
                                                    std::optional<size_t> original_size = {});

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  /// Size in bytes of the file as read or rendered (the text's size unless restored scrubbed).
  size_t byte_size() const { return byte_size_; }
  /// Number of lines (a final line without '\n' counts).
  int line_count() const { return static_cast<int>(line_starts_.size()); }
  /// The text of 1-based `line` without its newline; empty when out of range.
  std::string_view Line(int line) const;
  /// 1-based position of a byte offset.
  Position PositionOfOffset(size_t offset) const;

 private:
  std::string path_;
  std::string text_;
  size_t byte_size_ = 0;
  std::vector<uint32_t> line_starts_;
};

enum class NodeKind : uint8_t { kScalar, kSequence, kMapping, kAlias };
enum class ScalarStyle : uint8_t { kPlain, kSingleQuoted, kDoubleQuoted, kLiteral, kFolded };
/// YAML 1.2 core schema types (what the scalar means to a YAML 1.2 reader).
enum class ScalarType : uint8_t { kString, kNull, kBool, kInt, kFloat };

class Document;
struct Node;

/// A mapping entry in source order. Duplicate keys are all kept here; lookups take the last one,
/// as Kubernetes (sigs.k8s.io/yaml) does.
struct MapEntry {
  const Node* key;
  const Node* value;
};

/// One node of the tree. Owned by its Document's arena; pointers stay valid as long as it lives.
struct Node {
  NodeKind kind = NodeKind::kScalar;
  ScalarStyle style = ScalarStyle::kPlain;
  ScalarType type = ScalarType::kString;
  /// A YAML 1.1 reader (go-yaml v2, used by Kubernetes and Helm) would read this plain scalar as
  /// another type or value: `yes`, `on`, `0777`, `1e3`, `1_000`.
  bool yaml11_differs = false;
  Position pos;
  std::string value;               // scalar text after YAML unescaping
  std::string tag;                 // explicit tag ("!!str", "!custom"), empty when none
  std::vector<const Node*> items;  // sequence items
  std::vector<MapEntry> entries;   // mapping entries
  const Node* alias_target = nullptr;

  /// Follows an alias to its anchored node (identity for other nodes).
  const Node& Resolved() const { return alias_target ? *alias_target : *this; }
  bool IsScalar() const { return Resolved().kind == NodeKind::kScalar; }
  bool IsMap() const { return Resolved().kind == NodeKind::kMapping; }
  bool IsSeq() const { return Resolved().kind == NodeKind::kSequence; }
  bool IsNull() const { return IsScalar() && Resolved().type == ScalarType::kNull; }
  /// Scalar text, or empty for collections.
  std::string_view Text() const { return IsScalar() ? std::string_view(Resolved().value) : ""; }
  /// Mapping lookup by key: the last duplicate wins; follows aliases and `<<` merge keys.
  const Node* Get(std::string_view key) const;
  /// The key node of `key` in this mapping (for positioning findings about a key).
  const Node* KeyNode(std::string_view key) const;
  /// Convenience: Get(a)->Get(b)->... stopping at the first missing step.
  const Node* Path(std::initializer_list<std::string_view> keys) const;
};

/// A key that appears more than once in one mapping.
struct DuplicateKey {
  const Node* first;
  const Node* duplicate;
  std::string pointer;  // pointer of the mapping holding them
};

/// The identity of a Kubernetes object, when the document is one.
struct ObjectRef {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string ns;
  bool empty() const { return kind.empty() && api_version.empty(); }
};

/// What a document is, decided from its file and its apiVersion/kind.
enum class DocKind : uint32_t {
  kNone = 0,
  kManifest = 1u << 0,        // any Kubernetes object not listed below
  kApplication = 1u << 1,     // argoproj.io Application
  kAppProject = 1u << 2,      // argoproj.io AppProject
  kApplicationSet = 1u << 3,  // argoproj.io ApplicationSet
  kSealedSecret = 1u << 4,    // bitnami.com SealedSecret
  kValues = 1u << 5,          // a Helm values file
  kChart = 1u << 6,           // Chart.yaml
  kConfig = 1u << 7,          // .syncgate.yaml
  kData = 1u << 8,            // other YAML (not a Kubernetes object)
  kAny = 0xffffffffu,
};
constexpr DocKind operator|(DocKind a, DocKind b) {
  return static_cast<DocKind>(static_cast<uint32_t>(a) | static_cast<uint32_t>(b));
}
constexpr bool Intersects(DocKind a, DocKind b) {
  return (static_cast<uint32_t>(a) & static_cast<uint32_t>(b)) != 0;
}
/// Kubernetes objects of every kind (manifests, Applications, SealedSecrets...).
constexpr DocKind kAnyObject = DocKind::kManifest | DocKind::kApplication | DocKind::kAppProject |
                               DocKind::kApplicationSet | DocKind::kSealedSecret;
std::string_view DocKindName(DocKind kind);

/// A YAML parse error with its position.
struct ParseError {
  Position pos;
  std::string message;
};

/// One YAML document of a stream, or a child document embedded in a string value.
class Document {
 public:
  Document(std::shared_ptr<const SourceFile> source, int index);
  ~Document();
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  const SourceFile& source() const { return *source_; }
  const std::shared_ptr<const SourceFile>& source_ptr() const { return source_; }
  /// 0-based index of the document in its stream.
  int index() const { return index_; }
  /// The root node; never null (an empty document has a null scalar root).
  const Node& root() const { return *root_; }
  /// Position where the document starts (its `---` or first token).
  Position start() const { return start_; }
  /// For an embedded document: the pointer of the string it came from in its parent.
  const std::string& embedded_at() const { return embedded_at_; }
  /// For an embedded document: the document holding the string; null otherwise.
  const Document* parent() const { return parent_; }
  /// The outermost document (itself when not embedded).
  const Document& Outermost() const { return parent_ ? parent_->Outermost() : *this; }
  /// `pointer` of this document as a pointer of the outermost document.
  std::string OuterPointer(std::string_view pointer) const {
    return parent_ ? parent_->OuterPointer(embedded_at_ + std::string(pointer))
                   : std::string(pointer);
  }

  DocKind kind() const { return kind_; }
  void set_kind(DocKind kind) { kind_ = kind; }
  const ObjectRef& object() const { return object_; }

  /// RFC 6901 lookup. A pointer that reaches a scalar holding embedded YAML continues into it.
  const Node* Find(std::string_view pointer) const;
  /// Position of `pointer`, or of its nearest existing parent when it does not exist
  /// (so "missing resources" lands on the container, not on line 1).
  Position PositionOf(std::string_view pointer) const;
  /// Number of nodes in the tree (aliases count once).
  size_t node_count() const { return node_count_; }

  const std::vector<DuplicateKey>& duplicate_keys() const { return duplicates_; }

  /// Opens a string scalar of this document as YAML. Returns null when the text is not a YAML
  /// mapping or sequence, or does not parse. Cached: the same child comes back on each call.
  /// Thread-safe.
  const Document* Embedded(const Node& scalar, std::string_view pointer) const;
  /// The parse error of a string that looks like YAML (has a `key:` or `- item` line) but does
  /// not parse; null when it parses or is not meant as YAML. Positions are in the outer file.
  const ParseError* EmbeddedError(const Node& scalar, std::string_view pointer) const;

 private:
  friend class DocumentBuilder;
  Node* NewNode();
  void Classify();

  std::shared_ptr<const SourceFile> source_;
  int index_;
  Position start_;
  const Node* root_ = nullptr;
  std::vector<std::unique_ptr<Node[]>> arena_blocks_;
  size_t block_size_ = 0;  // nodes in the last block
  size_t block_used_ = 0;
  size_t node_count_ = 0;
  std::vector<DuplicateKey> duplicates_;
  DocKind kind_ = DocKind::kData;
  ObjectRef object_;
  std::string embedded_at_;
  const Document* parent_ = nullptr;

  mutable std::mutex embedded_mutex_;
  mutable std::unordered_map<const Node*, std::unique_ptr<Document>> embedded_;
  /// Strings that are not YAML collections; with the parse error when they did not parse.
  mutable std::unordered_map<const Node*, std::optional<ParseError>> not_embedded_;
};

/// The documents of one stream. Documents before a parse error are kept.
struct LoadResult {
  std::vector<std::unique_ptr<Document>> documents;
  std::optional<ParseError> error;
};

/// Parses every document of `source`. Never throws; problems come back in `error`.
/// Checks UTF-8 validity and NUL bytes first (a binary file is not YAML).
LoadResult LoadYaml(const std::shared_ptr<const SourceFile>& source);

/// Runs only yaml-cpp's event parser over `text` (no tree) and returns the number of events:
/// the speed ceiling the benchmark compares the full check against.
size_t ParseEventsOnly(std::string_view text);

/// RFC 6901 lookup below `root` through mappings and sequences (not into embedded YAML, unlike
/// Document::Find); null when absent.
const Node* FindBelow(const Node* root, std::string_view pointer);
/// The position of the key `pointer` ends in ("/spec/source" → the `source:` key), else of the
/// node at `pointer` (or its nearest existing parent, as Document::PositionOf).
Position KeyPositionOf(const Document& doc, std::string_view pointer);
/// Unescapes one reference token of a JSON pointer (`~1` → `/`, `~0` → `~`).
std::string UnescapePointerToken(std::string_view token);
/// Escapes one reference token for a JSON pointer (`~` → `~0`, `/` → `~1`).
std::string EscapePointerToken(std::string_view token);
/// Appends "/token" (escaped) to a pointer.
std::string JoinPointer(std::string_view pointer, std::string_view token);

/// Visits every node reachable from `node` once, depth first, with its JSON pointer.
/// Aliases are not followed (their anchor is visited where it is defined).
/// Return false from the visitor to skip a node's children.
/// Appends "/token" to a pointer, escaping only when the token needs it (the common case
/// allocates nothing: this runs for every key a rule walks).
inline void AppendPointerToken(std::string& pointer, std::string_view token) {
  pointer += '/';
  if (token.find_first_of("~/") == std::string_view::npos) {
    pointer.append(token);
  } else {
    pointer += EscapePointerToken(token);
  }
}
inline void AppendPointerIndex(std::string& pointer, size_t index) {
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = static_cast<char>('0' + index % 10);
    index /= 10;
  } while (index > 0);
  pointer += '/';
  while (n > 0) pointer += digits[--n];
}

template <typename Visitor>
void WalkTree(const Node& node, std::string& pointer, Visitor&& visit) {
  if (!visit(node, static_cast<const std::string&>(pointer))) return;
  if (node.kind == NodeKind::kMapping) {
    for (const MapEntry& entry : node.entries) {
      const size_t len = pointer.size();
      AppendPointerToken(pointer, entry.key->value);
      WalkTree(*entry.value, pointer, visit);
      pointer.resize(len);
    }
  } else if (node.kind == NodeKind::kSequence) {
    for (size_t i = 0; i < node.items.size(); ++i) {
      const size_t len = pointer.size();
      AppendPointerIndex(pointer, i);
      WalkTree(*node.items[i], pointer, visit);
      pointer.resize(len);
    }
  }
}

}  // namespace syncgate
