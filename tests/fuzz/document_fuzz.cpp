// Fuzz target for the document loader: any bytes load (or fail with a positioned ParseError)
// without crashing, hanging or exhausting memory; every node sits inside the file, every scalar
// key finds its value, and YAML embedded in strings loads the same way.
#include <string>

#include "checker/document.h"
#include "model/embedded_yaml.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

using namespace syncgate;

bool Inside(const Position& pos, const SourceFile& source) {
  // Line 0 is "unknown"; the line after the last is where an unterminated construct ends.
  return pos.line >= 0 && pos.line <= source.line_count() + 1 && pos.column >= 0;
}

}  // namespace

SYNCGATE_FUZZ_TARGET(document) {
  auto source = SourceFile::FromText("fuzz.yaml", std::string(fuzz::AsText(data, size)));
  LoadResult loaded = LoadYaml(source);
  if (loaded.error) FUZZ_CHECK(Inside(loaded.error->pos, *source), "parse error outside the file");
  for (const auto& doc : loaded.documents) {
    FUZZ_CHECK(&doc->source() == source.get(), "document of another source");
    std::string pointer;
    size_t nodes = 0;
    WalkTree(doc->root(), pointer, [&](const Node& node, const std::string& at) {
      ++nodes;
      FUZZ_CHECK(Inside(node.pos, *source), "node outside the file");
      // Every scalar key of a mapping finds a value (the last duplicate wins, so not
      // necessarily this entry's).
      for (const MapEntry& entry : node.entries) {
        if (entry.key->kind == NodeKind::kScalar)
          FUZZ_CHECK(node.Get(entry.key->value) != nullptr, "a key of the mapping finds nothing");
      }
      FUZZ_CHECK(Inside(doc->PositionOf(at + "/x/0"), *source), "PositionOf outside the file");
      if (node.kind == NodeKind::kScalar && node.type == ScalarType::kString) {
        if (const Document* child = doc->Embedded(node, at)) {
          FUZZ_CHECK(child->parent() == doc.get(), "embedded document without its parent");
          (void)child->root();
        }
      }
      return nodes < 100000;
    });
    model::ForEachEmbeddedYaml(
        *doc, [](const Document& child, std::string_view) { (void)child.Find("/a"); });
  }
  return 0;
}
