#pragma once
// SHA-256 of a file's contents (libsodium), as lowercase hex.
#include <string>

#include "common/result.hpp"

namespace hotline::media {

Result<std::string> sha256_file_hex(const std::string& path);

}  // namespace hotline::media
