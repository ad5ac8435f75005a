#pragma once
// Settings for one Thorbecke process: command-line flags win over THORBECKE_* environment variables,
// which win over the defaults.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "core/http/server.h"

namespace thorbecke {

struct Config {
    http::ServerOptions server;
    std::string data_dir = "var";
    std::string db_url;  // empty: sqlite://<data_dir>/thorbecke.db
    bool demo = false;
    std::string referentielijsten_url;  // empty: serve and use the built-in selectielijst
    std::int64_t jwt_leeway_seconds = 300;
    std::int64_t jwt_max_age_seconds = 0;
    std::int64_t auth_cache_milliseconds = 1000;  // how long a node reuses a client's rights
    int db_connections_per_thread = 2;
    bool access_log = true;
    // Documenten API content: a whole document, a JSON body with base64 content, one part of an upload.
    std::uint64_t document_max_bytes = 4ULL << 30;
    std::uint64_t document_inline_max_bytes = 128ULL << 20;
    std::uint64_t document_part_bytes = 16ULL << 20;
    // Notificaties: delivery to abonnementen (notificaties/dispatcher.h).
    double notificaties_retry_hours = 24;  // retried this long, then the delivery is marked failed
    std::int64_t notificaties_timeout_ms = 10'000;
    std::int64_t notificaties_backoff_ms = 1'000;
    std::int64_t notificaties_backoff_max_ms = 600'000;
    std::int64_t notificaties_poll_ms = 500;
    int notificaties_concurrency = 32;
    //! Callback hosts that may be on a private or loopback address (host names or IP literals); all others
    //! must resolve to public addresses (no requests into the server's own network).
    std::vector<std::string> notificaties_allowed_hosts;

    [[nodiscard]] std::string DatabaseUrl() const;
};

//! Parses `serve` flags (args after the sub-command). Unknown flags are an error.
Result<Config> ParseServeArgs(const std::vector<std::string>& args);

//! Reads THORBECKE_* variables into a config (used for defaults before flags).
void ApplyEnvironment(Config& config);

std::string ServeUsage();

}  // namespace thorbecke
