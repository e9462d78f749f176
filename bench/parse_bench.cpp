// Single-core YAML throughput on a set of files: yaml-cpp's event parser alone (the ceiling of
// this design) and our positioned tree (LoadYaml). Usage: syncgate_parse_bench FILE...
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "checker/document.h"

int main(int argc, char** argv) {
  std::vector<std::string> texts;
  size_t bytes = 0;
  for (int i = 1; i < argc; ++i) {
    std::ifstream in(argv[i], std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    texts.push_back(ss.str());
    bytes += texts.back().size();
  }
  auto best_of = [&](auto&& body) {
    double best = 1e9;
    for (int round = 0; round < 5; ++round) {
      const auto start = std::chrono::steady_clock::now();
      body();
      best = std::min(
          best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    return best;
  };
  size_t events = 0;
  const double parse = best_of([&] {
    events = 0;
    for (const std::string& t : texts) events += syncgate::ParseEventsOnly(t);
  });
  size_t documents = 0;
  const double tree = best_of([&] {
    documents = 0;
    for (size_t i = 0; i < texts.size(); ++i) {
      auto loaded = syncgate::LoadYaml(syncgate::SourceFile::FromText("f", texts[i]));
      documents += loaded.documents.size();
    }
  });
  const double mb = bytes / 1e6;
  fmt::print("files {}  bytes {}  documents {}  events {}\n", texts.size(), bytes, documents,
             events);
  fmt::print("parse-only (yaml-cpp events, 1 core): {:.1f} MB/s\n", mb / parse);
  fmt::print("positioned tree (LoadYaml, 1 core):   {:.1f} MB/s  ({:.0f}% of parse-only)\n",
             mb / tree, 100.0 * parse / tree);
  return 0;
}
