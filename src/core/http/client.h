#pragma once
// A small outgoing HTTP(S) client for the URLs other APIs give us (a zaaktype of another Catalogi API, the
// informatieobject of a zaakinformatieobject, the selectielijst) and for notifications sent to subscribers:
// a deadline for the whole exchange, a bounded answer, certificate and host name verification, and optionally
// a policy on which addresses may be reached. Runs on the caller's executor.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"

namespace thorbecke::http {

struct ClientOptions {
    //! For the whole exchange: name resolution, connect, TLS handshake, request and response.
    std::chrono::milliseconds timeout{10'000};
    //! Larger answers are refused.
    std::size_t max_body_bytes = 1 << 20;
    //! https: a PEM file of CA certificates to trust instead of the system's trust store (a private CA).
    std::string ca_file;
    //! Refuse destinations that resolve to loopback, private (RFC 1918, fc00::/7), link-local, CGNAT or
    //! unspecified addresses (and multicast/reserved ones), unless the URL's host is in allowed_hosts (exact,
    //! case-insensitive host names or IP literals). The check is made on the resolved addresses right before
    //! connecting (no DNS-rebinding gap). For URLs that outsiders choose, such as callback URLs.
    bool block_private_addresses = false;
    std::vector<std::string> allowed_hosts;
};

struct ClientRequest {
    std::string method = "POST";
    std::string url;
    //! Sent as given, e.g. {"Authorization", "..."}, {"Content-Type", "application/json"}. Host and
    //! User-Agent are set by the client; Accept defaults to application/json.
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

struct ClientAnswer {
    unsigned status = 0;
    std::string body;
};

class HttpClient {
  public:
    virtual ~HttpClient() = default;
    //! GETs an absolute http(s) URL (Accept: application/json). Errors: status 400 code "invalid-url" for a
    //! URL that is not absolute http(s); 503 "unreachable" when the server could not be reached (name,
    //! connect, TLS time-out); 502 "bad-answer" when it answered, but not with HTTP (or too large). The
    //! detail says what happened, in Dutch.
    virtual boost::asio::awaitable<Result<ClientAnswer>> Get(std::string url) = 0;
    //! Sends a request with a body (the notification POST). Errors as Get, plus 400 "invalid-request" for an
    //! unknown method or a header with a line break, and 403 "forbidden-address" when the address policy
    //! refuses the destination.
    virtual boost::asio::awaitable<Result<ClientAnswer>> Send(ClientRequest request) = 0;
};

//! Fails only when the TLS trust store (options.ca_file or the system's) cannot be loaded.
Result<std::unique_ptr<HttpClient>> MakeHttpClient(ClientOptions options = {});

//! A client that remembers 200 answers to Get of `inner` for `ttl` (at most `max_entries` of them): references
//! to another organisation's resources are checked without asking its server on every request. Other answers
//! and errors are not remembered; Send is passed on as is. Safe on several threads; `inner` must outlive it.
std::unique_ptr<HttpClient> MakeCachingHttpClient(
    HttpClient& inner, std::chrono::milliseconds ttl, std::size_t max_entries = 10'000
);

}  // namespace thorbecke::http
