// In-process throughput of the content filter on one thread: realistic ~2 KB chat completion requests (a system
// prompt, code, a few turns; some carry an e-mail, a card or a fake API key), each screened with the default
// policy. Prints requests/second and microseconds/request. Usage: keyward_filter_bench [REQUESTS]
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "scanner/filter/filter.h"
#include "scanner/filter/json_text.h"

namespace {

std::uint64_t next(std::uint64_t& state) {
  state ^= state << 13;
  state ^= state >> 7;
  state ^= state << 17;
  return state;
}

std::string fake_token(std::uint64_t& state, std::size_t length) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  while (out.size() < length) out += kAlphabet[next(state) % 62];
  return out;
}

std::string hex(std::uint64_t& state, std::size_t length) {
  std::string out;
  while (out.size() < length) out += "0123456789abcdef"[next(state) % 16];
  return out;
}

std::string json_string(std::string_view text) {
  std::string out;
  keyward::filter::append_json_string(out, text);
  return out;
}

// One request of about 2 KB; every tenth has an e-mail, every twentieth a card, every fiftieth an API key.
std::string make_request(std::uint64_t& state, int i) {
  const std::string code =
      "def load_orders(session, customer_id):\n"
      "    rows = session.execute(\"SELECT id, total, created_at FROM orders WHERE customer_id = %s\", "
      "(customer_id,))\n"
      "    return [Order(id=r[0], total=r[1], created_at=r[2]) for r in rows]\n\n"
      "# request " +
      hex(state, 32) + " took 35ms, trace " + hex(state, 16) + "\n";
  std::string user =
      "I have this function that loads the orders of a customer, order ORD-" +
      std::to_string(100000 + next(state) % 900000) + " from 2024-05-17T10:14:07Z failed:\n```python\n" + code +
      "```\nCan you make it paginate, keep the ordering stable and add type hints? The job id "
      "was " +
      hex(state, 8) + "-" + hex(state, 4) + "-4" + hex(state, 3) + "-a" + hex(state, 3) + "-" + hex(state, 12) + ".";
  if (i % 10 == 0) user += " Send the result to dana.whitfield@northwind-traders.net please.";
  if (i % 20 == 0) user += " The test card was 4111 1111 1111 1111.";
  if (i % 50 == 0) user += "\nMISTRAL_API_KEY=" + fake_token(state, 32) + "\n";
  const std::string assistant =
      "Here is a paginated version. It uses keyset pagination on (created_at, id) so that pages stay stable while "
      "new orders arrive, and it returns the cursor of the next page. Type hints use the standard typing module; "
      "the session is any object with an execute method returning rows as tuples.";
  std::string body = "{\"model\":\"mistral-small-latest\",\"temperature\":0.2,\"max_tokens\":1024,\"messages\":[";
  body += "{\"role\":\"system\",\"content\":" +
          json_string(
              "You are a careful senior Python engineer. Answer with code first, then a short explanation. "
              "Never invent APIs; say when you are unsure.") +
          "},";
  body += "{\"role\":\"user\",\"content\":" + json_string(user) + "},";
  body += "{\"role\":\"assistant\",\"content\":" + json_string(assistant) + "},";
  body += "{\"role\":\"user\",\"content\":" +
          json_string(
              "That works, thanks. One more thing: the report job that calls it runs at 02:00 UTC and "
              "sometimes times out after 30 s on customers with more than 10000 orders. Would a server-side "
              "cursor help, or should I batch by created_at ranges of one day? We are on PostgreSQL 15.") +
          "},";
  body += "{\"role\":\"assistant\",\"content\":" +
          json_string(
              "A server-side cursor keeps memory flat but holds a transaction open for the whole job; "
              "batching by day keeps transactions short and lets you resume. With keyset pagination you "
              "already have the pieces: fetch pages of 500 ordered by (created_at, id), commit after each "
              "page, and store the last cursor so a retry starts where it stopped.") +
          "},";
  body += "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":" +
          json_string(
              "Thanks. Now write a pytest for it with a fake session that returns three pages of rows, and "
              "check that the cursor of the last page is None.") +
          "}]}]}";
  return body;
}

}  // namespace

int main(int argc, char** argv) {
  const long requests = argc > 1 ? std::atol(argv[1]) : 200000;
  auto rules = keyward::filter::load_filter_rules(std::nullopt);
  if (!rules) {
    std::fprintf(stderr, "%s\n", rules.error().message.c_str());
    return 2;
  }
  auto filter = keyward::filter::Filter::create(std::move(*rules), keyward::filter::Policy{});
  if (!filter) {
    std::fprintf(stderr, "%s\n", filter.error().message.c_str());
    return 2;
  }
  std::uint64_t state = 0x9E3779B97F4A7C15ull;
  std::vector<std::string> corpus;
  std::size_t bytes = 0;
  for (int i = 0; i < 1000; ++i) {
    corpus.push_back(make_request(state, i));
    bytes += corpus.back().size();
  }
  std::size_t verdicts[3] = {0, 0, 0};
  for (const auto& request : corpus) {  // warm up, and count what the corpus holds
    auto screening = filter->screen_request(request);
    if (!screening) {
      std::fprintf(stderr, "bad request: %s\n", screening.error().message.c_str());
      return 2;
    }
    ++verdicts[static_cast<int>(screening->verdict)];
  }
  const auto started = std::chrono::steady_clock::now();
  std::size_t sink = 0;
  for (long i = 0; i < requests; ++i) {
    auto screening = filter->screen_request(corpus[static_cast<std::size_t>(i) % corpus.size()]);
    sink += screening ? screening->text.size() : 0;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  fmt::print("requests: {} of {:.0f} bytes on average ({} allowed, {} redacted, {} blocked per 1000)\n", requests,
             static_cast<double>(bytes) / static_cast<double>(corpus.size()), verdicts[0], verdicts[1], verdicts[2]);
  fmt::print("requests/second: {:.0f}\n", static_cast<double>(requests) / seconds);
  fmt::print("microseconds/request: {:.2f}\n", seconds * 1e6 / static_cast<double>(requests));
  return sink == 0 ? 1 : 0;
}
