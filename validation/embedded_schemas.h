#pragma once
// The JSON schemas of schemas/*.json, embedded at build time (cmake/embed_files.cmake).
//
//   for (const auto& [file_name, json_text] : EmbeddedSchemas()) Use(file_name, json_text);

#include <string_view>
#include <utility>
#include <vector>

namespace syncgate {

/// (file name, content) of every schemas/*.json, sorted by file name.
const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedSchemas();

}  // namespace syncgate
