#pragma once
// Spoken answers as templates over a JSON object (a data-source result):
//   "您的社保卡{status}，预计{expected_date:date}可领取"
// `{field}` inserts a string as it is and a number as a quantity (2 -> 二); `{field:format}`
// applies a formatter: date (十二月十二日), date_year (二〇二六年十二月十二日), digits (read one by
// one), number (quantity or decimal), count (2 -> 两, before a measure word), money (元角分),
// time (下午三点三十分), weekday (星期一). `{{` and `}}` are literal braces. A field name may be
// a dotted path into nested objects ("card.status").
// Errors are values, never exceptions: codes bad_template, missing_field, bad_value; the
// message names the field, and the caller falls back to a spoken apology.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace hotline::ivr {

Result<std::string> render_speech_template(std::string_view text, const nlohmann::json& fields);

// For publish-time checks: the template's syntax and formatter names, without values.
Status check_speech_template(std::string_view text);
// The field names the template uses, in order of first use (empty when the syntax is bad).
std::vector<std::string> speech_template_fields(std::string_view text);

}  // namespace hotline::ivr
