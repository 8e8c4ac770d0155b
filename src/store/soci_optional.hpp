#pragma once
// std::optional values across SOCI, which speaks in values plus NULL indicators.
#include <soci/soci.h>

#include <optional>

namespace hotline::store {

// A parameter to bind with soci::use(param.value, param.ind); NULL when the optional is empty.
template <typename Stored>
struct OptionalParam {
  Stored value{};
  soci::indicator ind = soci::i_null;

  template <typename T>
  explicit OptionalParam(const std::optional<T>& optional) {
    if (optional) {
      value = static_cast<Stored>(*optional);
      ind = soci::i_ok;
    }
  }
};

// A column read with soci::into(value, ind) as an optional.
template <typename T, typename Stored>
std::optional<T> optional_column(const Stored& value, soci::indicator ind) {
  if (ind != soci::i_ok) return std::nullopt;
  return static_cast<T>(value);
}

}  // namespace hotline::store
