// The proxy's decision about one client request, taken before a byte of it goes upstream: a JSON body is screened
// by the filter (the caller's own key blocks whatever the rules say), a body that cannot be screened is refused,
// and every refusal is a JSON error in the API's shape. Also which headers are the connection's own (never
// forwarded). Plain data in and out; knows nothing of sockets or HTTP libraries.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "scanner/filter/filter.h"

namespace keyward::proxy {

// What the gateway looks at in a client request; views into it, valid for the call.
struct ClientRequest {
  std::string_view method;
  std::string_view target;  // as sent: must be origin-form ("/v1/chat/completions?x=1")
  std::string_view content_type;
  std::string_view content_encoding;
  std::string_view authorization;  // "Bearer KEY"
  std::string_view api_key;        // an X-Api-Key header, as some OpenAI-compatible APIs take the key
  std::string_view body;
};

// Send it on, with this body: the caller's bytes when nothing was found, else the screened request.
struct Forward {
  std::string body;
};

// Answer the caller and send nothing upstream.
struct Answer {
  int status = 0;
  std::string body;  // JSON
};

struct Decision {
  std::variant<Forward, Answer> outcome;
  std::optional<filter::AuditRecord> audit = {};  // when a body was screened: the line for the audit log
};

Decision decide(const filter::Filter& filter, const ClientRequest& request);

// A JSON error as the Mistral API writes one ({"object":"error","message","type","param","code"}), plus keyward's
// reasons when a screening blocked the request (rule or limit, and JSON pointer; never the text).
Answer error_answer(int status, std::string_view type, std::string_view code, std::string_view message);

// The key an API caller authenticates with: "Bearer KEY" (or a bare KEY) from Authorization, else X-Api-Key.
// Empty when it is shorter than 16 bytes: too short to be a key, and blocking every request holding it would be
// wrong.
std::string_view caller_key(std::string_view authorization, std::string_view api_key);

// Headers that belong to one connection (RFC 9110 7.6.1: Connection, Keep-Alive, TE, Upgrade, ..., and any the
// message's `connection` header names), never forwarded either way; Host, Content-Length and Expect, which the
// proxy writes itself, included. Case-insensitive.
bool is_connection_header(std::string_view name, std::string_view connection);

}  // namespace keyward::proxy
