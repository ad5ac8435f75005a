#include "core/http/server.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <thread>

#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>

#include "core/http/problem.h"
#include "core/log.h"
#include "core/uuid.h"

namespace thorbecke::http {

namespace beast = boost::beast;
namespace bhttp = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

Method ToMethod(bhttp::verb v) {
    switch (v) {
        case bhttp::verb::get:
            return Method::kGet;
        case bhttp::verb::head:
            return Method::kHead;
        case bhttp::verb::post:
            return Method::kPost;
        case bhttp::verb::put:
            return Method::kPut;
        case bhttp::verb::patch:
            return Method::kPatch;
        case bhttp::verb::delete_:
            return Method::kDelete;
        case bhttp::verb::options:
            return Method::kOptions;
        default:
            return Method::kOther;
    }
}

bool ValidHost(std::string_view h) {
    if (h.empty() || h.size() > 255) return false;
    for (char c : h) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                  c == ':' || c == '[' || c == ']' || c == '_';
        if (!ok) return false;
    }
    return true;
}

std::string_view FirstValue(std::string_view v) {
    auto comma = v.find(',');
    if (comma != std::string_view::npos) v = v.substr(0, comma);
    while (!v.empty() && v.front() == ' ') v.remove_prefix(1);
    while (!v.empty() && v.back() == ' ') v.remove_suffix(1);
    return v;
}

//! A connection's state, visible to the shutdown code of its own thread.
struct Conn {
    beast::tcp_stream* stream = nullptr;
    bool idle = true;
};

}  // namespace

struct ThreadCtx {
    asio::io_context ioc{1};
    std::optional<tcp::acceptor> acceptor;
    std::list<Conn> conns;
};

struct Server::Impl {
    ServerOptions options;
    const Router& router;
    auth::ClientStore& clients;
    Metrics& metrics;
    std::vector<std::unique_ptr<ThreadCtx>> threads;
    std::atomic<bool> stopping{false};
    std::vector<std::pair<std::string, std::string>> api_versions;
    int port = 0;
    asio::signal_set* signals = nullptr;

    Impl(ServerOptions o, const Router& r, auth::ClientStore& c, Metrics& m)
        : options(std::move(o)), router(r), clients(c), metrics(m) {}

    Result<std::string> BaseUrl(const Request& req) const {
        if (!options.public_base_url.empty()) return options.public_base_url;
        std::string_view scheme = "http";
        std::string_view host = req.Header("host");
        if (options.trust_forwarded) {
            auto fp = FirstValue(req.Header("x-forwarded-proto"));
            if (fp == "https" || fp == "http") scheme = fp;
            auto fh = FirstValue(req.Header("x-forwarded-host"));
            if (!fh.empty()) host = fh;
        }
        if (host.empty()) return fmt::format("http://localhost:{}", port);
        if (!ValidHost(host)) return Fail(Error::BadRequest("invalid_host", "De Host header is ongeldig."));
        return fmt::format("{}://{}", scheme, host);
    }

    asio::awaitable<std::pair<Response, const Route*>> Dispatch(Request& req) {
        auto base = BaseUrl(req);
        if (!base) {
            req.base_url = fmt::format("http://localhost:{}", port);
            co_return std::pair{ProblemResponse(base.error(), req), nullptr};
        }
        req.base_url = std::move(*base);
        auto match = router.Find(req.method, req.path, req);
        if (!match.route) {
            if (match.path_known) {
                Error e{
                    405,
                    "method_not_allowed",
                    "Methode niet toegestaan.",
                    fmt::format("Methode \"{}\" niet toegestaan.", MethodName(req.method)),
                    {}};
                co_return std::pair{ProblemResponse(e, req), nullptr};
            }
            co_return std::pair{ProblemResponse(Error::NotFound(), req), nullptr};
        }
        const Route* route = match.route;
        if (!route->access.is_public) {
            Result<auth::Principal> principal = Fail(Error::Internal("geen authenticatie"));
            if (route->access.authenticator) {
                const Authenticator& authenticate = *route->access.authenticator;
                principal = co_await authenticate(req);
            } else {
                principal = co_await clients.Authenticate(req.Header("authorization"));
            }
            if (!principal) co_return std::pair{ProblemResponse(principal.error(), req), route};
            bool allowed = route->access.any_of.empty();
            for (const auto& g : route->access.any_of) {
                if (principal->Has(g.component, g.scope)) {
                    allowed = true;
                    break;
                }
            }
            if (!allowed) co_return std::pair{ProblemResponse(Error::Forbidden(), req), route};
            req.principal = std::move(*principal);
        }
        if ((req.method == Method::kPost || req.method == Method::kPut || req.method == Method::kPatch) &&
            !req.body.empty()) {
            auto ct = req.Header("content-type");
            bool form = (route->options.form_data && ct.starts_with("multipart/form-data")) ||
                        (route->options.form_urlencoded && ct.starts_with("application/x-www-form-urlencoded"));
            if (!form && !ct.starts_with("application/json") && !ct.starts_with("application/merge-patch+json")) {
                Error e{
                    415,
                    "unsupported_media_type",
                    "Niet-ondersteund mediatype.",
                    fmt::format("Ongeldige media type \"{}\" in aanvraag.", ct),
                    {}};
                co_return std::pair{ProblemResponse(e, req), route};
            }
        }
        try {
            auto result = co_await route->handler(req);
            if (!result) co_return std::pair{ProblemResponse(result.error(), req), route};
            co_return std::pair{std::move(*result), route};
        } catch (const std::exception& ex) {
            log::Error("unhandled exception in handler", {{"route", route->pattern}, {"error", ex.what()}});
        }
        co_return std::pair{ProblemResponse(Error::Internal("Er is een onverwachte fout opgetreden."), req), route};
    }

    static Error TooLarge(std::uint64_t limit) {
        return Error{
            413,
            "request_too_large",
            "Request entity too large.",
            fmt::format("Het verzoek is groter dan {} bytes.", limit),
            {}};
    }

    //! The body limit for a request: larger than the server's for routes that take documents.
    std::uint64_t BodyLimit(const bhttp::request_parser<bhttp::string_body>& parser) const {
        // Most requests announce a small body (or none): no second route lookup for them.
        auto length = parser.content_length();
        if (length && *length <= options.body_limit) return options.body_limit;
        const auto& head = parser.get();
        auto parsed = boost::urls::parse_origin_form(head.target());
        if (!parsed) return options.body_limit;
        Request probe;
        auto match = router.Find(ToMethod(head.method()), parsed->path(), probe);
        if (match.route && match.route->options.body_limit > options.body_limit) return match.route->options.body_limit;
        return options.body_limit;
    }

    asio::awaitable<void> WriteSimple(beast::tcp_stream& stream, const Error& error, unsigned version) {
        Request dummy;
        dummy.base_url = fmt::format("http://localhost:{}", port);
        Response resp = ProblemResponse(error, dummy);
        bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(resp.status), version};
        res.set(bhttp::field::content_type, resp.content_type);
        res.keep_alive(false);
        res.body() = std::move(resp.body);
        res.prepare_payload();
        stream.expires_after(10s);
        co_await bhttp::async_write(stream, res, kTuple);
    }

    void Record(const Request& req, const Route* route, int status_code, std::chrono::steady_clock::time_point start) {
        double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        std::string_view route_label = route ? std::string_view(route->pattern) : std::string_view("unmatched");
        metrics.Record(MethodName(req.method), route_label, status_code, seconds);
        if (log::AccessLogEnabled()) {
            // No query string (it may carry personal data such as a BSN filter) and no user_id.
            std::string status = std::to_string(status_code);
            std::string ms = fmt::format("{:.3f}", seconds * 1000);
            log::Info(
                "request",
                {{"method", MethodName(req.method)},
                 {"route", route_label},
                 {"status", status},
                 {"ms", ms},
                 {"client_id", req.principal ? std::string_view(req.principal->client_id) : std::string_view()},
                 {"request_id", req.request_id}}
            );
        }
    }

    //! A response whose body is a file, sent in large pieces (a few hundred system calls for 100 MiB, not
    //! tens of thousands) with the connection's timeout on every write.
    asio::awaitable<bool> WriteFile(
        beast::tcp_stream& stream, const Request& req, Response& resp, unsigned version, bool keep_alive
    ) {
        int fd = ::open(resp.file_path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat st {};
        if (fd < 0 || ::fstat(fd, &st) != 0) {
            if (fd >= 0) ::close(fd);
            log::Error("cannot open a file to send", {{"error", std::strerror(errno)}});
            Error e = Error::Internal("De inhoud kon niet worden gelezen.");
            resp.status = e.status;
            co_await WriteSimple(stream, e, version);
            co_return false;  // WriteSimple closes the connection
        }
        struct Closer {
            int fd;
            ~Closer() { ::close(fd); }
        } closer{fd};
        auto size = static_cast<std::uint64_t>(st.st_size);
        bhttp::response<bhttp::empty_body> res{static_cast<bhttp::status>(resp.status), version};
        res.set(bhttp::field::server, "Thorbecke");
        if (!resp.content_type.empty()) res.set(bhttp::field::content_type, resp.content_type);
        for (const auto& [prefix, api_version] : api_versions) {
            if (req.path.starts_with(prefix)) res.set("API-version", api_version);
        }
        for (const auto& [k, v] : resp.headers) {
            // Several cookies are several Set-Cookie fields; any other header set twice keeps the last value.
            if (beast::iequals(k, "set-cookie")) {
                res.insert(k, v);
            } else {
                res.set(k, v);
            }
        }
        res.keep_alive(keep_alive);
        res.content_length(size);
        bhttp::response_serializer<bhttp::empty_body> sr{res};
        stream.expires_after(30s);
        auto [hec, hn] = co_await bhttp::async_write_header(stream, sr, kTuple);
        if (hec) co_return false;
        if (req.method == Method::kHead) co_return true;
        constexpr std::size_t kPiece = 256 * 1024;
        std::unique_ptr<char[]> piece(new char[kPiece]);
        std::uint64_t sent = 0;
        while (sent < size) {
            ssize_t n =
                ::pread(fd, piece.get(), std::min<std::uint64_t>(kPiece, size - sent), static_cast<off_t>(sent));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) co_return false;  // the file shrank or cannot be read: the client sees a short body
            stream.expires_after(30s);
            auto [wec, wn] =
                co_await asio::async_write(stream, asio::buffer(piece.get(), static_cast<std::size_t>(n)), kTuple);
            if (wec) co_return false;
            sent += static_cast<std::uint64_t>(n);
        }
        co_return true;
    }

    asio::awaitable<void> Session(ThreadCtx& tc, tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        auto conn_it = tc.conns.insert(tc.conns.end(), Conn{&stream, true});
        beast::flat_buffer buffer;
        for (;;) {
            if (stopping) break;
            bhttp::request_parser<bhttp::string_body> parser;
            // The header is read without a body limit (Beast would refuse an announced Content-Length above it
            // before the route's own limit is known); BodyLimit sets the real one before the body is read.
            parser.body_limit(boost::none);
            parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
            conn_it->idle = true;
            stream.expires_after(std::chrono::seconds(options.idle_timeout_seconds));
            auto [ec, n] = co_await bhttp::async_read_header(stream, buffer, parser, kTuple);
            conn_it->idle = false;
            if (ec) {
                // Errors are named locals before the co_await: GCC 12 destroys temporaries inside a co_await
                // expression twice.
                std::optional<Error> reply;
                if (ec == bhttp::error::header_limit) {
                    reply = Error{
                        431,
                        "header_too_large",
                        "Request headers too large.",
                        "De headers van het verzoek zijn te groot.",
                        {}};
                } else if (ec == bhttp::error::body_limit) {
                    reply = TooLarge(options.body_limit);
                } else if (ec != bhttp::error::end_of_stream && ec != beast::error::timeout && ec != asio::error::operation_aborted && ec != asio::error::connection_reset && ec != asio::error::eof && ec != asio::error::bad_descriptor) {
                    reply = Error::BadRequest("bad_request", "Het HTTP-verzoek is ongeldig.");
                }
                if (reply) co_await WriteSimple(stream, *reply, 11);
                break;
            }
            auto start = std::chrono::steady_clock::now();
            auto& head = parser.get();
            std::uint64_t limit = BodyLimit(parser);
            // Beast checks an announced length only when the header completes: compare it here.
            if (auto announced = parser.content_length(); announced && *announced > limit) {
                Error reply = TooLarge(limit);
                co_await WriteSimple(stream, reply, head.version());
                break;
            }
            // Only a body within the limit is asked for.
            if (beast::iequals(head[bhttp::field::expect], "100-continue")) {
                bhttp::response<bhttp::empty_body> cont{bhttp::status::continue_, head.version()};
                co_await bhttp::async_write(stream, cont, kTuple);
            }
            parser.body_limit(limit);
            // Large bodies (documents) get time in proportion: at least 1 MiB/s.
            stream.expires_after(std::max<std::chrono::seconds>(60s, std::chrono::seconds(limit >> 20)));
            // A large body is read in large pieces; the buffer shrinks back afterwards.
            bool large_body = parser.content_length().value_or(0) > 64 * 1024 || parser.chunked();
            if (large_body) buffer.reserve(256 * 1024);
            auto [ec2, n2] = co_await bhttp::async_read(stream, buffer, parser, kTuple);
            if (large_body) buffer.shrink_to_fit();
            if (ec2) {
                if (ec2 == bhttp::error::body_limit) {
                    Error reply = TooLarge(limit);
                    co_await WriteSimple(stream, reply, head.version());
                }
                break;
            }
            auto& raw = parser.get();
            Request req;
            req.method = ToMethod(raw.method());
            req.target = std::string(raw.target());
            for (const auto& f : raw) {
                std::string name(f.name_string());
                for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
                auto [it, inserted] = req.headers.emplace(std::move(name), std::string(f.value()));
                if (!inserted) {
                    it->second += ", ";
                    it->second += f.value();
                }
            }
            req.body = std::move(raw.body());
            req.request_id = NewUuid();

            Response resp;
            const Route* route = nullptr;
            auto parsed = boost::urls::parse_origin_form(req.target);
            if (!parsed) {
                // Characters a URL may not hold raw (`{`, `}`, `|`, …, as clients send unfilled template
                // placeholders) are read as if percent-encoded, as common servers do, rather than refused.
                std::string escaped;
                for (char c : req.target) {
                    auto u = static_cast<unsigned char>(c);
                    if (u <= 0x20 || u >= 0x7f || std::string_view("\"<>\\^`{|}").find(c) != std::string_view::npos) {
                        escaped += fmt::format("%{:02X}", u);
                    } else {
                        escaped += c;
                    }
                }
                req.target = std::move(escaped);
                parsed = boost::urls::parse_origin_form(req.target);
            }
            if (!parsed) {
                req.base_url = fmt::format("http://localhost:{}", port);
                resp = ProblemResponse(Error::BadRequest("bad_request", "Ongeldige URL in het verzoek."), req);
            } else {
                req.path = parsed->path();
                boost::urls::encoding_opts opts;
                opts.space_as_plus = true;
                for (auto p : parsed->params(opts)) req.query.Add(p.key, p.value);
                std::tie(resp, route) = co_await Dispatch(req);
            }

            bool keep_alive = raw.keep_alive() && !stopping;
            if (!resp.file_path.empty()) {
                auto sent = co_await WriteFile(stream, req, resp, raw.version(), keep_alive);
                if (!sent) break;
                Record(req, route, resp.status, start);
                if (!keep_alive) break;
                continue;
            }
            bhttp::response<bhttp::string_body> res{static_cast<bhttp::status>(resp.status), raw.version()};
            res.set(bhttp::field::server, "Thorbecke");
            if (!resp.content_type.empty()) res.set(bhttp::field::content_type, resp.content_type);
            for (const auto& [prefix, version] : api_versions) {
                if (req.path.starts_with(prefix)) res.set("API-version", version);
            }
            for (const auto& [k, v] : resp.headers) {
                // Several cookies are several Set-Cookie fields; any other header set twice keeps the last value.
                if (beast::iequals(k, "set-cookie")) {
                    res.insert(k, v);
                } else {
                    res.set(k, v);
                }
            }
            res.keep_alive(keep_alive);
            std::size_t body_size = resp.body.size();
            res.body() = std::move(resp.body);
            res.prepare_payload();
            if (req.method == Method::kHead) {
                // HEAD: the same headers as GET, Content-Length included, but no body.
                res.body().clear();
                res.content_length(body_size);
                bhttp::response_serializer<bhttp::string_body> sr{res};
                stream.expires_after(30s);
                auto [wec, wn] = co_await bhttp::async_write_header(stream, sr, kTuple);
                if (wec) break;
            } else {
                stream.expires_after(30s);
                auto [wec, wn] = co_await bhttp::async_write(stream, res, kTuple);
                if (wec) break;
            }
            Record(req, route, resp.status, start);
            if (!keep_alive) break;
        }
        beast::error_code ignored;
        stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
        tc.conns.erase(conn_it);
    }

    asio::awaitable<void> Accept(ThreadCtx& tc) {
        for (;;) {
            auto [ec, socket] = co_await tc.acceptor->async_accept(kTuple);
            if (ec) {
                if (ec == asio::error::operation_aborted || !tc.acceptor->is_open()) co_return;
                continue;  // e.g. EMFILE: keep serving the connections we have
            }
            socket.set_option(tcp::no_delay(true));
            asio::co_spawn(tc.ioc, Session(tc, std::move(socket)), asio::detached);
        }
    }
};

Server::Server(ServerOptions options, const Router& router, auth::ClientStore& clients, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, clients, metrics)) {}

Server::~Server() = default;

void Server::SetApiVersion(std::string prefix, std::string version) {
    impl_->api_versions.emplace_back(std::move(prefix), std::move(version));
}

bool Server::Listen() {
    int n = impl_->options.threads > 0 ? impl_->options.threads : static_cast<int>(std::thread::hardware_concurrency());
    if (n <= 0) n = 1;
    boost::system::error_code ec;
    auto address = asio::ip::make_address(impl_->options.host, ec);
    if (ec) {
        log::Error("invalid listen address", {{"host", impl_->options.host}});
        return false;
    }
    int port = impl_->options.port;
    for (int i = 0; i < n; ++i) {
        auto tc = std::make_unique<ThreadCtx>();
        tcp::endpoint ep{address, static_cast<unsigned short>(port)};
        tc->acceptor.emplace(tc->ioc);
        tc->acceptor->open(ep.protocol(), ec);
        if (!ec) tc->acceptor->set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) {
            int one = 1;
            ::setsockopt(tc->acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one));
        }
        if (!ec) tc->acceptor->bind(ep, ec);
        if (!ec) tc->acceptor->listen(asio::socket_base::max_listen_connections, ec);
        if (ec) {
            log::Error(
                "cannot listen",
                {{"address", impl_->options.host}, {"port", std::to_string(port)}, {"error", ec.message()}}
            );
            return false;
        }
        port = tc->acceptor->local_endpoint().port();  // with port 0, the others bind the same port
        impl_->threads.push_back(std::move(tc));
    }
    bound_port_ = port;
    impl_->port = port;
    return true;
}

void Server::Run() {
    auto& first = *impl_->threads.front();
    asio::signal_set signals(first.ioc, SIGINT, SIGTERM);
    impl_->signals = &signals;
    signals.async_wait([this](const boost::system::error_code& ec, int) {
        if (!ec) Stop();
    });
    for (auto& tc : impl_->threads) asio::co_spawn(tc->ioc, impl_->Accept(*tc), asio::detached);
    std::vector<std::thread> workers;
    for (std::size_t i = 1; i < impl_->threads.size(); ++i) {
        workers.emplace_back([tc = impl_->threads[i].get()] { tc->ioc.run(); });
    }
    first.ioc.run();
    for (auto& w : workers) w.join();
    impl_->signals = nullptr;
}

void Server::Stop() {
    if (impl_->stopping.exchange(true)) return;
    log::Info("shutting down: no new connections, finishing requests in flight");
    for (auto& tc_ptr : impl_->threads) {
        ThreadCtx* tc = tc_ptr.get();
        bool first = tc_ptr == impl_->threads.front();
        asio::co_spawn(
            tc->ioc,
            [this, tc, first]() -> asio::awaitable<void> {
                boost::system::error_code ec;
                if (first && impl_->signals) impl_->signals->cancel(ec);
                tc->acceptor->close(ec);
                for (auto& c : tc->conns) {
                    if (c.idle) c.stream->socket().close(ec);
                }
                // In-flight requests get the grace period; whatever still runs after it is cut off.
                auto deadline =
                    std::chrono::steady_clock::now() + std::chrono::seconds(impl_->options.shutdown_grace_seconds);
                asio::steady_timer timer(tc->ioc);
                while (!tc->conns.empty() && std::chrono::steady_clock::now() < deadline) {
                    timer.expires_after(20ms);
                    co_await timer.async_wait(kTuple);
                }
                if (!tc->conns.empty()) tc->ioc.stop();
            },
            asio::detached
        );
    }
}

}  // namespace thorbecke::http
