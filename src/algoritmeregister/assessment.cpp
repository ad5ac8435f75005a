// Impact assessments (IAMA inside Thorbecke, external assessments) and the assessment gate. Every write takes
// the registration's row lock first (store.h Load with for_update), the same lock the publish transaction
// holds, so a change cannot slip in between the gate's check and a publication.
#include "algoritmeregister/assessment.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "algoritmeregister/store.h"
#include "core/storage/multi_insert.h"
#include "core/storage/portable_schema.h"
#include "core/time.h"

namespace thorbecke::algoritmeregister {

namespace {

constexpr std::string_view kIama = "iama";
constexpr std::string_view kExtern = "extern";

// Input limits (in characters): long enough for a thorough answer, short enough to bound a request.
constexpr std::size_t kMaxAnswer = 20000;
constexpr std::size_t kMaxRemarks = 5000;
constexpr std::size_t kMaxRole = 200;
constexpr std::size_t kMaxText = 5000;
constexpr std::size_t kMaxLink = 500;  // beheer-config's max_length for impact assessment links
constexpr std::size_t kMaxItems = 200;

constexpr std::string_view kSchema = R"sql(
CREATE TABLE algoritmeregister_iama_antwoord (
    lars TEXT NOT NULL,
    vraag TEXT NOT NULL,
    antwoord TEXT NOT NULL,
    rol TEXT NOT NULL,
    opmerkingen TEXT NOT NULL,
    auteur TEXT NOT NULL,
    auteur_naam TEXT NOT NULL,
    tijd TEXT NOT NULL,
    PRIMARY KEY (lars, vraag)
);
CREATE TABLE algoritmeregister_iama_nvt (
    lars TEXT NOT NULL,
    deel TEXT NOT NULL,
    toelichting TEXT NOT NULL,
    auteur TEXT NOT NULL,
    auteur_naam TEXT NOT NULL,
    tijd TEXT NOT NULL,
    PRIMARY KEY (lars, deel)
);
CREATE TABLE algoritmeregister_externe_toets (
    lars TEXT PRIMARY KEY,
    soort TEXT NOT NULL,
    link TEXT NOT NULL,
    toelichting TEXT NOT NULL,
    auteur TEXT NOT NULL,
    auteur_naam TEXT NOT NULL,
    tijd TEXT NOT NULL
);
CREATE TABLE algoritmeregister_goedkeuring (
    seq {seq},
    lars TEXT NOT NULL,
    soort TEXT NOT NULL,
    door TEXT NOT NULL,
    door_naam TEXT NOT NULL,
    tijd TEXT NOT NULL,
    conclusie TEXT NOT NULL,
    toets_soort TEXT NOT NULL,
    link TEXT NOT NULL,
    vervallen_op TEXT,
    vervallen_door TEXT
);
CREATE INDEX algoritmeregister_goedkeuring_lars ON algoritmeregister_goedkeuring (lars, seq);
)sql";

std::size_t CodePoints(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

std::string Trim(std::string_view s) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
    while (!s.empty() && blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && blank(s.back())) s.remove_suffix(1);
    return std::string(s);
}

std::string Lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

//! A text field's faults: required (when `required`) and max_length.
void CheckText(
    std::vector<InvalidParam>& out, const std::string& name, const std::string& value, std::size_t max, bool required
) {
    if (required && value.empty()) {
        out.push_back({name, "required", "Dit veld is verplicht."});
    } else if (CodePoints(value) > max) {
        out.push_back({name, "max_length", "Dit veld mag hoogstens " + std::to_string(max) + " tekens bevatten."});
    }
}

//! The position of every question in the catalogue, to order answers.
const std::map<std::string, std::size_t, std::less<>>& QuestionOrder() {
    static const auto order = [] {
        std::map<std::string, std::size_t, std::less<>> out;
        for (const auto& part : IamaCatalogue()) {
            for (const auto& q : part.questions) out.emplace(q.urn, out.size());
        }
        return out;
    }();
    return order;
}

// --- reading -----------------------------------------------------------------------------------------------

struct Tagged {
    std::string soort;  // kIama or kExtern
    Approval approval;
};

//! Everything about one registration's assessments, read in four queries.
struct Loaded {
    std::vector<IamaAnswer> answers;
    std::vector<IamaNotApplicable> not_applicable;
    std::vector<Tagged> approvals;  // oldest first
    std::optional<ExternalAssessment> external;
};

asio::awaitable<Result<std::vector<Tagged>>> LoadApprovals(storage::Session& s, const std::string& lars) {
    auto r = co_await s.Query(
        "SELECT soort, door, door_naam, tijd, conclusie, toets_soort, link, vervallen_op, vervallen_door "
        "FROM algoritmeregister_goedkeuring WHERE lars = $1 ORDER BY seq",
        storage::MakeParams(lars)
    );
    if (!r) co_return Fail(r.error());
    std::vector<Tagged> out;
    for (std::size_t i = 0; i < r->size(); ++i) {
        Tagged t;
        t.soort = r->Text(i, 0);
        t.approval = Approval{
            r->Text(i, 1),
            r->Text(i, 2),
            r->Text(i, 3),
            r->Text(i, 4),
            r->Text(i, 5),
            r->Text(i, 6),
            r->Text(i, 7),
            r->Text(i, 8)};
        out.push_back(std::move(t));
    }
    co_return out;
}

asio::awaitable<Result<Loaded>> LoadAll(storage::Session& s, std::string lars) {
    Loaded out;
    auto answers = co_await s.Query(
        "SELECT vraag, antwoord, rol, opmerkingen, auteur, auteur_naam, tijd FROM algoritmeregister_iama_antwoord "
        "WHERE lars = $1",
        storage::MakeParams(lars)
    );
    if (!answers) co_return Fail(answers.error());
    for (std::size_t i = 0; i < answers->size(); ++i) {
        const auto* q = FindIamaQuestion(answers->Text(i, 0));
        if (!q) continue;  // a question no longer in the catalogue
        out.answers.push_back(IamaAnswer{
            q->urn,
            q->number,
            answers->Text(i, 1),
            answers->Text(i, 2),
            answers->Text(i, 3),
            answers->Text(i, 4),
            answers->Text(i, 5),
            answers->Text(i, 6)});
    }
    const auto& order = QuestionOrder();
    std::sort(out.answers.begin(), out.answers.end(), [&](const IamaAnswer& a, const IamaAnswer& b) {
        return order.find(a.vraag)->second < order.find(b.vraag)->second;
    });

    auto nvt = co_await s.Query(
        "SELECT deel, toelichting, auteur, auteur_naam, tijd FROM algoritmeregister_iama_nvt WHERE lars = $1",
        storage::MakeParams(lars)
    );
    if (!nvt) co_return Fail(nvt.error());
    for (const auto& part : IamaCatalogue()) {
        for (std::size_t i = 0; i < nvt->size(); ++i) {
            if (nvt->Text(i, 0) != part.id) continue;
            out.not_applicable.push_back(IamaNotApplicable{
                part.id, nvt->Text(i, 1), nvt->Text(i, 2), nvt->Text(i, 3), nvt->Text(i, 4)});
        }
    }

    auto approvals = co_await LoadApprovals(s, lars);
    if (!approvals) co_return Fail(approvals.error());
    out.approvals = std::move(*approvals);

    auto ext = co_await s.Query(
        "SELECT soort, link, toelichting, auteur, auteur_naam, tijd FROM algoritmeregister_externe_toets "
        "WHERE lars = $1",
        storage::MakeParams(lars)
    );
    if (!ext) co_return Fail(ext.error());
    if (!ext->empty()) {
        ExternalAssessment e;
        e.lars = lars;
        e.soort = ext->Text(0, 0);
        e.link = ext->Text(0, 1);
        e.toelichting = ext->Text(0, 2);
        e.author = ext->Text(0, 3);
        e.author_name = ext->Text(0, 4);
        e.at = ext->Text(0, 5);
        for (const auto& t : out.approvals) {
            if (t.soort != kExtern) continue;
            e.approvals.push_back(t.approval);
            if (t.approval.valid()) e.approval = t.approval;
        }
        out.external = std::move(e);
    }
    co_return out;
}

IamaState BuildIama(const std::string& lars, const Loaded& loaded) {
    IamaState st;
    st.lars = lars;
    st.answers = loaded.answers;
    st.not_applicable = loaded.not_applicable;
    std::set<std::string, std::less<>> answered;
    for (const auto& a : loaded.answers) answered.insert(a.vraag);
    st.complete = true;
    for (const auto& part : IamaCatalogue()) {
        IamaPartProgress p;
        p.deel = part.id;
        p.total = static_cast<int>(part.questions.size());
        p.not_applicable =
            std::any_of(loaded.not_applicable.begin(), loaded.not_applicable.end(), [&](const IamaNotApplicable& n) {
                return n.deel == part.id;
            });
        for (const auto& q : part.questions) {
            if (answered.contains(q.urn)) {
                ++p.answered;
            } else if (!p.not_applicable) {
                p.open.push_back(q.number);
            }
        }
        if (!p.complete()) st.complete = false;
        st.parts.push_back(std::move(p));
    }
    for (const auto& t : loaded.approvals) {
        if (t.soort != kIama) continue;
        st.sign_offs.push_back(t.approval);
        if (t.approval.valid()) st.sign_off = t.approval;
    }
    return st;
}

//! One item per incomplete part: name "iama.<deel>", the questions still open.
std::vector<InvalidParam> IncompleteParts(const IamaState& st) {
    std::vector<InvalidParam> out;
    for (const auto& p : st.parts) {
        if (p.complete()) continue;
        const auto* part = FindIamaPart(p.deel);
        std::string list;
        for (const auto& n : p.open) list += (list.empty() ? "" : ", ") + n;
        std::size_t open = p.open.size();
        std::string reason = "Deel " + p.deel + " (" + part->title + "): " + std::to_string(open) + " van " +
                             std::to_string(p.total) + (open == 1 ? " vragen is" : " vragen zijn") +
                             " nog niet beantwoord (" + list + ").";
        if (part->may_be_not_applicable)
            reason += " Is dit deel niet van toepassing? Leg dat dan vast met een toelichting.";
        out.push_back({"iama." + p.deel, "required", std::move(reason)});
    }
    return out;
}

// --- access ------------------------------------------------------------------------------------------------

//! The registration, when it exists and belongs to the actor's organisation; locked when `lock`.
asio::awaitable<Result<RegistrationRow>> OwnRegistration(
    storage::Database& db, storage::Session& s, const Actor& actor, const std::string& lars, bool lock
) {
    Store store(db.dialect());
    auto row = co_await store.Load(s, lars, lock);
    if (!row) co_return Fail(row.error());
    if (!*row) co_return Fail(Error::NotFound("Er is geen registratie met dit algoritme-ID."));
    if ((*row)->organisation != actor.organisation) {
        co_return Fail(Error::Forbidden("Deze registratie hoort bij een andere organisatie dan de uwe."));
    }
    co_return std::move(**row);
}

Status RequireRole(const Actor& actor, std::string_view role, std::string_view what) {
    if (actor.HasRole(role)) return {};
    return Fail(Error::Forbidden("Alleen een " + std::string(role) + " kan " + std::string(what) + "."));
}

asio::awaitable<Status> AddEvent(
    storage::Database& db,
    storage::Session& s,
    const RegistrationRow& row,
    const Actor& actor,
    std::string kind,
    std::string at,
    std::string reason
) {
    Store store(db.dialect());
    Event e;
    e.kind = std::move(kind);
    e.version = row.version;
    e.actor = actor.username;
    e.actor_name = actor.display_name;
    e.at = std::move(at);
    e.reason = std::move(reason);
    co_return co_await store.AddEvent(s, row.lars, std::move(e));
}

//! Voids the valid approvals of one kind ("iama"/"extern"); records it in the history when there was one.
asio::awaitable<Status> Void(
    storage::Database& db,
    storage::Session& s,
    const RegistrationRow& row,
    const Actor& actor,
    std::string_view soort,
    const std::string& at,
    std::string why
) {
    auto r = co_await s.Query(
        "UPDATE algoritmeregister_goedkeuring SET vervallen_op = $3, vervallen_door = $4 "
        "WHERE lars = $1 AND soort = $2 AND vervallen_op IS NULL",
        storage::MakeParams(row.lars, std::string(soort), at, actor.username)
    );
    if (!r) co_return Fail(r.error());
    if (r->affected == 0) co_return Status{};
    std::string kind = soort == kIama ? "iama-goedkeuring-vervallen" : "externe-toets-goedkeuring-vervallen";
    co_return co_await AddEvent(db, s, row, actor, std::move(kind), at, std::move(why));
}

asio::awaitable<Status> InsertApproval(
    storage::Session& s,
    const std::string& lars,
    std::string_view soort,
    const Actor& actor,
    const std::string& at,
    const std::string& conclusie,
    const std::string& kind,
    const std::string& link
) {
    auto r = co_await s.Query(
        "INSERT INTO algoritmeregister_goedkeuring (lars, soort, door, door_naam, tijd, conclusie, toets_soort, "
        "link) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        storage::MakeParams(lars, std::string(soort), actor.username, actor.display_name, at, conclusie, kind, link)
    );
    if (!r) co_return Fail(r.error());
    co_return Status{};
}

bool IsHttpsUrl(std::string_view s) {
    constexpr std::string_view kScheme = "https://";
    if (!Lower(s.substr(0, kScheme.size())).starts_with(kScheme)) return false;
    std::string_view rest = s.substr(kScheme.size());
    std::string_view host = rest.substr(0, rest.find_first_of("/?#"));
    if (host.empty() || host.front() == '.' || host.front() == ':') return false;
    return std::none_of(s.begin(), s.end(), [](char c) {
        return static_cast<unsigned char>(c) <= 0x20 || c == '"' || c == '<' || c == '>' || c == '\\';
    });
}

}  // namespace

// --- gate --------------------------------------------------------------------------------------------------

std::optional<std::string> RecogniseExternalKind(std::string_view text) {
    std::string wanted = Lower(Trim(text));
    if (wanted.empty()) return std::nullopt;
    for (const auto& kind : ExternalAssessmentKinds()) {
        if (Lower(kind) == wanted) return kind;
        auto open = kind.rfind('(');
        auto close = kind.rfind(')');
        if (open != std::string::npos && close > open && Lower(kind.substr(open + 1, close - open - 1)) == wanted) {
            return kind;
        }
    }
    return std::nullopt;
}

std::string AssessmentRequiredDetail() {
    return "Dit algoritme is hoog-risico (categorie A) of impactvol (categorie B) en heeft de status 'In "
           "gebruik'. Dan moet u het eerst toetsen. Vul de IAMA helemaal in en laat een goedkeurder die geen "
           "antwoorden schreef de IAMA goedkeuren. Of leg een externe toets vast, zoals een DPIA of FRAIA, en laat "
           "een andere goedkeurder die goedkeuren. Hieronder staat wat nog ontbreekt.";
}

asio::awaitable<Result<std::vector<InvalidParam>>> MissingForPublication(
    storage::Session& session, std::string_view lars, std::string_view publication_category, std::string_view status
) {
    std::vector<InvalidParam> missing;
    bool gated =
        (publication_category == kCategoryA || publication_category == kCategoryB) && status == kStatusInGebruik;
    if (!gated) co_return missing;
    std::string id(lars);
    auto loaded = co_await LoadAll(session, id);
    if (!loaded) co_return Fail(loaded.error());
    IamaState iama = BuildIama(id, *loaded);
    if (iama.complete && iama.sign_off) co_return missing;
    if (loaded->external && loaded->external->approval) co_return missing;

    missing = IncompleteParts(iama);
    if (!iama.sign_off) {
        std::string reason = "De IAMA is nog niet goedgekeurd door een goedkeurder die geen antwoorden schreef.";
        if (!iama.sign_offs.empty()) {
            reason = "De goedkeuring van de IAMA is vervallen door een wijziging op " +
                     iama.sign_offs.back().voided_at +
                     ". Een goedkeurder die geen antwoorden schreef, moet de IAMA opnieuw goedkeuren.";
        }
        missing.push_back({"iama.goedkeuring", "required", std::move(reason)});
    }
    if (!loaded->external) {
        missing.push_back(
            {"externe_toets",
             "required",
             "Of: er is geen externe toets vastgelegd, zoals een DPIA of FRAIA, met link en "
             "toelichting."}
        );
    } else {
        std::string reason = "De externe toets (" + loaded->external->soort +
                             ") is nog niet goedgekeurd door een andere goedkeurder dan wie hem vastlegde.";
        if (!loaded->external->approvals.empty()) {
            reason = "De goedkeuring van de externe toets (" + loaded->external->soort +
                     ") is vervallen door een wijziging. Een andere goedkeurder dan wie hem vastlegde, moet hem "
                     "opnieuw goedkeuren.";
        }
        missing.push_back({"externe_toets.goedkeuring", "required", std::move(reason)});
    }
    co_return missing;
}

asio::awaitable<Result<std::optional<boost::json::object>>> PublicOutcome(
    storage::Session& session, std::string_view lars
) {
    auto approvals = co_await LoadApprovals(session, std::string(lars));
    if (!approvals) co_return Fail(approvals.error());
    const Tagged* chosen = nullptr;
    for (std::string_view soort : {kIama, kExtern}) {
        for (const auto& t : *approvals) {
            if (t.soort == soort && t.approval.valid()) chosen = &t;  // the latest valid one
        }
        if (chosen) break;
    }
    if (!chosen && !approvals->empty()) chosen = &approvals->back();
    if (!chosen) co_return std::nullopt;
    boost::json::object out;
    const Approval& a = chosen->approval;
    if (chosen->soort == kIama) {
        out["soort"] = "IAMA";
        out["conclusie"] = a.conclusie;
    } else {
        out["soort"] = a.kind;
        out["toelichting"] = a.conclusie;
        out["link"] = a.link;
    }
    out["goedgekeurd_op"] = a.at;
    if (!a.valid()) out["vervallen_op"] = a.voided_at;
    co_return out;
}

// --- operations --------------------------------------------------------------------------------------------

namespace {

//! What an operation works on: the actor's registration and its assessments as they are.
struct Subject {
    RegistrationRow row;
    Loaded loaded;
};

template <class T>
using Step = std::function<asio::awaitable<Result<T>>(storage::Session&, Subject&)>;

//! Runs `step` on the actor's registration `lars` with its assessments loaded: in one transaction holding the
//! registration's row lock when `write`, else in one read.
template <class T>
asio::awaitable<Result<T>> OnRegistration(
    storage::Database& db, const Actor& actor, const std::string& lars, bool write, Step<T> step
) {
    std::optional<T> out;
    storage::Database::TxFn fn = [&](storage::Session& s) -> asio::awaitable<Status> {
        auto row = co_await OwnRegistration(db, s, actor, lars, write);
        if (!row) co_return Fail(row.error());
        auto loaded = co_await LoadAll(s, lars);
        if (!loaded) co_return Fail(loaded.error());
        Subject subject{std::move(*row), std::move(*loaded)};
        auto r = co_await step(s, subject);
        if (!r) co_return Fail(r.error());
        out = std::move(*r);
        co_return Status{};
    };
    Status st;
    if (write) {
        st = co_await db.Transaction(fn);
    } else {
        st = co_await db.Read(fn);
    }
    if (!st) co_return Fail(st.error());
    co_return std::move(*out);
}

//! The IAMA or external assessment as a write left it.
asio::awaitable<Result<IamaState>> ReloadIama(storage::Session& s, const std::string& lars) {
    auto again = co_await LoadAll(s, lars);
    if (!again) co_return Fail(again.error());
    co_return BuildIama(lars, *again);
}

asio::awaitable<Result<ExternalAssessment>> ReloadExternal(storage::Session& s, const std::string& lars) {
    auto again = co_await LoadAll(s, lars);
    if (!again) co_return Fail(again.error());
    co_return std::move(*again->external);
}

//! The request's faults at once, named by their place in the body; inputs trimmed and questions as urns.
std::vector<InvalidParam> CheckIamaInput(
    std::vector<IamaAnswerInput>& answers, std::optional<std::vector<IamaNotApplicableInput>>& not_applicable
) {
    std::vector<InvalidParam> faults;
    if (answers.size() > kMaxItems) faults.push_back({"antwoorden", "max_length", "Te veel antwoorden in één keer."});
    std::set<std::string> seen;
    for (std::size_t i = 0; i < answers.size() && i < kMaxItems; ++i) {
        auto& a = answers[i];
        std::string prefix = "antwoorden." + std::to_string(i) + ".";
        a.antwoord = Trim(a.antwoord);
        a.rol = Trim(a.rol);
        a.opmerkingen = Trim(a.opmerkingen);
        const auto* q = FindIamaQuestion(Trim(a.vraag));
        if (!q) {
            faults.push_back(
                {prefix + "vraag",
                 Trim(a.vraag).empty() ? "required" : "invalid_choice",
                 "Geef de urn of het nummer van een vraag uit de IAMA."}
            );
            continue;
        }
        a.vraag = q->urn;
        if (!seen.insert(q->urn).second) {
            faults.push_back({prefix + "vraag", "unique", "Vraag " + q->number + " staat twee keer in de lijst."});
        }
        if (a.antwoord.empty()) continue;  // removes the answer; role and remarks do not matter
        CheckText(faults, prefix + "antwoord", a.antwoord, kMaxAnswer, true);
        CheckText(faults, prefix + "rol", a.rol, kMaxRole, true);
        CheckText(faults, prefix + "opmerkingen", a.opmerkingen, kMaxRemarks, false);
    }
    if (!not_applicable) return faults;
    if (not_applicable->size() > kMaxItems) {
        faults.push_back({"niet_van_toepassing", "max_length", "Te veel delen in één keer."});
    }
    std::set<std::string> parts;
    for (std::size_t i = 0; i < not_applicable->size() && i < kMaxItems; ++i) {
        auto& n = (*not_applicable)[i];
        std::string prefix = "niet_van_toepassing." + std::to_string(i) + ".";
        n.deel = Trim(n.deel);
        n.toelichting = Trim(n.toelichting);
        const auto* part = FindIamaPart(n.deel);
        if (!part) {
            faults.push_back(
                {prefix + "deel",
                 n.deel.empty() ? "required" : "invalid_choice",
                 "Kies een deel van de IAMA: 2A, 2B, 3 of 4."}
            );
        } else if (!part->may_be_not_applicable) {
            faults.push_back({prefix + "deel", "invalid", "Deel 1 geldt altijd. U moet het helemaal invullen."});
        } else if (!parts.insert(n.deel).second) {
            faults.push_back({prefix + "deel", "unique", "Deel " + n.deel + " staat twee keer in de lijst."});
        }
        CheckText(faults, prefix + "toelichting", n.toelichting, kMaxText, true);
    }
    return faults;
}

//! Writes the answers that differ from the stored ones; the short numbers of what changed.
asio::awaitable<Result<std::vector<std::string>>> WriteAnswers(
    storage::Dialect dialect,
    storage::Session& s,
    const Subject& subject,
    const Actor& actor,
    const std::vector<IamaAnswerInput>& answers,
    const std::string& now
) {
    const std::string& lars = subject.row.lars;
    std::map<std::string, const IamaAnswer*, std::less<>> current;
    for (const auto& a : subject.loaded.answers) current.emplace(a.vraag, &a);
    std::vector<std::string> removed;
    std::vector<std::string> changed;
    storage::MultiInsert upsert(
        dialect,
        "INSERT INTO algoritmeregister_iama_antwoord (lars, vraag, antwoord, rol, opmerkingen, auteur, "
        "auteur_naam, tijd) VALUES ",
        "(?, ?, ?, ?, ?, ?, ?, ?)",
        " ON CONFLICT (lars, vraag) DO UPDATE SET antwoord = excluded.antwoord, rol = excluded.rol, "
        "opmerkingen = excluded.opmerkingen, auteur = excluded.auteur, auteur_naam = excluded.auteur_naam, "
        "tijd = excluded.tijd"
    );
    for (const auto& a : answers) {
        auto it = current.find(a.vraag);
        if (a.antwoord.empty()) {
            if (it == current.end()) continue;
            removed.push_back(a.vraag);
            changed.push_back(it->second->number);
            continue;
        }
        if (it != current.end() && it->second->antwoord == a.antwoord && it->second->rol == a.rol &&
            it->second->opmerkingen == a.opmerkingen) {
            continue;  // unchanged: the author and time stay
        }
        upsert.Add(lars, a.vraag, a.antwoord, a.rol, a.opmerkingen, actor.username, actor.display_name, now);
        changed.push_back(FindIamaQuestion(a.vraag)->number);
    }
    if (upsert.rows() > 0) {
        auto st = co_await upsert.Flush(s);
        if (!st) co_return Fail(st.error());
    }
    if (!removed.empty()) {
        std::string sql = "DELETE FROM algoritmeregister_iama_antwoord WHERE lars = $1 AND " +
                          storage::InValues(dialect, "vraag", 2, removed);
        auto r = co_await s.Query(sql, storage::MakeParams(lars, storage::ValuesParam(dialect, removed)));
        if (!r) co_return Fail(r.error());
    }
    co_return changed;
}

//! Replaces the parts declared not applicable when they differ; whether they did. Declarations that stay the
//! same keep their author and time.
asio::awaitable<Result<bool>> WriteNotApplicable(
    storage::Dialect dialect,
    storage::Session& s,
    const Subject& subject,
    const Actor& actor,
    const std::vector<IamaNotApplicableInput>& wanted,
    const std::string& now
) {
    const std::string& lars = subject.row.lars;
    const auto& before = subject.loaded.not_applicable;
    std::map<std::string, std::string, std::less<>> old_set;
    for (const auto& n : before) old_set.emplace(n.deel, n.toelichting);
    std::map<std::string, std::string, std::less<>> new_set;
    for (const auto& n : wanted) new_set.emplace(n.deel, n.toelichting);
    if (old_set == new_set) co_return false;
    auto del = co_await s.Query("DELETE FROM algoritmeregister_iama_nvt WHERE lars = $1", storage::MakeParams(lars));
    if (!del) co_return Fail(del.error());
    storage::MultiInsert insert(
        dialect,
        "INSERT INTO algoritmeregister_iama_nvt (lars, deel, toelichting, auteur, auteur_naam, tijd) VALUES ",
        "(?, ?, ?, ?, ?, ?)"
    );
    for (const auto& [deel, toelichting] : new_set) {
        auto old = std::find_if(before.begin(), before.end(), [&](const IamaNotApplicable& n) {
            return n.deel == deel && n.toelichting == toelichting;
        });
        if (old != before.end()) {
            insert.Add(lars, deel, toelichting, old->author, old->author_name, old->at);
        } else {
            insert.Add(lars, deel, toelichting, actor.username, actor.display_name, now);
        }
    }
    if (insert.rows() > 0) {
        auto st = co_await insert.Flush(s);
        if (!st) co_return Fail(st.error());
    }
    co_return true;
}

}  // namespace

Assessments::Assessments(storage::Database& db) : db_(db) {}

std::vector<storage::Migration> Assessments::Migrations() {
    std::vector<storage::Migration> out;
    out.push_back(storage::PortableMigration("0701_algoritmeregister_toetsing", kSchema));
    return out;
}

asio::awaitable<Result<IamaState>> Assessments::GetIama(const Actor& actor, std::string lars) {
    Step<IamaState> step = [&](storage::Session&, Subject& subject) -> asio::awaitable<Result<IamaState>> {
        co_return BuildIama(lars, subject.loaded);
    };
    co_return co_await OnRegistration(db_, actor, lars, false, step);
}

asio::awaitable<Result<IamaState>> Assessments::SaveAnswers(
    const Actor& actor,
    std::string lars,
    std::vector<IamaAnswerInput> answers,
    std::optional<std::vector<IamaNotApplicableInput>> not_applicable
) {
    if (auto st = RequireRole(actor, kRedacteur, "antwoorden in de IAMA opslaan"); !st) co_return Fail(st.error());
    auto faults = CheckIamaInput(answers, not_applicable);
    if (!faults.empty()) co_return Fail(Error::Validation(std::move(faults)));

    storage::Database& db = db_;
    Step<IamaState> step = [&](storage::Session& s, Subject& subject) -> asio::awaitable<Result<IamaState>> {
        std::string now = NowIso();
        auto changed = co_await WriteAnswers(db.dialect(), s, subject, actor, answers, now);
        if (!changed) co_return Fail(changed.error());
        if (not_applicable) {
            auto nvt = co_await WriteNotApplicable(db.dialect(), s, subject, actor, *not_applicable, now);
            if (!nvt) co_return Fail(nvt.error());
            if (*nvt) changed->push_back("niet van toepassing");
        }
        if (changed->empty()) co_return BuildIama(lars, subject.loaded);
        std::string what;
        for (const auto& c : *changed) what += (what.empty() ? "" : ", ") + c;
        what = "Gewijzigd: " + what + ".";
        auto ev = co_await AddEvent(db, s, subject.row, actor, "iama-wijzigen", now, what);
        if (!ev) co_return Fail(ev.error());
        auto v = co_await Void(db, s, subject.row, actor, kIama, now, what);
        if (!v) co_return Fail(v.error());
        co_return co_await ReloadIama(s, lars);
    };
    co_return co_await OnRegistration(db_, actor, lars, true, step);
}

asio::awaitable<Result<IamaState>> Assessments::SignOff(const Actor& actor, std::string lars, std::string conclusie) {
    if (auto st = RequireRole(actor, kGoedkeurder, "de IAMA goedkeuren"); !st) co_return Fail(st.error());
    conclusie = Trim(conclusie);
    std::vector<InvalidParam> faults;
    CheckText(faults, "conclusie", conclusie, kMaxText, true);
    if (!faults.empty()) co_return Fail(Error::Validation(std::move(faults)));

    storage::Database& db = db_;
    Step<IamaState> step = [&](storage::Session& s, Subject& subject) -> asio::awaitable<Result<IamaState>> {
        IamaState iama = BuildIama(lars, subject.loaded);
        if (iama.sign_off) co_return Fail(Error::Conflict("invalid-state", "De IAMA is al goedgekeurd."));
        bool wrote =
            std::any_of(
                iama.answers.begin(),
                iama.answers.end(),
                [&](const IamaAnswer& a) { return a.author == actor.username; }
            ) ||
            std::any_of(iama.not_applicable.begin(), iama.not_applicable.end(), [&](const IamaNotApplicable& n) {
                return n.author == actor.username;
            });
        if (wrote) {
            co_return Fail(Error::Forbidden(
                "U heeft zelf antwoorden in deze IAMA geschreven. Een goedkeurder die geen antwoorden schreef, "
                "moet de IAMA goedkeuren."
            ));
        }
        if (!iama.complete) {
            Error e = Error::Conflict(
                "assessment-incomplete",
                "De IAMA is nog niet af. Beantwoord eerst alle vragen van de delen die van toepassing zijn."
            );
            e.invalid_params = IncompleteParts(iama);
            co_return Fail(std::move(e));
        }
        std::string now = NowIso();
        std::string empty;
        auto ins = co_await InsertApproval(s, lars, kIama, actor, now, conclusie, empty, empty);
        if (!ins) co_return Fail(ins.error());
        auto ev = co_await AddEvent(db, s, subject.row, actor, "iama-goedkeuren", now, conclusie);
        if (!ev) co_return Fail(ev.error());
        co_return co_await ReloadIama(s, lars);
    };
    co_return co_await OnRegistration(db_, actor, lars, true, step);
}

asio::awaitable<Result<std::optional<ExternalAssessment>>> Assessments::GetExternal(
    const Actor& actor, std::string lars
) {
    using Out = std::optional<ExternalAssessment>;
    Step<Out> step = [](storage::Session&, Subject& subject) -> asio::awaitable<Result<Out>> {
        co_return std::move(subject.loaded.external);
    };
    co_return co_await OnRegistration(db_, actor, lars, false, step);
}

asio::awaitable<Result<ExternalAssessment>> Assessments::PutExternal(
    const Actor& actor, std::string lars, ExternalAssessmentInput input
) {
    if (auto st = RequireRole(actor, kRedacteur, "een externe toets vastleggen"); !st) co_return Fail(st.error());
    std::vector<InvalidParam> faults;
    input.soort = Trim(input.soort);
    input.link = Trim(input.link);
    input.toelichting = Trim(input.toelichting);
    if (input.soort.empty()) {
        faults.push_back({"soort", "required", "Dit veld is verplicht."});
    } else if (auto kind = RecogniseExternalKind(input.soort)) {
        input.soort = *kind;
    } else {
        faults.push_back(
            {"soort", "invalid_choice", "Kies een erkende soort toets, zoals DPIA, FRAIA, AIIA of IAMA (zie de lijst)."}
        );
    }
    if (input.link.empty()) {
        faults.push_back({"link", "required", "Dit veld is verplicht."});
    } else if (CodePoints(input.link) > kMaxLink) {
        faults.push_back({"link", "max_length", "De link mag hoogstens 500 tekens bevatten."});
    } else if (!IsHttpsUrl(input.link)) {
        faults.push_back({"link", "invalid", "Geef een geldige link die begint met https://."});
    }
    CheckText(faults, "toelichting", input.toelichting, kMaxText, true);
    if (!faults.empty()) co_return Fail(Error::Validation(std::move(faults)));

    storage::Database& db = db_;
    Step<ExternalAssessment> step = [&](storage::Session& s,
                                        Subject& subject) -> asio::awaitable<Result<ExternalAssessment>> {
        const auto& cur = subject.loaded.external;
        if (cur && cur->soort == input.soort && cur->link == input.link && cur->toelichting == input.toelichting) {
            co_return *cur;  // unchanged: its author, time and approval stay
        }
        std::string now = NowIso();
        auto r = co_await s.Query(
            "INSERT INTO algoritmeregister_externe_toets (lars, soort, link, toelichting, auteur, auteur_naam, tijd) "
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (lars) DO UPDATE SET soort = excluded.soort, "
            "link = excluded.link, toelichting = excluded.toelichting, auteur = excluded.auteur, "
            "auteur_naam = excluded.auteur_naam, tijd = excluded.tijd",
            storage::MakeParams(
                lars, input.soort, input.link, input.toelichting, actor.username, actor.display_name, now
            )
        );
        if (!r) co_return Fail(r.error());
        std::string what = "Externe toets: " + input.soort + ".";
        auto ev = co_await AddEvent(db, s, subject.row, actor, "externe-toets-wijzigen", now, what);
        if (!ev) co_return Fail(ev.error());
        auto v = co_await Void(db, s, subject.row, actor, kExtern, now, what);
        if (!v) co_return Fail(v.error());
        co_return co_await ReloadExternal(s, lars);
    };
    co_return co_await OnRegistration(db_, actor, lars, true, step);
}

asio::awaitable<Result<ExternalAssessment>> Assessments::ApproveExternal(const Actor& actor, std::string lars) {
    if (auto st = RequireRole(actor, kGoedkeurder, "een externe toets goedkeuren"); !st) co_return Fail(st.error());
    Step<ExternalAssessment> step = [&](storage::Session& s,
                                        Subject& subject) -> asio::awaitable<Result<ExternalAssessment>> {
        if (!subject.loaded.external) {
            co_return Fail(Error::Conflict("invalid-state", "Er is nog geen externe toets vastgelegd."));
        }
        const ExternalAssessment& e = *subject.loaded.external;
        if (e.approval) co_return Fail(Error::Conflict("invalid-state", "De externe toets is al goedgekeurd."));
        if (e.author == actor.username) {
            co_return Fail(Error::Forbidden(
                "U heeft deze externe toets zelf vastgelegd. Een andere goedkeurder moet hem goedkeuren."
            ));
        }
        std::string now = NowIso();
        auto ins = co_await InsertApproval(s, lars, kExtern, actor, now, e.toelichting, e.soort, e.link);
        if (!ins) co_return Fail(ins.error());
        auto ev = co_await AddEvent(db_, s, subject.row, actor, "externe-toets-goedkeuren", now, e.soort);
        if (!ev) co_return Fail(ev.error());
        co_return co_await ReloadExternal(s, lars);
    };
    co_return co_await OnRegistration(db_, actor, lars, true, step);
}

}  // namespace thorbecke::algoritmeregister
