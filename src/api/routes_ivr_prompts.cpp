// Prompts: uploaded recordings (converted to the engine's 8 kHz mono WAV under the data dir) and
// text-to-speech prompts, their audio for the browser's preview, and a speech preview of any
// text. Conversion and synthesis run on the HTTP worker thread that serves the request.
#include <filesystem>
#include <span>

#include "api/api_context.hpp"
#include "api/audio_response.hpp"
#include "api/http/router.hpp"
#include "api/json_views_ivr.hpp"
#include "api/routes_ivr_support.hpp"
#include "api/validation.hpp"
#include "api/wav_bytes.hpp"
#include "media/prompt_import.hpp"
#include "store/prompt_repository.hpp"

#include <spdlog/spdlog.h>

namespace hotline::api {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::size_t kMaxText = 500;  // the synthesizer's limit: about two minutes of speech
constexpr const char* kPromptDir = "prompts";

std::string checked_text(const nlohmann::json& body, const char* field) {
  auto text = required_string(body, field, 1, kMaxText);
  if (text.find_first_not_of(" \t\n") == std::string::npos)
    fail_validation(std::string(field) + " must not be blank");
  return text;
}

[[noreturn]] void throw_prompt_store_error(const Error& error) {
  if (error.code == "conflict") throw ApiError{409, "conflict", "a prompt with this name exists"};
  if (error.code == "invalid") fail_validation(error.message);
  throw_store_error(error);
}

store::Prompt prompt_or_404(store::PromptRepository& prompts, store::Id id) {
  auto found = value_or_throw(prompts.find(id));
  if (!found) throw ApiError{404, "not_found", "no such prompt"};
  return *found;
}

media::SpeechSynthesizer& speech_or_503(ApiContext& ctx) {
  if (!ctx.speech)
    throw ApiError{503, "unavailable", "the speech synthesizer is not running in this process"};
  return *ctx.speech;
}

// Speech for `text` as WAV bytes; the synthesizer's errors become 422 (bad text) or 503.
std::string speech_wav(ApiContext& ctx, const std::string& text) {
  auto clip = speech_or_503(ctx).synthesize_and_wait(text);
  if (!clip) {
    const auto& code = clip.error().code;
    if (code == "tts_unavailable" || code == "tts_stopped")
      throw ApiError{503, "unavailable", clip.error().message};
    throw ApiError{422, code, clip.error().message};
  }
  return wav_bytes((*clip)->samples);
}

void remove_prompt_file(ApiContext& ctx, const std::string& relative) {
  if (auto file = data_dir_file(ctx.config.data_dir, relative)) {
    std::error_code ec;
    fs::remove(*file, ec);
  }
}

Response list_prompts(ApiContext& ctx) {
  store::PromptRepository prompts(ctx.db);
  json items = json::array();
  for (const auto& prompt : value_or_throw(prompts.list())) items.push_back(to_json_view(prompt));
  return Response::json({{"items", items}});
}

Response get_prompt(ApiContext& ctx, Request& request) {
  store::PromptRepository prompts(ctx.db);
  return Response::json(to_json_view(prompt_or_404(prompts, request.id_param("id"))));
}

Response create_tts_prompt(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  reject_unknown_fields(body, {"name", "kind", "text"});
  store::Prompt prompt;
  prompt.name = required_ivr_name(body, "name");
  prompt.kind = required_string(body, "kind", 1, 16);
  if (prompt.kind == "audio")
    fail_validation("kind audio: upload the recording with POST /api/v1/ivr/prompts/upload");
  if (prompt.kind != "tts") fail_validation("kind must be tts");
  prompt.text = checked_text(body, "text");
  prompt.created_by = request.user().user_id;
  store::PromptRepository prompts(ctx.db);
  auto id = prompts.create(prompt);
  if (!id) throw_prompt_store_error(id.error());
  const auto view = to_json_view(prompt_or_404(prompts, *id));
  ctx.audit.record(request, {"ivr_prompt.create", "ivr_prompt", std::to_string(*id), true, view});
  publish_ivr_change(ctx, "prompts", *id);
  return Response::json(view, 201);
}

// The upload is converted into a temporary file first, then renamed after its digest, so a
// failed upload leaves nothing behind and a replaced prompt never points at a half file.
Response upload_prompt(ApiContext& ctx, Request& request) {
  const auto name = request.query_param("name").value_or("");
  if (!is_ivr_name(name)) fail_validation("?name= must be 1 to 64 characters of a-z 0-9 _ -");
  std::string transcript;
  if (auto text = request.query_param("text")) {
    transcript = required_string(json{{"text", *text}}, "text", 0, kMaxText);
  }
  const auto& upload = request.raw.body();
  if (upload.empty()) fail_validation("the body is empty: send the audio file as the body");

  store::PromptRepository prompts(ctx.db);
  const auto existing = value_or_throw(prompts.find_by_name(name));
  if (existing && existing->kind != "audio")
    throw ApiError{409, "conflict", "a " + existing->kind + " prompt with this name exists"};

  std::error_code ec;
  const auto directory = fs::path(ctx.config.data_dir) / kPromptDir;
  fs::create_directories(directory, ec);
  const auto temporary = directory / (".upload-" + name + "-" + std::to_string(now_ms()) + ".wav");
  const auto bytes = std::as_bytes(std::span(upload.data(), upload.size()));
  auto imported = media::import_prompt_bytes(bytes, temporary);
  if (!imported) {
    fs::remove(temporary, ec);
    if (imported.error().code == "prompt_write_failed") {
      throw ApiError{500, "prompt_write_failed", "the prompt file could not be written"};
    }
    throw ApiError{422, imported.error().code, imported.error().message};
  }
  const auto relative =
      fs::path(kPromptDir) / (name + "-" + imported->sha256.substr(0, 8) + ".wav");
  fs::rename(temporary, fs::path(ctx.config.data_dir) / relative, ec);
  if (ec) {
    fs::remove(temporary, ec);
    throw ApiError{500, "prompt_write_failed", "the prompt file could not be written"};
  }

  store::Prompt prompt = existing.value_or(store::Prompt{});
  prompt.name = name;
  prompt.kind = "audio";
  if (!transcript.empty() || !existing) prompt.text = transcript;
  prompt.file = relative.generic_string();
  prompt.duration_ms = imported->duration_ms;
  prompt.sha256 = imported->sha256;
  store::Id id = 0;
  if (existing) {
    if (auto updated = prompts.update(prompt); !updated) {
      if (existing->file != prompt.file) remove_prompt_file(ctx, prompt.file);
      throw_prompt_store_error(updated.error());
    }
    id = existing->id;
    if (existing->file != prompt.file) remove_prompt_file(ctx, existing->file);
  } else {
    prompt.created_by = request.user().user_id;
    auto created = prompts.create(prompt);
    if (!created) {
      remove_prompt_file(ctx, prompt.file);
      throw_prompt_store_error(created.error());
    }
    id = *created;
  }
  const auto view = to_json_view(prompt_or_404(prompts, id));
  ctx.audit.record(request, {"ivr_prompt.upload",
                             "ivr_prompt",
                             std::to_string(id),
                             true,
                             {{"name", name},
                              {"bytes", upload.size()},
                              {"source_format", imported->source_format},
                              {"duration_ms", imported->duration_ms},
                              {"sha256", imported->sha256},
                              {"replaced", existing.has_value()}}});
  publish_ivr_change(ctx, "prompts", id);
  return Response::json(view, existing ? 200 : 201);
}

Response update_prompt(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  const auto body = request.json_body();
  reject_unknown_fields(body, {"name", "text"});
  store::PromptRepository prompts(ctx.db);
  const auto before = prompt_or_404(prompts, id);
  auto prompt = before;
  if (auto name = optional_ivr_name(body, "name")) prompt.name = *name;
  if (body.contains("text")) {
    prompt.text = before.kind == "tts" ? checked_text(body, "text")
                                       : required_string(body, "text", 0, kMaxText);
  }
  if (auto updated = prompts.update(prompt); !updated) throw_prompt_store_error(updated.error());
  const auto view = to_json_view(prompt_or_404(prompts, id));
  ctx.audit.record(request, {"ivr_prompt.update",
                             "ivr_prompt",
                             std::to_string(id),
                             true,
                             {{"before", to_json_view(before)}, {"after", view}}});
  publish_ivr_change(ctx, "prompts", id);
  return Response::json(view);
}

Response delete_prompt(ApiContext& ctx, Request& request) {
  const auto id = request.id_param("id");
  store::PromptRepository prompts(ctx.db);
  const auto before = prompt_or_404(prompts, id);
  check(prompts.remove(id));
  if (before.kind == "audio") remove_prompt_file(ctx, before.file);
  ctx.audit.record(request, {"ivr_prompt.delete",
                             "ivr_prompt",
                             std::to_string(id),
                             true,
                             {{"name", before.name}, {"kind", before.kind}}});
  publish_ivr_change(ctx, "prompts", id);
  return Response::no_content();
}

Response prompt_audio(ApiContext& ctx, Request& request) {
  store::PromptRepository prompts(ctx.db);
  const auto prompt = prompt_or_404(prompts, request.id_param("id"));
  if (prompt.kind == "tts") return wav_response(speech_wav(ctx, prompt.text));
  const auto file = data_dir_file(ctx.config.data_dir, prompt.file);
  if (!file) throw ApiError{404, "not_found", "the prompt's audio file is missing"};
  return audio_file_response(request, *file, "audio/wav").response;
}

Response speech_preview(ApiContext& ctx, Request& request) {
  const auto body = request.json_body();
  reject_unknown_fields(body, {"text"});
  const auto text = checked_text(body, "text");
  return wav_response(speech_wav(ctx, text));
}

}  // namespace

void register_ivr_prompt_routes(Router& router, ApiContext& ctx) {
  const auto read = Access::permission_required("ivr.read");
  const auto manage = Access::permission_required("ivr.manage");
  const json list = {{"type", "object"},
                     {"properties", {{"items", {{"type", "array"}, {"items", prompt_schema()}}}}}};
  const json tts_input = {{"type", "object"},
                          {"required", {"name", "kind", "text"}},
                          {"properties",
                           {{"name", {{"type", "string"}, {"pattern", "^[a-z0-9_-]{1,64}$"}}},
                            {"kind", {{"type", "string"}, {"enum", {"tts"}}}},
                            {"text", {{"type", "string"}, {"maxLength", kMaxText}}}}}};
  const json update_input = {{"type", "object"},
                             {"properties",
                              {{"name", {{"type", "string"}, {"pattern", "^[a-z0-9_-]{1,64}$"}}},
                               {"text", {{"type", "string"}, {"maxLength", kMaxText}}}}}};
  const json preview_input = {
      {"type", "object"},
      {"required", {"text"}},
      {"properties", {{"text", {{"type", "string"}, {"maxLength", kMaxText}}}}}};

  router.add(
      {http::verb::get, "/api/v1/ivr/prompts", read, "ivr", "Prompts, by name", nullptr, list},
      [&ctx](Request&) { return list_prompts(ctx); });
  router.add({http::verb::post, "/api/v1/ivr/prompts", manage, "ivr",
              "Create a text-to-speech prompt", tts_input, prompt_schema(), 201},
             [&ctx](Request& r) { return create_tts_prompt(ctx, r); });
  router.add({http::verb::post,
              "/api/v1/ivr/prompts/upload",
              manage,
              "ivr",
              "Upload a recording (raw audio body) as a prompt, or replace its audio",
              nullptr,
              prompt_schema(),
              201,
              {{"name", "string", "the prompt's name, a-z 0-9 _ -"},
               {"text", "string", "optional transcript"}}},
             [&ctx](Request& r) { return upload_prompt(ctx, r); });
  router.add({http::verb::get, "/api/v1/ivr/prompts/{id}", read, "ivr", "A prompt", nullptr,
              prompt_schema()},
             [&ctx](Request& r) { return get_prompt(ctx, r); });
  router.add({http::verb::put, "/api/v1/ivr/prompts/{id}", manage, "ivr",
              "Rename a prompt or change its text", update_input, prompt_schema()},
             [&ctx](Request& r) { return update_prompt(ctx, r); });
  router.add({http::verb::delete_, "/api/v1/ivr/prompts/{id}", manage, "ivr", "Delete a prompt",
              nullptr, nullptr, 204},
             [&ctx](Request& r) { return delete_prompt(ctx, r); });
  router.add({http::verb::get, "/api/v1/ivr/prompts/{id}/audio", read, "ivr",
              "The prompt's audio as WAV (speech prompts are synthesized)", nullptr, nullptr},
             [&ctx](Request& r) { return prompt_audio(ctx, r); });
  router.add({http::verb::post, "/api/v1/ivr/speech-preview", manage, "ivr",
              "Speak a text as WAV (8 kHz mono)", preview_input, nullptr},
             [&ctx](Request& r) { return speech_preview(ctx, r); });
}

}  // namespace hotline::api
