#include "sip/registrar.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

namespace hotline::sip {

namespace {

Reply reply_to(const IncomingRequest& request, int status, std::string phrase = {}) {
  Reply reply;
  reply.id = request.id;
  reply.status = status;
  reply.phrase = std::move(phrase);
  return reply;
}

bool all_digits(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

RegisterResult Registrar::handle(const IncomingRequest& request, EpochMs now) {
  RegisterResult result;
  if (!all_digits(request.to_user)) {
    result.reply = reply_to(request, 404, "Not Found");
    result.auth.status = AuthStatus::Failed;
    result.auth.reason = "not an extension";
    return result;
  }
  result.auth = authenticator_.authenticate(request, request.to_user, now);
  switch (result.auth.status) {
    case AuthStatus::Challenge:
      result.reply = reply_to(request, 401, "Unauthorized");
      result.reply.headers = authenticator_.challenge(result.auth.stale, now, request.user_agent);
      return result;
    case AuthStatus::Failed:
      // 403, not a fresh challenge: phones answer a 401 at once with the same wrong password,
      // which would lock out their address (and every phone behind the same NAT) within
      // milliseconds. A corrected password starts over with a new REGISTER.
      result.reply = reply_to(request, 403, "Forbidden");
      return result;
    case AuthStatus::Replayed:
      result.reply = reply_to(request, 403, "Forbidden");
      return result;
    case AuthStatus::Unavailable:
      result.reply = reply_to(request, 500, "Server Internal Error");
      return result;
    case AuthStatus::Authenticated:
      break;
  }

  const auto& extension = request.to_user;
  const bool wildcard = std::any_of(request.contacts.begin(), request.contacts.end(),
                                    [](const ContactEntry& c) { return c.wildcard; });
  if (wildcard) {
    // "Contact: *" is only valid alone and with Expires: 0 (RFC 3261 10.3 step 6).
    if (request.contacts.size() != 1 || !request.expires || *request.expires != 0) {
      result.reply = reply_to(request, 400, "Bad Request");
      return result;
    }
    if (auto removed = bindings_.remove_all(extension); !removed) {
      result.reply = reply_to(request, 500, "Server Internal Error");
      return result;
    }
    result.bindings_changed = true;
    result.reply = reply_to(request, 200, "OK");
    return result;
  }

  // Check every contact before changing any, so a refused request changes nothing.
  auto existing = bindings_.active(extension, now);
  if (!existing) {
    result.reply = reply_to(request, 500, "Server Internal Error");
    return result;
  }
  std::size_t contacts_after = existing->size();
  for (const auto& contact : request.contacts) {
    const auto decision = decide_expiry(contact.expires, request.expires, limits_);
    if (decision.kind == ExpiryDecision::Kind::TooBrief) {
      result.reply = reply_to(request, 423, "Interval Too Brief");
      result.reply.headers.emplace_back("Min-Expires", std::to_string(limits_.min_seconds));
      return result;
    }
    const auto bound = std::find_if(existing->begin(), existing->end(),
                                    [&](const auto& b) { return b.contact_uri == contact.uri; });
    // RFC 3261 10.3 step 7: an older request of the same registration arriving late.
    if (bound != existing->end() && bound->call_id == request.call_id &&
        bound->cseq >= request.cseq) {
      result.reply = reply_to(request, 500, "Out of Order");
      return result;
    }
    if (bound == existing->end() && decision.kind == ExpiryDecision::Kind::Bind) ++contacts_after;
  }
  // Bounds what one extension can put in the database.
  if (contacts_after > kMaxContactsPerExtension) {
    result.reply = reply_to(request, 403, "Too Many Contacts");
    return result;
  }
  for (const auto& contact : request.contacts) {
    const auto decision = decide_expiry(contact.expires, request.expires, limits_);
    Status written = ok_status();
    if (decision.kind == ExpiryDecision::Kind::Remove) {
      written = bindings_.remove(extension, contact.uri);
    } else {
      store::SipBinding binding;
      binding.extension = extension;
      binding.contact_uri = contact.uri;
      binding.source = request.source.host_port();
      binding.transport = request.source.transport;
      binding.behind_nat = contact_behind_nat(contact, request.source);
      binding.call_id = request.call_id;
      binding.cseq = request.cseq;
      binding.user_agent = request.user_agent;
      binding.expires_at = now + decision.seconds * 1000LL;
      binding.registered_at = now;
      binding.updated_at = now;
      written = bindings_.upsert(binding);
    }
    if (!written) {
      spdlog::error("sip: cannot store binding of {}: {}", extension, written.error().message);
      result.reply = reply_to(request, 500, "Server Internal Error");
      return result;
    }
    result.bindings_changed = true;
  }

  auto current = bindings_.active(extension, now);
  if (!current) {
    result.reply = reply_to(request, 500, "Server Internal Error");
    return result;
  }
  result.reply = reply_to(request, 200, "OK");
  for (const auto& binding : *current) {
    const auto remaining = std::max<std::int64_t>(0, (binding.expires_at - now + 999) / 1000);
    result.reply.headers.emplace_back(
        "Contact", "<" + binding.contact_uri + ">;expires=" + std::to_string(remaining));
  }
  return result;
}

}  // namespace hotline::sip
