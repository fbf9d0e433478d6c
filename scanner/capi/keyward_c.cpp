// The C ABI over filter::Filter: every entry point catches everything, sets the thread's last error and returns
// a status; nothing is thrown across the boundary.
#include "scanner/capi/keyward_c.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "scanner/filter/filter.h"

struct kw_filter {
  keyward::filter::Filter filter;
};

struct kw_result {
  keyward::filter::Screening screening;
};

namespace {

thread_local std::string last_error;

int failed(int status, std::string message) {
  try {
    last_error = std::move(message);
  } catch (...) {
    last_error.clear();
  }
  return status;
}

char* copy_out(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, text.data(), text.size() + 1);
  return out;
}

template <typename Screen>
int screen_with(const kw_filter* filter, const char* data, std::size_t len, kw_result** out, Screen screen) {
  if (filter == nullptr || out == nullptr || (data == nullptr && len != 0)) {
    return failed(KW_ERROR_ARGUMENT, "null filter, input or result pointer");
  }
  *out = nullptr;
  try {
    auto screening = screen(filter->filter, std::string_view(data == nullptr ? "" : data, len));
    if (!screening) return failed(KW_ERROR_INPUT, screening.error().message);
    *out = new kw_result{std::move(*screening)};
    return KW_OK;
  } catch (const std::exception& e) {
    return failed(KW_ERROR_INTERNAL, e.what());
  } catch (...) {
    return failed(KW_ERROR_INTERNAL, "internal error");
  }
}

// The filter of kw_filter_new and kw_filter_new_with_config: the built-in rules and `config`'s, the policy given
// as TOML text, else the config's [filter] table, else the defaults.
int make_filter(const char* config_path, const char* policy_toml, const char* env, kw_filter** out) {
  if (out == nullptr) return failed(KW_ERROR_ARGUMENT, "null result pointer");
  *out = nullptr;
  try {
    const auto config = config_path == nullptr ? std::nullopt : std::optional<std::string>(config_path);
    auto policy = policy_toml != nullptr || !config
                      ? keyward::filter::parse_policy(policy_toml == nullptr ? "" : policy_toml, "<policy>")
                      : keyward::filter::load_policy(*config);
    if (!policy) return failed(KW_ERROR_CONFIG, policy.error().message);
    auto filter = keyward::filter::Filter::load(config, {}, std::move(*policy), env == nullptr ? "" : env);
    if (!filter) return failed(KW_ERROR_CONFIG, filter.error().message);
    *out = new kw_filter{std::move(*filter)};
    return KW_OK;
  } catch (const std::exception& e) {
    return failed(KW_ERROR_INTERNAL, e.what());
  } catch (...) {
    return failed(KW_ERROR_INTERNAL, "internal error");
  }
}

}  // namespace

extern "C" {

int kw_filter_new(const char* policy_toml, const char* env, kw_filter** out) {
  return make_filter(nullptr, policy_toml, env, out);
}

int kw_filter_new_with_config(const char* config_path, const char* policy_toml, const char* env, kw_filter** out) {
  if (config_path == nullptr) return failed(KW_ERROR_ARGUMENT, "null config path");
  return make_filter(config_path, policy_toml, env, out);
}

void kw_filter_free(kw_filter* filter) { delete filter; }

int kw_filter_screen(const kw_filter* filter, const char* text, size_t len, kw_result** out) {
  return screen_with(filter, text, len, out, [](const auto& f, std::string_view bytes) { return f.screen(bytes); });
}

int kw_filter_screen_request(const kw_filter* filter, const char* json, size_t len, kw_result** out) {
  return screen_with(filter, json, len, out,
                     [](const auto& f, std::string_view bytes) { return f.screen_request(bytes); });
}

int kw_filter_screen_key(const kw_filter* filter, const char* text, size_t len, const char* key, size_t key_len,
                         kw_result** out) {
  if (key == nullptr && key_len != 0) return failed(KW_ERROR_ARGUMENT, "null key");
  const std::string_view caller_key(key == nullptr ? "" : key, key_len);
  return screen_with(filter, text, len, out,
                     [caller_key](const auto& f, std::string_view bytes) { return f.screen(bytes, caller_key); });
}

int kw_filter_screen_request_key(const kw_filter* filter, const char* json, size_t len, const char* key, size_t key_len,
                                 kw_result** out) {
  if (key == nullptr && key_len != 0) return failed(KW_ERROR_ARGUMENT, "null key");
  const std::string_view caller_key(key == nullptr ? "" : key, key_len);
  return screen_with(filter, json, len, out, [caller_key](const auto& f, std::string_view bytes) {
    return f.screen_request(bytes, caller_key);
  });
}

int kw_result_verdict(const kw_result* result) {
  if (result == nullptr) return KW_VERDICT_BLOCKED;
  switch (result->screening.verdict) {
    case keyward::filter::Verdict::kAllowed:
      return KW_VERDICT_ALLOWED;
    case keyward::filter::Verdict::kRedacted:
      return KW_VERDICT_REDACTED;
    case keyward::filter::Verdict::kBlocked:
      return KW_VERDICT_BLOCKED;
  }
  return KW_VERDICT_BLOCKED;
}

int kw_result_text(const kw_result* result, const char** data, size_t* len) {
  if (result == nullptr || data == nullptr || len == nullptr) return failed(KW_ERROR_ARGUMENT, "null pointer");
  *data = result->screening.text.c_str();
  *len = result->screening.text.size();
  return KW_OK;
}

int kw_result_findings_json(const kw_result* result, char** out) {
  if (result == nullptr || out == nullptr) return failed(KW_ERROR_ARGUMENT, "null pointer");
  *out = nullptr;
  try {
    using keyward::filter::to_string;
    nlohmann::ordered_json findings = nlohmann::ordered_json::array();
    for (const auto& f : result->screening.findings) {
      findings.push_back({{"rule", f.rule_id},
                          {"category", keyward::engine::to_string(f.category)},
                          {"pointer", f.pointer},
                          {"start", f.start},
                          {"end", f.end},
                          {"action", to_string(f.action)}});
    }
    nlohmann::ordered_json violations = nlohmann::ordered_json::array();
    for (const auto& v : result->screening.violations) {
      violations.push_back({{"limit", v.limit}, {"pointer", v.pointer}, {"message", v.message}});
    }
    const nlohmann::ordered_json doc = {{"verdict", to_string(result->screening.verdict)},
                                        {"findings", std::move(findings)},
                                        {"violations", std::move(violations)}};
    *out = copy_out(doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    return KW_OK;
  } catch (const std::exception& e) {
    return failed(KW_ERROR_INTERNAL, e.what());
  }
}

int kw_result_audit_json(const kw_result* result, char** out) {
  if (result == nullptr || out == nullptr) return failed(KW_ERROR_ARGUMENT, "null pointer");
  *out = nullptr;
  try {
    *out = copy_out(keyward::filter::audit_json(result->screening.audit));
    return KW_OK;
  } catch (const std::exception& e) {
    return failed(KW_ERROR_INTERNAL, e.what());
  }
}

void kw_result_free(kw_result* result) { delete result; }

void kw_string_free(char* string) { std::free(string); }

const char* kw_last_error(void) { return last_error.c_str(); }

const char* kw_version(void) { return KEYWARD_VERSION; }

}  // extern "C"
