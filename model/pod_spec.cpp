#include "model/pod_spec.h"

#include <string_view>

namespace syncgate::rules {

void ForEachPodSpec(const Document& doc,
                    const std::function<void(const Node&, const std::string&)>& visit) {
  const std::string& kind = doc.object().kind;
  const Node& root = doc.root();
  auto try_path = [&](std::initializer_list<std::string_view> path, const char* pointer) {
    if (const Node* spec = root.Path(path); spec && spec->IsMap()) visit(*spec, pointer);
  };
  if (kind == "Pod") {
    try_path({"spec"}, "/spec");
  } else if (kind == "Deployment" || kind == "StatefulSet" || kind == "DaemonSet" ||
             kind == "ReplicaSet" || kind == "ReplicationController" || kind == "Job" ||
             kind == "Rollout") {
    try_path({"spec", "template", "spec"}, "/spec/template/spec");
  } else if (kind == "CronJob") {
    try_path({"spec", "jobTemplate", "spec", "template", "spec"},
             "/spec/jobTemplate/spec/template/spec");
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

}  // namespace syncgate::rules
