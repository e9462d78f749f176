#include "checker/finding_codec.h"

#include <charconv>
#include <cstdint>

namespace syncgate {

namespace {

constexpr std::string_view kFormat = "findings-2;";

bool ReadFinding(CacheReader& in, Finding& f) {
  int severity = 0;
  int has_rendered = 0;
  if (!in.Text(f.rule) || !in.Int(severity) || !in.Text(f.message) || !in.Text(f.file) ||
      !in.Int(f.line) || !in.Int(f.column) || !in.Text(f.pointer) || !in.Int(f.document) ||
      !in.Text(f.object.api_version) || !in.Text(f.object.kind) || !in.Text(f.object.name) ||
      !in.Text(f.object.ns) || !in.Text(f.fingerprint) || !in.Int(f.redact_length) ||
      !in.Int(has_rendered)) {
    return false;
  }
  if (severity < 0 || severity > static_cast<int>(Severity::kError)) return false;
  f.severity = static_cast<Severity>(severity);
  if (has_rendered) {
    RenderedOrigin& origin = f.rendered.emplace();
    if (!in.Text(origin.render) || !in.Text(origin.template_path) || !in.Int(origin.line)) {
      return false;
    }
  }
  return true;
}

}  // namespace

void PutNumber(std::string& out, long long n) {
  out += std::to_string(n);
  out += ';';
}

void PutText(std::string& out, std::string_view text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

bool CacheReader::Number(long long& n) {
  const auto [end, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), n);
  if (ec != std::errc() || end == rest_.data() + rest_.size() || *end != ';') return false;
  rest_.remove_prefix(static_cast<size_t>(end - rest_.data()) + 1);
  return true;
}

bool CacheReader::Int(int& n) {
  long long value = 0;
  if (!Number(value) || value < INT32_MIN || value > INT32_MAX) return false;
  n = static_cast<int>(value);
  return true;
}

bool CacheReader::Text(std::string& text) {
  size_t length = 0;
  const auto [end, ec] = std::from_chars(rest_.data(), rest_.data() + rest_.size(), length);
  if (ec != std::errc() || end == rest_.data() + rest_.size() || *end != ':') return false;
  const size_t start = static_cast<size_t>(end - rest_.data()) + 1;
  if (length > rest_.size() - start) return false;
  text.assign(rest_.substr(start, length));
  rest_.remove_prefix(start + length);
  return true;
}

bool CacheReader::Literal(std::string_view literal) {
  if (!rest_.starts_with(literal)) return false;
  rest_.remove_prefix(literal.size());
  return true;
}

std::string EncodeFileResult(const FileResult& result) {
  std::string out(kFormat);
  PutNumber(out, static_cast<long long>(result.findings.size()));
  for (const Finding& f : result.findings) {
    PutText(out, f.rule);
    PutNumber(out, static_cast<int>(f.severity));
    PutText(out, ScrubSecrets(f.message));
    PutText(out, f.file);
    PutNumber(out, f.line);
    PutNumber(out, f.column);
    PutText(out, f.pointer);
    PutNumber(out, f.document);
    PutText(out, f.object.api_version);
    PutText(out, f.object.kind);
    PutText(out, f.object.name);
    PutText(out, f.object.ns);
    PutText(out, f.fingerprint);
    PutNumber(out, f.redact_length);
    PutNumber(out, f.rendered ? 1 : 0);
    if (f.rendered) {
      PutText(out, f.rendered->render);
      PutText(out, f.rendered->template_path);
      PutNumber(out, f.rendered->line);
    }
  }
  PutNumber(out, static_cast<long long>(result.counters.size()));
  for (const auto& [name, value] : result.counters) {
    PutText(out, name);
    PutNumber(out, value);
  }
  PutNumber(out, static_cast<long long>(result.secrets.size()));
  for (const SecretSpan& span : result.secrets) {
    PutNumber(out, static_cast<long long>(span.offset));
    PutNumber(out, static_cast<long long>(span.length));
  }
  return out;
}

std::optional<FileResult> DecodeFileResult(std::string_view bytes) {
  CacheReader in(bytes);
  FileResult result;
  long long count = 0;
  if (!in.Literal(kFormat) || !in.Number(count) || count < 0 ||
      static_cast<unsigned long long>(count) > bytes.size()) {
    return std::nullopt;
  }
  result.findings.resize(static_cast<size_t>(count));
  for (Finding& f : result.findings) {
    if (!ReadFinding(in, f)) return std::nullopt;
  }
  if (!in.Number(count) || count < 0) return std::nullopt;
  for (long long i = 0; i < count; ++i) {
    std::string name;
    int value = 0;
    if (!in.Text(name) || !in.Int(value)) return std::nullopt;
    result.counters[name] = value;
  }
  if (!in.Number(count) || count < 0) return std::nullopt;
  for (long long i = 0; i < count; ++i) {
    long long offset = 0;
    long long length = 0;
    if (!in.Number(offset) || !in.Number(length) || offset < 0 || length <= 0) return std::nullopt;
    result.secrets.push_back({static_cast<size_t>(offset), static_cast<size_t>(length)});
  }
  if (!in.done()) return std::nullopt;
  return result;
}

}  // namespace syncgate
