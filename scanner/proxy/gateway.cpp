#include "scanner/proxy/gateway.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "scanner/filter/json_text.h"
#include "scanner/filter/reasons.h"

namespace keyward::proxy {
namespace {

constexpr std::size_t kMinCallerKeyBytes = 16;

bool equals_lower(std::string_view text, std::string_view lower) {
  return text.size() == lower.size() && std::equal(text.begin(), text.end(), lower.begin(), [](char a, char b) {
           return (a >= 'A' && a <= 'Z' ? static_cast<char>(a - 'A' + 'a') : a) == b;
         });
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// "application/json", "application/json; charset=utf-8", "application/vnd.api+json".
bool is_json_media_type(std::string_view content_type) {
  std::string media(trim(content_type.substr(0, content_type.find(';'))));
  std::transform(media.begin(), media.end(), media.begin(), [](unsigned char c) { return std::tolower(c); });
  return media == "application/json" || media.ends_with("+json");
}

// The short sentence of a block: what was found and where, the first few reasons.
std::string blocked_message(const nlohmann::ordered_json& reasons) {
  std::string what;
  std::size_t shown = 0;
  for (const auto& reason : reasons) {
    if (shown == 3) {
      what += fmt::format(" and {} more", reasons.size() - shown);
      break;
    }
    const std::string name =
        reason.contains("rule") ? reason["rule"].get<std::string>() : reason["limit"].get<std::string>();
    const std::string pointer = reason["pointer"].get<std::string>();
    what += fmt::format("{}{}{}", shown == 0 ? "" : ", ", name, pointer.empty() ? "" : " at " + pointer);
    ++shown;
  }
  return fmt::format("keyward blocked this request: {}", what);
}

Answer blocked_answer(const filter::Screening& screening) {
  const bool internal = std::any_of(screening.violations.begin(), screening.violations.end(),
                                    [](const filter::Violation& v) { return v.limit == "internal-error"; });
  if (internal) {
    return error_answer(500, "internal_error", "screening_failed",
                        "keyward could not screen this request, so it was not sent (it fails closed)");
  }
  const nlohmann::ordered_json reasons = filter::blocked_reasons(screening);
  nlohmann::ordered_json body = {{"object", "error"},         {"message", blocked_message(reasons)},
                                 {"type", "keyward_blocked"}, {"param", nullptr},
                                 {"code", "blocked"},         {"reasons", reasons}};
  return Answer{.status = 403, .body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

Decision screen(const filter::Filter& filter, const ClientRequest& request, bool json) {
  const std::string_view key = caller_key(request.authorization, request.api_key);
  auto screening = json ? filter.screen_request(request.body, key) : filter.screen(request.body, key);
  if (!screening) {
    if (request.body.size() > filter.policy().max_input_bytes) {
      return {.outcome = error_answer(413, "invalid_request_error", "body_too_large", screening.error().message)};
    }
    return {.outcome = error_answer(400, "invalid_request_error", json ? "invalid_json" : "invalid_body",
                                    screening.error().message)};
  }
  std::optional<filter::AuditRecord> audit = std::move(screening->audit);
  if (screening->verdict == filter::Verdict::kBlocked) return {.outcome = blocked_answer(*screening), .audit = audit};
  if (!json && screening->verdict == filter::Verdict::kRedacted) {
    // Only JSON is rewritten: a text body with something to redact is not sent at all.
    audit->verdict = filter::Verdict::kBlocked;
    return {.outcome = error_answer(403, "keyward_blocked", "blocked",
                                    "keyward blocked this request: its body is not JSON and holds something the "
                                    "policy redacts, and the proxy rewrites JSON bodies only"),
            .audit = audit};
  }
  return {.outcome = Forward{.body = std::move(screening->text)}, .audit = audit};
}

}  // namespace

Answer error_answer(int status, std::string_view type, std::string_view code, std::string_view message) {
  const nlohmann::ordered_json body = {
      {"object", "error"}, {"message", message}, {"type", type}, {"param", nullptr}, {"code", code}};
  return Answer{.status = status, .body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)};
}

std::string_view caller_key(std::string_view authorization, std::string_view api_key) {
  std::string_view key = trim(authorization);
  if (key.size() > 7 && equals_lower(key.substr(0, 7), "bearer ")) key = trim(key.substr(7));
  if (key.empty()) key = trim(api_key);
  return key.size() >= kMinCallerKeyBytes ? key : std::string_view();
}

bool is_connection_header(std::string_view name, std::string_view connection) {
  static constexpr std::array<std::string_view, 12> kNames = {"connection",
                                                              "keep-alive",
                                                              "proxy-connection",
                                                              "proxy-authenticate",
                                                              "proxy-authorization",
                                                              "te",
                                                              "trailer",
                                                              "transfer-encoding",
                                                              "upgrade",
                                                              "host",
                                                              "content-length",
                                                              "expect"};
  if (std::any_of(kNames.begin(), kNames.end(), [&](std::string_view n) { return equals_lower(name, n); })) {
    return true;
  }
  while (!connection.empty()) {
    const auto comma = connection.find(',');
    std::string token(trim(connection.substr(0, comma)));
    std::transform(token.begin(), token.end(), token.begin(), [](unsigned char c) { return std::tolower(c); });
    if (!token.empty() && equals_lower(name, token)) return true;
    connection = comma == std::string_view::npos ? std::string_view() : connection.substr(comma + 1);
  }
  return false;
}

Decision decide(const filter::Filter& filter, const ClientRequest& request) {
  if (request.method == "CONNECT" || request.method == "TRACE") {
    return {.outcome = error_answer(405, "invalid_request_error", "method_not_allowed",
                                    fmt::format("keyward proxy does not forward {} requests", request.method))};
  }
  if (!request.target.starts_with('/')) {
    return {.outcome = error_answer(400, "invalid_request_error", "invalid_target",
                                    "keyward proxy takes a path (/v1/...), not a full URL: point the client's base "
                                    "URL at it")};
  }
  if (request.body.empty()) return {.outcome = Forward{}};
  const std::string_view encoding = trim(request.content_encoding);
  if (!encoding.empty() && !equals_lower(encoding, "identity")) {
    return {.outcome = error_answer(415, "invalid_request_error", "unsupported_encoding",
                                    "keyward proxy cannot screen a compressed body (Content-Encoding), so it does "
                                    "not send one")};
  }
  const bool json = is_json_media_type(request.content_type) ||
                    (trim(request.content_type).empty() && filter::looks_like_json(request.body));
  if (!json && !filter::valid_utf8(request.body)) {
    return {.outcome = error_answer(415, "invalid_request_error", "unsupported_body",
                                    "keyward proxy screens JSON and text bodies; a binary body is not sent")};
  }
  return screen(filter, request, json);
}

}  // namespace keyward::proxy
