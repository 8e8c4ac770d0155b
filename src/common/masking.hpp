#pragma once
// Masking of personal numbers for screens and exports of users who may not see them in full.
#include <string>
#include <string_view>

namespace hotline {

// Counts digits only; other characters (a "+86" prefix, separators) are kept as they are.
// 11 or more digits: first 3 and last 4 kept ("13800138000" -> "138****8000"); a "+86" country
// code is kept and not counted. 7 to 10 digits: first 2 and last 2 kept. Shorter numbers
// (extensions) are returned unchanged.
std::string mask_phone_number(std::string_view number);

// 18-character resident ID: first 6 + "********" + last 4. 15-character (old) ID: first 6 +
// "******" + last 3. Anything else: first and last character kept; 4 characters or fewer:
// nothing kept.
std::string mask_id_number(std::string_view id_number);

}  // namespace hotline
