#pragma once
// The HTTP/1.1 server: Boost.Beast on Asio with C++20 coroutines. One io_context per thread, each with its
// own SO_REUSEPORT acceptor, so the kernel spreads connections and threads share nothing on the hot path.
// Keep-alive, request size limits, graceful shutdown on SIGTERM/SIGINT.
#include <atomic>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/auth/clients.h"
#include "core/http/router.h"
#include "core/metrics.h"

namespace thorbecke::http {

struct ServerOptions {
    std::string host = "0.0.0.0";
    int port = 8000;
    int threads = 0;                       // 0: one per core
    std::size_t body_limit = 1024 * 1024;  // larger bodies get 413
    std::size_t header_limit = 16 * 1024;
    int idle_timeout_seconds = 60;    // keep-alive connections idle longer are closed
    int shutdown_grace_seconds = 10;  // in-flight requests get this long after SIGTERM
    bool trust_forwarded = false;     // honour X-Forwarded-Proto/Host (only behind a trusted proxy)
    std::string public_base_url;      // fixed base URL for resource URLs; empty: from the request
};

class Server {
  public:
    Server(ServerOptions options, const Router& router, auth::ClientStore& clients, Metrics& metrics);
    ~Server();

    //! Adds a response header `API-version` for paths under `prefix` (ZGW asks for it).
    void SetApiVersion(std::string prefix, std::string version);

    //! Binds the listening sockets; fails (returns false, logs why) when the port is taken.
    bool Listen();
    //! Runs until Stop() or SIGTERM/SIGINT, then drains in-flight requests.
    void Run();
    //! Asks the server to stop; safe from any thread.
    void Stop();
    //! The port actually bound (useful with port 0).
    [[nodiscard]] int port() const { return bound_port_; }

    //! Handles one parsed request: routing, auth, handler, errors. Exposed for the session code.
    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
    int bound_port_ = 0;
};

}  // namespace thorbecke::http
