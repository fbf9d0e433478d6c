#include "scanner/proxy/upstream.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>
#include <sys/socket.h>

#include <cerrno>
#include <limits>
#include <utility>
#include <variant>

#include <fmt/format.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "scanner/proxy/gateway.h"

namespace keyward::proxy {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using PlainStream = beast::tcp_stream;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

constexpr std::size_t kChunkBytes = std::size_t{64} * 1024;  // one read of a response body
constexpr std::size_t kMaxIdleConnections = 256;             // kept alive per thread
constexpr std::size_t kMaxSpareChunks = 64;                  // body buffers kept for the next exchanges, per thread
constexpr auto kMaxIdleTime = std::chrono::seconds(30);      // then a server may have closed it: not reused
constexpr auto kTrustedIdleTime = std::chrono::seconds(1);   // no server closes a connection idle for less
constexpr std::uint32_t kResponseHeaderLimit = 64 * 1024;    // bytes of a response's head
constexpr std::size_t kReadBufferBytes = std::size_t{16} * 1024;  // Beast reads what fits, 512 bytes when full

struct Connection {
  explicit Connection(net::io_context& io) : stream(std::in_place_type<PlainStream>, io) {
    buffer.reserve(kReadBufferBytes);
  }
  Connection(net::io_context& io, ssl::context& tls) : stream(std::in_place_type<TlsStream>, io, tls) {
    buffer.reserve(kReadBufferBytes);
  }
  std::variant<PlainStream, TlsStream> stream;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since;
};

beast::tcp_stream& lowest(Connection& connection) {
  return std::visit([](auto& stream) -> beast::tcp_stream& { return beast::get_lowest_layer(stream); },
                    connection.stream);
}

bool is_tls(const Connection& connection) { return std::holds_alternative<TlsStream>(connection.stream); }

// An idle connection the server has closed (end of file) or written to unasked (plain HTTP has nothing to say
// between responses; TLS may send session tickets) is not reused. Looked at without blocking, unless it was in use
// a moment ago: servers close kept-alive connections after seconds of silence, and announce any other close with
// `Connection: close` (such a connection never comes back to the pool).
bool still_open(Connection& connection) {
  const auto idle = std::chrono::steady_clock::now() - connection.idle_since;
  if (idle > kMaxIdleTime) return false;
  if (idle < kTrustedIdleTime) return true;  // under load, a system call a request saved
  char byte = 0;
  const ssize_t got = recv(lowest(connection).socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (got == 0) return false;
  if (got > 0) return is_tls(connection);
  return errno == EAGAIN || errno == EWOULDBLOCK;
}

// The errors that mean the server closed a kept-alive connection before it read the request.
bool closed_before_reading(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset ||
         ec == net::error::broken_pipe || ec == ssl::error::stream_truncated;
}

}  // namespace

struct Upstream::State {
  State(net::io_context& context, UpstreamSettings given)
      : io(context), settings(std::move(given)), tls(ssl::context::tls_client), resolver(context) {}
  net::io_context& io;
  UpstreamSettings settings;
  ssl::context tls;
  tcp::resolver resolver;
  std::vector<std::unique_ptr<Connection>> idle;
  // A 64 KiB allocation per request costs more than its size suggests (glibc consolidates its small free lists
  // before every large one): the buffers of finished exchanges are used again.
  std::vector<std::unique_ptr<char[]>> spare_chunks;

  std::unique_ptr<char[]> take_chunk() {
    if (spare_chunks.empty()) return std::make_unique_for_overwrite<char[]>(kChunkBytes);
    auto chunk = std::move(spare_chunks.back());
    spare_chunks.pop_back();
    return chunk;
  }
};

struct Exchange::State : std::enable_shared_from_this<Exchange::State> {
  std::shared_ptr<Upstream::State> upstream;
  std::unique_ptr<Connection> connection;
  http::request<http::string_body> request;
  std::optional<http::response_parser<http::buffer_body>> parser;
  std::unique_ptr<char[]> chunk;  // where the body's pieces land; valid until this exchange ends
  HeadHandler on_head;
  bool head_only = false;  // a HEAD request: the response has no body whatever its head says
  bool reused = false;     // the connection served an earlier request
  bool retried = false;
  bool abandoned = false;

  // The exchange ends when the session lets it go, after the last piece was written to the client.
  ~State() {
    if (upstream && chunk && upstream->spare_chunks.size() < kMaxSpareChunks)
      upstream->spare_chunks.push_back(std::move(chunk));
  }

  void start() {
    while (!upstream->idle.empty()) {
      connection = std::move(upstream->idle.back());
      upstream->idle.pop_back();
      if (still_open(*connection)) {
        reused = true;
        write();
        return;
      }
      connection.reset();
    }
    reused = false;
    connect();
  }

  void connect() {
    const UpstreamUrl& url = upstream->settings.url;
    upstream->resolver.async_resolve(
        url.host, std::to_string(url.port),
        [self = shared_from_this()](const beast::error_code& ec, const tcp::resolver::results_type& results) {
          if (self->abandoned) return;
          if (ec) return self->fail_head(UpstreamFailure::kUnreachable, "cannot resolve", ec);
          self->connect_to(results);
        });
  }

  void connect_to(const tcp::resolver::results_type& results) {
    const bool tls = upstream->settings.url.scheme == Scheme::kHttps;
    connection =
        tls ? std::make_unique<Connection>(upstream->io, upstream->tls) : std::make_unique<Connection>(upstream->io);
    lowest(*connection).expires_after(upstream->settings.connect_timeout);
    lowest(*connection)
        .async_connect(results, [self = shared_from_this(), tls](const beast::error_code& ec, const tcp::endpoint&) {
          if (self->abandoned) return;
          if (ec) return self->fail_head(UpstreamFailure::kUnreachable, "cannot connect to", ec);
          // A relay sends what it has at once: no waiting for an acknowledgement to gather more (Nagle).
          beast::error_code ignored;
          lowest(*self->connection).socket().set_option(tcp::no_delay(true), ignored);
          if (tls) return self->handshake();
          self->write();
        });
  }

  void handshake() {
    auto& stream = std::get<TlsStream>(connection->stream);
    const std::string& host = upstream->settings.url.host;
    SSL* ssl = stream.native_handle();
    // The certificate must name the host: OpenSSL checks the name (or the address) during the handshake.
    const bool named = is_ip_address(host)
                           ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host.c_str()) == 1
                           : SSL_set_tlsext_host_name(ssl, host.c_str()) == 1 && SSL_set1_host(ssl, host.c_str()) == 1;
    if (!named) return fail_head(UpstreamFailure::kUnreachable, "cannot set up TLS for", beast::error_code());
    lowest(*connection).expires_after(upstream->settings.connect_timeout);
    stream.async_handshake(ssl::stream_base::client, [self = shared_from_this()](const beast::error_code& ec) {
      if (self->abandoned) return;
      if (ec) return self->fail_head(UpstreamFailure::kUnreachable, "TLS handshake failed with", ec);
      self->write();
    });
  }

  void write() {
    lowest(*connection).expires_after(upstream->settings.read_timeout);
    std::visit(
        [this](auto& stream) {
          http::async_write(stream, request, [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
            if (self->abandoned) return;
            if (ec) return self->retry_or_fail(ec, "cannot send the request to");
            self->read_head();
          });
        },
        connection->stream);
  }

  void read_head() {
    parser.emplace();
    // Streamed through, never held whole: no limit. (Not boost::none: Boost 1.74 compares a Content-Length with
    // an unset limit as if any length were over it.)
    parser->body_limit(std::numeric_limits<std::uint64_t>::max());
    parser->header_limit(kResponseHeaderLimit);
    if (head_only) parser->skip(true);
    lowest(*connection).expires_after(upstream->settings.read_timeout);
    std::visit(
        [this](auto& stream) {
          http::async_read_header(stream, connection->buffer, *parser,
                                  [self = shared_from_this()](const beast::error_code& ec, std::size_t) {
                                    if (self->abandoned) return;
                                    if (ec) return self->retry_or_fail(ec, "no response from");
                                    self->on_header();
                                  });
        },
        connection->stream);
  }

  void on_header() {
    const auto& response = parser->get();
    const int status = response.result_int();
    if (status >= 100 && status < 200) {  // 100 Continue, 103 Early Hints: the real head follows
      if (status == 101) return fail_head(UpstreamFailure::kBroken, "a protocol switch is not supported from", {});
      return read_head();
    }
    ResponseHead head{.status = status, .reason = std::string(response.reason())};
    const std::string_view connection_header = response[http::field::connection];
    for (const auto& field : response) {
      if (is_connection_header(field.name_string(), connection_header)) continue;
      head.headers.push_back({std::string(field.name_string()), std::string(field.value())});
    }
    if (const auto length = parser->content_length()) head.content_length = *length;
    head.has_body = !head_only && status != 204 && status != 304;
    auto handler = std::move(on_head);
    handler(nullptr, &head);
  }

  // A kept-alive connection the server closed just as it was reused: once, the request goes on a new one. Only
  // when no byte of a response came back: the server closed it without reading the request.
  void retry_or_fail(const beast::error_code& ec, std::string_view what) {
    const bool nothing_back = !parser || !parser->got_some();
    if (reused && !retried && nothing_back && closed_before_reading(ec)) {
      retried = true;
      reused = false;
      connection.reset();
      parser.reset();
      return connect();
    }
    fail_head(ec == beast::error::timeout ? UpstreamFailure::kTimeout : UpstreamFailure::kBroken, what, ec);
  }

  void fail_head(UpstreamFailure failure, std::string_view what, const beast::error_code& ec) {
    connection.reset();
    UpstreamError error{.failure = failure,
                        .message = fmt::format("{} the upstream {}{}{}", what, to_string(upstream->settings.url),
                                               ec ? ": " : "", ec ? ec.message() : "")};
    if (ec == beast::error::timeout) error.failure = UpstreamFailure::kTimeout;
    if (!on_head) return;
    auto handler = std::move(on_head);
    handler(&error, nullptr);
  }

  bool body_buffered() const { return parser && (parser->is_done() || (connection && connection->buffer.size() > 0)); }

  void read_body(BodyHandler handler) {
    if (abandoned || !connection || !parser) {
      const UpstreamError error{.failure = UpstreamFailure::kBroken, .message = "the upstream connection is closed"};
      return handler(&error, {}, false);
    }
    if (parser->is_done()) {
      release();
      return handler(nullptr, {}, true);
    }
    auto& body = parser->get().body();
    body.data = chunk.get();
    body.size = kChunkBytes;
    lowest(*connection).expires_after(upstream->settings.read_timeout);
    // read_some, not read: a server-sent event goes on as soon as it comes, not when 64 KiB have.
    std::visit(
        [this, &handler](auto& stream) {
          http::async_read_some(
              stream, connection->buffer, *parser,
              [self = shared_from_this(), handler = std::move(handler)](beast::error_code ec, std::size_t) {
                if (ec == http::error::need_buffer) ec = {};
                if (self->abandoned) {
                  const UpstreamError error{.failure = UpstreamFailure::kBroken, .message = "abandoned"};
                  return handler(&error, {}, false);
                }
                if (ec) {
                  self->connection.reset();
                  const UpstreamError error{
                      .failure = ec == beast::error::timeout ? UpstreamFailure::kTimeout : UpstreamFailure::kBroken,
                      .message = fmt::format("the upstream {} broke off its response: {}",
                                             to_string(self->upstream->settings.url), ec.message())};
                  return handler(&error, {}, false);
                }
                const std::size_t got = kChunkBytes - self->parser->get().body().size;
                const bool last = self->parser->is_done();
                if (last) self->release();
                handler(nullptr, std::string_view(self->chunk.get(), got), last);
              });
        },
        connection->stream);
  }

  // A complete response on a connection the server keeps open: the connection goes back to the pool.
  void release() {
    if (!connection) return;
    if (parser && parser->is_done() && parser->get().keep_alive() && !abandoned &&
        upstream->idle.size() < kMaxIdleConnections) {
      lowest(*connection).expires_never();
      connection->idle_since = std::chrono::steady_clock::now();
      upstream->idle.push_back(std::move(connection));
    }
    connection.reset();
  }

  void abandon() {
    abandoned = true;
    on_head = nullptr;
    if (connection) {
      beast::error_code ignored;
      lowest(*connection).socket().close(ignored);  // pending operations complete with an error
    }
  }
};

Exchange::Exchange(std::shared_ptr<State> state) : state_(std::move(state)) {}

void Exchange::read_body(BodyHandler handler) { state_->read_body(std::move(handler)); }

void Exchange::abandon() { state_->abandon(); }

bool Exchange::body_buffered() const { return state_->body_buffered(); }

Upstream::Upstream(std::shared_ptr<State> state) : state_(std::move(state)) {}
Upstream::Upstream(Upstream&&) noexcept = default;
Upstream& Upstream::operator=(Upstream&&) noexcept = default;
Upstream::~Upstream() = default;

Expected<Upstream> Upstream::create(net::io_context& io, UpstreamSettings settings) {
  auto state = std::make_shared<State>(io, std::move(settings));
  beast::error_code ec;
  state->tls.set_default_verify_paths(ec);  // the system's CAs (and SSL_CERT_FILE / SSL_CERT_DIR when set)
  if (ec) return fail(fmt::format("cannot load the system's CA certificates: {}", ec.message()));
  if (state->settings.extra_ca_file) {
    state->tls.load_verify_file(*state->settings.extra_ca_file, ec);
    if (ec) return fail(fmt::format("--upstream-ca {}: {}", *state->settings.extra_ca_file, ec.message()));
  }
  state->tls.set_verify_mode(ssl::verify_peer, ec);
  SSL_CTX_set_min_proto_version(state->tls.native_handle(), TLS1_2_VERSION);
  return Upstream(std::move(state));
}

Exchange Upstream::send(OutboundRequest request, HeadHandler on_head) {
  auto exchange = std::make_shared<Exchange::State>();
  exchange->upstream = state_;
  exchange->chunk = state_->take_chunk();
  exchange->on_head = std::move(on_head);
  exchange->head_only = request.method == "HEAD";
  auto& message = exchange->request;
  message.version(11);
  const http::verb verb = http::string_to_verb(request.method);
  if (verb == http::verb::unknown) {
    message.method_string(request.method);
  } else {
    message.method(verb);
  }
  message.target(state_->settings.url.base_path + request.target);
  message.set(http::field::host, state_->settings.url.authority);
  for (auto& header : request.headers) message.insert(header.name, header.value);
  if (request.has_body) {
    message.body() = std::move(request.body);
    message.content_length(message.body().size());
  }
  message.keep_alive(true);
  // Started from the event loop, so the head handler never runs inside this call.
  net::post(state_->io, [exchange] { exchange->start(); });
  return Exchange(exchange);
}

}  // namespace keyward::proxy
