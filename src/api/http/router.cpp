#include "api/http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace hotline::api {

namespace {

// "/a/{id}/b" -> {"a", "{id}", "b"}; "/" -> {""}.
std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> segments;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const auto slash = path.find('/');
    segments.emplace_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool is_param(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// Two patterns are the same route when they differ only in parameter names.
bool same_shape(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (is_param(a[i]) != is_param(b[i])) return false;
    if (!is_param(a[i]) && a[i] != b[i]) return false;
  }
  return true;
}

// Per segment: true where the pattern has a literal. Compared lexicographically so that
// "/users/me" wins over "/users/{id}" whatever the registration order.
std::optional<std::vector<bool>> match_segments(const std::vector<std::string>& pattern,
                                                const std::vector<std::string>& path,
                                                std::map<std::string, std::string>* params) {
  if (pattern.size() != path.size()) return std::nullopt;
  std::vector<bool> literal(pattern.size());
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_param(pattern[i])) {
      if (path[i].empty()) return std::nullopt;
    } else if (pattern[i] != path[i]) {
      return std::nullopt;
    } else {
      literal[i] = true;
    }
  }
  if (params) {
    for (std::size_t i = 0; i < pattern.size(); ++i)
      if (is_param(pattern[i])) (*params)[pattern[i].substr(1, pattern[i].size() - 2)] = path[i];
  }
  return literal;
}

}  // namespace

void Router::add(RouteSpec spec, Handler handler) {
  const auto where = std::string(http::to_string(spec.method)) + " " + spec.path;
  if (spec.path.empty() || spec.path.front() != '/')
    throw std::logic_error("route path must start with '/': " + where);
  auto segments = split_path(spec.path);
  std::vector<std::string> names;
  for (const auto& segment : segments) {
    if (segment.find_first_of("{}") == std::string::npos) continue;
    if (!is_param(segment) || segment.find_first_of("{}", 1) != segment.size() - 1)
      throw std::logic_error("malformed path parameter in route " + where);
    const auto name = segment.substr(1, segment.size() - 2);
    if (std::find(names.begin(), names.end(), name) != names.end())
      throw std::logic_error("repeated path parameter in route " + where);
    names.push_back(name);
  }
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (routes_[i].spec.method == spec.method && same_shape(segments_[i], segments))
      throw std::logic_error("duplicate route " + where);
  }
  routes_.push_back(Route{std::move(spec), std::move(handler)});
  segments_.push_back(std::move(segments));
}

RouteMatch Router::match(http::verb method, std::string_view path) const {
  const auto segments = split_path(path);
  std::vector<http::verb> allowed;
  // HEAD is answered by GET routes unless a HEAD route exists.
  const auto best_for = [&](http::verb wanted) -> std::optional<std::size_t> {
    std::optional<std::size_t> best;
    std::vector<bool> best_rank;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
      if (routes_[i].spec.method != wanted) continue;
      auto rank = match_segments(segments_[i], segments, nullptr);
      if (rank && (!best || *rank > best_rank)) {
        best = i;
        best_rank = std::move(*rank);
      }
    }
    return best;
  };
  auto found = best_for(method);
  if (!found && method == http::verb::head) found = best_for(http::verb::get);
  if (found) {
    RouteMatch result;
    result.kind = RouteMatch::Kind::Found;
    result.route = &routes_[*found];
    match_segments(segments_[*found], segments, &result.params);
    return result;
  }
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    if (!match_segments(segments_[i], segments, nullptr)) continue;
    allowed.push_back(routes_[i].spec.method);
    if (routes_[i].spec.method == http::verb::get) allowed.push_back(http::verb::head);
  }
  RouteMatch result;
  if (allowed.empty()) return result;
  std::sort(allowed.begin(), allowed.end());
  allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
  result.kind = RouteMatch::Kind::MethodNotAllowed;
  result.allowed = std::move(allowed);
  return result;
}

}  // namespace hotline::api
