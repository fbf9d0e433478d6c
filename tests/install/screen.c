/* A program another project would write against the installed C ABI: it screens three requests and says whether
 * each got the verdict it should. Built by install_test.sh twice, through pkg-config and through
 * find_package(keyward). Usage: screen EXPECTED_VERSION; exit 0 when every verdict is right. */
#include <keyward/keyward_c.h>

#include <stdio.h>
#include <string.h>

/* 32 characters of [A-Za-z0-9] from a fixed seed (xorshift): made up here, never a real key. */
static void fake_key(unsigned seed, char out[33]) {
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  unsigned state = seed;
  for (int i = 0; i < 32; ++i) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    out[i] = alphabet[state % 62];
  }
  out[32] = '\0';
}

static int check(const kw_filter* filter, const char* name, const char* content, int want_verdict,
                 const char* want_in_text) {
  char request[512];
  snprintf(request, sizeof request,
           "{\"model\":\"mistral-small-latest\",\"messages\":[{\"role\":\"user\",\"content\":\"%s\"}]}", content);
  kw_result* result = NULL;
  if (kw_filter_screen_request(filter, request, strlen(request), &result) != KW_OK) {
    fprintf(stderr, "%s: kw_filter_screen_request failed: %s\n", name, kw_last_error());
    return 1;
  }
  const char* text = NULL;
  size_t len = 0;
  kw_result_text(result, &text, &len);
  int verdict = kw_result_verdict(result);
  int ok = verdict == want_verdict && (want_in_text == NULL || (len > 0 && strstr(text, want_in_text) != NULL));
  printf("%s: verdict %d (want %d)%s\n", name, verdict, want_verdict, ok ? "" : " WRONG");
  kw_result_free(result);
  return ok ? 0 : 1;
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: screen EXPECTED_VERSION\n");
    return 2;
  }
  if (strcmp(kw_version(), argv[1]) != 0) {
    fprintf(stderr, "kw_version() is %s, expected %s\n", kw_version(), argv[1]);
    return 1;
  }
  kw_filter* filter = NULL;
  if (kw_filter_new(NULL, NULL, &filter) != KW_OK) {
    fprintf(stderr, "kw_filter_new failed: %s\n", kw_last_error());
    return 1;
  }
  char key[33];
  char secret[64];
  fake_key(20u, key);
  snprintf(secret, sizeof secret, "MISTRAL_API_KEY=%s", key);
  int failures = check(filter, "clean", "hello there", KW_VERDICT_ALLOWED, "hello there") +
                 check(filter, "email", "write to dana.whitfield@northwind-traders.net", KW_VERDICT_REDACTED,
                       "[REDACTED:email]") +
                 check(filter, "secret", secret, KW_VERDICT_BLOCKED, NULL);
  kw_filter_free(filter);
  return failures == 0 ? 0 : 1;
}
