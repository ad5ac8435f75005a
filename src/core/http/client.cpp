#include "core/http/client.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <map>
#include <mutex>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/scheme.hpp>
#include <boost/url/url_view.hpp>

namespace thorbecke::http {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kUseAwaitableTuple = asio::as_tuple(asio::use_awaitable);

//! Where one request goes, from its URL.
struct Endpoint {
    bool tls = false;
    std::string host;          // for the resolver and the certificate check (IPv6 without brackets)
    std::string port;          // service for the resolver
    std::string host_header;   // host[:port] as written in the URL
    bool host_is_name = true;  // SNI is sent for names only
    std::string target;        // path and query
};

Error InvalidUrl(std::string_view url, std::string_view why) {
    return Error{400, "invalid-url", "Ongeldige URL.", fmt::format("'{}' is geen bruikbare URL: {}.", url, why), {}};
}

// 503: the server could not be reached; 502: it answered, but not with (acceptable) HTTP.
Error Unreachable(std::string_view url, std::string_view what) {
    return Error{
        503, "unreachable", "De server is niet bereikbaar.", fmt::format("Ophalen van {} mislukt: {}.", url, what), {}};
}

Error BadAnswer(std::string_view url, std::string_view what) {
    return Error{
        502,
        "bad-answer",
        "De server gaf een ongeldig antwoord.",
        fmt::format("Ophalen van {} mislukt: {}.", url, what),
        {}};
}

Error ForbiddenAddress(std::string_view url, std::string_view what) {
    return Error{
        403,
        "forbidden-address",
        "Het adres is niet toegestaan.",
        fmt::format("{} is niet toegestaan: {}.", url, what),
        {}};
}

Error InvalidRequest(std::string_view why) {
    return Error{400, "invalid-request", "Ongeldig verzoek.", std::string(why), {}};
}

std::string Describe(const boost::system::error_code& ec) {
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted) return "time-out";
    return ec.message();
}

Result<Endpoint> ParseUrl(std::string_view url) {
    auto parsed = boost::urls::parse_uri(url);
    if (!parsed) return Fail(InvalidUrl(url, "geen absolute URL"));
    const boost::urls::url_view& u = *parsed;
    Endpoint endpoint;
    if (u.scheme_id() == boost::urls::scheme::https) {
        endpoint.tls = true;
    } else if (u.scheme_id() != boost::urls::scheme::http) {
        return Fail(InvalidUrl(url, "alleen http en https worden ondersteund"));
    }
    if (!u.has_authority() || u.encoded_host().empty()) return Fail(InvalidUrl(url, "host ontbreekt"));
    if (u.has_userinfo()) return Fail(InvalidUrl(url, "gebruikersnaam of wachtwoord in de URL"));
    if (u.has_fragment()) return Fail(InvalidUrl(url, "fragment in de URL"));
    switch (u.host_type()) {
        case boost::urls::host_type::name:
        case boost::urls::host_type::ipv4:
        case boost::urls::host_type::ipv6:
            break;
        default:
            return Fail(InvalidUrl(url, "host niet ondersteund"));
    }
    endpoint.host = u.host_address();
    endpoint.host_is_name = u.host_type() == boost::urls::host_type::name;
    if (u.has_port() && !u.port().empty()) {
        // Not port_number(): Boost 1.81 wraps numbers above 65535 around.
        std::string_view port = u.port();
        unsigned number = 0;
        auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), number);
        if (ec != std::errc() || end != port.data() + port.size() || number == 0 || number > 65535) {
            return Fail(InvalidUrl(url, "ongeldige poort"));
        }
        endpoint.port = std::to_string(number);
    } else {
        endpoint.port = endpoint.tls ? "443" : "80";
    }
    endpoint.host_header = u.encoded_host_and_port();
    endpoint.target = u.encoded_target();
    if (!endpoint.target.starts_with('/')) endpoint.target.insert(0, "/");
    return endpoint;
}

bool InPrefix(std::uint32_t address, std::uint32_t prefix, int bits) {
    const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
    return (address & mask) == prefix;
}

// Addresses that lead into the server's own machine or network, or nowhere: "this network" and unspecified,
// RFC 1918, CGNAT, loopback, link-local, IETF protocol assignments, benchmarking, multicast, reserved.
bool IsPublicV4(const asio::ip::address_v4& address) {
    const std::uint32_t a = address.to_uint();
    struct Range {
        std::uint32_t prefix;
        int bits;
    };
    static constexpr std::array<Range, 11> kBlocked{{
        {0x00000000, 8},   // 0.0.0.0/8
        {0x0A000000, 8},   // 10.0.0.0/8
        {0x64400000, 10},  // 100.64.0.0/10
        {0x7F000000, 8},   // 127.0.0.0/8
        {0xA9FE0000, 16},  // 169.254.0.0/16
        {0xAC100000, 12},  // 172.16.0.0/12
        {0xC0000000, 24},  // 192.0.0.0/24
        {0xC0A80000, 16},  // 192.168.0.0/16
        {0xC6120000, 15},  // 198.18.0.0/15
        {0xE0000000, 4},   // 224.0.0.0/4 multicast
        {0xF0000000, 4},   // 240.0.0.0/4 reserved and broadcast
    }};
    return std::none_of(kBlocked.begin(), kBlocked.end(), [a](const Range& r) {
        return InPrefix(a, r.prefix, r.bits);
    });
}

asio::ip::address_v4 EmbeddedV4(const asio::ip::address_v6::bytes_type& b, std::size_t at) {
    return asio::ip::address_v4(asio::ip::address_v4::bytes_type{b[at], b[at + 1], b[at + 2], b[at + 3]});
}

bool IsPublic(const asio::ip::address& address) {
    if (address.is_v4()) return IsPublicV4(address.to_v4());
    const asio::ip::address_v6 v6 = address.to_v6();
    const auto b = v6.to_bytes();
    if (v6.is_v4_mapped()) return IsPublicV4(EmbeddedV4(b, 12));
    // ::/96 holds ::, ::1 and the old IPv4-compatible addresses: judged by their last four bytes, all blocked
    // when those are (0.0.0.0 and 0.0.0.1 are).
    if (std::all_of(b.begin(), b.begin() + 12, [](unsigned char c) { return c == 0; })) {
        return IsPublicV4(EmbeddedV4(b, 12));
    }
    if (v6.is_link_local() || v6.is_site_local() || v6.is_multicast()) return false;
    if ((b[0] & 0xFE) == 0xFC) return false;  // fc00::/7 unique local
    // NAT64 (64:ff9b::/96) and 6to4 (2002::/16) reach the IPv4 address they carry.
    static constexpr std::array<unsigned char, 12> kNat64{0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0};
    if (std::equal(kNat64.begin(), kNat64.end(), b.begin())) return IsPublicV4(EmbeddedV4(b, 12));
    if (b[0] == 0x20 && b[1] == 0x02) return IsPublicV4(EmbeddedV4(b, 2));
    return true;
}

std::string Lower(std::string_view text) {
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) {
        return static_cast<char>(std::tolower(c));
    });
    return lower;
}

// Host names compare case-insensitively, IP literals as addresses ("::1" is "0:0::1"); "[::1]" is accepted.
bool SameHost(std::string_view allowed, std::string_view host) {
    if (allowed.size() > 2 && allowed.front() == '[' && allowed.back() == ']') {
        allowed = allowed.substr(1, allowed.size() - 2);
    }
    boost::system::error_code allowed_ec;
    boost::system::error_code host_ec;
    auto allowed_ip = asio::ip::make_address(std::string(allowed), allowed_ec);
    auto host_ip = asio::ip::make_address(std::string(host), host_ec);
    if (!allowed_ec && !host_ec) return allowed_ip == host_ip;
    return Lower(allowed) == Lower(host);
}

// Sends the request and reads the answer on an established (TCP or TLS) stream.
template <class Stream>
asio::awaitable<Result<ClientAnswer>> Talk(
    Stream& stream,
    bhttp::request<bhttp::string_body>& request,
    const std::string& url,
    std::size_t max_body_bytes,
    Clock::time_point deadline
) {
    beast::get_lowest_layer(stream).expires_at(deadline);
    auto [write_ec, written] = co_await bhttp::async_write(stream, request, kUseAwaitableTuple);
    if (write_ec) co_return Fail(Unreachable(url, "verzenden: " + Describe(write_ec)));

    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(max_body_bytes);
    beast::get_lowest_layer(stream).expires_at(deadline);
    auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kUseAwaitableTuple);
    if (read_ec == bhttp::error::body_limit) co_return Fail(BadAnswer(url, "antwoord te groot"));
    if (read_ec == beast::error::timeout) co_return Fail(Unreachable(url, "ontvangen: time-out"));
    if (read_ec) co_return Fail(BadAnswer(url, "ontvangen: " + read_ec.message()));
    co_return ClientAnswer{parser.get().result_int(), std::move(parser.get().body())};
}

class BeastClient final : public HttpClient {
  public:
    BeastClient(ClientOptions options, ssl::context tls) : options_(std::move(options)), tls_(std::move(tls)) {}

    asio::awaitable<Result<ClientAnswer>> Get(std::string url) override {
        Result<Endpoint> endpoint = ParseUrl(url);
        if (!endpoint) co_return Fail(std::move(endpoint.error()));
        bhttp::request<bhttp::string_body> request{bhttp::verb::get, endpoint->target, 11};
        request.set(bhttp::field::accept, "application/json");
        Result<ClientAnswer> answer = co_await Exchange(*endpoint, url, request);
        co_return answer;
    }

    asio::awaitable<Result<ClientAnswer>> Send(ClientRequest sent) override {
        Result<Endpoint> endpoint = ParseUrl(sent.url);
        if (!endpoint) co_return Fail(std::move(endpoint.error()));
        const bhttp::verb verb = bhttp::string_to_verb(sent.method);
        if (verb == bhttp::verb::unknown) co_return Fail(InvalidRequest("Onbekende HTTP-methode."));
        bhttp::request<bhttp::string_body> request{verb, endpoint->target, 11};
        request.set(bhttp::field::accept, "application/json");
        for (const auto& [name, value] : sent.headers) {
            // A line break would let a value (an abonnement's auth header) add headers or a request of its own.
            constexpr std::string_view kBreaks("\r\n\0", 3);
            bool bad_name = name.empty() || name.find_first_of(" :\t") != std::string::npos;
            if (bad_name || name.find_first_of(kBreaks) != std::string::npos ||
                value.find_first_of(kBreaks) != std::string::npos) {
                co_return Fail(InvalidRequest("Ongeldige header in het verzoek."));
            }
            request.set(name, value);
        }
        request.body() = std::move(sent.body);
        Result<ClientAnswer> answer = co_await Exchange(*endpoint, sent.url, request);
        co_return answer;
    }

  private:
    [[nodiscard]] bool Allowed(const Endpoint& endpoint) const {
        return std::any_of(options_.allowed_hosts.begin(), options_.allowed_hosts.end(), [&](const std::string& h) {
            return SameHost(h, endpoint.host);
        });
    }

    // One request, start to finish, within options_.timeout, on the caller's executor. Touches no member but
    // the options and the TLS context (SSL_new on a shared SSL_CTX is thread-safe), so calls may run
    // concurrently.
    asio::awaitable<Result<ClientAnswer>> Exchange(
        const Endpoint& endpoint, const std::string& url, bhttp::request<bhttp::string_body>& request
    ) {
        request.set(bhttp::field::host, endpoint.host_header);
        request.set(bhttp::field::user_agent, "Thorbecke");
        request.keep_alive(false);
        if (!request.body().empty() || request.method() == bhttp::verb::post || request.method() == bhttp::verb::put ||
            request.method() == bhttp::verb::patch) {
            request.prepare_payload();
        }
        auto executor = co_await asio::this_coro::executor;
        const auto deadline = Clock::now() + options_.timeout;

        // The resolver has no timeout of its own: a timer cancels it. Shared with the timer's handler, which may
        // still be queued when this frame is gone; the frame does not touch the resolver after the resolve
        // completes, so a late cancel() from that handler is harmless.
        struct Resolving {
            explicit Resolving(const asio::any_io_executor& ex) : resolver(ex), timer(ex) {}
            tcp::resolver resolver;
            asio::steady_timer timer;
        };
        auto resolving = std::make_shared<Resolving>(executor);
        resolving->timer.expires_at(deadline);
        resolving->timer.async_wait([resolving](const boost::system::error_code& ec) {
            if (!ec) resolving->resolver.cancel();
        });
        auto [resolve_ec, endpoints] =
            co_await resolving->resolver.async_resolve(endpoint.host, endpoint.port, kUseAwaitableTuple);
        resolving->timer.cancel();
        if (resolve_ec) {
            co_return Fail(Unreachable(url, fmt::format("{} opzoeken: {}", endpoint.host, Describe(resolve_ec))));
        }

        // The addresses checked are the addresses connected to: a name cannot resolve to a public address for
        // a check and to a private one for the connection.
        std::vector<tcp::endpoint> targets;
        for (const auto& entry : endpoints) targets.push_back(entry.endpoint());
        if (options_.block_private_addresses && !Allowed(endpoint)) {
            for (const auto& target : targets) {
                if (!IsPublic(target.address())) {
                    co_return Fail(ForbiddenAddress(
                        url, fmt::format("{} is een intern of gereserveerd adres", target.address().to_string())
                    ));
                }
            }
        }

        beast::tcp_stream tcp_stream(executor);
        tcp_stream.expires_at(deadline);
        auto [connect_ec, connected] = co_await tcp_stream.async_connect(targets, kUseAwaitableTuple);
        if (connect_ec) co_return Fail(Unreachable(url, "verbinden: " + Describe(connect_ec)));
        if (!endpoint.tls) co_return co_await Talk(tcp_stream, request, url, options_.max_body_bytes, deadline);

        beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(tcp_stream), tls_);
        // SNI, for host names only. SSL_set_tlsext_host_name spelled out: the macro hides a C-style cast.
        char* server_name = const_cast<char*>(endpoint.host.c_str());
        auto* handle = tls_stream.native_handle();
        if (endpoint.host_is_name &&
            SSL_ctrl(handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, server_name) != 1) {
            co_return Fail(BadAnswer(url, "TLS: servernaam niet in te stellen"));
        }
        tls_stream.set_verify_callback(ssl::host_name_verification(endpoint.host));
        beast::get_lowest_layer(tls_stream).expires_at(deadline);
        auto [handshake_ec] = co_await tls_stream.async_handshake(ssl::stream_base::client, kUseAwaitableTuple);
        if (handshake_ec == beast::error::timeout) co_return Fail(Unreachable(url, "TLS: time-out"));
        if (handshake_ec) co_return Fail(BadAnswer(url, "TLS: " + handshake_ec.message()));
        co_return co_await Talk(tls_stream, request, url, options_.max_body_bytes, deadline);
    }

    const ClientOptions options_;
    ssl::context tls_;
};

}  // namespace

Result<std::unique_ptr<HttpClient>> MakeHttpClient(ClientOptions options) {
    ssl::context tls(ssl::context::tls_client);
    boost::system::error_code ec;
    if (options.ca_file.empty()) {
        tls.set_default_verify_paths(ec);
    } else {
        tls.load_verify_file(options.ca_file, ec);
    }
    if (ec) {
        return Fail(Error::Internal(fmt::format(
            "De vertrouwde certificaten ({}) zijn niet te laden: {}.",
            options.ca_file.empty() ? std::string_view("systeem") : std::string_view(options.ca_file),
            ec.message()
        )));
    }
    tls.set_verify_mode(ssl::verify_peer, ec);
    if (ec || SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION) != 1) {
        return Fail(Error::Internal("De TLS-instellingen voor uitgaande verbindingen zijn niet te maken."));
    }
    return std::unique_ptr<HttpClient>(std::make_unique<BeastClient>(std::move(options), std::move(tls)));
}

namespace {

class CachingClient final : public HttpClient {
  public:
    CachingClient(HttpClient& inner, std::chrono::milliseconds ttl, std::size_t max_entries)
        : inner_(inner), ttl_(ttl), max_entries_(max_entries) {}

    asio::awaitable<Result<ClientAnswer>> Get(std::string url) override {
        auto now = std::chrono::steady_clock::now();
        {
            std::lock_guard lock(mutex_);
            auto it = answers_.find(url);
            if (it != answers_.end() && now - it->second.first < ttl_) co_return it->second.second;
        }
        auto answer = co_await inner_.Get(url);
        if (answer && answer->status == 200) {
            std::lock_guard lock(mutex_);
            if (answers_.size() >= max_entries_) answers_.clear();  // simple bound; refills from use
            answers_[std::move(url)] = {now, *answer};
        }
        co_return answer;
    }

    // Notifications and other requests with an effect are never answered from memory.
    asio::awaitable<Result<ClientAnswer>> Send(ClientRequest request) override {
        auto answer = co_await inner_.Send(std::move(request));
        co_return answer;
    }

  private:
    HttpClient& inner_;
    std::chrono::milliseconds ttl_;
    std::size_t max_entries_;
    std::mutex mutex_;
    std::map<std::string, std::pair<std::chrono::steady_clock::time_point, ClientAnswer>> answers_;
};

}  // namespace

std::unique_ptr<HttpClient> MakeCachingHttpClient(
    HttpClient& inner, std::chrono::milliseconds ttl, std::size_t max_entries
) {
    return std::make_unique<CachingClient>(inner, ttl, max_entries);
}

}  // namespace thorbecke::http
