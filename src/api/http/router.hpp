#pragma once
// Route table: matches method + path (with {param} segments) to a handler.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "api/http/http_types.hpp"

namespace hotline::api {

using Handler = std::function<Response(Request&)>;

struct Route {
  RouteSpec spec;
  Handler handler;
};

struct RouteMatch {
  enum class Kind { Found, MethodNotAllowed, NotFound };
  Kind kind = Kind::NotFound;
  const Route* route = nullptr;
  std::map<std::string, std::string> params;
  std::vector<http::verb> allowed;  // for MethodNotAllowed
};

class Router {
 public:
  // Adding the same method + path twice is a programming error (throws std::logic_error).
  void add(RouteSpec spec, Handler handler);
  RouteMatch match(http::verb method, std::string_view path) const;
  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
  std::vector<std::vector<std::string>> segments_;  // routes_[i].spec.path split at '/'
};

}  // namespace hotline::api
