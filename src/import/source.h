#pragma once
// The source of `thorbecke import`: another ZGW implementation, read through its public APIs only. Every
// request carries a fresh HS256 JWT (client_id, iss, iat) as the ZGW standards describe; lists are followed
// page by page through `next`; document content is streamed to a file, never held whole in memory.
// Blocking I/O: the import is a command-line run, one request at a time.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <boost/json/value.hpp>

#include "core/error.h"

namespace thorbecke::importer {

struct SourceOptions {
    std::string base_url;  // scheme://host[:port][/prefix], without a trailing slash
    std::string client_id;
    std::string secret;
    std::string ca_file;  // https: trust this PEM bundle instead of the system's
    int timeout_seconds = 60;
    std::size_t max_json_bytes = 64 << 20;
};

class Source {
  public:
    explicit Source(SourceOptions options);
    ~Source();
    Source(const Source&) = delete;
    Source& operator=(const Source&) = delete;

    [[nodiscard]] const std::string& base_url() const { return options_.base_url; }

    //! GET of an absolute URL (or a path below base_url) answered with JSON. Errors: 503 "unreachable",
    //! 401/403 "credentials" when the source refuses the token, other statuses as "source-status".
    Result<boost::json::value> GetJson(const std::string& url_or_path);
    //! Every item of a list endpoint, page by page (`results` + `next`), or a plain JSON array. `total` is
    //! called once with the first page's `count` (or the array's size) before the first item.
    Status ForEach(
        const std::string& url_or_path,
        const std::function<void(std::int64_t)>& total,
        const std::function<Status(boost::json::object&)>& item
    );
    //! Streams the body of a GET to `file`; returns the number of bytes written.
    Result<std::uint64_t> Download(const std::string& url, const std::string& file);

  private:
    struct Impl;
    std::string Absolute(const std::string& url_or_path) const;
    SourceOptions options_;
    std::unique_ptr<Impl> impl_;
};

}  // namespace thorbecke::importer
