#include "store/dial_pattern.hpp"

#include <bitset>
#include <optional>
#include <vector>

namespace hotline::store {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// A pattern compiled to one digit set per position, plus whether a '.' tail follows.
struct CompiledPattern {
  std::vector<std::bitset<10>> positions;
  bool open_tail = false;
};

// "[1-35]" at text[i] (the '['): returns the set and moves i past the ']'.
std::optional<std::bitset<10>> parse_set(std::string_view text, std::size_t& i) {
  std::bitset<10> set;
  ++i;
  while (i < text.size() && text[i] != ']') {
    if (!is_digit(text[i])) return std::nullopt;
    const int low = text[i] - '0';
    if (i + 2 < text.size() && text[i + 1] == '-' && is_digit(text[i + 2])) {
      const int high = text[i + 2] - '0';
      if (high < low) return std::nullopt;
      for (int d = low; d <= high; ++d) set.set(static_cast<std::size_t>(d));
      i += 3;
    } else {
      set.set(static_cast<std::size_t>(low));
      ++i;
    }
  }
  if (i >= text.size() || set.none()) return std::nullopt;  // unclosed or empty
  ++i;
  return set;
}

std::optional<CompiledPattern> compile(std::string_view text) {
  if (text.empty() || text.size() > kMaxDialPatternLength) return std::nullopt;
  CompiledPattern compiled;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    std::bitset<10> set;
    if (is_digit(c)) {
      set.set(static_cast<std::size_t>(c - '0'));
      ++i;
    } else if (c == 'X' || c == 'x') {
      set.set();
      ++i;
    } else if (c == 'Z' || c == 'z') {
      set.set();
      set.reset(0);
      ++i;
    } else if (c == 'N' || c == 'n') {
      set.set();
      set.reset(0);
      set.reset(1);
      ++i;
    } else if (c == '[') {
      auto parsed = parse_set(text, i);
      if (!parsed) return std::nullopt;
      set = *parsed;
    } else if (c == '.' && i + 1 == text.size() && !compiled.positions.empty()) {
      compiled.open_tail = true;
      ++i;
      continue;
    } else {
      return std::nullopt;
    }
    compiled.positions.push_back(set);
  }
  return compiled;
}

}  // namespace

bool is_valid_dial_pattern(std::string_view pattern) {
  return compile(pattern).has_value();
}

bool dial_pattern_matches(std::string_view pattern, std::string_view number) {
  const auto compiled = compile(pattern);
  if (!compiled) return false;
  const auto fixed = compiled->positions.size();
  if (compiled->open_tail ? number.size() <= fixed : number.size() != fixed) return false;
  for (std::size_t i = 0; i < number.size(); ++i) {
    if (!is_digit(number[i])) return false;
    const auto digit = static_cast<std::size_t>(number[i] - '0');
    if (i < fixed && !compiled->positions[i].test(digit)) return false;
  }
  return true;
}

}  // namespace hotline::store
