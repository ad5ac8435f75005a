#include "import/source.h"

#include <chrono>
#include <filesystem>
#include <utility>

#include <fmt/format.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <boost/url/parse.hpp>

#include "core/auth/jwt.h"

namespace thorbecke::importer {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

struct Target {
    bool tls = false;
    std::string host;
    std::string port;
    std::string host_header;
    std::string path;  // path and query
};

Result<Target> Split(const std::string& url) {
    auto u = boost::urls::parse_uri(url);
    if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->host().empty()) {
        return Fail(Error::BadRequest("invalid-url", fmt::format("'{}' is geen http(s)-URL", url)));
    }
    Target t;
    t.tls = u->scheme() == "https";
    t.host = u->host_address();
    if (!t.host.empty() && t.host.front() == '[') t.host = t.host.substr(1, t.host.size() - 2);
    t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
    t.host_header = std::string(u->encoded_host_and_port());
    t.path = std::string(u->encoded_target());
    if (t.path.empty()) t.path = "/";
    return t;
}

std::int64_t Now() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

struct Source::Impl {
    ssl::context tls{ssl::context::tls_client};
};

Source::Source(SourceOptions options) : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
    while (!options_.base_url.empty() && options_.base_url.back() == '/') options_.base_url.pop_back();
    impl_->tls.set_verify_mode(ssl::verify_peer);
    boost::system::error_code ec;
    if (options_.ca_file.empty()) {
        impl_->tls.set_default_verify_paths(ec);
    } else {
        impl_->tls.load_verify_file(options_.ca_file, ec);
    }
}

Source::~Source() = default;

std::string Source::Absolute(const std::string& url_or_path) const {
    if (url_or_path.starts_with("http://") || url_or_path.starts_with("https://")) return url_or_path;
    return options_.base_url + url_or_path;
}

namespace {

//! One GET on `stream` (connected), the answer read by `parser`.
template <class Stream, class Parser>
asio::awaitable<Status> Exchange(Stream& stream, const Target& t, const std::string& token, Parser& parser) {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, t.path, 11};
    req.set(bhttp::field::host, t.host_header);
    req.set(bhttp::field::user_agent, "thorbecke-import");
    req.set(bhttp::field::accept, "application/json, */*");
    req.set(bhttp::field::authorization, "Bearer " + token);
    req.set("Accept-Crs", "EPSG:4326");
    co_await bhttp::async_write(stream, req, asio::use_awaitable);
    beast::flat_buffer buffer;
    co_await bhttp::async_read(stream, buffer, parser, asio::use_awaitable);
    co_return Status{};
}

template <class Parser>
asio::awaitable<Status> Fetch(
    ssl::context& tls, const Target& t, const std::string& token, Parser& parser, std::chrono::seconds timeout
) {
    auto executor = co_await asio::this_coro::executor;
    tcp::resolver resolver(executor);
    auto endpoints = co_await resolver.async_resolve(t.host, t.port, asio::use_awaitable);
    if (!t.tls) {
        beast::tcp_stream stream(executor);
        stream.expires_after(timeout);
        co_await stream.async_connect(endpoints, asio::use_awaitable);
        stream.expires_after(timeout);
        co_return co_await Exchange(stream, t, token, parser);
    }
    beast::ssl_stream<beast::tcp_stream> stream(executor, tls);
    // SNI (SSL_set_tlsext_host_name without the macro's C-style cast).
    std::string server_name = t.host;
    if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, server_name.data()) !=
        1) {
        co_return Fail(Error::Unavailable("TLS: de servernaam kon niet worden gezet"));
    }
    stream.set_verify_callback(ssl::host_name_verification(t.host));
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_await beast::get_lowest_layer(stream).async_connect(endpoints, asio::use_awaitable);
    co_await stream.async_handshake(ssl::stream_base::client, asio::use_awaitable);
    beast::get_lowest_layer(stream).expires_after(timeout);
    co_return co_await Exchange(stream, t, token, parser);
}

//! Runs one fetch to completion on a private io_context; network errors become 503 "unreachable".
template <class Parser>
Status RunFetch(ssl::context& tls, const Target& t, const std::string& token, Parser& parser, int timeout) {
    asio::io_context ioc{1};
    auto work = Fetch(tls, t, token, parser, std::chrono::seconds(timeout));
    auto fut = asio::co_spawn(ioc, std::move(work), asio::use_future);
    ioc.run();
    try {
        return fut.get();
    } catch (const boost::system::system_error& e) {
        Error err = Error::Unavailable(fmt::format("de bron {} is niet bereikbaar: {}", t.host_header, e.what()));
        err.code = "unreachable";
        return Fail(std::move(err));
    }
}

Status CheckStatus(unsigned status, const std::string& url, std::string_view body) {
    if (status == 200) return {};
    if (status == 401 || status == 403) {
        Error err = Error::Unauthenticated(fmt::format(
            "de bron weigert de toegang ({}) tot {}: controleer --client-id en --secret en de rechten van de client",
            status,
            url
        ));
        err.code = "credentials";
        return Fail(std::move(err));
    }
    Error err;
    err.status = 502;
    err.code = "source-status";
    err.detail = fmt::format("de bron antwoordt {} op {}: {}", status, url, body.substr(0, 300));
    return Fail(std::move(err));
}

}  // namespace

Result<boost::json::value> Source::GetJson(const std::string& url_or_path) {
    std::string url = Absolute(url_or_path);
    auto t = Split(url);
    if (!t) return Fail(t.error());
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(options_.max_json_bytes);
    std::string token = auth::Sign(options_.client_id, options_.secret, Now());
    auto st = RunFetch(impl_->tls, *t, token, parser, options_.timeout_seconds);
    if (!st) return Fail(st.error());
    const auto& res = parser.get();
    if (auto ok = CheckStatus(res.result_int(), url, res.body()); !ok) return Fail(ok.error());
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body(), ec);
    if (ec) {
        Error err;
        err.status = 502;
        err.code = "source-answer";
        err.detail = fmt::format("de bron geeft geen JSON op {}", url);
        return Fail(std::move(err));
    }
    return v;
}

Status Source::ForEach(
    const std::string& url_or_path,
    const std::function<void(std::int64_t)>& total,
    const std::function<Status(boost::json::object&)>& item
) {
    std::string next = Absolute(url_or_path);
    bool first = true;
    while (!next.empty()) {
        auto page = GetJson(next);
        if (!page) return Fail(page.error());
        next.clear();
        boost::json::array* results = nullptr;
        if (page->is_array()) {
            results = &page->as_array();
            if (first) total(static_cast<std::int64_t>(results->size()));
        } else if (page->is_object()) {
            auto& obj = page->as_object();
            if (first) {
                const auto* count = obj.if_contains("count");
                total(count && count->is_int64() ? count->as_int64() : -1);
            }
            if (auto* r = obj.if_contains("results"); r && r->is_array()) results = &r->as_array();
            if (auto* n = obj.if_contains("next"); n && n->is_string()) next = std::string(n->as_string());
        }
        first = false;
        if (!results) break;
        for (auto& v : *results) {
            if (!v.is_object()) continue;
            if (auto st = item(v.as_object()); !st) return st;
        }
    }
    return {};
}

Result<std::uint64_t> Source::Download(const std::string& url, const std::string& file) {
    auto t = Split(Absolute(url));
    if (!t) return Fail(t.error());
    bhttp::response_parser<bhttp::file_body> parser;
    parser.body_limit(boost::none);  // documents may be large; they go to disk, not memory
    boost::system::error_code ec;
    parser.get().body().open(file.c_str(), beast::file_mode::write, ec);
    if (ec) return Fail(Error::Internal(fmt::format("{}: {}", file, ec.message())));
    std::string token = auth::Sign(options_.client_id, options_.secret, Now());
    auto st = RunFetch(impl_->tls, *t, token, parser, options_.timeout_seconds * 10);
    if (!st) return Fail(st.error());
    auto& res = parser.get();
    res.body().close();
    if (auto ok = CheckStatus(res.result_int(), url, ""); !ok) return Fail(ok.error());
    std::error_code size_error;
    auto size = std::filesystem::file_size(file, size_error);
    if (size_error) return Fail(Error::Internal(fmt::format("{}: {}", file, size_error.message())));
    return static_cast<std::uint64_t>(size);
}

}  // namespace thorbecke::importer
