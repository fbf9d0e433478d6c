#include "scanner/proxy/proxy_settings.h"

#include <gtest/gtest.h>

namespace keyward::proxy {
namespace {

TEST(ProxySettings, ListenAddressesWithNamesIPv4AndIPv6) {
  auto named = parse_listen_address("localhost:8080");
  ASSERT_TRUE(named) << named.error().message;
  EXPECT_EQ(named->host, "localhost");
  EXPECT_EQ(named->port, 8080);
  auto any = parse_listen_address("0.0.0.0:0");
  ASSERT_TRUE(any);
  EXPECT_EQ(any->port, 0);
  auto v6 = parse_listen_address("[::1]:9000");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 9000);
}

TEST(ProxySettings, BadListenAddressesSayWhy) {
  for (const char* bad : {"localhost", "localhost:", "localhost:http", "localhost:70000", "::1:80", "[::1:80",
                          "[nothost]:80", "bad host:80", ":80"}) {
    auto parsed = parse_listen_address(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().message.find("--listen"), std::string::npos) << parsed.error().message;
  }
}

TEST(ProxySettings, UpstreamUrlsTakeTheSchemesPortAndABasePath) {
  auto mistral = parse_upstream_url("https://api.mistral.ai");
  ASSERT_TRUE(mistral) << mistral.error().message;
  EXPECT_EQ(mistral->scheme, Scheme::kHttps);
  EXPECT_EQ(mistral->host, "api.mistral.ai");
  EXPECT_EQ(mistral->port, 443);
  EXPECT_EQ(mistral->base_path, "");
  EXPECT_EQ(mistral->authority, "api.mistral.ai");
  EXPECT_EQ(to_string(*mistral), "https://api.mistral.ai");

  auto local = parse_upstream_url("http://127.0.0.1:8000/gateway/v0/");
  ASSERT_TRUE(local) << local.error().message;
  EXPECT_EQ(local->scheme, Scheme::kHttp);
  EXPECT_EQ(local->port, 8000);
  EXPECT_EQ(local->base_path, "/gateway/v0");
  EXPECT_EQ(local->authority, "127.0.0.1:8000");

  auto v6 = parse_upstream_url("http://[::1]:8000");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->authority, "[::1]:8000");
  EXPECT_EQ(parse_upstream_url("http://example.com")->port, 80);
}

TEST(ProxySettings, UpstreamUrlsWithoutASchemeOrWithCredentialsAreRefused) {
  for (const char* bad : {"api.mistral.ai", "ftp://x", "https://user:pw@api.mistral.ai", "https://x/?q=1",
                          "https://x/#top", "https://:443", "https://x:0", "https://x/a b"}) {
    auto parsed = parse_upstream_url(bad);
    ASSERT_FALSE(parsed) << bad;
    EXPECT_NE(parsed.error().message.find("--upstream"), std::string::npos) << parsed.error().message;
  }
}

TEST(ProxySettings, AddressesAreToldFromNames) {
  EXPECT_TRUE(is_ip_address("127.0.0.1"));
  EXPECT_TRUE(is_ip_address("::1"));
  EXPECT_FALSE(is_ip_address("localhost"));
  EXPECT_FALSE(is_ip_address("api.mistral.ai"));
}

TEST(ProxySettings, DurationsInMillisecondsSecondsAndMinutes) {
  EXPECT_EQ(*parse_duration("60s"), std::chrono::milliseconds(60'000));
  EXPECT_EQ(*parse_duration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(*parse_duration("2m"), std::chrono::milliseconds(120'000));
  EXPECT_EQ(*parse_duration("30"), std::chrono::milliseconds(30'000));
  for (const char* bad : {"", "0", "0s", "-1s", "1h", "s", "1.5s", "100000m"}) {
    EXPECT_FALSE(parse_duration(bad)) << bad;
  }
}

}  // namespace
}  // namespace keyward::proxy
