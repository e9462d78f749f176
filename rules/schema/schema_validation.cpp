#include "rules/schema/schema_validation.h"

#include <fmt/format.h>

#include <map>

#include "checker/config.h"
#include "checker/text_util.h"
#include "checker/workspace.h"

namespace syncgate::rules {

std::shared_ptr<SchemaValidation> SchemaValidation::Shared(const RunScope& run) {
  return run.services.Get<SchemaValidation>("schema-validation", [&] {
    return std::make_shared<SchemaValidation>(SharedSchemaStore(run));
  });
}

const SchemaCheck& SchemaValidation::Check(const Document& doc, const Workspace* workspace) {
  if (workspace) store_->AddCrds(*workspace);
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto& entry = slots_[&doc];
    if (!entry || entry->source != doc.source_ptr()) {
      entry = std::make_shared<Slot>();
      entry->source = doc.source_ptr();
    }
    slot = entry;
  }
  std::call_once(slot->once, [&] { slot->check = Compute(doc); });
  return slot->check;
}

SchemaCheck SchemaValidation::Compute(const Document& doc) {
  SchemaCheck check;
  SchemaLookup lookup;
  if (doc.parent()) return check;  // embedded YAML (helm.values) is not a Kubernetes object
  if (doc.kind() == DocKind::kChart) {
    const Node* api = doc.root().Get("apiVersion");
    const bool v1 = api && api->Text() == "v1";
    check.what = v1 ? "Chart.yaml (apiVersion v1)" : "Chart.yaml (apiVersion v2)";
    lookup = store_->Embedded(v1 ? "chart-v1.json" : "chart-v2.json");
  } else if (doc.kind() == DocKind::kConfig) {
    check.what = "the syncgate configuration";
    lookup = store_->Embedded("syncgate-config.json");
  } else if (Intersects(doc.kind(), kAnyObject)) {
    const ObjectRef& object = doc.object();
    if (object.kind.empty() || object.api_version.empty()) return check;
    check.what = object.api_version + " " + object.kind;
    lookup = store_->ForObject(object.api_version, object.kind);
  } else {
    return check;
  }
  check.source = lookup.source;
  if (!lookup.error.empty()) {
    check.outcome = SchemaOutcome::kUnusable;
    check.error = lookup.error;
  } else if (!lookup.schema) {
    check.outcome = SchemaOutcome::kMissing;
  } else {
    check.outcome = SchemaOutcome::kValidated;
    check.errors = lookup.schema->Validate(doc);
  }
  return check;
}

std::string DisplayPath(const Document& doc, std::string_view pointer) {
  std::string out;
  std::string at;
  for (std::string_view token : Split(pointer.empty() ? "" : pointer.substr(1), '/')) {
    if (pointer.empty()) break;
    const Node* parent = doc.Find(at);
    const std::string name = UnescapePointerToken(token);
    if (parent && parent->IsSeq()) {
      out += "[" + name + "]";
    } else {
      out += (out.empty() ? "" : ".") + name;
    }
    at = JoinPointer(at, name);
  }
  return out;
}

}  // namespace syncgate::rules
