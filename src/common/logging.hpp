#pragma once
// Process-wide logging through spdlog. Log lines never carry personal data (ID or phone
// numbers, passwords, tokens): callers log record ids instead.
#include <spdlog/spdlog.h>

#include <string>

#include "common/result.hpp"

namespace hotline {

Status init_logging(const std::string& level, const std::string& file);

}  // namespace hotline
