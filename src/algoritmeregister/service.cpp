#include "algoritmeregister/service.h"

#include <random>

#include <fmt/format.h>

#include "algoritmeregister/assessment.h"
#include "algoritmeregister/store.h"
#include "core/json/json.h"
#include "core/time.h"

namespace thorbecke::algoritmeregister {

namespace {

namespace bj = boost::json;

constexpr std::size_t kMaxReason = 2000;

std::string Text(const bj::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

Error InvalidState(State current, std::string_view what) {
    Error e = Error::Conflict(
        "invalid-state", fmt::format("{} kan niet: de registratie is nu '{}'.", what, StateName(current))
    );
    e.title = "Deze actie past niet bij de toestand van de registratie.";
    e.invalid_params.push_back(
        {"toestand", "invalid-state", fmt::format("De huidige toestand is '{}'.", StateName(current))}
    );
    return e;
}

Status RequireRole(const Actor& actor, std::string_view role, std::string_view what) {
    if (actor.HasRole(role)) return {};
    return Fail(Error::Forbidden(fmt::format("Alleen een {} kan {}.", role, what)));
}

Status RequireStaff(const Actor& actor) {
    if (actor.HasRole(kRedacteur) || actor.HasRole(kGoedkeurder)) return {};
    return Fail(Error::Forbidden("Alleen redacteuren en goedkeurders kunnen registraties bekijken."));
}

Status RequireOrganisation(const Actor& actor, const RegistrationRow& row) {
    if (row.organisation == actor.organisation) return {};
    return Fail(Error::Forbidden(
        fmt::format("Deze registratie is van {}. U werkt voor {}.", row.organisation, actor.organisation)
    ));
}

Result<std::string> CheckReason(const std::string& reden) {
    if (reden.find_first_not_of(" \t\r\n") == std::string::npos) {
        return Fail(Error::Field("reden", "required", "Geef een reden op."));
    }
    if (reden.size() > kMaxReason) {
        return Fail(
            Error::Field("reden", "max_length", fmt::format("De reden mag maximaal {} tekens lang zijn.", kMaxReason))
        );
    }
    return reden;
}

//! Validates and normalises a document for `actor`; the organisation is the actor's when not given.
Result<bj::object> Prepare(const Actor& actor, bj::object fields) {
    if (const auto* org = fields.if_contains("organization");
        !org || org->is_null() || (org->is_string() && org->as_string().empty())) {
        fields["organization"] = actor.organisation;
    }
    fields = Normalise(std::move(fields));
    std::vector<InvalidParam> errors = Validate(fields);
    const auto* org = fields.if_contains("organization");
    if (org && org->is_string() && org->as_string() != actor.organisation) {
        bool reported =
            std::any_of(errors.begin(), errors.end(), [](const InvalidParam& p) { return p.name == "organization"; });
        if (!reported) {
            errors.push_back(
                {"organization",
                 "invalid",
                 fmt::format("U kunt alleen registraties van uw eigen organisatie ({}) invoeren.", actor.organisation)}
            );
        }
    }
    if (!errors.empty()) {
        return Fail(Error::Validation(std::move(errors), "De registratie voldoet niet aan de Publicatiestandaard 1.0.")
        );
    }
    return fields;
}

std::string NewLars() {
    thread_local std::mt19937_64 gen{std::random_device{}()};
    std::uniform_int_distribution<int> dist(10000000, 99999999);
    return std::to_string(dist(gen));
}

Event MakeEvent(std::string kind, int version, const Actor& actor, std::string at, std::string reason = {}) {
    return Event{std::move(kind), version, actor.username, actor.display_name, std::move(at), std::move(reason)};
}

}  // namespace

Actor ActorFromPrincipal(const auth::Principal& p) {
    Actor a;
    a.username = p.user_id;
    a.display_name = p.user_representation.empty() ? p.user_id : p.user_representation;
    a.organisation = p.organisation;
    for (const auto& g : p.grants) {
        if (g.component == "algoritmeregister") a.roles.insert(g.scope);
    }
    return a;
}

Service::Service(storage::Database& db) : db_(db) {}

// A registration with its latest version, for the actor's organisation; `for_update` in a write transaction.
namespace {

struct Loaded {
    RegistrationRow row;
    bj::object fields;
};

//! The registration's row, for a staff member of its organisation.
asio::awaitable<Result<RegistrationRow>> LoadOwned(
    Store& store, storage::Session& s, const Actor& actor, const std::string& lars, bool for_update
) {
    auto row = co_await store.Load(s, lars, for_update);
    if (!row) co_return Fail(row.error());
    if (!*row) co_return Fail(Error::NotFound(fmt::format("Er is geen registratie met Algoritme-ID {}.", lars)));
    if (auto ok = RequireOrganisation(actor, **row); !ok) co_return Fail(ok.error());
    co_return std::move(**row);
}

//! The fields of the row's latest version.
asio::awaitable<Result<bj::object>> LatestFields(Store& store, storage::Session& s, const RegistrationRow& row) {
    auto version = co_await store.LoadVersion(s, row.lars, row.version);
    if (!version) co_return Fail(version.error());
    if (!*version) co_return Fail(Error::Internal("De laatste versie van de registratie ontbreekt."));
    co_return std::move((*version)->fields);
}

//! Runs `fn` in one write transaction (`write`) or one read (see Database::Read) and answers its result.
template <typename T>
asio::awaitable<Result<T>> Run(
    storage::Database& db, bool write, const std::function<asio::awaitable<Result<T>>(storage::Session&)>& fn
) {
    std::optional<T> out;
    storage::Database::TxFn tx = [&](storage::Session& s) -> asio::awaitable<Status> {
        auto r = co_await fn(s);
        if (!r) co_return Fail(r.error());
        out = std::move(*r);
        co_return Status{};
    };
    Status st;
    if (write) {
        st = co_await db.Transaction(tx);
    } else {
        st = co_await db.Read(tx);
    }
    if (!st) co_return Fail(st.error());
    co_return std::move(*out);
}

//! What a staff member reads of one registration of their organisation: `read` runs in one read after the
//! staff and organisation checks.
template <typename T>
asio::awaitable<Result<T>> ReadOwned(
    storage::Database& db,
    const Actor& actor,
    const std::string& lars,
    const std::function<asio::awaitable<Result<T>>(Store&, storage::Session&, RegistrationRow&)>& read
) {
    if (auto ok = RequireStaff(actor); !ok) co_return Fail(ok.error());
    Store store(db.dialect());
    std::function<asio::awaitable<Result<T>>(storage::Session&)> fn = [&](storage::Session& s
                                                                      ) -> asio::awaitable<Result<T>> {
        auto row = co_await LoadOwned(store, s, actor, lars, false);
        if (!row) co_return Fail(row.error());
        co_return co_await read(store, s, *row);
    };
    co_return co_await Run(db, false, fn);
}

//! A workflow step's own part. With the registration loaded for update it checks the state (and whatever else
//! the step asks), changes the row (and `fields` when it writes a new version), writes what only it writes,
//! and answers the event to record.
using Step = std::function<asio::awaitable<Result<Event>>(Store&, storage::Session&, Loaded&, const std::string& now)>;

//! One workflow step in one write transaction: the role check (and the reason's, when `reden` is given) first,
//! then the registration of the actor's organisation loaded for update, `step`, the row's new workflow columns
//! and the step's event.
asio::awaitable<Result<Registration>> Transition(
    storage::Database& db,
    const Actor& actor,
    const std::string& lars,
    std::string_view role,
    std::string_view what,
    const std::string* reden,
    const Step& step
) {
    if (auto ok = RequireRole(actor, role, what); !ok) co_return Fail(ok.error());
    if (reden) {
        if (auto reason = CheckReason(*reden); !reason) co_return Fail(reason.error());
    }
    Store store(db.dialect());
    std::function<asio::awaitable<Result<Registration>>(storage::Session&)> fn =
        [&](storage::Session& s) -> asio::awaitable<Result<Registration>> {
        auto row = co_await LoadOwned(store, s, actor, lars, true);
        if (!row) co_return Fail(row.error());
        auto fields = co_await LatestFields(store, s, *row);
        if (!fields) co_return Fail(fields.error());
        Loaded loaded{std::move(*row), std::move(*fields)};
        const std::string now = NowIso();
        auto event = co_await step(store, s, loaded, now);
        if (!event) co_return Fail(event.error());
        if (auto st = co_await store.UpdateWorkflow(s, loaded.row); !st) co_return Fail(st.error());
        if (auto st = co_await store.AddEvent(s, lars, std::move(*event)); !st) co_return Fail(st.error());
        co_return ToRegistration(loaded.row, std::move(loaded.fields));
    };
    co_return co_await Run(db, true, fn);
}

}  // namespace

asio::awaitable<Result<Registration>> Service::Create(const Actor& actor, bj::object fields) {
    if (auto ok = RequireRole(actor, kRedacteur, "een registratie aanmaken"); !ok) co_return Fail(ok.error());
    auto prepared = Prepare(actor, std::move(fields));
    if (!prepared) co_return Fail(prepared.error());
    Store store(db_.dialect());
    const std::string doc = json::Serialize(*prepared);
    std::function<asio::awaitable<Result<Registration>>(storage::Session&)> fn =
        [&](storage::Session& s) -> asio::awaitable<Result<Registration>> {
        std::string lars;
        for (int attempt = 0; attempt < 20 && lars.empty(); ++attempt) {
            std::string candidate = NewLars();
            auto taken = co_await store.Exists(s, candidate);
            if (!taken) co_return Fail(taken.error());
            if (!*taken) lars = candidate;
        }
        if (lars.empty()) co_return Fail(Error::Internal("Geen vrij Algoritme-ID gevonden."));
        const std::string now = NowIso();
        RegistrationRow row;
        row.lars = lars;
        row.organisation = actor.organisation;
        row.state = State::kConcept;
        row.version = 1;
        row.last_author = actor.username;
        row.created_at = now;
        row.updated_at = now;
        if (auto st = co_await store.Insert(s, row); !st) co_return Fail(st.error());
        VersionInfo info{1, actor.username, actor.display_name, now};
        if (auto st = co_await store.InsertVersion(s, lars, info, doc); !st) co_return Fail(st.error());
        if (auto st = co_await store.AddEvent(s, lars, MakeEvent("aanmaken", 1, actor, now)); !st) {
            co_return Fail(st.error());
        }
        co_return ToRegistration(row, *prepared);
    };
    co_return co_await Run(db_, true, fn);
}

asio::awaitable<Result<Registration>> Service::Save(const Actor& actor, std::string lars, bj::object fields) {
    Step step = [&](Store& store, storage::Session& s, Loaded& loaded, const std::string& now
                ) -> asio::awaitable<Result<Event>> {
        RegistrationRow& row = loaded.row;
        if (row.state == State::kTerGoedkeuring) {
            co_return Fail(InvalidState(row.state, "Wijzigen terwijl de registratie ter goedkeuring ligt"));
        }
        auto prepared = Prepare(actor, std::move(fields));
        if (!prepared) co_return Fail(prepared.error());
        // From gepubliceerd or teruggetrokken a save starts a new concept; what is public stays until a newer
        // version is published.
        row.state = State::kConcept;
        row.version += 1;
        row.last_author = actor.username;
        row.released_by.clear();
        row.updated_at = now;
        VersionInfo info{row.version, actor.username, actor.display_name, now};
        if (auto st = co_await store.InsertVersion(s, lars, info, json::Serialize(*prepared)); !st) {
            co_return Fail(st.error());
        }
        loaded.fields = std::move(*prepared);
        co_return MakeEvent("opslaan", row.version, actor, now);
    };
    co_return co_await Transition(db_, actor, lars, kRedacteur, "een registratie opslaan", nullptr, step);
}

asio::awaitable<Result<Registration>> Service::Get(const Actor& actor, std::string lars) {
    std::function<asio::awaitable<Result<Registration>>(Store&, storage::Session&, RegistrationRow&)> read =
        [](Store& store, storage::Session& s, RegistrationRow& row) -> asio::awaitable<Result<Registration>> {
        auto fields = co_await LatestFields(store, s, row);
        if (!fields) co_return Fail(fields.error());
        co_return ToRegistration(row, std::move(*fields));
    };
    co_return co_await ReadOwned(db_, actor, lars, read);
}

asio::awaitable<Result<Page<Registration>>> Service::ListOwn(const Actor& actor, OwnFilter filter) {
    if (auto ok = RequireStaff(actor); !ok) co_return Fail(ok.error());
    Store store(db_.dialect());
    std::function<asio::awaitable<Result<Page<Registration>>>(storage::Session&)> fn =
        [&](storage::Session& s) -> asio::awaitable<Result<Page<Registration>>> {
        co_return co_await store.ListOwn(s, actor.organisation, filter);
    };
    co_return co_await Run(db_, false, fn);
}

asio::awaitable<Result<std::vector<VersionInfo>>> Service::Versions(const Actor& actor, std::string lars) {
    std::function<asio::awaitable<Result<std::vector<VersionInfo>>>(Store&, storage::Session&, RegistrationRow&)> read =
        [&](Store& store, storage::Session& s, RegistrationRow&) { return store.Versions(s, lars); };
    co_return co_await ReadOwned(db_, actor, lars, read);
}

asio::awaitable<Result<Version>> Service::GetVersion(const Actor& actor, std::string lars, int number) {
    std::function<asio::awaitable<Result<Version>>(Store&, storage::Session&, RegistrationRow&)> read =
        [&](Store& store, storage::Session& s, RegistrationRow&) -> asio::awaitable<Result<Version>> {
        auto v = co_await store.LoadVersion(s, lars, number);
        if (!v) co_return Fail(v.error());
        if (!*v) co_return Fail(Error::NotFound(fmt::format("Registratie {} heeft geen versie {}.", lars, number)));
        co_return std::move(**v);
    };
    co_return co_await ReadOwned(db_, actor, lars, read);
}

asio::awaitable<Result<Registration>> Service::Release(const Actor& actor, std::string lars) {
    Step step = [&](Store&, storage::Session&, Loaded& loaded, const std::string& now
                ) -> asio::awaitable<Result<Event>> {
        RegistrationRow& row = loaded.row;
        if (row.state != State::kConcept) co_return Fail(InvalidState(row.state, "Vrijgeven"));
        row.state = State::kTerGoedkeuring;
        row.released_by = actor.username;
        row.updated_at = now;
        co_return MakeEvent("vrijgeven", row.version, actor, now);
    };
    co_return co_await Transition(db_, actor, lars, kRedacteur, "een registratie vrijgeven", nullptr, step);
}

asio::awaitable<Result<Registration>> Service::Publish(const Actor& actor, std::string lars) {
    Step step = [&](Store& store, storage::Session& s, Loaded& loaded, const std::string& now
                ) -> asio::awaitable<Result<Event>> {
        RegistrationRow& row = loaded.row;
        if (row.state != State::kTerGoedkeuring) co_return Fail(InvalidState(row.state, "Publiceren"));
        // Two people: who wrote or released the version does not publish it.
        if (row.last_author == actor.username) {
            co_return Fail(
                Error::Forbidden("U heeft deze versie zelf geschreven. Een andere goedkeurder moet haar publiceren.")
            );
        }
        if (row.released_by == actor.username) {
            co_return Fail(
                Error::Forbidden("U heeft deze versie zelf vrijgegeven. Een andere goedkeurder moet haar publiceren.")
            );
        }
        const std::string category = Text(loaded.fields, "publication_category");
        const std::string status = Text(loaded.fields, "status");
        auto missing = co_await MissingForPublication(s, lars, category, status);
        if (!missing) co_return Fail(missing.error());
        if (!missing->empty()) {
            Error e{
                409,
                "assessment-required",
                "Er is eerst een afgeronde impacttoets nodig.",
                AssessmentRequiredDetail(),
                std::move(*missing)};
            co_return Fail(std::move(e));
        }
        auto outcome = co_await PublicOutcome(s, lars);
        if (!outcome) co_return Fail(outcome.error());
        row.state = State::kGepubliceerd;
        row.released_by.clear();
        row.updated_at = now;
        row.pub_version = row.version;
        row.pub_at = now;
        row.pub_by = actor.username;
        if (auto st = co_await store.SetPublished(s, lars, row.version, loaded.fields, now, actor.username, *outcome);
            !st) {
            co_return Fail(st.error());
        }
        co_return MakeEvent("publiceren", row.version, actor, now);
    };
    co_return co_await Transition(db_, actor, lars, kGoedkeurder, "een registratie publiceren", nullptr, step);
}

asio::awaitable<Result<Registration>> Service::Reject(const Actor& actor, std::string lars, std::string reden) {
    Step step = [&](Store&, storage::Session&, Loaded& loaded, const std::string& now
                ) -> asio::awaitable<Result<Event>> {
        RegistrationRow& row = loaded.row;
        if (row.state != State::kTerGoedkeuring) co_return Fail(InvalidState(row.state, "Afwijzen"));
        row.state = State::kConcept;
        row.released_by.clear();
        row.updated_at = now;
        co_return MakeEvent("afwijzen", row.version, actor, now, reden);
    };
    co_return co_await Transition(db_, actor, lars, kGoedkeurder, "een registratie afwijzen", &reden, step);
}

asio::awaitable<Result<Registration>> Service::Retract(const Actor& actor, std::string lars, std::string reden) {
    Step step = [&](Store& store, storage::Session& s, Loaded& loaded, const std::string& now
                ) -> asio::awaitable<Result<Event>> {
        RegistrationRow& row = loaded.row;
        // Whatever is public can be withdrawn, also while a newer concept is being written (that concept stays).
        if (!row.pub_version) co_return Fail(InvalidState(row.state, "Terugtrekken"));
        const int withdrawn = *row.pub_version;
        if (row.state == State::kGepubliceerd) row.state = State::kTeruggetrokken;
        row.updated_at = now;
        row.pub_version.reset();
        row.pub_at.clear();
        row.pub_by.clear();
        if (auto st = co_await store.ClearPublished(s, lars); !st) co_return Fail(st.error());
        co_return MakeEvent("terugtrekken", withdrawn, actor, now, reden);
    };
    co_return co_await Transition(db_, actor, lars, kGoedkeurder, "een registratie terugtrekken", &reden, step);
}

asio::awaitable<Result<std::vector<Event>>> Service::History(const Actor& actor, std::string lars) {
    std::function<asio::awaitable<Result<std::vector<Event>>>(Store&, storage::Session&, RegistrationRow&)> read =
        [&](Store& store, storage::Session& s, RegistrationRow&) { return store.Events(s, lars, false); };
    co_return co_await ReadOwned(db_, actor, lars, read);
}

asio::awaitable<Result<Page<PublishedRecord>>> Service::ListPublished(PublicFilter filter) {
    Store store(db_.dialect());
    // One read: the page and its total from the same snapshot.
    std::function<asio::awaitable<Result<Page<PublishedRecord>>>(storage::Session&)> fn =
        [&](storage::Session& s) -> asio::awaitable<Result<Page<PublishedRecord>>> {
        co_return co_await store.ListPublished(s, filter);
    };
    co_return co_await Run(db_, false, fn);
}

asio::awaitable<Result<PublishedRecord>> Service::GetPublished(std::string lars) {
    Store store(db_.dialect());
    storage::AutocommitSession s(db_);
    auto r = co_await store.GetPublished(s, lars);
    if (!r) co_return Fail(r.error());
    if (!*r)
        co_return Fail(Error::NotFound(fmt::format("Er is geen gepubliceerd algoritme met Algoritme-ID {}.", lars)));
    co_return std::move(**r);
}

asio::awaitable<Result<PublishedHistory>> Service::GetPublishedHistory(std::string lars) {
    Store store(db_.dialect());
    std::function<asio::awaitable<Result<PublishedHistory>>(storage::Session&)> fn =
        [&](storage::Session& s) -> asio::awaitable<Result<PublishedHistory>> {
        auto current = co_await store.GetPublished(s, lars);
        if (!current) co_return Fail(current.error());
        if (!*current) {
            co_return Fail(Error::NotFound(fmt::format("Er is geen gepubliceerd algoritme met Algoritme-ID {}.", lars))
            );
        }
        auto versions = co_await store.PublishedVersions(s, lars);
        if (!versions) co_return Fail(versions.error());
        auto events = co_await store.Events(s, lars, true);
        if (!events) co_return Fail(events.error());
        PublishedHistory out;
        out.lars = lars;
        out.name = Text((*current)->fields, "name");
        out.versions = std::move(*versions);
        out.events = std::move(*events);
        co_return out;
    };
    co_return co_await Run(db_, false, fn);
}

asio::awaitable<Result<std::int64_t>> Service::PublicationStamp() {
    Store store(db_.dialect());
    storage::AutocommitSession s(db_);
    co_return co_await store.LastEvent(s);
}

asio::awaitable<Result<std::vector<PublishedRecord>>> Service::AllPublished() {
    Store store(db_.dialect());
    storage::AutocommitSession s(db_);
    co_return co_await store.AllPublished(s);
}

asio::awaitable<Result<std::vector<Organisation>>> Service::Organisations() {
    Store store(db_.dialect());
    storage::AutocommitSession s(db_);
    co_return co_await store.Organisations(s);
}

asio::awaitable<Result<std::optional<Organisation>>> Service::OrganisationBySlug(std::string slug) {
    auto all = co_await Organisations();
    if (!all) co_return Fail(all.error());
    for (auto& o : *all) {
        if (o.slug == slug) co_return std::optional<Organisation>(std::move(o));
    }
    co_return std::optional<Organisation>();
}

}  // namespace thorbecke::algoritmeregister
