#pragma once
// Impact assessments of registrations and the assessment gate.
//
// An algorithm in publication category A or B may only be published with status "In gebruik" when it has a
// completed assessment: either the IAMA filled in inside Thorbecke (every question of every part that applies
// answered, each answer with its author, IAMA role and time, and signed off by a goedkeurder who wrote none of
// it), or a reference to an external assessment of a recognised kind, approved by a goedkeurder other than the
// one who entered it. Any later change voids the sign-off or approval; voided ones stay readable.
//
// Errors are core Errors ready for problem+json: 400 "invalid" (invalid_params "antwoorden.<i>.<field>",
// "niet_van_toepassing.<i>.<field>", "conclusie", "soort", "link", "toelichting"), 403 for a wrong role, another
// organisation or an approver who wrote (part of) the assessment, 404 for an unknown lars, 409
// "assessment-incomplete" (invalid_params per part "iama.<deel>") when signing off an incomplete IAMA, and 409
// "invalid-state" when approving what is approved already.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json/object.hpp>

#include "algoritmeregister/model.h"
#include "core/error.h"
#include "core/storage/database.h"

namespace thorbecke::algoritmeregister {

namespace asio = boost::asio;

// ---------------------------------------------------------------------------------------------------------
// The IAMA catalogue (57 questions, from the task registry's iama.yaml; see iama.json)

struct IamaQuestion {
    std::string urn;                           // "urn:nl:aivt:tr:iama:1.0:2A.1.2"
    std::string number;                        // "2A.1.2"
    std::string part;                          // "2A"
    std::string question;                      // the question text
    std::string topic;                         // "Databronnen en kwaliteit"
    std::vector<std::string> suggested_roles;  // "Projectleider", "Jurist", ...
};

struct IamaPart {
    std::string id;                       // "1", "2A", "2B", "3", "4"
    std::string title;                    // "Waarom? Beoogde effecten en doelen"
    bool may_be_not_applicable = false;   // every part but 1
    std::vector<IamaQuestion> questions;  // in the IAMA's order
};

//! The parts in order 1, 2A, 2B, 3, 4.
const std::vector<IamaPart>& IamaCatalogue();
//! A question by its urn or its short number ("2A.1.2"); nullptr when unknown.
const IamaQuestion* FindIamaQuestion(std::string_view urn_or_number);
//! A part by its id; nullptr when unknown.
const IamaPart* FindIamaPart(std::string_view id);
//! The catalogue as the API's GET /iama-vragen shows it.
boost::json::object IamaCatalogueJson();

// ---------------------------------------------------------------------------------------------------------
// One registration's IAMA

struct IamaAnswer {
    std::string vraag;   // the question's urn
    std::string number;  // its short number
    std::string antwoord;
    std::string rol;  // the IAMA role the author answers in (free text, or one of the suggested roles)
    std::string opmerkingen;
    std::string author;       // username
    std::string author_name;  // display name at the time
    std::string at;           // UTC time of the last change
};

//! A part declared not applicable (never part 1), with its explanation.
struct IamaNotApplicable {
    std::string deel;
    std::string toelichting;
    std::string author;
    std::string author_name;
    std::string at;
};

//! How far a part is.
struct IamaPartProgress {
    std::string deel;
    int answered = 0;
    int total = 0;
    bool not_applicable = false;
    std::vector<std::string> open;  // short numbers of the unanswered questions (empty when not applicable)
    [[nodiscard]] bool complete() const { return not_applicable || answered == total; }
};

//! A sign-off (IAMA) or approval (external assessment). A later change voids it: voided_at/voided_by are
//! then set and it no longer counts, but stays readable.
struct Approval {
    std::string by;       // username
    std::string by_name;  // display name at the time
    std::string at;
    std::string conclusie;  // IAMA: the conclusion (the outcome in the public record); external: its toelichting
    std::string kind;       // external: the kind approved (a snapshot, like link and conclusie)
    std::string link;       // external: the link approved
    std::string voided_at;  // empty while valid
    std::string voided_by;  // username of who made the change that voided it
    [[nodiscard]] bool valid() const { return voided_at.empty(); }
};

struct IamaState {
    std::string lars;
    std::vector<IamaAnswer> answers;                // in catalogue order
    std::vector<IamaNotApplicable> not_applicable;  // in part order
    std::vector<IamaPartProgress> parts;            // one per part, in order
    bool complete = false;                          // every part complete
    std::optional<Approval> sign_off;               // the valid sign-off, if any
    std::vector<Approval> sign_offs;                // every sign-off ever, oldest first (voided ones included)
};

//! One answer to save. An empty `antwoord` removes the answer. An answer equal to the stored one (text, role,
//! remarks) is no change: its author and time stay and it voids nothing.
struct IamaAnswerInput {
    std::string vraag;  // urn or short number
    std::string antwoord;
    std::string rol;
    std::string opmerkingen;
};

struct IamaNotApplicableInput {
    std::string deel;
    std::string toelichting;
};

// ---------------------------------------------------------------------------------------------------------
// External assessment

//! The recognised kinds (beheer-config's recommended impact assessment names plus "IAMA (extern)", "FRAIA",
//! "Conformiteitsbeoordeling AI-verordening", ...), in display order.
const std::vector<std::string>& ExternalAssessmentKinds();
//! The recognised kind `text` names: a kind's full name or the abbreviation in its parentheses ("DPIA"),
//! case-insensitive; nullopt when not recognised.
std::optional<std::string> RecogniseExternalKind(std::string_view text);

struct ExternalAssessment {
    std::string lars;
    std::string soort;
    std::string link;
    std::string toelichting;
    std::string author;  // who entered it last
    std::string author_name;
    std::string at;
    std::optional<Approval> approval;  // the valid approval, if any
    std::vector<Approval> approvals;   // every approval ever, oldest first (voided ones included)
};

struct ExternalAssessmentInput {
    std::string soort;
    std::string link;
    std::string toelichting;
};

// ---------------------------------------------------------------------------------------------------------
// The gate (R1's publish transaction calls these with its own session)

//! What is missing before `lars` may be published with this category and status: empty when it may (always
//! for category C and for any status other than "In gebruik"). Items: "iama.<deel>" per incomplete part,
//! "iama.goedkeuring" for a missing sign-off, "externe_toets" / "externe_toets.goedkeuring", each with a Dutch
//! reason, code "required". The caller holds the registration's row lock (as every assessment write takes it),
//! so no change slips in between this check and the publication.
asio::awaitable<Result<std::vector<InvalidParam>>> MissingForPublication(
    storage::Session& session, std::string_view lars, std::string_view publication_category, std::string_view status
);

//! The detail text for a 409 "assessment-required" answer (B1 Dutch: what to do).
std::string AssessmentRequiredDetail();

//! The outcome shown in the public record: {"soort": "IAMA", "conclusie", "goedgekeurd_op"} or
//! {"soort": <kind>, "toelichting", "link", "goedgekeurd_op"}; a valid IAMA sign-off first, else a valid
//! external approval, else the latest voided one with "vervallen_op" set; nullopt when never approved.
asio::awaitable<Result<std::optional<boost::json::object>>> PublicOutcome(
    storage::Session& session, std::string_view lars
);

// ---------------------------------------------------------------------------------------------------------
// Operations for the API routes and the web pages. Every write is one transaction.

class Assessments {
  public:
    explicit Assessments(storage::Database& db);

    static std::vector<storage::Migration> Migrations();

    //! The IAMA of a registration of the actor's organisation (any staff role).
    asio::awaitable<Result<IamaState>> GetIama(const Actor& actor, std::string lars);
    //! Saves answers and, when `not_applicable` is given, replaces the set of parts declared not applicable
    //! (redacteur only). A change voids a valid sign-off.
    asio::awaitable<Result<IamaState>> SaveAnswers(
        const Actor& actor,
        std::string lars,
        std::vector<IamaAnswerInput> answers,
        std::optional<std::vector<IamaNotApplicableInput>> not_applicable
    );
    //! Signs the IAMA off with a conclusion (goedkeurder who wrote no answer and declared no part not
    //! applicable; only when complete).
    asio::awaitable<Result<IamaState>> SignOff(const Actor& actor, std::string lars, std::string conclusie);

    //! The external assessment; nullopt when none was entered.
    asio::awaitable<Result<std::optional<ExternalAssessment>>> GetExternal(const Actor& actor, std::string lars);
    //! Enters or changes it (redacteur). A change voids a valid approval.
    asio::awaitable<Result<ExternalAssessment>> PutExternal(
        const Actor& actor, std::string lars, ExternalAssessmentInput input
    );
    //! Approves it (goedkeurder other than who entered it).
    asio::awaitable<Result<ExternalAssessment>> ApproveExternal(const Actor& actor, std::string lars);

  private:
    storage::Database& db_;
};

}  // namespace thorbecke::algoritmeregister
