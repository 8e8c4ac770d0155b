#include "api/http/static_files.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

namespace hotline::api {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kImmutablePrefix = "/assets/";
constexpr const char* kImmutable = "public, max-age=31536000, immutable";
constexpr const char* kRevalidate = "no-cache";

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// True when `file`, with symlinks resolved, still lies inside `root`.
bool inside(const fs::path& root, const fs::path& file) {
  std::error_code ec;
  const auto real_root = fs::canonical(root, ec);
  if (ec) return false;
  const auto real_file = fs::canonical(file, ec);
  if (ec) return false;
  const auto [root_end, file_it] =
      std::mismatch(real_root.begin(), real_root.end(), real_file.begin(), real_file.end());
  return root_end == real_root.end();
}

bool regular_file_exists(const fs::path& file) {
  std::error_code ec;
  return fs::is_regular_file(file, ec);
}

}  // namespace

std::string content_type_for(const fs::path& file) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kTypes{{
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".wav", "audio/wav"},
      {".mp3", "audio/mpeg"},
      {".ogg", "audio/ogg"},
      {".webmanifest", "application/manifest+json"},
  }};
  auto extension = file.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& [known, type] : kTypes)
    if (known == extension) return std::string(type);
  return "application/octet-stream";
}

StaticLookup StaticFiles::index() const {
  const auto file = web_root_ / "index.html";
  if (!regular_file_exists(file)) return {StaticLookup::Kind::NotBuilt, {}, {}, {}};
  return {StaticLookup::Kind::File, file, content_type_for(file), kRevalidate};
}

StaticLookup StaticFiles::lookup(std::string_view path) const {
  if (path.empty() || path.front() != '/') return {StaticLookup::Kind::BadPath, {}, {}, {}};
  const auto segments = split_segments(path.substr(1));
  fs::path relative;
  for (const auto segment : segments) {
    // Checked on decoded segments, so "%2e%2e" and "..%2f" are caught here too.
    if (segment == "." || segment == ".." ||
        segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos)
      return {StaticLookup::Kind::BadPath, {}, {}, {}};
    if (segment.empty()) continue;
    if (segment.front() == '.') return {StaticLookup::Kind::NotFound, {}, {}, {}};
    relative /= fs::path(std::string(segment));
  }
  if (relative.empty()) return index();

  const auto file = web_root_ / relative;
  if (regular_file_exists(file) && inside(web_root_, file)) {
    const bool immutable = path.substr(0, kImmutablePrefix.size()) == kImmutablePrefix;
    return {StaticLookup::Kind::File, file, content_type_for(file),
            immutable ? kImmutable : kRevalidate};
  }
  // Client-side routes ("/tickets/42") have no dot in their last segment; assets do.
  const auto last = segments.empty() ? std::string_view{} : segments.back();
  if (last.find('.') == std::string_view::npos) return index();
  return {StaticLookup::Kind::NotFound, {}, {}, {}};
}

}  // namespace hotline::api
