// Fuzz target for Helm chart handling (model/): Chart.yaml dependencies, Chart.lock and its digest,
// version constraints, and values (ValuesToYaml, MergeValuesToYaml). The input holds up to four
// parts separated by lines "%%": Chart.yaml, Chart.lock, values.yaml, an override layer (a part
// that is missing repeats the last one). Invariants: dependencies have names and increasing
// indexes; the lock digest is a sha256 and is recomputed the same; a version equals itself and
// BestMatch agrees with SatisfiesConstraint; the values text helm reads back is valid YAML that
// reads to the same text again, and merging a layer with itself changes nothing.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "checker/document.h"
#include "model/chart_dependencies.h"
#include "model/semver.h"
#include "model/values_text.h"
#include "tests/fuzz/fuzz_target.h"

namespace {

using namespace syncgate;

/// A folder of this process that holds the Chart.lock of the current input, removed at exit.
class ChartFolder {
 public:
  ChartFolder() {
    std::string pattern = (std::filesystem::temp_directory_path() / "chart_fuzz.XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    path_ = pattern;
  }
  ~ChartFolder() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  ChartFolder(const ChartFolder&) = delete;
  ChartFolder& operator=(const ChartFolder&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const std::string& ChartDir() {
  static const ChartFolder folder;
  return folder.path();
}

const Document* First(const LoadResult& loaded) {
  return loaded.documents.empty() ? nullptr : loaded.documents.front().get();
}

/// ValuesToYaml's text reads back without error to a tree that gives the same text.
void CheckValuesText(const std::string& text, const char* what) {
  LoadResult again = LoadYaml(SourceFile::FromText("values-again.yaml", text));
  FUZZ_CHECK(!again.error && again.documents.size() == 1, what);
  if (const Document* doc = First(again))
    FUZZ_CHECK(model::ValuesToYaml(doc->root()) == text, "values text is not a fixpoint");
}

}  // namespace

SYNCGATE_FUZZ_TARGET(chart) {
  const std::vector<std::string> parts = fuzz::SplitParts(fuzz::AsText(data, size), 4);
  LoadResult chart = LoadYaml(SourceFile::FromText("Chart.yaml", parts[0]));
  {
    std::ofstream lock(ChartDir() + "/Chart.lock", std::ios::binary | std::ios::trunc);
    lock << parts[1];
  }
  if (const Document* chart_doc = First(chart)) {
    const model::ChartDependencies deps = model::ReadChartDependencies(*chart_doc, ChartDir());
    for (size_t i = 0; i < deps.items.size(); ++i) {
      const model::ChartDependency& dep = deps.items[i];
      FUZZ_CHECK(!dep.name.empty(), "dependency without a name");
      FUZZ_CHECK(i == 0 || deps.items[i - 1].index < dep.index,
                 "dependency indexes not increasing");
      FUZZ_CHECK(!dep.values_key().empty(), "dependency without a values key");
      (void)model::PullReference(dep);
      const std::string cache =
          model::ChartCachePath("/cache", dep.repository, dep.name, dep.version);
      FUZZ_CHECK(cache.rfind("/cache/", 0) == 0, "cache path outside the cache");
      for (const std::string& text : {dep.version, dep.locked_version}) {
        const std::optional<model::SemVer> v = model::ParseSemVer(text);
        if (!v) continue;
        FUZZ_CHECK(model::CompareSemVer(*v, *v) == 0, "a version differs from itself");
        const bool satisfies = model::SatisfiesConstraint(*v, dep.version);
        const std::optional<model::SemVer> best = model::BestMatch({*v}, dep.version);
        FUZZ_CHECK(satisfies == best.has_value(), "BestMatch disagrees with SatisfiesConstraint");
      }
    }
    if (deps.has_lock) {
      FUZZ_CHECK(deps.computed_digest.size() == 71 && deps.computed_digest.rfind("sha256:", 0) == 0,
                 "lock digest is no sha256");
      LoadResult lock = LoadYaml(SourceFile::FromText("Chart.lock", parts[1]));
      const Node* requested = chart_doc->root().Get("dependencies");
      if (requested && First(lock))
        FUZZ_CHECK(model::HelmLockDigest(*requested, First(lock)->root().Get("dependencies")) ==
                       deps.computed_digest,
                   "lock digest differs when recomputed");
    }
  }

  LoadResult values = LoadYaml(SourceFile::FromText("values.yaml", parts[2]));
  LoadResult overrides = LoadYaml(SourceFile::FromText("values-prod.yaml", parts[3]));
  const Document* base = First(values);
  const Document* layer = First(overrides);
  if (base) {
    CheckValuesText(model::ValuesToYaml(base->root()), "values text does not load again");
    const std::string once = model::MergeValuesToYaml({&base->root()});
    FUZZ_CHECK(model::MergeValuesToYaml({&base->root(), &base->root()}) == once,
               "merging values with themselves changes them");
    if (layer) {
      const std::string merged = model::MergeValuesToYaml({&base->root(), &layer->root()});
      LoadResult again = LoadYaml(SourceFile::FromText("merged.yaml", merged));
      FUZZ_CHECK(!again.error, "merged values do not load again");
    }
  }
  return 0;
}
