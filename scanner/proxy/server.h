// `keyward proxy`'s serving side: listens, reads each client request with Boost.Beast (one Asio event loop per
// thread; a connection stays on one loop for its life), lets the gateway decide, appends the audit line, forwards
// what may go through the upstream and relays the response as it arrives, server-sent events included. Fails
// closed: whatever goes wrong before the upstream is called, nothing is forwarded. Holds no state between
// requests beyond kept-alive connections.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "scanner/error.h"
#include "scanner/filter/filter.h"
#include "scanner/limits.h"
#include "scanner/proxy/proxy_settings.h"
#include "scanner/proxy/upstream.h"

namespace keyward::proxy {

struct ServerSettings {
  ListenAddress listen;
  UpstreamSettings upstream;
  std::optional<std::string> audit_log;                  // one JSON line per screened body, as `keyward filter` writes
  std::chrono::milliseconds client_timeout{60'000};      // to read a whole request (or wait for the next), and for
                                                         // each write of a response
  std::uint64_t max_body_bytes = kDefaultMaxInputBytes;  // larger: 413, before the body is read
  unsigned threads = 1;
  std::function<void(const std::string& address)> on_listening;  // once, with the address bound ("127.0.0.1:8080")
  std::function<void(const std::string& message)> on_warning;    // a request failed inside (audit log, exception)
};

// Serves until SIGINT or SIGTERM; an error when it cannot listen or set up TLS for the upstream.
Expected<void> serve(const ServerSettings& settings, const filter::Filter& filter);

}  // namespace keyward::proxy
