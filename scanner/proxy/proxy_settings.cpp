#include "scanner/proxy/proxy_settings.h"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include <fmt/format.h>

namespace keyward::proxy {
namespace {

std::optional<std::uint16_t> parse_port(std::string_view text) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  const auto [at, error] = std::from_chars(text.data(), end, value);
  if (text.empty() || error != std::errc() || at != end || value > 65535) return std::nullopt;
  return static_cast<std::uint16_t>(value);
}

// A host name's characters (RFC 3986 reg-name without percent-encoding) or an IPv4 address.
bool valid_host_name(std::string_view host) {
  if (host.empty() || host.size() > 253) return false;
  return std::all_of(host.begin(), host.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_';
  });
}

// Splits "host:port" or "[v6]:port" (or just the host when `port_optional`); the host without brackets.
Expected<std::pair<std::string, std::optional<std::uint16_t>>> split_host_port(std::string_view text,
                                                                               bool port_optional) {
  std::string_view host;
  std::string_view rest;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return fail("an IPv6 address needs its closing ']'");
    host = text.substr(1, close - 1);
    rest = text.substr(close + 1);
    if (!is_ip_address(host) || host.find(':') == std::string_view::npos) return fail("not an IPv6 address in [ ]");
  } else {
    const auto colon = text.rfind(':');
    host = colon == std::string_view::npos ? text : text.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view() : text.substr(colon);
    if (!valid_host_name(host)) return fail("not a host name or address");
  }
  if (rest.empty()) {
    if (!port_optional) return fail("no port (HOST:PORT)");
    return std::pair{std::string(host), std::optional<std::uint16_t>()};
  }
  if (!rest.starts_with(':')) return fail("unexpected text after the host");
  const auto port = parse_port(rest.substr(1));
  if (!port) return fail("the port is not a number from 0 to 65535");
  return std::pair{std::string(host), std::optional<std::uint16_t>(*port)};
}

}  // namespace

bool is_ip_address(std::string_view host) {
  const std::string text(host);
  unsigned char bytes[16];
  return inet_pton(AF_INET, text.c_str(), bytes) == 1 || inet_pton(AF_INET6, text.c_str(), bytes) == 1;
}

Expected<ListenAddress> parse_listen_address(std::string_view text) {
  auto split = split_host_port(text, false);
  if (!split) return fail(fmt::format("--listen '{}': {}", text, split.error().message));
  return ListenAddress{.host = std::move(split->first), .port = *split->second};
}

Expected<UpstreamUrl> parse_upstream_url(std::string_view text) {
  auto bad = [&](std::string_view why) { return fail(fmt::format("--upstream '{}': {}", text, why)); };
  UpstreamUrl url;
  std::string_view rest = text;
  if (rest.starts_with("https://")) {
    url.scheme = Scheme::kHttps;
    rest.remove_prefix(8);
  } else if (rest.starts_with("http://")) {
    url.scheme = Scheme::kHttp;
    rest.remove_prefix(7);
  } else {
    return bad("the URL must start with http:// or https://");
  }
  if (rest.find_first_of("?#") != std::string_view::npos) return bad("a query or fragment is not allowed");
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return bad("credentials in the URL are not allowed");
  auto split = split_host_port(authority, true);
  if (!split) return bad(split.error().message);
  url.host = std::move(split->first);
  url.port = split->second.value_or(url.scheme == Scheme::kHttps ? 443 : 80);
  if (url.port == 0) return bad("port 0");
  url.authority = std::string(authority);
  while (path.ends_with('/')) path.remove_suffix(1);
  const bool path_ok = std::all_of(path.begin(), path.end(), [](char c) { return c > ' ' && c < 0x7f; });
  if (!path_ok) return bad("the path holds spaces or control characters");
  url.base_path = std::string(path);
  return url;
}

std::string to_string(const UpstreamUrl& url) {
  return fmt::format("{}://{}{}", url.scheme == Scheme::kHttps ? "https" : "http", url.authority, url.base_path);
}

Expected<std::chrono::milliseconds> parse_duration(std::string_view text) {
  std::uint64_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [at, error] = std::from_chars(text.data(), end, value);
  const std::string_view unit(at, static_cast<std::size_t>(end - at));
  std::uint64_t scale = 0;
  if (unit.empty() || unit == "s") scale = 1000;
  if (unit == "ms") scale = 1;
  if (unit == "m") scale = 60'000;
  constexpr std::uint64_t kDayMs = 86'400'000;
  if (error != std::errc() || at == text.data() || scale == 0 || value == 0 || value > kDayMs / scale) {
    return fail(fmt::format("'{}' is not a duration such as 60s, 500ms or 2m (more than 0, at most a day)", text));
  }
  return std::chrono::milliseconds(value * scale);
}

}  // namespace keyward::proxy
