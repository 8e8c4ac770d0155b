#include "bencode.hpp"

#include <charconv>

namespace hotline::bench {

const std::string* BValue::find_string(std::string_view key) const {
  const auto* entries = dict();
  if (!entries) return nullptr;
  const auto it = entries->find(key);
  return it == entries->end() ? nullptr : it->second.string();
}

namespace {

void append(const BValue& value, std::string& out) {
  if (const auto* number = value.integer()) {
    out += 'i';
    out += std::to_string(*number);
    out += 'e';
  } else if (const auto* text = value.string()) {
    out += std::to_string(text->size());
    out += ':';
    out += *text;
  } else if (const auto* items = value.list()) {
    out += 'l';
    for (const auto& item : *items) append(item, out);
    out += 'e';
  } else if (const auto* entries = value.dict()) {
    out += 'd';
    for (const auto& [key, item] : *entries) {
      append(BValue(key), out);
      append(item, out);
    }
    out += 'e';
  }
}

// Recursive-descent reader over `text`, advancing `at`. Nesting is bounded so that hostile
// input cannot exhaust the stack.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}
  bool done() const { return at_ == text_.size(); }

  // Reads one value into `out`; false on malformed input.
  bool value(BValue& out, int depth = 0) {
    if (depth > 32 || done()) return false;
    const char kind = text_[at_];
    if (kind == 'i') {
      ++at_;
      auto number = integer_until('e');
      if (!number) return false;
      out = BValue(*number);
      return true;
    }
    if (kind == 'l') {
      ++at_;
      BList items;
      while (!done() && text_[at_] != 'e') {
        items.emplace_back();
        if (!value(items.back(), depth + 1)) return false;
      }
      if (done()) return false;
      ++at_;
      out = BValue(std::move(items));
      return true;
    }
    if (kind == 'd') {
      ++at_;
      BDict entries;
      while (!done() && text_[at_] != 'e') {
        std::string key;
        if (!string(key)) return false;
        if (!value(entries[key], depth + 1)) return false;
      }
      if (done()) return false;
      ++at_;
      out = BValue(std::move(entries));
      return true;
    }
    std::string text;
    if (!string(text)) return false;
    out = BValue(std::move(text));
    return true;
  }

 private:
  std::optional<std::int64_t> integer_until(char end) {
    const auto stop = text_.find(end, at_);
    if (stop == std::string_view::npos || stop == at_) return std::nullopt;
    std::int64_t number = 0;
    const auto* first = text_.data() + at_;
    const auto* last = text_.data() + stop;
    const auto [ptr, ec] = std::from_chars(first, last, number);
    if (ec != std::errc() || ptr != last) return std::nullopt;
    at_ = stop + 1;
    return number;
  }

  bool string(std::string& out) {
    if (done() || text_[at_] < '0' || text_[at_] > '9') return false;
    const auto length = integer_until(':');
    if (!length || *length < 0 || static_cast<std::uint64_t>(*length) > text_.size() - at_)
      return false;
    out.assign(text_.substr(at_, static_cast<std::size_t>(*length)));
    at_ += static_cast<std::size_t>(*length);
    return true;
  }

  std::string_view text_;
  std::size_t at_ = 0;
};

}  // namespace

std::string bencode(const BValue& value) {
  std::string out;
  append(value, out);
  return out;
}

std::optional<BValue> bdecode(std::string_view text) {
  Reader reader(text);
  std::optional<BValue> value(std::in_place);
  if (!reader.value(*value) || !reader.done()) return std::nullopt;
  return value;
}

}  // namespace hotline::bench
