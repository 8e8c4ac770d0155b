#pragma once
// Bencoding (BitTorrent's encoding, as rtpengine's ng control protocol uses it): integers,
// byte strings, lists and dictionaries with byte-string keys. Enough for the ng client.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace hotline::bench {

class BValue;
using BList = std::vector<BValue>;
using BDict = std::map<std::string, BValue, std::less<>>;  // bencode sorts keys bytewise

class BValue {
 public:
  BValue() : value_(std::string()) {}
  BValue(std::int64_t number) : value_(number) {}
  BValue(std::string text) : value_(std::move(text)) {}
  BValue(const char* text) : value_(std::string(text)) {}
  BValue(BList list) : value_(std::move(list)) {}
  BValue(BDict dict) : value_(std::move(dict)) {}

  const std::int64_t* integer() const { return std::get_if<std::int64_t>(&value_); }
  const std::string* string() const { return std::get_if<std::string>(&value_); }
  const BList* list() const { return std::get_if<BList>(&value_); }
  const BDict* dict() const { return std::get_if<BDict>(&value_); }

  // The string under `key` when this is a dictionary holding one there.
  const std::string* find_string(std::string_view key) const;

 private:
  std::variant<std::int64_t, std::string, BList, BDict> value_;
};

std::string bencode(const BValue& value);

// Decodes exactly one value filling all of `text`; nullopt on malformed or trailing input.
std::optional<BValue> bdecode(std::string_view text);

}  // namespace hotline::bench
