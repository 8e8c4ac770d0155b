#include "api/audit_logger.hpp"

#include <spdlog/spdlog.h>

namespace hotline::api {

void AuditLogger::record(const Request& request, const AuditRecord& record) {
  store::AuditEntry entry;
  entry.at = now_ms();
  entry.actor_id = record.actor_id;
  entry.actor_username = record.actor_username;
  if (request.principal) {
    entry.actor_id = request.principal->user_id;
    entry.actor_username = request.principal->username;
  }
  entry.source_ip = request.remote_address;
  entry.action = record.action;
  entry.target_type = record.target_type;
  entry.target_id = record.target_id;
  entry.success = record.success;
  entry.detail_json = record.detail.dump();
  if (auto written = repository_.append(entry); !written)
    spdlog::error("audit log write failed for action {}: {}", record.action,
                  written.error().message);
}

}  // namespace hotline::api
