#pragma once
// The register's tables. A registration row carries its workflow state and, denormalised, what is public
// of it (the last published version's fields, name, status, category, search text and assessment outcome),
// so public lists are one indexed query. Versions keep every saved document; events the history; themes the
// published version's themes for the theme filter.
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "algoritmeregister/model.h"
#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::algoritmeregister {

namespace asio = boost::asio;

//! One row of algoritmeregister_registratie.
struct RegistrationRow {
    std::string lars;
    std::string organisation;
    State state = State::kConcept;
    int version = 0;
    std::string last_author;
    std::string released_by;
    std::string created_at;
    std::string updated_at;
    std::optional<int> pub_version;
    std::string pub_at;
    std::string pub_by;
};

//! The registration `row` stands for, with its latest version's `fields`.
Registration ToRegistration(const RegistrationRow& row, boost::json::object fields);

class Store {
  public:
    explicit Store(storage::Dialect dialect) : dialect_(dialect) {}
    static std::vector<storage::Migration> Migrations();

    //! FOR UPDATE on PostgreSQL when `for_update`.
    asio::awaitable<Result<std::optional<RegistrationRow>>> Load(
        storage::Session& s, std::string lars, bool for_update
    );
    asio::awaitable<Result<bool>> Exists(storage::Session& s, std::string lars);
    asio::awaitable<Status> Insert(storage::Session& s, RegistrationRow row);
    //! Writes state, version, last_author, released_by, updated_at.
    asio::awaitable<Status> UpdateWorkflow(storage::Session& s, const RegistrationRow& row);

    asio::awaitable<Status> InsertVersion(storage::Session& s, std::string lars, VersionInfo info, std::string doc);
    asio::awaitable<Result<std::optional<Version>>> LoadVersion(storage::Session& s, std::string lars, int n);
    asio::awaitable<Result<std::vector<VersionInfo>>> Versions(storage::Session& s, std::string lars);

    asio::awaitable<Status> AddEvent(storage::Session& s, std::string lars, Event e);
    asio::awaitable<Result<std::vector<Event>>> Events(storage::Session& s, std::string lars, bool public_only);

    //! Makes `version` the public one: the denormalised columns, its themes, the version's publication stamp.
    asio::awaitable<Status> SetPublished(
        storage::Session& s,
        std::string lars,
        int version,
        const boost::json::object& fields,
        std::string at,
        std::string by,
        std::optional<boost::json::object> toetsing
    );
    //! Nothing of it is public any more.
    asio::awaitable<Status> ClearPublished(storage::Session& s, std::string lars);

    asio::awaitable<Result<Page<Registration>>> ListOwn(
        storage::Session& s, std::string organisation, OwnFilter filter
    );
    asio::awaitable<Result<Page<PublishedRecord>>> ListPublished(storage::Session& s, PublicFilter filter);
    asio::awaitable<Result<std::optional<PublishedRecord>>> GetPublished(storage::Session& s, std::string lars);
    asio::awaitable<Result<std::vector<PublishedRecord>>> AllPublished(storage::Session& s);
    //! The number of the latest event (0 when none): every change to what is published adds one.
    asio::awaitable<Result<std::int64_t>> LastEvent(storage::Session& s);
    asio::awaitable<Result<std::vector<PublishedVersion>>> PublishedVersions(storage::Session& s, std::string lars);
    asio::awaitable<Result<std::vector<Organisation>>> Organisations(storage::Session& s);
    asio::awaitable<Result<bool>> OrganisationHasRegistrations(storage::Session& s, std::string organisation);

  private:
    storage::Dialect dialect_;
};

//! Lower case for search: ASCII and the accented Latin letters Dutch texts use (UTF-8).
std::string SearchLower(std::string_view s);

}  // namespace thorbecke::algoritmeregister
