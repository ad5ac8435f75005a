#pragma once
// What the Documenten API's service files share: paths, authorisation per informatieobjecttype, the state of
// one document write. Not part of the component's interface.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/auth/principal.h"
#include "core/error.h"
#include "core/json/stored_url.h"
#include "core/storage/blob_store.h"
#include "core/storage/where.h"
#include "documenten/service.h"
#include "documenten/store.h"

namespace thorbecke::documenten {

namespace bj = boost::json;

namespace detail {

inline constexpr std::string_view kDocumentsPath = "/documenten/api/v1/enkelvoudiginformatieobjecten/";
inline constexpr std::string_view kPartsPath = "/documenten/api/v1/bestandsdelen/";
inline constexpr std::string_view kTypesPath = "/catalogi/api/v1/informatieobjecttypen/";
inline constexpr std::string_view kForcedUnlock = "documenten.geforceerd-unlock";
inline constexpr int kMaxRank = 8;

std::string Lower(std::string s);
using json::UuidAfter;
//! What grants compare an informatieobjecttype by: its uuid when the URL names a Catalogi
//! informatieobjecttype (whatever host it was reached by), else the URL.
std::string TypeKey(std::string_view url);
//! openbaar = 1 … zeer_geheim = 8; 0 when unknown.
int Rank(std::string_view vertrouwelijkheidaanduiding);

//! Whether the caller holds one of `scopes` for documents of this type and rank.
bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, const std::string& key, int rank);
bool MayAccess(const auth::Principal* p, const std::vector<std::string>& scopes, const DocumentRow& d);
//! The SQL condition (columns of alias `d.`) that keeps a list to what the caller may see; false: nothing.
bool AccessCondition(const auth::Principal* p, const std::vector<std::string>& scopes, storage::Where& w);

Error Rule(std::string name, std::string code, std::string reason);
http::Response JsonResponse(int status, std::string body);
std::string DocumentUrl(std::string_view base, std::string_view uuid);

}  // namespace detail

//! One document write (create, update, partial update) as it goes through Service::WriteDocumentIn.
struct Service::Ctx {
    const Operation& op;
    http::Request& req;
    std::string base;
    const auth::Principal* principal = nullptr;
    bool create = false;
    bool partial = false;
    bj::object body = {};  // as sent, stored URL form
    bj::object type = {};  // the informatieobjecttype
    std::string uuid = {};
    std::optional<DocumentRow> before = {};
    std::string before_doc = {};
    DocumentRow row = {};
    std::string doc = {};  // the new version's stored JSON
    std::int64_t versie = 0;
};

//! The content a write brings: a blob already written, an upload to start, or nothing new.
struct Service::Content {
    std::optional<storage::BlobInfo> blob;  // inline content, decoded and stored
    bool given = false;                     // `inhoud` was in the request (null included)
};

}  // namespace thorbecke::documenten
