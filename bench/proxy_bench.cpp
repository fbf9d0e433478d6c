// The proxy benchmark's two halves (bench/proxy.sh runs them), both on Boost.Beast over loopback:
//   keyward_proxy_bench upstream           a stand-in for the API: answers every request with a small chat
//                                          completion, kept alive; prints "listening PORT" once ready
//   keyward_proxy_bench load PORT CONCURRENCY BODY_BYTES MAX_REQUESTS MAX_SECONDS
//                                          CONCURRENCY kept-alive connections, each sending chat requests of about
//                                          BODY_BYTES one after another until MAX_REQUESTS or MAX_SECONDS; prints one
//                                          line: requests, errors, seconds, requests/s, p50 and p99 in microseconds
// The same load runs against the stand-in directly and through `keyward proxy`, so the difference is the proxy's.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr int kWarmUpRequests = 200;  // per run, not measured: connections made, caches warm

// A chat request of about `bytes` bytes: a system prompt and a user message of plain English words and numbers,
// nothing a rule should find.
std::string chat_request(std::size_t bytes) {
  static const char* kWords[] = {"the",     "quarterly", "report", "shows",   "revenue", "growth",  "of",
                                 "percent", "in",        "europe", "while",   "costs",   "fell",    "by",
                                 "please",  "summarise", "this",   "table",   "and",     "explain", "why",
                                 "margins", "improved",  "across", "regions", "2024",    "17",      "3.5"};
  std::mt19937 random(42);
  std::string text;
  const std::string head = R"({"model":"mistral-small-latest","temperature":0.3,"max_tokens":512,"messages":[)"
                           R"({"role":"system","content":"You are a careful financial analyst."},)"
                           R"({"role":"user","content":")";
  const std::string tail = R"("}]})";
  while (head.size() + text.size() + tail.size() < bytes) {
    text += kWords[random() % (sizeof kWords / sizeof kWords[0])];
    text += random() % 12 == 0 ? ". " : " ";
  }
  return head + text + tail;
}

const std::string kAnswer =
    R"({"id":"cmpl-bench","object":"chat.completion","created":1700000000,"model":"mistral-small-latest",)"
    R"("choices":[{"index":0,"message":{"role":"assistant","content":"Revenue grew because costs fell."},)"
    R"("finish_reason":"stop"}],"usage":{"prompt_tokens":250,"completion_tokens":8,"total_tokens":258}})";

// --- the stand-in ---

class StandInSession : public std::enable_shared_from_this<StandInSession> {
 public:
  explicit StandInSession(tcp::socket socket) : stream_(std::move(socket)) {}
  void read() {
    parser_.emplace();
    parser_->body_limit(64 * 1024 * 1024);
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->answer();
    });
  }

 private:
  void answer() {
    response_ = {http::status::ok, 11};
    response_.set(http::field::content_type, "application/json");
    response_.body() = kAnswer;
    response_.keep_alive(parser_->get().keep_alive());
    response_.prepare_payload();
    http::async_write(stream_, response_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return;
      self->read();
    });
  }
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> response_;
};

void accept(tcp::acceptor& acceptor) {
  acceptor.async_accept([&acceptor](beast::error_code ec, tcp::socket socket) {
    if (!ec) {
      socket.set_option(tcp::no_delay(true));
      std::make_shared<StandInSession>(std::move(socket))->read();
    }
    accept(acceptor);
  });
}

int run_upstream() {
  net::io_context io{1};
  tcp::acceptor acceptor(io, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0));
  acceptor.listen(net::socket_base::max_listen_connections);
  accept(acceptor);
  std::printf("listening %u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  io.run();
  return 0;
}

// --- the load ---

struct Load {
  int max_requests = 0;
  Clock::time_point deadline;
  int started = 0;
  int errors = 0;
  std::vector<double> latencies_us = {};  // of requests after the warm-up
  Clock::time_point measured_since = {};
};

class Client : public std::enable_shared_from_this<Client> {
 public:
  Client(net::io_context& io, Load& load, const std::string& body, std::uint16_t port)
      : stream_(io), load_(load), port_(port) {
    request_ = {http::verb::post, "/v1/chat/completions", 11};
    request_.set(http::field::host, "127.0.0.1");
    request_.set(http::field::content_type, "application/json");
    request_.set(http::field::authorization, "Bearer bench-token-not-a-real-key-0000");
    request_.body() = body;
    request_.prepare_payload();
  }
  void start() {
    stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_),
                          [self = shared_from_this()](beast::error_code ec) {
                            if (ec) {
                              ++self->load_.errors;
                              return;
                            }
                            self->stream_.socket().set_option(tcp::no_delay(true));
                            self->send();
                          });
  }

 private:
  void send() {
    if (load_.started >= load_.max_requests || Clock::now() >= load_.deadline) return;
    measured_ = ++load_.started > kWarmUpRequests;
    if (load_.started == kWarmUpRequests + 1) load_.measured_since = Clock::now();
    sent_at_ = Clock::now();
    http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->failed();
      self->response_ = {};
      http::async_read(self->stream_, self->buffer_, self->response_, [self](beast::error_code read_ec, std::size_t) {
        if (read_ec || self->response_.result() != http::status::ok) return self->failed();
        if (self->measured_) {
          self->load_.latencies_us.push_back(
              std::chrono::duration<double, std::micro>(Clock::now() - self->sent_at_).count());
        }
        self->send();
      });
    });
  }
  void failed() { ++load_.errors; }

  beast::tcp_stream stream_;
  Load& load_;
  std::uint16_t port_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
  beast::flat_buffer buffer_;
  Clock::time_point sent_at_;
  bool measured_ = false;
};

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const auto at = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

int run_load(std::uint16_t port, int concurrency, std::size_t body_bytes, int max_requests, int max_seconds) {
  net::io_context io{1};
  Load load{.max_requests = max_requests + kWarmUpRequests,
            .deadline = Clock::now() + std::chrono::seconds(max_seconds)};
  const std::string body = chat_request(body_bytes);
  for (int i = 0; i < concurrency; ++i) std::make_shared<Client>(io, load, body, port)->start();
  io.run();
  const double seconds = std::chrono::duration<double>(Clock::now() - load.measured_since).count();
  const auto done = load.latencies_us.size();
  const double p50 = percentile(load.latencies_us, 50);
  const double p99 = percentile(load.latencies_us, 99);
  std::printf("requests=%zu errors=%d seconds=%.3f rps=%.0f p50_us=%.1f p99_us=%.1f body_bytes=%zu\n", done,
              load.errors, seconds, static_cast<double>(done) / seconds, p50, p99, body.size());
  return load.errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 1 && args[0] == "upstream") return run_upstream();
    if (args.size() == 6 && args[0] == "load") {
      return run_load(static_cast<std::uint16_t>(std::stoi(args[1])), std::stoi(args[2]),
                      static_cast<std::size_t>(std::stoul(args[3])), std::stoi(args[4]), std::stoi(args[5]));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "keyward_proxy_bench: %s\n", e.what());
    return 2;
  }
  std::fprintf(stderr,
               "usage: keyward_proxy_bench upstream\n"
               "       keyward_proxy_bench load PORT CONCURRENCY BODY_BYTES MAX_REQUESTS MAX_SECONDS\n");
  return 2;
}
