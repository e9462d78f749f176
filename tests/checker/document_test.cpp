// The positioned YAML tree: positions, styles, types, anchors, embedded documents.
#include "checker/document.h"

#include <catch2/catch.hpp>

#include "checker/scalar_types.h"

namespace syncgate {
namespace {

LoadResult Load(const std::string& text) { return LoadYaml(SourceFile::FromText("t.yaml", text)); }

}  // namespace

TEST_CASE("keys and values keep 1-based lines and columns", "[document]") {
  LoadResult r = Load("a: 1\nb:\n  c: 'x'\n  d:\n    - e\n    - f: g\n");
  REQUIRE_FALSE(r.error);
  REQUIRE(r.documents.size() == 1);
  const Document& doc = *r.documents[0];
  CHECK(doc.Find("/a")->pos == Position{1, 4});
  CHECK(doc.root().KeyNode("a")->pos == Position{1, 1});
  CHECK(doc.Find("/b/c")->pos == Position{3, 6});
  CHECK(doc.Find("/b/d/0")->pos == Position{5, 7});
  CHECK(doc.Find("/b/d/1/f")->pos == Position{6, 10});
  CHECK(doc.Find("/b/d/2") == nullptr);
  CHECK(doc.Find("/nope") == nullptr);
  // A missing pointer falls back to its nearest existing parent.
  CHECK(doc.PositionOf("/b/d/1/missing/deeper") == Position{6, 7});
}

TEST_CASE("scalar styles and YAML 1.2 core types", "[document]") {
  LoadResult r = Load(
      "plain: hello\nsingle: 'x'\ndouble: \"y\"\nliteral: |\n  text\nfolded: >\n  text\n"
      "int: 42\nhex: 0x1F\nfloat: 1.5\nexp: 1e3\nbool: true\nnull1: ~\nnull2:\nquoted_int: \"42\"\n"
      "tagged: !!str 12\n");
  REQUIRE_FALSE(r.error);
  const Node& root = r.documents[0]->root();
  CHECK(root.Get("plain")->style == ScalarStyle::kPlain);
  CHECK(root.Get("single")->style == ScalarStyle::kSingleQuoted);
  CHECK(root.Get("double")->style == ScalarStyle::kDoubleQuoted);
  CHECK(root.Get("literal")->style == ScalarStyle::kLiteral);
  CHECK(root.Get("folded")->style == ScalarStyle::kFolded);
  CHECK(root.Get("int")->type == ScalarType::kInt);
  CHECK(root.Get("hex")->type == ScalarType::kInt);
  CHECK(root.Get("float")->type == ScalarType::kFloat);
  CHECK(root.Get("exp")->type == ScalarType::kFloat);
  CHECK(root.Get("bool")->type == ScalarType::kBool);
  CHECK(root.Get("null1")->type == ScalarType::kNull);
  CHECK(root.Get("null2")->IsNull());
  CHECK(root.Get("quoted_int")->type == ScalarType::kString);
  CHECK(root.Get("tagged")->type == ScalarType::kString);
}

TEST_CASE("YAML 1.1 readings that differ from YAML 1.2", "[document]") {
  LoadResult r =
      Load("a: yes\nb: on\nc: 0777\nd: 1e3\ne: 1_000\nf: 12\ng: 'yes'\nh: 1.5\ni: 0o17\n");
  const Node& root = r.documents[0]->root();
  CHECK(root.Get("a")->yaml11_differs);
  CHECK(root.Get("b")->yaml11_differs);
  CHECK(root.Get("c")->yaml11_differs);  // 777 vs octal 511
  CHECK(root.Get("d")->yaml11_differs);  // float vs string
  CHECK(root.Get("e")->yaml11_differs);
  CHECK_FALSE(root.Get("f")->yaml11_differs);
  CHECK_FALSE(root.Get("g")->yaml11_differs);
  CHECK_FALSE(root.Get("h")->yaml11_differs);
  CHECK(root.Get("i")->yaml11_differs);
  CHECK(ResolveYaml11("Off") == ScalarType::kBool);
  CHECK(ResolveYaml12("Off") == ScalarType::kString);
  CHECK(ResolveYaml11("190:20:30") == ScalarType::kInt);
}

TEST_CASE("multi-document streams, anchors, aliases and merge keys", "[document]") {
  LoadResult r =
      Load("base: &b\n  x: 1\n  y: 2\nuse:\n  <<: *b\n  y: 3\nref: *b\n---\nsecond: doc\n---\n");
  REQUIRE_FALSE(r.error);
  REQUIRE(r.documents.size() == 3);
  const Node& root = r.documents[0]->root();
  CHECK(root.Get("use")->Get("x")->Text() == "1");  // merged
  CHECK(root.Get("use")->Get("y")->Text() == "3");  // own key wins
  CHECK(root.Get("ref")->kind == NodeKind::kAlias);
  CHECK(root.Get("ref")->Get("y")->Text() == "2");
  CHECK(r.documents[0]->Find("/ref/x")->pos == Position{2, 6});
  CHECK(r.documents[1]->Find("/second")->Text() == "doc");
  CHECK(r.documents[1]->index() == 1);
  CHECK(r.documents[2]->root().IsNull());
}

TEST_CASE("duplicate keys are recorded, the last value wins", "[document]") {
  LoadResult r = Load("a: 1\nb: 2\na: 3\n");
  const Document& doc = *r.documents[0];
  CHECK(doc.root().Get("a")->Text() == "3");
  REQUIRE(doc.duplicate_keys().size() == 1);
  CHECK(doc.duplicate_keys()[0].first->pos.line == 1);
  CHECK(doc.duplicate_keys()[0].duplicate->pos.line == 3);
}

TEST_CASE("duplicate keys in large mappings use the hashed index", "[document]") {
  std::string text;
  for (int i = 0; i < 100; ++i) text += "k" + std::to_string(i) + ": v\n";
  text += "k42: again\n";
  LoadResult r = Load(text);
  REQUIRE(r.documents[0]->duplicate_keys().size() == 1);
  CHECK(r.documents[0]->duplicate_keys()[0].duplicate->pos.line == 101);
}

TEST_CASE("an embedded YAML block maps positions back to the outer file", "[document][embedded]") {
  const std::string text =
      "spec:\n"
      "  source:\n"
      "    helm:\n"
      "      values: |\n"
      "        image:\n"
      "          tag: latest\n"
      "        keys:\n"
      "          - \"abc\"\n"
      "  inline: 'a: b'\n";
  LoadResult r = Load(text);
  REQUIRE_FALSE(r.error);
  const Document& doc = *r.documents[0];
  const Node* values = doc.Find("/spec/source/helm/values");
  REQUIRE(values);
  const Document* child = doc.Embedded(*values, "/spec/source/helm/values");
  REQUIRE(child);
  CHECK(child->Find("/image/tag")->pos == Position{6, 16});
  CHECK(child->Find("/keys/0")->pos == Position{8, 13});
  CHECK(child->OuterPointer("/image/tag") == "/spec/source/helm/values/image/tag");
  CHECK(child->parent() == &doc);
  // Pointers continue through the embedded string as if it were a map.
  CHECK(doc.Find("/spec/source/helm/values/image/tag")->Text() == "latest");
  CHECK(doc.PositionOf("/spec/source/helm/values/image/tag") == Position{6, 16});
  // The same child comes back on each call.
  CHECK(doc.Embedded(*values, "/spec/source/helm/values") == child);
  // A quoted single-line value maps columns inside the quotes.
  const Node* inline_value = doc.Find("/spec/inline");
  const Document* inline_child = doc.Embedded(*inline_value, "/spec/inline");
  REQUIRE(inline_child);
  CHECK(inline_child->Find("/a")->pos == Position{9, 15});
}

TEST_CASE("an embedded block that does not parse reports an outer position",
          "[document][embedded]") {
  LoadResult r = Load("values: |\n  a: [1, 2\n  b: 3\n");
  const Document& doc = *r.documents[0];
  const Node* values = doc.Find("/values");
  CHECK(doc.Embedded(*values, "/values") == nullptr);
  const ParseError* error = doc.EmbeddedError(*values, "/values");
  REQUIRE(error);
  CHECK(error->pos.line >= 2);
  CHECK(error->pos.line <= 3);
}

TEST_CASE("pointer tokens are escaped and unescaped", "[document]") {
  LoadResult r = Load("metadata:\n  annotations:\n    checksum/config: abc\n    a~b: c\n");
  const Document& doc = *r.documents[0];
  CHECK(EscapePointerToken("checksum/config") == "checksum~1config");
  CHECK(doc.Find("/metadata/annotations/checksum~1config")->Text() == "abc");
  CHECK(doc.Find("/metadata/annotations/a~0b")->Text() == "c");
}

TEST_CASE("documents are classified by apiVersion and kind", "[document]") {
  LoadResult r = Load(
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: a, namespace: "
      "argocd}\n"
      "---\napiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s}\n"
      "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\nplain: data\n");
  REQUIRE(r.documents.size() == 4);
  CHECK(r.documents[0]->kind() == DocKind::kApplication);
  CHECK(r.documents[0]->object().name == "a");
  CHECK(r.documents[0]->object().ns == "argocd");
  CHECK(r.documents[1]->kind() == DocKind::kSealedSecret);
  CHECK(r.documents[2]->kind() == DocKind::kManifest);
  CHECK(r.documents[3]->kind() == DocKind::kData);
}

TEST_CASE("WalkTree visits every node once with its pointer", "[document]") {
  LoadResult r = Load("a:\n  - x\n  - y: z\nb: &k v\nc: *k\n");
  std::vector<std::string> pointers;
  std::string pointer;
  WalkTree(r.documents[0]->root(), pointer, [&](const Node&, const std::string& at) {
    pointers.push_back(at);
    return true;
  });
  CHECK(pointers == std::vector<std::string>{"", "/a", "/a/0", "/a/1", "/a/1/y", "/b", "/c"});
}

TEST_CASE("a billion-laughs document is refused as excessive aliasing, as go-yaml does",
          "[document][fuzz]") {
  // Nine levels of ten aliases: 10^9 nodes once expanded, which the values text and schema
  // validation (both follow aliases) would build or walk for hours.
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level <= 9; ++level) {
    const std::string prev = "*l" + std::to_string(level - 1);
    text += "l" + std::to_string(level) + ": &l" + std::to_string(level) + " [";
    for (int i = 0; i < 10; ++i) text += (i ? ", " : "") + prev;
    text += "]\n";
  }
  LoadResult r = LoadYaml(SourceFile::FromText("laughs.yaml", "ok: 1\n---\n" + text));
  REQUIRE(r.error);
  CHECK_THAT(r.error->message, Catch::Contains("aliases expand to 12345679021 nodes") &&
                                   Catch::Contains("excessive aliasing"));
  CHECK(r.error->pos == Position{2, 1});  // the document's start, its `---`
  CHECK(r.documents.size() == 1);         // the documents before it are kept

  // Ordinary anchors (a shared block reused a few times) stay fine, as do anchors that refer to
  // themselves through a cycle, which count once.
  LoadResult fine = Load(
      "base: &base {image: nginx, ports: [80, 443]}\na: *base\nb: *base\nc: {<<: *base}\n"
      "self: &s [1, *s]\n");
  CHECK_FALSE(fine.error);
  REQUIRE(fine.documents.size() == 1);
  CHECK(fine.documents[0]->Find("/b/ports/1")->value == "443");
}

}  // namespace syncgate
