// Lookup against an external Referentielijsten API, with a small Beast HTTP(S) client. Answers are reference
// data, so what was found is cached for the lifetime of the lookup; misses are asked again (rare: a client's
// validation error), which keeps the cache bounded by the external server's data.
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
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
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include "core/log.h"
#include "referentielijsten/lookup.h"

namespace thorbecke::referentielijsten {

namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace bj = boost::json;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

constexpr auto kUseAwaitableTuple = asio::as_tuple(asio::use_awaitable);

//! Where the external API lives, from its configured base URL.
struct Endpoint {
    bool tls = false;
    std::string host;          // for the resolver and the certificate check (IPv6 without brackets)
    std::string port;          // service for the resolver
    std::string host_header;   // host[:port] as configured
    bool host_is_name = true;  // SNI is sent for names only
};

struct HttpAnswer {
    unsigned status = 0;
    std::string body;
};

// 503: the API could not be reached; 502: it answered, but not usefully.
Error ServiceError(int status, std::string_view url, std::string_view what) {
    return Error{
        status,
        "bad-url-service",
        status == 503 ? "De Referentielijsten-API is niet bereikbaar."
                      : "De Referentielijsten-API gaf een ongeldig antwoord.",
        fmt::format("Ophalen van {} mislukt: {}.", url, what),
        {}};
}

std::string Describe(const boost::system::error_code& ec) {
    if (ec == beast::error::timeout || ec == asio::error::operation_aborted) return "time-out";
    return ec.message();
}

// Sends the GET and reads the answer on an established (TCP or TLS) stream.
template <class Stream>
asio::awaitable<Result<HttpAnswer>> Talk(
    Stream& stream,
    const Endpoint& endpoint,
    const std::string& target,
    const std::string& url,
    const RemoteOptions& options,
    Clock::time_point deadline
) {
    bhttp::request<bhttp::empty_body> request{bhttp::verb::get, target, 11};
    request.set(bhttp::field::host, endpoint.host_header);
    request.set(bhttp::field::user_agent, "Thorbecke");
    request.set(bhttp::field::accept, "application/json");
    request.keep_alive(false);
    beast::get_lowest_layer(stream).expires_at(deadline);
    auto [write_ec, written] = co_await bhttp::async_write(stream, request, kUseAwaitableTuple);
    if (write_ec) co_return Fail(ServiceError(503, url, "verzenden: " + Describe(write_ec)));

    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options.max_body_bytes);
    beast::get_lowest_layer(stream).expires_at(deadline);
    auto [read_ec, read] = co_await bhttp::async_read(stream, buffer, parser, kUseAwaitableTuple);
    if (read_ec == bhttp::error::body_limit) co_return Fail(ServiceError(502, url, "antwoord te groot"));
    if (read_ec == beast::error::timeout) co_return Fail(ServiceError(503, url, "ontvangen: time-out"));
    if (read_ec) co_return Fail(ServiceError(502, url, "ontvangen: " + read_ec.message()));
    co_return HttpAnswer{parser.get().result_int(), std::move(parser.get().body())};
}

// One GET, start to finish, within options.timeout, on the caller's executor.
asio::awaitable<Result<HttpAnswer>> Exchange(
    Endpoint endpoint, std::string target, std::string url, RemoteOptions options, ssl::context* tls
) {
    auto executor = co_await asio::this_coro::executor;
    const auto deadline = Clock::now() + options.timeout;

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
        co_return Fail(ServiceError(503, url, fmt::format("{} opzoeken: {}", endpoint.host, Describe(resolve_ec))));
    }

    beast::tcp_stream tcp_stream(executor);
    tcp_stream.expires_at(deadline);
    auto [connect_ec, connected] = co_await tcp_stream.async_connect(endpoints, kUseAwaitableTuple);
    if (connect_ec) co_return Fail(ServiceError(503, url, "verbinden: " + Describe(connect_ec)));
    if (!endpoint.tls) co_return co_await Talk(tcp_stream, endpoint, target, url, options, deadline);

    beast::ssl_stream<beast::tcp_stream> tls_stream(std::move(tcp_stream), *tls);
    // SNI, for host names only. SSL_set_tlsext_host_name spelled out: the macro hides a C-style cast.
    char* server_name = const_cast<char*>(endpoint.host.c_str());
    auto* handle = tls_stream.native_handle();
    if (endpoint.host_is_name &&
        SSL_ctrl(handle, SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, server_name) != 1) {
        co_return Fail(ServiceError(502, url, "TLS: servernaam niet in te stellen"));
    }
    tls_stream.set_verify_callback(ssl::host_name_verification(endpoint.host));
    beast::get_lowest_layer(tls_stream).expires_at(deadline);
    auto [handshake_ec] = co_await tls_stream.async_handshake(ssl::stream_base::client, kUseAwaitableTuple);
    if (handshake_ec == beast::error::timeout) co_return Fail(ServiceError(503, url, "TLS: time-out"));
    if (handshake_ec) co_return Fail(ServiceError(502, url, "TLS: " + handshake_ec.message()));
    co_return co_await Talk(tls_stream, endpoint, target, url, options, deadline);
}

// Reading the external API's JSON: absent or mistyped optional fields read as empty.
std::string Str(const bj::object& o, std::string_view key) {
    const bj::value* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

std::optional<int> Int(const bj::object& o, std::string_view key) {
    const bj::value* v = o.if_contains(key);
    if (!v || !v->is_int64()) return std::nullopt;
    std::int64_t n = v->get_int64();
    if (n < std::numeric_limits<int>::min() || n > std::numeric_limits<int>::max()) return std::nullopt;
    return static_cast<int>(n);
}

bool Has(const bj::object& o, std::string_view key) {
    const bj::value* v = o.if_contains(key);
    return v && v->is_string();
}

std::optional<Procestype> ToProcestype(const bj::object& o, std::string_view url, std::string_view id) {
    auto nummer = Int(o, "nummer");
    if (!nummer || !Has(o, "naam")) return std::nullopt;
    Procestype p;
    p.url = url;
    p.uuid = id;
    p.nummer = *nummer;
    p.jaar = Int(o, "jaar").value_or(0);
    p.naam = Str(o, "naam");
    p.omschrijving = Str(o, "omschrijving");
    p.toelichting = Str(o, "toelichting");
    p.procesobject = Str(o, "procesobject");
    return p;
}

std::optional<Resultaat> ToResultaat(const bj::object& o, std::string_view url, std::string_view id) {
    auto nummer = Int(o, "nummer");
    if (!nummer || Str(o, "procesType").empty() || !Has(o, "naam")) return std::nullopt;
    Resultaat r;
    r.url = url;
    r.uuid = id;
    r.procestype_url = Str(o, "procesType");
    r.nummer = *nummer;
    r.volledig_nummer = Str(o, "volledigNummer");
    const bj::value* generiek = o.if_contains("generiek");
    r.generiek = !generiek || !generiek->is_bool() || generiek->get_bool();
    r.naam = Str(o, "naam");
    r.omschrijving = Str(o, "omschrijving");
    r.herkomst = Str(o, "herkomst");
    r.waardering = Str(o, "waardering");
    r.procestermijn = Str(o, "procestermijn");
    r.bewaartermijn = Str(o, "bewaartermijn");  // null reads as empty
    r.toelichting = Str(o, "toelichting");
    r.procestermijn_opmerking = Str(o, "procestermijnOpmerking");
    return r;
}

std::optional<Resultaattypeomschrijving> ToOmschrijving(
    const bj::object& o, std::string_view url, std::string_view id
) {
    if (!Has(o, "omschrijving")) return std::nullopt;
    Resultaattypeomschrijving r;
    r.url = url;
    r.uuid = id;
    r.omschrijving = Str(o, "omschrijving");
    r.definitie = Str(o, "definitie");
    r.opmerking = Str(o, "opmerking");
    return r;
}

template <class T>
class Cache {
  public:
    std::optional<T> Get(const std::string& url) {
        std::lock_guard lock(mutex_);
        auto it = items_.find(url);
        if (it == items_.end()) return std::nullopt;
        return it->second;
    }
    void Put(std::string url, T item) {
        std::lock_guard lock(mutex_);
        items_.insert_or_assign(std::move(url), std::move(item));
    }

  private:
    std::mutex mutex_;  // lookups may run on several threads
    std::unordered_map<std::string, T> items_;
};

class RemoteLookup final : public Lookup {
  public:
    RemoteLookup(std::string api_root, Endpoint endpoint, RemoteOptions options, std::unique_ptr<ssl::context> tls)
        : api_root_(std::move(api_root)),
          endpoint_(std::move(endpoint)),
          options_(std::move(options)),
          tls_(std::move(tls)) {}

    asio::awaitable<Result<std::optional<Procestype>>> FindProcestype(std::string_view url, std::string_view) override {
        co_return co_await Find(Kind::kProcestype, url, procestypen_, &ToProcestype);
    }

    asio::awaitable<Result<std::optional<Resultaat>>> FindResultaat(std::string_view url, std::string_view) override {
        co_return co_await Find(Kind::kResultaat, url, resultaten_, &ToResultaat);
    }

    asio::awaitable<Result<std::optional<Resultaattypeomschrijving>>> FindResultaattypeomschrijving(
        std::string_view url, std::string_view
    ) override {
        co_return co_await Find(Kind::kResultaattypeomschrijving, url, omschrijvingen_, &ToOmschrijving);
    }

  private:
    template <class T>
    using Convert = std::optional<T> (*)(const bj::object&, std::string_view, std::string_view);

    template <class T>
    asio::awaitable<Result<std::optional<T>>> Find(
        Kind kind, std::string_view url_view, Cache<T>& cache, Convert<T> convert
    ) {
        auto id = MatchItemUrl(url_view, api_root_, kind);
        if (!id) co_return std::optional<T>();
        std::string url(url_view);
        if (auto hit = cache.Get(url)) co_return hit;

        auto parsed = boost::urls::parse_uri(url);  // it parsed in MatchItemUrl
        std::string target(parsed->encoded_path());
        Result<HttpAnswer> answer = co_await Exchange(endpoint_, target, url, options_, tls_.get());
        if (!answer) co_return Fail(Logged(answer.error()));
        if (answer->status == 404 || answer->status == 410) co_return std::optional<T>();
        if (answer->status != 200) {
            co_return Fail(Logged(ServiceError(502, url, fmt::format("HTTP-status {}", answer->status))));
        }
        boost::system::error_code ec;
        bj::value doc = bj::parse(answer->body, ec);
        if (ec || !doc.is_object()) co_return Fail(Logged(ServiceError(502, url, "antwoord is geen JSON-object")));
        std::optional<T> item = convert(doc.get_object(), url, *id);
        if (!item) co_return Fail(Logged(ServiceError(502, url, "antwoord mist verplichte velden")));
        cache.Put(url, *item);
        co_return item;
    }

    static Error Logged(Error error) {
        log::Warn("referentielijsten: external lookup failed", {{"detail", error.detail}});
        return error;
    }

    std::string api_root_;
    Endpoint endpoint_;
    RemoteOptions options_;
    std::unique_ptr<ssl::context> tls_;  // null for plain http
    Cache<Procestype> procestypen_;
    Cache<Resultaat> resultaten_;
    Cache<Resultaattypeomschrijving> omschrijvingen_;
};

}  // namespace

Result<std::unique_ptr<Lookup>> MakeRemoteLookup(std::string external_base_url, RemoteOptions options) {
    auto invalid = [&](std::string_view why) {
        return Fail(Error::Internal(
            fmt::format("Ongeldige URL voor de externe Referentielijsten-API '{}': {}.", external_base_url, why)
        ));
    };
    while (!external_base_url.empty() && external_base_url.back() == '/') external_base_url.pop_back();
    auto parsed = boost::urls::parse_uri(external_base_url);
    if (!parsed) return invalid("geen absolute URL");
    const boost::urls::url_view& u = *parsed;
    Endpoint endpoint;
    if (u.scheme() == "https") {
        endpoint.tls = true;
    } else if (u.scheme() != "http") {
        return invalid("alleen http en https worden ondersteund");
    }
    if (!u.has_authority() || u.encoded_host().empty()) return invalid("host ontbreekt");
    if (u.has_userinfo() || u.has_query() || u.has_fragment()) return invalid("gebruikersnaam, query of fragment");
    endpoint.host = u.host_address();
    endpoint.host_is_name = u.host_type() == boost::urls::host_type::name;
    endpoint.port =
        u.has_port() && !u.port().empty() ? std::string(u.port()) : std::string(endpoint.tls ? "443" : "80");
    endpoint.host_header = u.encoded_host_and_port();

    std::unique_ptr<ssl::context> tls;
    if (endpoint.tls) {
        tls = std::make_unique<ssl::context>(ssl::context::tls_client);
        boost::system::error_code ec;
        if (options.ca_file.empty()) {
            tls->set_default_verify_paths(ec);
        } else {
            tls->load_verify_file(options.ca_file, ec);
        }
        if (ec) return invalid("geen vertrouwde certificaten te laden: " + ec.message());
        tls->set_verify_mode(ssl::verify_peer);
        SSL_CTX_set_min_proto_version(tls->native_handle(), TLS1_2_VERSION);
    }
    return std::unique_ptr<Lookup>(std::make_unique<RemoteLookup>(
        std::move(external_base_url), std::move(endpoint), std::move(options), std::move(tls)
    ));
}

}  // namespace thorbecke::referentielijsten
