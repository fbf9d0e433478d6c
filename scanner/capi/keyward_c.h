/* keyward's content filter as a plain C ABI (libkeyward_c.so), for any language with a C FFI.
 *
 * Opaque handles, `kw_` prefix, integer status. Every handle and every string handed out has its own free
 * function. No exception crosses this boundary. When a call fails, kw_last_error() describes why, on the
 * calling thread, until that thread's next failing call.
 *
 *   kw_filter* filter = NULL;
 *   if (kw_filter_new(NULL, NULL, &filter) != KW_OK) fprintf(stderr, "%s\n", kw_last_error());
 *   kw_result* result = NULL;
 *   if (kw_filter_screen_request(filter, body, body_len, &result) == KW_OK) {
 *     if (kw_result_verdict(result) != KW_VERDICT_BLOCKED) {
 *       const char* text; size_t len;
 *       kw_result_text(result, &text, &len);      // borrowed: lives as long as the result
 *       send(text, len);
 *     }
 *     kw_result_free(result);
 *   }
 *   kw_filter_free(filter);
 *
 * A filter is immutable once made and may be used from many threads at once; a result belongs to one caller.
 */
#ifndef KEYWARD_C_H
#define KEYWARD_C_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define KW_API __attribute__((visibility("default")))
#else
#define KW_API
#endif

/* Status codes: every function that can fail returns one. */
enum {
  KW_OK = 0,
  KW_ERROR_ARGUMENT = 1, /* a null pointer where one is required */
  KW_ERROR_CONFIG = 2,   /* the policy or the rules are bad, or the environment is unknown */
  KW_ERROR_INPUT = 3,    /* the input is too large, not UTF-8, or (for a request) not valid JSON */
  KW_ERROR_INTERNAL = 4  /* anything else, e.g. out of memory */
};

/* Verdicts. An internal error while screening is a block, never an allow. */
enum { KW_VERDICT_ALLOWED = 0, KW_VERDICT_REDACTED = 1, KW_VERDICT_BLOCKED = 2 };

typedef struct kw_filter kw_filter;
typedef struct kw_result kw_result;

/* Builds a filter from the built-in rules (secrets and personal data) and a policy: TOML text holding a
 * [filter] table (NULL or "" for the defaults: secrets block, personal data is redacted). `env` names the
 * [filter.env.NAME] whose request limits apply (NULL: the policy's default_env, or none). */
KW_API int kw_filter_new(const char* policy_toml, const char* env, kw_filter** out);
/* As kw_filter_new, with the rules and allowlists of a config file (a .keyward.toml, or a .gitleaks.toml) added to
 * the built-in ones; its [filter] table is the policy unless `policy_toml` is given (not NULL). */
KW_API int kw_filter_new_with_config(const char* config_path, const char* policy_toml, const char* env,
                                     kw_filter** out);
KW_API void kw_filter_free(kw_filter* filter);

/* Screens plain text (`len` bytes, need not be NUL-terminated). */
KW_API int kw_filter_screen(const kw_filter* filter, const char* text, size_t len, kw_result** out);
/* Screens a JSON request body (a chat completion, FIM, embeddings, agents or conversations request). */
KW_API int kw_filter_screen_request(const kw_filter* filter, const char* json, size_t len, kw_result** out);
/* As kw_filter_screen and kw_filter_screen_request, and the caller's own API key (`key_len` bytes, e.g. from the
 * request's Authorization header) anywhere in the input blocks it, whatever the rules and the policy say. */
KW_API int kw_filter_screen_key(const kw_filter* filter, const char* text, size_t len, const char* key, size_t key_len,
                                kw_result** out);
KW_API int kw_filter_screen_request_key(const kw_filter* filter, const char* json, size_t len, const char* key,
                                        size_t key_len, kw_result** out);

/* KW_VERDICT_*; KW_VERDICT_BLOCKED for a null result. */
KW_API int kw_result_verdict(const kw_result* result);
/* The rewritten text or request, borrowed from the result (valid until kw_result_free); empty when blocked. */
KW_API int kw_result_text(const kw_result* result, const char** data, size_t* len);
/* The findings and violations as JSON, {"verdict":..,"findings":[{rule, category, pointer, start, end,
 * action}],"violations":[{limit, pointer, message}]}; never the secret. Free with kw_string_free. */
KW_API int kw_result_findings_json(const kw_result* result, char** out);
/* The audit record, one JSON object as `keyward filter --audit-log` writes it. Free with kw_string_free. */
KW_API int kw_result_audit_json(const kw_result* result, char** out);
KW_API void kw_result_free(kw_result* result);

KW_API void kw_string_free(char* string);

/* The calling thread's last error message; "" when there was none. Owned by the library. */
KW_API const char* kw_last_error(void);

/* The library's version, e.g. "0.1.0". Owned by the library. */
KW_API const char* kw_version(void);

#ifdef __cplusplus
}
#endif

#endif /* KEYWARD_C_H */
