// What `keyward proxy` is told on its command line, as plain data: where it listens, the upstream it forwards to
// (scheme, host, port, a base path every request's target goes after), and durations such as "60s". Strict
// parsers with one-line errors; knows nothing of sockets, TLS or HTTP libraries.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "scanner/error.h"

namespace keyward::proxy {

// HOST:PORT; an IPv6 host in brackets ("[::1]:8080"). Port 0 asks the system for a free one.
struct ListenAddress {
  std::string host;  // without brackets
  std::uint16_t port = 0;
};

Expected<ListenAddress> parse_listen_address(std::string_view text);

enum class Scheme { kHttp, kHttps };

// http[s]://HOST[:PORT][/BASE/PATH]: no user, query or fragment.
struct UpstreamUrl {
  Scheme scheme = Scheme::kHttps;
  std::string host;        // a name or an address; an IPv6 address without brackets
  std::uint16_t port = 0;  // the scheme's default when the URL names none
  std::string base_path;   // "" or "/prefix", never ending in '/'
  std::string authority;   // the Host header upstream: the host as written, and ":PORT" when the URL names one
};

Expected<UpstreamUrl> parse_upstream_url(std::string_view text);

// The URL again, normalised ("https://api.mistral.ai"), for messages.
std::string to_string(const UpstreamUrl& url);

// True when `host` is an IPv4 or IPv6 address rather than a name (TLS sends no server name for an address).
bool is_ip_address(std::string_view host);

// "60s", "500ms", "2m", or a plain number of seconds; more than zero, at most a day.
Expected<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace keyward::proxy
