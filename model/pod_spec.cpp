#include "model/pod_spec.h"

#include "checker/text_util.h"

namespace syncgate::model {
namespace {

/// The node at `pointer` (plain keys), key by key: never into a YAML string, as Document::Find
/// would. Null for an empty pointer or a missing step.
const Node* Walk(const Node& root, std::string_view pointer) {
  if (pointer.empty()) return nullptr;
  const Node* node = &root;
  for (std::string_view key : Split(pointer.substr(1), '/')) node = node ? node->Get(key) : nullptr;
  return node;
}

}  // namespace

std::string_view PodSpecPointer(std::string_view kind) {
  if (kind == "Pod") return "/spec";
  if (kind == "CronJob") return "/spec/jobTemplate/spec/template/spec";
  for (std::string_view k : {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet",
                             "ReplicationController", "Job", "Rollout"}) {
    if (kind == k) return "/spec/template/spec";
  }
  return {};
}

std::string PodLabelsPointer(std::string_view kind) {
  const std::string_view spec = PodSpecPointer(kind);
  if (spec.empty()) return {};
  // The pod's metadata sits beside its spec: "/spec/template/spec" → "/spec/template".
  return std::string(spec.substr(0, spec.rfind('/'))) + "/metadata/labels";
}

const Node* PodLabels(const Document& doc) {
  return Walk(doc.root(), PodLabelsPointer(doc.object().kind));
}

bool IsHelmTestHook(const Document& doc) {
  const Node* hook = doc.root().Path({"metadata", "annotations", "helm.sh/hook"});
  if (!hook || !hook->IsScalar()) return false;
  // A comma-separated list; a test hook that is also an install hook is deployed.
  bool test = false;
  for (std::string_view type : Split(hook->Text(), ',')) {
    type = Trim(type);
    if (type == "test" || type == "test-success" || type == "test-failure") {
      test = true;
    } else if (!type.empty()) {
      return false;
    }
  }
  return test;
}

void ForEachPodSpec(const Document& doc,
                    const std::function<void(const Node&, const std::string&)>& visit) {
  if (IsHelmTestHook(doc)) return;
  const std::string_view pointer = PodSpecPointer(doc.object().kind);
  if (const Node* spec = Walk(doc.root(), pointer); spec && spec->IsMap()) {
    visit(*spec, std::string(pointer));
  }
}

void ForEachContainer(const Document& doc,
                      const std::function<void(const Node&, const std::string&)>& visit) {
  ForEachPodSpec(doc, [&](const Node& spec, const std::string& pointer) {
    for (const char* list : {"initContainers", "containers", "ephemeralContainers"}) {
      const Node* containers = spec.Get(list);
      if (!containers || !containers->IsSeq()) continue;
      const auto& items = containers->Resolved().items;
      for (size_t i = 0; i < items.size(); ++i) {
        if (items[i]->IsMap()) {
          visit(items[i]->Resolved(), pointer + "/" + list + "/" + std::to_string(i));
        }
      }
    }
  });
}

}  // namespace syncgate::model
