#include "core/config.h"

#include <cstdlib>

#include <fmt/format.h>

namespace thorbecke {

namespace {

// "a, b,,c" -> {"a", "b", "c"}
std::vector<std::string> SplitList(const std::string& text) {
    std::vector<std::string> items;
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(start, end - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        if (!item.empty()) items.push_back(std::move(item));
        start = end + 1;
    }
    return items;
}

std::optional<std::string> Env(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
}

Result<long> ToLong(const std::string& flag, const std::string& v) {
    try {
        std::size_t used = 0;
        long n = std::stol(v, &used);
        if (used != v.size()) throw std::invalid_argument(v);
        return n;
    } catch (const std::exception&) {
        return Fail(Error::Internal(fmt::format("{} expects a number, got '{}'", flag, v)));
    }
}

}  // namespace

std::string Config::DatabaseUrl() const {
    if (!db_url.empty()) return db_url;
    return fmt::format("sqlite://{}/thorbecke.db", data_dir);
}

void ApplyEnvironment(Config& c) {
    if (auto v = Env("THORBECKE_HOST")) c.server.host = *v;
    if (auto v = Env("THORBECKE_PORT")) c.server.port = std::atoi(v->c_str());
    if (auto v = Env("THORBECKE_THREADS")) c.server.threads = std::atoi(v->c_str());
    if (auto v = Env("THORBECKE_DATA_DIR")) c.data_dir = *v;
    if (auto v = Env("THORBECKE_DB")) c.db_url = *v;
    if (auto v = Env("THORBECKE_PUBLIC_URL")) c.server.public_base_url = *v;
    if (auto v = Env("THORBECKE_TRUST_FORWARDED")) c.server.trust_forwarded = (*v == "1" || *v == "true");
    if (auto v = Env("THORBECKE_REFERENTIELIJSTEN_URL")) c.referentielijsten_url = *v;
    if (auto v = Env("THORBECKE_BODY_LIMIT")) c.server.body_limit = std::strtoull(v->c_str(), nullptr, 10);
    if (auto v = Env("THORBECKE_JWT_LEEWAY")) c.jwt_leeway_seconds = std::atoll(v->c_str());
    if (auto v = Env("THORBECKE_JWT_MAX_AGE")) c.jwt_max_age_seconds = std::atoll(v->c_str());
    if (auto v = Env("THORBECKE_AUTH_CACHE_MS")) c.auth_cache_milliseconds = std::atoll(v->c_str());
    if (auto v = Env("THORBECKE_ACCESS_LOG")) c.access_log = !(*v == "0" || *v == "false");
    if (auto v = Env("THORBECKE_DOCUMENT_MAX_BYTES")) c.document_max_bytes = std::strtoull(v->c_str(), nullptr, 10);
    if (auto v = Env("THORBECKE_DOCUMENT_INLINE_MAX_BYTES"))
        c.document_inline_max_bytes = std::strtoull(v->c_str(), nullptr, 10);
    if (auto v = Env("THORBECKE_DOCUMENT_PART_BYTES")) c.document_part_bytes = std::strtoull(v->c_str(), nullptr, 10);
    if (auto v = Env("THORBECKE_NOTIFICATIES_ALLOWED_HOSTS")) c.notificaties_allowed_hosts = SplitList(*v);
    if (auto v = Env("THORBECKE_NOTIFICATIES_RETRY_HOURS"))
        c.notificaties_retry_hours = std::strtod(v->c_str(), nullptr);
}

Result<Config> ParseServeArgs(const std::vector<std::string>& args) {
    Config c;
    ApplyEnvironment(c);
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> Result<std::string> {
            if (i + 1 >= args.size()) return Fail(Error::Internal(fmt::format("{} needs a value", a)));
            return args[++i];
        };
        auto number = [&]() -> Result<long> {
            auto v = value();
            if (!v) return Fail(v.error());
            return ToLong(a, *v);
        };
        if (a == "--demo") {
            c.demo = true;
        } else if (a == "--trust-forwarded") {
            c.server.trust_forwarded = true;
        } else if (a == "--no-access-log") {
            c.access_log = false;
        } else if (a == "--host" || a == "--data-dir" || a == "--db" || a == "--public-url" || a == "--referentielijsten-url") {
            auto v = value();
            if (!v) return Fail(v.error());
            if (a == "--host") c.server.host = *v;
            if (a == "--data-dir") c.data_dir = *v;
            if (a == "--db") c.db_url = *v;
            if (a == "--public-url") c.server.public_base_url = *v;
            if (a == "--referentielijsten-url") c.referentielijsten_url = *v;
        } else if (a == "--port" || a == "--threads" || a == "--body-limit" || a == "--jwt-leeway" || a == "--jwt-max-age" || a == "--auth-cache-ms" || a == "--db-connections") {
            auto n = number();
            if (!n) return Fail(n.error());
            if (a == "--port") c.server.port = static_cast<int>(*n);
            if (a == "--threads") c.server.threads = static_cast<int>(*n);
            if (a == "--body-limit") c.server.body_limit = static_cast<std::size_t>(*n);
            if (a == "--jwt-leeway") c.jwt_leeway_seconds = *n;
            if (a == "--jwt-max-age") c.jwt_max_age_seconds = *n;
            if (a == "--auth-cache-ms") c.auth_cache_milliseconds = *n;
            if (a == "--db-connections") c.db_connections_per_thread = static_cast<int>(*n);
        } else if (a == "--document-max-bytes" || a == "--document-inline-max-bytes" || a == "--document-part-bytes") {
            auto n = number();
            if (!n) return Fail(n.error());
            if (*n <= 0) return Fail(Error::Internal(fmt::format("{} must be positive", a)));
            auto bytes = static_cast<std::uint64_t>(*n);
            if (a == "--document-max-bytes") c.document_max_bytes = bytes;
            if (a == "--document-inline-max-bytes") c.document_inline_max_bytes = bytes;
            if (a == "--document-part-bytes") c.document_part_bytes = bytes;
        } else if (a == "--notificaties-allowed-hosts") {
            auto v = value();
            if (!v) return Fail(v.error());
            c.notificaties_allowed_hosts = SplitList(*v);
        } else if (a == "--notificaties-retry-hours") {
            auto v = value();
            if (!v) return Fail(v.error());
            char* end = nullptr;
            double hours = std::strtod(v->c_str(), &end);
            if (v->empty() || *end != '\0' || !(hours > 0))
                return Fail(Error::Internal(fmt::format("{} expects a positive number, got '{}'", a, *v)));
            c.notificaties_retry_hours = hours;
        } else if (a == "--notificaties-timeout-ms" || a == "--notificaties-backoff-ms" || a == "--notificaties-backoff-max-ms" || a == "--notificaties-poll-ms" || a == "--notificaties-concurrency") {
            auto n = number();
            if (!n) return Fail(n.error());
            if (*n <= 0) return Fail(Error::Internal(fmt::format("{} must be positive", a)));
            if (a == "--notificaties-timeout-ms") c.notificaties_timeout_ms = *n;
            if (a == "--notificaties-backoff-ms") c.notificaties_backoff_ms = *n;
            if (a == "--notificaties-backoff-max-ms") c.notificaties_backoff_max_ms = *n;
            if (a == "--notificaties-poll-ms") c.notificaties_poll_ms = *n;
            if (a == "--notificaties-concurrency") c.notificaties_concurrency = static_cast<int>(*n);
        } else {
            return Fail(Error::Internal(fmt::format("unknown option '{}'\n{}", a, ServeUsage())));
        }
    }
    while (c.server.public_base_url.ends_with('/')) c.server.public_base_url.pop_back();
    return c;
}

std::string ServeUsage() {
    return R"(thorbecke serve [options]
  --host ADDR               listen address (THORBECKE_HOST, default 0.0.0.0)
  --port N                  listen port (THORBECKE_PORT, default 8000)
  --threads N               IO threads (THORBECKE_THREADS, default: one per core)
  --data-dir DIR            data directory (THORBECKE_DATA_DIR, default ./var)
  --db URL                  sqlite:///path/file.db or postgresql://user@host:port/db
                            (THORBECKE_DB, default sqlite://<data-dir>/thorbecke.db)
  --db-connections N        PostgreSQL connections per IO thread (default 2)
  --demo                    load demo data and the demo client demo/demo-secret (never in production)
  --public-url URL          fixed base URL for resource URLs (THORBECKE_PUBLIC_URL)
  --trust-forwarded         build URLs from X-Forwarded-Proto/Host (only behind your own proxy)
  --referentielijsten-url U use an external Referentielijsten API instead of the built-in selectielijst
  --body-limit BYTES        largest accepted request body (default 1048576)
  --jwt-leeway SECONDS      allowed clock skew for JWT iat/exp (default 300)
  --jwt-max-age SECONDS     refuse JWTs issued longer ago than this (default 0: no limit)
  --auth-cache-ms MS        reuse a client's secret and rights this long before re-reading them (default 1000)
  --no-access-log           do not write the per-request access log
  --document-max-bytes N    largest document (THORBECKE_DOCUMENT_MAX_BYTES, default 4 GiB)
  --document-inline-max-bytes N
                            largest JSON body with base64 content (THORBECKE_DOCUMENT_INLINE_MAX_BYTES, default 128 MiB)
  --document-part-bytes N   size of the parts of a large upload (THORBECKE_DOCUMENT_PART_BYTES, default 16 MiB)
  --notificaties-allowed-hosts H1,H2
                            callback hosts that may be on private or loopback addresses
                            (THORBECKE_NOTIFICATIES_ALLOWED_HOSTS, default none: only public addresses)
  --notificaties-retry-hours H
                            retry a notification delivery this long, then mark it failed
                            (THORBECKE_NOTIFICATIES_RETRY_HOURS, default 24; fractions allowed)
  --notificaties-timeout-ms MS      deadline of one delivery POST (default 10000)
  --notificaties-backoff-ms MS      wait after the first failed delivery, doubling per failure (default 1000)
  --notificaties-backoff-max-ms MS  longest wait between delivery attempts (default 600000)
  --notificaties-poll-ms MS         look for deliveries from other processes this often (default 500)
  --notificaties-concurrency N      delivery POSTs in flight per node (default 32)
)";
}

}  // namespace thorbecke
