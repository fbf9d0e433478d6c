// The proxy benchmark's two halves (bench/proxy.sh runs them), both on Boost.Beast over loopback:
//   keyward_proxy_bench upstream           a stand-in for the API: answers every request with a small chat
//                                          completion, kept alive; prints "listening PORT" once ready
//   keyward_proxy_bench load PORT CONCURRENCY BODY_BYTES MAX_REQUESTS MAX_SECONDS [RATE]
//                                          CONCURRENCY kept-alive connections sending chat requests of about
//                                          BODY_BYTES until MAX_REQUESTS or MAX_SECONDS; prints one line: requests,
//                                          errors, seconds, requests/s, p50 and p99 in microseconds.
//                                          Without RATE (or 0) the loop is closed: each connection sends its next
//                                          request as soon as its answer is in, so the load is as high as the
//                                          machine allows and the latency is mostly queueing (Little's law).
//                                          With RATE, the loop is open: requests are due at RATE per second
//                                          whatever the answers do, each goes on the first free connection, and its
//                                          latency counts from when it was due, so time spent waiting for a free
//                                          connection is counted too (no coordinated omission).
// The same load runs against the stand-in directly and through `keyward proxy`, so the difference is the proxy's.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr int kWarmUpRequests = 200;  // per run, not measured: connections made, caches warm
constexpr std::size_t kReadBufferBytes = std::size_t{64} * 1024;  // Beast reads what fits: one read a request

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
  explicit StandInSession(tcp::socket socket) : stream_(std::move(socket)) { buffer_.reserve(kReadBufferBytes); }
  void read() {
    parser_.emplace();
    parser_->body_limit(std::uint64_t{64} * 1024 * 1024);
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

class Client;

struct Load {
  int max_requests = 0;
  Clock::time_point deadline;
  int started = 0;
  int errors = 0;
  std::vector<double> latencies_us = {};  // of requests after the warm-up
  Clock::time_point measured_since = {};
  // The open loop: requests due and not yet sent (when each was due), and the connections free to send one.
  std::deque<Clock::time_point> due = {};
  std::vector<std::shared_ptr<Client>> idle = {};
  bool open = false;
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
    buffer_.reserve(kReadBufferBytes);
  }
  void start() {
    stream_.async_connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_),
                          [self = shared_from_this()](beast::error_code ec) {
                            if (ec) {
                              ++self->load_.errors;
                              return;
                            }
                            self->stream_.socket().set_option(tcp::no_delay(true));
                            self->next();
                          });
  }

  // The open loop: this connection sends the oldest request that is due, or waits among the idle ones.
  void next() {
    if (!load_.open) return send(Clock::now());
    if (load_.due.empty()) return load_.idle.push_back(shared_from_this());
    const auto due = load_.due.front();
    load_.due.pop_front();
    send(due);
  }

 private:
  void send(Clock::time_point since) {
    if (!load_.open) {
      if (load_.started >= load_.max_requests || Clock::now() >= load_.deadline) return;
      ++load_.started;
    }
    // In the open loop the warm-up is the requests due before the measured time began.
    measured_ = load_.open ? load_.measured_since != Clock::time_point{} && since >= load_.measured_since
                           : load_.started > kWarmUpRequests;
    if (!load_.open && load_.started == kWarmUpRequests + 1) load_.measured_since = Clock::now();
    sent_at_ = since;
    http::async_write(stream_, request_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->failed();
      self->response_ = {};
      http::async_read(self->stream_, self->buffer_, self->response_, [self](beast::error_code read_ec, std::size_t) {
        if (read_ec || self->response_.result() != http::status::ok) return self->failed();
        if (self->measured_) {
          self->load_.latencies_us.push_back(
              std::chrono::duration<double, std::micro>(Clock::now() - self->sent_at_).count());
        }
        self->next();
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

// The open loop's clock: makes requests due at `rate` per second and hands each to a free connection, or queues it.
class Pacer {
 public:
  Pacer(net::io_context& io, Load& load, double rate)
      : timer_(io),
        load_(load),
        interval_(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(1.0 / rate))) {}

  void start(Clock::time_point first) {
    next_due_ = first;
    wait();
  }

 private:
  void wait() {
    timer_.expires_at(next_due_);
    timer_.async_wait([this](beast::error_code ec) {
      if (ec) return;
      const auto now = Clock::now();
      // A late wake-up makes every request due by now, each with the time it was due.
      while (next_due_ <= now && load_.started < load_.max_requests) {
        if (++load_.started == kWarmUpRequests + 1) load_.measured_since = next_due_;
        load_.due.push_back(next_due_);
        next_due_ += interval_;
      }
      while (!load_.due.empty() && !load_.idle.empty()) {
        auto client = std::move(load_.idle.back());
        load_.idle.pop_back();
        client->next();
      }
      if (load_.started >= load_.max_requests || now >= load_.deadline) {
        load_.idle.clear();  // nothing more is due: the connections end once their answers are in
        return;
      }
      wait();
    });
  }

  net::steady_timer timer_;
  Load& load_;
  Clock::duration interval_;
  Clock::time_point next_due_;
};

double percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  const auto at = static_cast<std::size_t>(p / 100.0 * static_cast<double>(values.size() - 1));
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(at), values.end());
  return values[at];
}

int run_load(std::uint16_t port, int concurrency, std::size_t body_bytes, int max_requests, int max_seconds,
             double rate) {
  net::io_context io{1};
  Load load{.max_requests = max_requests + kWarmUpRequests,
            .deadline = Clock::now() + std::chrono::seconds(max_seconds),
            .open = rate > 0};
  const std::string body = chat_request(body_bytes);
  for (int i = 0; i < concurrency; ++i) std::make_shared<Client>(io, load, body, port)->start();
  Pacer pacer(io, load, rate > 0 ? rate : 1);
  if (load.open) {
    // The connections are made first (each sends nothing until a request is due); the clock starts after.
    io.run_for(std::chrono::milliseconds(200));
    io.restart();
    pacer.start(Clock::now());
  }
  io.run();
  // Requests still due at the end found no connection to go on (every one had failed): errors too.
  load.errors += static_cast<int>(load.due.size());
  const double seconds = std::chrono::duration<double>(Clock::now() - load.measured_since).count();
  const auto done = load.latencies_us.size();
  const double p50 = percentile(load.latencies_us, 50);
  const double p90 = percentile(load.latencies_us, 90);
  const double p99 = percentile(load.latencies_us, 99);
  const double p999 = percentile(load.latencies_us, 99.9);
  std::printf(
      "requests=%zu errors=%d seconds=%.3f rps=%.0f p50_us=%.1f p90_us=%.1f p99_us=%.1f p999_us=%.1f "
      "body_bytes=%zu\n",
      done, load.errors, seconds, static_cast<double>(done) / seconds, p50, p90, p99, p999, body.size());
  return load.errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.size() == 1 && args[0] == "upstream") return run_upstream();
    if ((args.size() == 6 || args.size() == 7) && args[0] == "load") {
      return run_load(static_cast<std::uint16_t>(std::stoi(args[1])), std::stoi(args[2]),
                      static_cast<std::size_t>(std::stoul(args[3])), std::stoi(args[4]), std::stoi(args[5]),
                      args.size() == 7 ? std::stod(args[6]) : 0.0);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "keyward_proxy_bench: %s\n", e.what());
    return 2;
  }
  std::fprintf(stderr,
               "usage: keyward_proxy_bench upstream\n"
               "       keyward_proxy_bench load PORT CONCURRENCY BODY_BYTES MAX_REQUESTS MAX_SECONDS [RATE]\n");
  return 2;
}
