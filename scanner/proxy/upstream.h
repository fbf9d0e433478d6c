// The proxy's side towards the API: HTTP/1.1 to one upstream, plain or over TLS (the certificate verified against
// the system's CAs, plus an optional extra CA, and the host name checked), connections kept alive and reused. One
// Upstream per event-loop thread; an exchange sends one request and hands the response back as it arrives: the
// head once, then the body piece by piece, each piece asked for when the last one is out (so a slow client slows
// the upstream, and nothing piles up). Knows nothing of clients, screening or policies.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scanner/error.h"
#include "scanner/proxy/proxy_settings.h"

namespace boost::asio {
class io_context;
}

namespace keyward::proxy {

struct Header {
  std::string name;
  std::string value;
};

struct UpstreamSettings {
  UpstreamUrl url;
  std::optional<std::string> extra_ca_file;           // PEM: CA certificates trusted besides the system's
  std::chrono::milliseconds connect_timeout{10'000};  // TCP connect, and the TLS handshake
  std::chrono::milliseconds read_timeout{600'000};    // the longest the upstream may keep silent (a slow model)
};

struct OutboundRequest {
  std::string method;
  std::string target;           // origin-form; the upstream's base path is put in front
  std::vector<Header> headers;  // end-to-end only: Host and Content-Length are written here
  std::string body;
  bool has_body = false;  // sends Content-Length (0 for an empty body)
};

struct ResponseHead {
  int status = 0;
  std::string reason;
  std::vector<Header> headers = {};  // end-to-end only
  std::optional<std::uint64_t> content_length = {};
  bool has_body = true;  // false for the answer to HEAD, and for 204 and 304
};

enum class UpstreamFailure {
  kUnreachable,  // resolving, connecting or the TLS handshake failed: nothing was sent
  kTimeout,      // the upstream kept silent too long
  kBroken,       // the connection failed or the response was not HTTP
};

struct UpstreamError {
  UpstreamFailure failure = UpstreamFailure::kBroken;
  std::string message;  // names the upstream and what failed, never the request
};

// Called once: with the response's head, or with an error (then nothing of a response has come).
using HeadHandler = std::function<void(const UpstreamError* error, const ResponseHead* head)>;
// Called once a read: some body bytes (valid until the next read_body), `last` when the body is complete; or an
// error, when the upstream broke off (what came before it was a part of the body only).
using BodyHandler = std::function<void(const UpstreamError* error, std::string_view bytes, bool last)>;

// One request and its response, on one connection.
class Exchange {
 public:
  void read_body(BodyHandler handler);
  // True when read_body would not wait: a piece of the body (or its end) has come with the head.
  bool body_buffered() const;
  // The client is gone or failed: the connection is closed, never reused; pending handlers are called with errors.
  void abandon();

  struct State;
  explicit Exchange(std::shared_ptr<State> state);

 private:
  std::shared_ptr<State> state_;
};

class Upstream {
 public:
  // An error when the extra CA file cannot be read.
  static Expected<Upstream> create(boost::asio::io_context& io, UpstreamSettings settings);

  Upstream(Upstream&&) noexcept;
  Upstream& operator=(Upstream&&) noexcept;
  ~Upstream();

  // Sends the request on a kept-alive connection or a new one; `on_head` is called from the event loop, never
  // from within this call.
  Exchange send(OutboundRequest request, HeadHandler on_head);

  struct State;

 private:
  explicit Upstream(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace keyward::proxy
