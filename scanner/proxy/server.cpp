#include "scanner/proxy/server.h"

#include <csignal>
#include <exception>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "scanner/filter/audit_log.h"
#include "scanner/proxy/gateway.h"

namespace keyward::proxy {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

constexpr std::uint32_t kRequestHeaderLimit = 64 * 1024;
constexpr auto kLingerTime = std::chrono::seconds(2);  // reading what a refused client still sends, before closing
// Beast reads as much as its buffer has room for, and at least 512 bytes: a buffer left small reads a 2 KB request
// in five system calls. So a request's first read has room for a typical chat request, and once its length is
// known the buffer makes room for its body, up to a bound: the body's string already reserves the announced
// length (up to the size cap, max_body_bytes), and this buffer only has to take each read. A connection keeps at
// most kKeptBufferBytes between requests.
constexpr std::size_t kFirstReadBytes = std::size_t{16} * 1024;
constexpr std::size_t kMaxBodyRoomBytes = std::size_t{1024} * 1024;
constexpr std::size_t kKeptBufferBytes = std::size_t{64} * 1024;

struct Worker {
  net::io_context io{1};
  std::optional<Upstream> upstream;
  std::thread thread;
};

struct Shared {
  const ServerSettings& settings;
  const filter::Filter& filter;
};

bool is_http_error(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_target).category();
}

// One client connection, on one worker's event loop: requests one after another, each answered or relayed.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, Worker& worker, const Shared& shared)
      : stream_(std::move(socket)), worker_(worker), shared_(shared) {}

  void start() {
    beast::error_code ignored;
    stream_.socket().set_option(tcp::no_delay(true), ignored);
    read_request();
  }

 private:
  void read_request() {
    if (buffer_.capacity() > kKeptBufferBytes) buffer_.shrink_to_fit();
    buffer_.reserve(kFirstReadBytes);
    parser_.emplace();
    parser_->header_limit(kRequestHeaderLimit);
    parser_->body_limit(shared_.settings.max_body_bytes);
    // One deadline for the whole request: a client that stalls or trickles is cut off when it passes.
    stream_.expires_after(shared_.settings.client_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                              if (ec) return self->on_read_error(ec);
                              self->on_header();
                            });
  }

  void on_header() {
    if (const auto length = parser_->content_length()) {
      buffer_.reserve(buffer_.size() + static_cast<std::size_t>(std::min<std::uint64_t>(*length, kMaxBodyRoomBytes)));
    }
    auto& request = parser_->get();
    if (!beast::iequals(request[http::field::expect], "100-continue")) return read_body();
    // The client waits for this before it sends the body (a size over the limit was refused already).
    auto go_on = std::make_shared<http::response<http::empty_body>>(http::status::continue_, request.version());
    http::async_write(stream_, *go_on, [self = shared_from_this(), go_on](const beast::error_code& ec, std::size_t) {
      if (ec) return self->close();
      self->read_body();
    });
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_, [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
      if (ec) return self->on_read_error(ec);
      self->on_request();
    });
  }

  void on_read_error(const beast::error_code& ec) {
    if (ec == http::error::end_of_stream || ec == beast::error::timeout || !parser_->got_some()) return close();
    const auto limit = shared_.settings.max_body_bytes;
    if (ec == http::error::body_limit) {
      return refuse(error_answer(413, "invalid_request_error", "body_too_large",
                                 fmt::format("the request body is over the limit of {} bytes", limit)));
    }
    if (ec == http::error::header_limit) {
      return refuse(
          error_answer(431, "invalid_request_error", "headers_too_large", "the request's headers are too large"));
    }
    if (ec == http::error::partial_message) {
      return refuse(
          error_answer(400, "invalid_request_error", "incomplete_request", "the request ended before its body did"));
    }
    if (is_http_error(ec)) {
      return refuse(error_answer(400, "invalid_request_error", "malformed_request",
                                 fmt::format("malformed HTTP request: {}", ec.message())));
    }
    close();
  }

  void on_request() {
    auto& request = parser_->get();
    keep_alive_ = request.keep_alive();
    version_ = request.version();
    const ClientRequest view{.method = request.method_string(),
                             .target = request.target(),
                             .content_type = request[http::field::content_type],
                             .content_encoding = request[http::field::content_encoding],
                             .authorization = request[http::field::authorization],
                             .api_key = request["x-api-key"],
                             .body = request.body()};
    Decision decision;
    try {
      decision = decide(shared_.filter, view);
      if (decision.audit && shared_.settings.audit_log) {
        // No audit line, no request: an audit log that cannot be written stops it, as in `keyward filter`.
        if (auto logged = filter::append_audit_line(*shared_.settings.audit_log, *decision.audit); !logged) {
          warn(logged.error().message);
          decision.outcome = error_answer(500, "internal_error", "audit_log_failed",
                                          "keyward could not write its audit log, so the request was not sent");
        }
      }
    } catch (const std::exception& e) {
      warn(fmt::format("internal error, the request was not sent: {}", e.what()));
      decision.outcome = error_answer(500, "internal_error", "internal_error",
                                      "keyward failed inside, so the request was not sent (it fails closed)");
    }
    if (const auto* answer = std::get_if<Answer>(&decision.outcome)) return respond(*answer, keep_alive_);
    forward(std::move(std::get<Forward>(decision.outcome).body));
  }

  void forward(std::string body) {
    auto& request = parser_->get();
    OutboundRequest out{.method = std::string(request.method_string()),
                        .target = std::string(request.target()),
                        .headers = {},
                        .body = std::move(body),
                        .has_body = parser_->content_length().has_value() || request.chunked()};
    const std::string_view connection = request[http::field::connection];
    for (const auto& field : request) {
      if (is_connection_header(field.name_string(), connection)) continue;
      out.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    exchange_ = worker_.upstream->send(
        std::move(out), [self = shared_from_this()](const UpstreamError* error, const ResponseHead* head) {
          self->on_head(error, head);
        });
  }

  void on_head(const UpstreamError* error, const ResponseHead* head) {
    if (closed_) return abort();  // the client went away meanwhile: the upstream connection is not reused
    if (error != nullptr) {
      exchange_.reset();
      const bool timeout = error->failure == UpstreamFailure::kTimeout;
      return respond(error_answer(timeout ? 504 : 502, "upstream_error",
                                  timeout ? "upstream_timeout" : "upstream_unavailable", error->message),
                     keep_alive_);
    }
    response_.emplace();
    auto& response = *response_;
    response.version(version_);
    response.result(static_cast<unsigned>(head->status));
    response.reason(head->reason);
    for (const auto& header : head->headers) response.insert(header.name, header.value);
    has_body_ = head->has_body;
    if (!has_body_) {
      if (head->content_length) response.content_length(*head->content_length);  // HEAD: what GET would send
    } else if (head->content_length) {
      response.content_length(*head->content_length);
    } else if (version_ >= 11) {
      response.chunked(true);
    } else {
      keep_alive_ = false;  // HTTP/1.0 without a length: the end of the body is the end of the connection
    }
    response.keep_alive(keep_alive_);
    response.body().data = nullptr;
    response.body().more = has_body_;
    serializer_.emplace(response);
    stream_.expires_after(shared_.settings.client_timeout);
    if (!has_body_) {
      http::async_write(stream_, *serializer_, [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
        if (ec) return self->abort();
        self->drain_empty_body();
      });
      return;
    }
    // The head goes out with the first piece of the body when that came with it (one write, not two); alone when
    // the body is not there yet (a model thinking before its first event), so the client has it at once.
    if (exchange_->body_buffered()) return relay();
    http::async_write_header(stream_, *serializer_,
                             [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                               if (ec) return self->abort();
                               self->relay();
                             });
  }

  // The next piece of the body, from the upstream to the client; the one after only when this one is written.
  void relay() {
    exchange_->read_body([self = shared_from_this()](const UpstreamError* error, std::string_view bytes, bool last) {
      if (self->closed_) return;
      // The upstream broke off: the client must see a cut response (no final chunk, a short body), not an end.
      if (error != nullptr) return self->abort();
      if (bytes.empty() && !last) return self->relay();
      auto& body = self->response_->body();
      body.data = bytes.empty() ? nullptr : const_cast<char*>(bytes.data());
      body.size = bytes.size();
      body.more = !last;
      self->stream_.expires_after(self->shared_.settings.client_timeout);
      http::async_write(self->stream_, *self->serializer_, [self, last](beast::error_code ec, std::size_t) {
        if (ec == http::error::need_buffer) ec = {};
        if (ec) return self->abort();
        if (last) return self->finish();
        self->relay();
      });
    });
  }

  // A response without a body still completes its exchange, so the upstream connection can be reused.
  void drain_empty_body() {
    exchange_->read_body([self = shared_from_this()](const UpstreamError*, std::string_view, bool) {
      if (self->closed_) return;
      self->finish();
    });
  }

  void finish() {
    exchange_.reset();
    serializer_.reset();
    response_.reset();
    if (!keep_alive_) return linger_close();
    read_request();
  }

  // An answer from the proxy itself (an error in the API's shape); the connection goes on when `keep_alive`.
  void respond(const Answer& answer, bool keep_alive) {
    auto response =
        std::make_shared<http::response<http::string_body>>(static_cast<http::status>(answer.status), version_);
    response->set(http::field::content_type, "application/json");
    response->body() = answer.body;
    response->keep_alive(keep_alive);
    response->prepare_payload();
    stream_.expires_after(shared_.settings.client_timeout);
    http::async_write(stream_, *response,
                      [self = shared_from_this(), response, keep_alive](const beast::error_code& ec, std::size_t) {
                        if (ec) return self->close();
                        if (keep_alive) return self->read_request();
                        self->linger_close();
                      });
  }

  // A request refused before its end was read: answered, then the connection is closed.
  void refuse(const Answer& answer) {
    if (parser_->is_header_done()) version_ = parser_->get().version();
    respond(answer, false);
  }

  // Closing with unread bytes from the client would reset the connection and could lose the answer on its way:
  // first the sending side is shut, then what the client still sends is read and dropped, for a short while.
  void linger_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    stream_.expires_after(kLingerTime);
    discard();
  }

  void discard() {
    stream_.async_read_some(net::buffer(scratch_),
                            [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                              if (ec) return self->close();
                              self->discard();
                            });
  }

  // The response cannot be completed: the connection is cut so the client sees that it is incomplete.
  void abort() {
    if (exchange_) exchange_->abandon();
    exchange_.reset();
    close();
  }

  void close() {
    closed_ = true;
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.close();
  }

  void warn(const std::string& message) const {
    if (shared_.settings.on_warning) shared_.settings.on_warning(message);
  }

  beast::tcp_stream stream_;
  Worker& worker_;
  const Shared& shared_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<Exchange> exchange_;
  std::optional<http::response<http::buffer_body>> response_;
  std::optional<http::response_serializer<http::buffer_body>> serializer_;
  std::array<char, 4096> scratch_{};
  unsigned version_ = 11;
  bool keep_alive_ = true;
  bool has_body_ = true;
  bool closed_ = false;
};

Expected<tcp::endpoint> resolve_listen_address(const ListenAddress& address) {
  beast::error_code ec;
  const auto ip = net::ip::make_address(address.host, ec);
  if (!ec) return tcp::endpoint(ip, address.port);
  net::io_context io;
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(address.host, std::to_string(address.port), ec);
  if (ec || results.empty())
    return fail(fmt::format("cannot resolve --listen host '{}': {}", address.host, ec.message()));
  return results.begin()->endpoint();
}

Expected<void> listen_on(tcp::acceptor& acceptor, const tcp::endpoint& endpoint) {
  beast::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(net::socket_base::max_listen_connections, ec);
  if (ec) return fail(fmt::format("cannot listen on {}: {}", endpoint.address().to_string(), ec.message()));
  return {};
}

// Accepts on the first worker's loop and hands each connection to the workers in turn.
class Listener {
 public:
  Listener(tcp::acceptor& acceptor, std::vector<std::unique_ptr<Worker>>& workers, const Shared& shared)
      : acceptor_(acceptor), workers_(workers), shared_(shared), retry_(workers.front()->io) {}

  void accept() {
    Worker& worker = *workers_[next_];
    next_ = (next_ + 1) % workers_.size();
    acceptor_.async_accept(worker.io, [this, &worker](const beast::error_code& ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (ec) {
        // Out of file descriptors, most likely: try again shortly rather than spin.
        retry_.expires_after(std::chrono::milliseconds(100));
        retry_.async_wait([this](const beast::error_code& waited) {
          if (!waited) accept();
        });
        return;
      }
      auto session = std::make_shared<Session>(std::move(socket), worker, shared_);
      net::post(worker.io, [session] { session->start(); });
      accept();
    });
  }

 private:
  tcp::acceptor& acceptor_;
  std::vector<std::unique_ptr<Worker>>& workers_;
  const Shared& shared_;
  net::steady_timer retry_;
  std::size_t next_ = 0;
};

}  // namespace

Expected<void> serve(const ServerSettings& settings, const filter::Filter& filter) {
  const Shared shared{.settings = settings, .filter = filter};
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < std::max(1u, settings.threads); ++i) {
    auto worker = std::make_unique<Worker>();
    auto upstream = Upstream::create(worker->io, settings.upstream);
    if (!upstream) return tl::unexpected(upstream.error());
    worker->upstream.emplace(std::move(*upstream));
    workers.push_back(std::move(worker));
  }
  auto endpoint = resolve_listen_address(settings.listen);
  if (!endpoint) return tl::unexpected(endpoint.error());
  tcp::acceptor acceptor(workers.front()->io);
  if (auto listening = listen_on(acceptor, *endpoint); !listening) return listening;

  net::signal_set signals(workers.front()->io, SIGINT, SIGTERM);
  signals.async_wait([&workers, &acceptor](const beast::error_code&, int) {
    beast::error_code ignored;
    acceptor.close(ignored);
    for (auto& worker : workers) worker->io.stop();
  });
  Listener listener(acceptor, workers, shared);
  listener.accept();

  const tcp::endpoint bound = acceptor.local_endpoint();
  const std::string host =
      bound.address().is_v6() ? "[" + bound.address().to_string() + "]" : bound.address().to_string();
  if (settings.on_listening) settings.on_listening(fmt::format("{}:{}", host, bound.port()));

  for (auto& worker : workers) {
    worker->thread = std::thread([&worker = *worker, &settings] {
      auto guard = net::make_work_guard(worker.io);
      for (;;) {
        // A handler that throws loses its connection (closed as its session goes), never the loop.
        try {
          worker.io.run();
          return;
        } catch (const std::exception& e) {
          if (settings.on_warning)
            settings.on_warning(fmt::format("internal error, a connection was dropped: {}", e.what()));
        }
      }
    });
  }
  for (auto& worker : workers) worker->thread.join();
  return {};
}

}  // namespace keyward::proxy
