#include "sip/digest_credentials.hpp"

#include <cctype>

namespace hotline::sip {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

void skip_spaces(std::string_view text, std::size_t& at) {
  while (at < text.size() &&
         (text[at] == ' ' || text[at] == '\t' || text[at] == '\r' || text[at] == '\n'))
    ++at;
}

}  // namespace

std::optional<DigestCredentials> parse_digest_params(std::string_view text) {
  std::size_t at = 0;
  skip_spaces(text, at);
  if (text.size() - at < 6 || !iequals(text.substr(at, 6), "Digest")) return std::nullopt;
  at += 6;
  DigestCredentials credentials;
  bool first = true;
  for (;;) {
    skip_spaces(text, at);
    if (at >= text.size()) break;
    if (!first) {
      if (text[at] != ',') return std::nullopt;
      ++at;
      skip_spaces(text, at);
    }
    first = false;
    const auto name_start = at;
    while (at < text.size() && text[at] != '=' && text[at] != ',' && text[at] != ' ') ++at;
    const auto name = text.substr(name_start, at - name_start);
    skip_spaces(text, at);
    if (name.empty() || at >= text.size() || text[at] != '=') return std::nullopt;
    ++at;
    skip_spaces(text, at);
    std::string value;
    if (at < text.size() && text[at] == '"') {
      ++at;
      bool closed = false;
      while (at < text.size()) {
        const char c = text[at++];
        if (c == '\\' && at < text.size()) {
          value += text[at++];
        } else if (c == '"') {
          closed = true;
          break;
        } else {
          value += c;
        }
      }
      if (!closed) return std::nullopt;
    } else {
      const auto value_start = at;
      while (at < text.size() && text[at] != ',' && text[at] != ' ' && text[at] != '\t') ++at;
      value = std::string(text.substr(value_start, at - value_start));
    }
    if (iequals(name, "username"))
      credentials.username = value;
    else if (iequals(name, "realm"))
      credentials.realm = value;
    else if (iequals(name, "nonce"))
      credentials.nonce = value;
    else if (iequals(name, "uri"))
      credentials.uri = value;
    else if (iequals(name, "response"))
      credentials.response = value;
    else if (iequals(name, "algorithm"))
      credentials.algorithm = value;
    else if (iequals(name, "cnonce"))
      credentials.cnonce = value;
    else if (iequals(name, "qop"))
      credentials.qop = value;
    else if (iequals(name, "nc"))
      credentials.nonce_count = value;
    else if (iequals(name, "opaque"))
      credentials.opaque = value;
  }
  return credentials;
}

std::optional<DigestCredentials> parse_digest_credentials(std::string_view text) {
  auto credentials = parse_digest_params(text);
  if (!credentials || credentials->username.empty() || credentials->nonce.empty() ||
      credentials->response.empty())
    return std::nullopt;
  return credentials;
}

std::string digest_challenge(std::string_view realm, std::string_view nonce,
                             std::string_view algorithm, bool stale) {
  std::string out = "Digest realm=\"";
  out.append(realm).append("\", nonce=\"").append(nonce).append("\", algorithm=");
  out.append(algorithm).append(", qop=\"auth\"");
  if (stale) out += ", stale=true";
  return out;
}

}  // namespace hotline::sip
