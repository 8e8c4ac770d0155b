#pragma once
// Serving the built web UI (web/dist): maps a request path to a file under the web root,
// never outside it, with the single-page-app fallback to index.html.
#include <filesystem>
#include <string>
#include <string_view>

namespace hotline::api {

struct StaticLookup {
  enum class Kind {
    File,      // serve `file`
    NotFound,  // missing asset (a name with an extension, or a hidden file)
    BadPath,   // "..", "." or a backslash in a segment: refused, never resolved
    NotBuilt,  // no index.html in the web root
  };
  Kind kind = Kind::NotFound;
  std::filesystem::path file;
  std::string content_type;
  std::string cache_control;
};

// "text/html; charset=utf-8" for "index.html"; application/octet-stream when unknown.
std::string content_type_for(const std::filesystem::path& file);

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path web_root) : web_root_(std::move(web_root)) {}

  // `path`: the percent-decoded request path (starts with '/'). Looks at the disk on every
  // call, so a web UI built while the daemon runs is picked up.
  StaticLookup lookup(std::string_view path) const;

 private:
  StaticLookup index() const;

  std::filesystem::path web_root_;
};

}  // namespace hotline::api
