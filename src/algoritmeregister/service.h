#pragma once
// The algorithm register's operations, shared by the API routes and the web pages: validate a registration
// against Publicatiestandaard 1.0, keep every save as a version, run the two-person workflow (redacteur
// releases, another goedkeurder publishes, rejects or retracts) with its history, and answer the public
// questions (published list with filters and paging, one published record, its history, organisations).
//
// Errors are core Errors ready for problem+json: 400 "invalid" with invalid_params named as the schema's
// fields, 403 for a wrong role, organisation or the same person publishing, 404 for an unknown lars (or
// another organisation's), 409 "invalid-state" for an action the current state does not allow, and 409
// "assessment-required" (from the assessment gate) when publication needs a completed assessment.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "algoritmeregister/model.h"
#include "core/auth/principal.h"
#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::algoritmeregister {

namespace asio = boost::asio;

//! The standard's rules on one document (required, maxLength, enum, pattern, const, uri, theme values, no
//! unknown fields); every fault, in field order. Does not check the organisation.
std::vector<InvalidParam> Validate(const boost::json::object& fields);
//! What Create and Save store: the fields in the schema's order, null and empty optional texts left out,
//! duplicate themes once, `language` and `schema` filled in when absent (unknown fields are kept for Validate).
boost::json::object Normalise(boost::json::object fields);

//! The actor a staff token's principal stands for (display name: the username; the routes fill it in from the
//! account when they can).
Actor ActorFromPrincipal(const auth::Principal& p);

class Service {
  public:
    explicit Service(storage::Database& db);

    // --- staff -------------------------------------------------------------------------------------------
    //! A new registration (redacteur) as version 1, state concept. `language` and `schema` are filled in
    //! when absent; `organization` must be the actor's organisation.
    asio::awaitable<Result<Registration>> Create(const Actor& actor, boost::json::object fields);
    //! Saves a new version (redacteur). From gepubliceerd/teruggetrokken it starts a new concept; the
    //! published version stays public. While ter-goedkeuring: 409.
    asio::awaitable<Result<Registration>> Save(const Actor& actor, std::string lars, boost::json::object fields);
    asio::awaitable<Result<Registration>> Get(const Actor& actor, std::string lars);
    //! The actor's organisation's registrations, newest change first.
    asio::awaitable<Result<Page<Registration>>> ListOwn(const Actor& actor, OwnFilter filter);
    asio::awaitable<Result<std::vector<VersionInfo>>> Versions(const Actor& actor, std::string lars);
    asio::awaitable<Result<Version>> GetVersion(const Actor& actor, std::string lars, int number);
    //! concept -> ter-goedkeuring (redacteur).
    asio::awaitable<Result<Registration>> Release(const Actor& actor, std::string lars);
    //! ter-goedkeuring -> gepubliceerd (goedkeurder, neither the author of the version nor who released it;
    //! the assessment gate applies).
    asio::awaitable<Result<Registration>> Publish(const Actor& actor, std::string lars);
    //! ter-goedkeuring -> concept (goedkeurder), with a reason.
    asio::awaitable<Result<Registration>> Reject(const Actor& actor, std::string lars, std::string reden);
    //! gepubliceerd -> teruggetrokken (goedkeurder), with a reason: nothing of it is public any more.
    asio::awaitable<Result<Registration>> Retract(const Actor& actor, std::string lars, std::string reden);
    //! Every event, oldest first.
    asio::awaitable<Result<std::vector<Event>>> History(const Actor& actor, std::string lars);

    // --- public ------------------------------------------------------------------------------------------
    asio::awaitable<Result<Page<PublishedRecord>>> ListPublished(PublicFilter filter);
    asio::awaitable<Result<PublishedRecord>> GetPublished(std::string lars);
    asio::awaitable<Result<PublishedHistory>> GetPublishedHistory(std::string lars);
    //! Every published record, ordered by lars (open data).
    asio::awaitable<Result<std::vector<PublishedRecord>>> AllPublished();
    //! Changes whenever what is published may have changed (publication, retraction): a key for caches.
    asio::awaitable<Result<std::int64_t>> PublicationStamp();
    //! Organisations with published registrations, by name.
    asio::awaitable<Result<std::vector<Organisation>>> Organisations();
    //! An organisation (with published registrations) by its slug; nullopt when none.
    asio::awaitable<Result<std::optional<Organisation>>> OrganisationBySlug(std::string slug);
    //! The permitted themes (the filter's choices).
    static const std::vector<std::string>& ThemeChoices() { return Themes(); }

    // --- demo --------------------------------------------------------------------------------------------
    //! Loads the two example registrations of the specs, released for approval by a demo editor, when the
    //! register holds no registration of their organisations yet. They are not published: the gate asks for an
    //! assessment first.
    asio::awaitable<Status> LoadDemoData();

  private:
    storage::Database& db_;
};

}  // namespace thorbecke::algoritmeregister
