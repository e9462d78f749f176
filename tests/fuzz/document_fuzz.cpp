// libFuzzer target for the document loader: any bytes must load (or fail with a ParseError)
// without crashing, hanging or exhausting memory, and the tree must be walkable and queryable.
// Built by bench/fuzz.sh (clang, -DSYNCGATE_FUZZ=ON).
#include <cstddef>
#include <cstdint>
#include <string>

#include "checker/document.h"
#include "model/embedded_yaml.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace syncgate;
  auto source =
      SourceFile::FromText("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
  LoadResult loaded = LoadYaml(source);
  if (loaded.error) {
    // Errors are positioned inside the file (or at 1:1).
    if (loaded.error->pos.line < 0 || loaded.error->pos.line > source->line_count() + 1)
      __builtin_trap();
  }
  for (const auto& doc : loaded.documents) {
    std::string pointer;
    size_t nodes = 0;
    WalkTree(doc->root(), pointer, [&](const Node& node, const std::string& at) {
      ++nodes;
      if (node.kind == NodeKind::kScalar && node.type == ScalarType::kString) {
        if (const Document* child = doc->Embedded(node, at)) (void)child->root();
      }
      (void)doc->PositionOf(at + "/x/0");
      return nodes < 100000;
    });
    model::ForEachEmbeddedYaml(
        *doc, [](const Document& child, std::string_view) { (void)child.Find("/a"); });
  }
  return 0;
}
