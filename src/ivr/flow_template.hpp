#pragma once
// Variable templates in flows ("{id_number}", "{progress.status}"): how set_variable values and
// data_query parameters are built from the call's variables. Spoken templates (say_result) are
// rendered by the runtime's speech code instead, because they need Chinese wording.
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace hotline::ivr {

using Variables = std::map<std::string, nlohmann::json>;

// Replaces each "{name}" or "{name.field}" by the variable's value: strings as they are, other
// JSON values in their JSON text, unknown names by "". A "{" without a closing "}" is kept.
std::string render_template(const std::string& text, const Variables& variables);

// The variable names (the part before any ".") a template refers to.
std::vector<std::string> template_variables(const std::string& text);

}  // namespace hotline::ivr
