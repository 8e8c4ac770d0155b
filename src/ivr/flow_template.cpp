#include "ivr/flow_template.hpp"

namespace hotline::ivr {
namespace {

// Calls `on_text` for literal runs and `on_reference` for the inside of each "{...}".
template <typename OnText, typename OnReference>
void scan(const std::string& text, OnText on_text, OnReference on_reference) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto open = text.find('{', pos);
    auto close = open == std::string::npos ? std::string::npos : text.find('}', open + 1);
    if (close == std::string::npos) {
      on_text(text.substr(pos));
      return;
    }
    on_text(text.substr(pos, open - pos));
    on_reference(text.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
}

std::string head(const std::string& reference) {
  return reference.substr(0, reference.find('.'));
}

}  // namespace

std::string render_template(const std::string& text, const Variables& variables) {
  std::string out;
  scan(
      text, [&](const std::string& literal) { out += literal; },
      [&](const std::string& reference) {
        auto it = variables.find(head(reference));
        if (it == variables.end()) return;
        const nlohmann::json* value = &it->second;
        // Walk "a.b.c" into nested objects.
        std::size_t dot = reference.find('.');
        while (dot != std::string::npos && value) {
          std::size_t next = reference.find('.', dot + 1);
          std::string key = reference.substr(
              dot + 1, next == std::string::npos ? std::string::npos : next - dot - 1);
          value = value->is_object() && value->contains(key) ? &(*value)[key] : nullptr;
          dot = next;
        }
        if (!value || value->is_null()) return;
        out += value->is_string() ? value->get<std::string>() : value->dump();
      });
  return out;
}

std::vector<std::string> template_variables(const std::string& text) {
  std::vector<std::string> names;
  scan(
      text, [](const std::string&) {},
      [&](const std::string& reference) { names.push_back(head(reference)); });
  return names;
}

}  // namespace hotline::ivr
