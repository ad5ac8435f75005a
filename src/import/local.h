#pragma once
// The import's view of this platform: the Catalogi, Zaken, Documenten and Besluiten services wired as the
// server wires them, their routes in a router, and requests dispatched to those routes in-process with an
// all-rights principal. A write is then exactly what an API request would do (validation, rules, one
// transaction with its audit trail and notification), without a network round trip.
#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/http/message.h"
#include "core/storage/database.h"

namespace thorbecke::importer {

//! The base URL this platform is addressed by during the import (stored URLs are relative to it).
inline constexpr std::string_view kLocalBase = "http://thorbecke.import";

class Local {
  public:
    static Result<std::unique_ptr<Local>> Open(
        storage::Database& db, const std::string& data_dir, std::uint64_t part_bytes, std::uint64_t max_bytes
    );
    ~Local();
    Local(const Local&) = delete;
    Local& operator=(const Local&) = delete;

    //! One request to a route of this platform. `path` below kLocalBase; `content_type` for the body.
    Result<http::Response> Call(
        http::Method method,
        std::string path,
        std::string body = {},
        std::string content_type = "application/json",
        std::string query = {}
    );

  private:
    struct Parts;
    Local();
    std::unique_ptr<Parts> parts_;
};

}  // namespace thorbecke::importer
