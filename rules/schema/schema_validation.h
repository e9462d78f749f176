#pragma once
// The schema check of one document, shared by schema-violation, schema-unknown-field and
// schema-missing: each document is validated once per run whichever of them runs.
//
//   auto validation = SchemaValidation::Shared(run);   // in Rule::Setup
//   const SchemaCheck& check = validation->Check(doc, ctx.workspace());
//   if (check.outcome == SchemaOutcome::kValidated) for (auto& e : check.errors) ...

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "checker/rule.h"
#include "validation/json_schema.h"
#include "validation/schema_store.h"

namespace syncgate::rules {

enum class SchemaOutcome {
  kNotApplicable,  // not an object we validate (values files, data, embedded YAML)
  kValidated,      // validated; `errors` lists the problems
  kMissing,        // no schema anywhere for this kind
  kUnusable,       // a schema was found but could not be loaded: `error` says why
};

struct SchemaCheck {
  SchemaOutcome outcome = SchemaOutcome::kNotApplicable;
  /// An object of a Kubernetes API (IsBuiltinApiVersion): its schema is one of the Kubernetes
  /// schemas of the run's version, never a CRD.
  bool builtin = false;
  std::string what;    // "apps/v1 Deployment", "Chart.yaml (v2)"
  std::string source;  // where the schema came from
  std::string error;
  std::vector<SchemaError> errors;
};

class SchemaValidation {
 public:
  explicit SchemaValidation(std::shared_ptr<SchemaStore> store) : store_(std::move(store)) {}
  /// The validation of a run (one per configuration and settings).
  static std::shared_ptr<SchemaValidation> Shared(const RunScope& run);

  /// Validates `doc` (the first call computes, later calls return the same result). Registers
  /// the workspace's CRDs first: its documents (committed and rendered) and the crds/ folders of
  /// the charts it renders. Thread-safe.
  const SchemaCheck& Check(const Document& doc, const Workspace* workspace);
  SchemaStore& store() const { return *store_; }

 private:
  /// The crds/ files of the rendered charts that are not files of the workspace (a chart
  /// rendered with skipCrds, or from outside the checked paths), as helm reads them.
  void AddChartCrds(const Workspace& workspace);

  struct Slot {
    std::once_flag once;
    SchemaCheck check;
    // Kept alive while cached: a later run's document can then never reuse the key's address.
    std::shared_ptr<const SourceFile> source;
  };
  SchemaCheck Compute(const Document& doc);

  std::shared_ptr<SchemaStore> store_;
  std::mutex mutex_;
  std::unordered_map<const Document*, std::shared_ptr<Slot>> slots_;
  std::unordered_map<const Workspace*, std::shared_ptr<std::once_flag>> chart_crds_;
};

/// What the three schema rules share: the run's validation, set up once, and each document's
/// result (computed by whichever rule asks first).
class SchemaRule : public Rule {
 public:
  Status Setup(const RunScope& run) override {
    validation_ = SchemaValidation::Shared(run);
    return Ok{};
  }

 protected:
  const SchemaCheck& Validate(const Document& doc, const RuleContext& ctx) const {
    return validation_->Check(doc, ctx.workspace());
  }
  SchemaValidation& validation() const { return *validation_; }

 private:
  std::shared_ptr<SchemaValidation> validation_;
};

/// "spec.template.spec.containers[0].image" for "/spec/template/spec/containers/0/image".
std::string DisplayPath(const Document& doc, std::string_view pointer);

}  // namespace syncgate::rules
