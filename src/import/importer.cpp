#include "import/importer.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/json/json.h"
#include "core/uuid.h"
#include "import/local.h"

namespace thorbecke::importer {

namespace {

namespace bj = boost::json;
using http::Method;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kCatalogi = "/catalogi/api/v1";
constexpr std::string_view kZaken = "/zaken/api/v1";
constexpr std::string_view kDocumenten = "/documenten/api/v1";
constexpr std::string_view kBesluiten = "/besluiten/api/v1";

std::string LastSegment(std::string_view url) {
    while (!url.empty() && url.back() == '/') url.remove_suffix(1);
    auto slash = url.rfind('/');
    return std::string(slash == std::string_view::npos ? url : url.substr(slash + 1));
}

std::string Text(const bj::object& o, std::string_view key) {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

//! One collection's counts and its progress line: at most one a second, and one at the end.
class Tally {
  public:
    Tally(Summary& summary, std::string kind, const std::function<void(const std::string&)>& out)
        : out_(out), start_(Clock::now()), last_(start_) {
        summary.kinds.push_back(KindCount{std::move(kind)});
        summary_ = &summary;
        index_ = summary.kinds.size() - 1;
    }
    KindCount& count() { return summary_->kinds[index_]; }
    void Total(std::int64_t n) { count().total = n; }
    void Step() {
        auto now = Clock::now();
        if (now - last_ >= std::chrono::seconds(1)) {
            last_ = now;
            Print(false);
        }
    }
    void Done() { Print(true); }

  private:
    void Print(bool final) {
        if (!out_) return;
        const KindCount& c = summary_->kinds[index_];
        std::int64_t done = c.created + c.existing + c.failed;
        double secs = std::chrono::duration<double>(Clock::now() - start_).count();
        std::string total = c.total >= 0 ? std::to_string(c.total) : "?";
        out_(fmt::format(
            "{:<28} {}/{} ({:.1f}/s){}{}",
            c.kind,
            done,
            total,
            secs > 0 ? static_cast<double>(done) / secs : 0.0,
            c.existing ? fmt::format(", {} already there", c.existing) : "",
            c.failed ? fmt::format(", {} FAILED", c.failed) : std::string(final ? " done" : "")
        ));
    }
    const std::function<void(const std::string&)>& out_;
    Clock::time_point start_, last_;
    Summary* summary_ = nullptr;
    std::size_t index_ = 0;
};

class Importer {
  public:
    Importer(Source& source, Local& local, const Options& options, Summary& summary)
        : source_(source), local_(local), options_(options), summary_(summary) {
        from_ = source.base_url() + "/";
    }

    Status Run();

  private:
    // --- URLs -------------------------------------------------------------------------------------------------
    //! Source references become this platform's: the source base swapped for the local one.
    void Rewrite(bj::value& v) const {
        if (v.is_string()) {
            std::string_view s = v.as_string();
            if (s.starts_with(from_)) v = std::string(kLocalBase) + "/" + std::string(s.substr(from_.size()));
        } else if (v.is_array()) {
            for (auto& x : v.as_array()) Rewrite(x);
        } else if (v.is_object()) {
            for (auto& kv : v.as_object()) Rewrite(kv.value());
        }
    }
    //! The path of a source URL on this platform ("" when the URL is not the source's).
    std::string LocalPath(std::string_view url) const {
        if (!url.starts_with(from_)) return {};
        return "/" + std::string(url.substr(from_.size()));
    }

    // --- writes -------------------------------------------------------------------------------------------------
    void Failed(Tally& tally, const std::string& url, const Error& e) {
        tally.count().failed++;
        Failure f{tally.count().kind, url, e.status, e.detail, e.invalid_params};
        std::string fields;
        for (const auto& p : e.invalid_params) fields += fmt::format(" [{}: {} — {}]", p.name, p.code, p.reason);
        if (options_.progress) {
            options_.progress(fmt::format("FAILED {} {}: {} {}{}", f.kind, url, e.status, e.detail, fields));
        }
        summary_.failures.push_back(std::move(f));
    }
    //! The resource at `path` on this platform, when it exists.
    std::optional<bj::object> Existing(const std::string& path) {
        auto got = local_.Call(Method::kGet, path);
        if (!got || got->status != 200) return std::nullopt;
        boost::system::error_code ec;
        auto v = bj::parse(got->body, ec);
        if (ec || !v.is_object()) return std::nullopt;
        return std::move(v.as_object());
    }
    //! Creates `body` at `collection` keeping `uuid`; the answer's JSON, or the failure recorded.
    std::optional<bj::object> Create(
        Tally& tally, const std::string& source_url, const std::string& collection, const bj::object& body
    ) {
        std::string uuid = LastSegment(source_url);
        Result<http::Response> answer;
        {
            PresetUuid keep(uuid);
            answer = local_.Call(Method::kPost, collection, json::Serialize(body));
        }
        if (!answer) {
            Failed(tally, source_url, answer.error());
            return std::nullopt;
        }
        boost::system::error_code ec;
        auto v = bj::parse(answer->body, ec);
        if (ec || !v.is_object()) {
            Failed(tally, source_url, Error::Internal("onleesbaar antwoord: " + answer->body.substr(0, 200)));
            return std::nullopt;
        }
        if (LastSegment(Text(v.as_object(), "url")) != uuid) {
            Failed(tally, source_url, Error::Internal("de UUID is niet behouden: " + Text(v.as_object(), "url")));
            return std::nullopt;
        }
        tally.count().created++;
        return std::move(v.as_object());
    }

    using Adjust = std::function<bool(bj::object&)>;  // false: skip the item
    using After = std::function<void(const bj::object& source, const bj::object& local)>;
    //! Copies every item of a source list to `collection` (the same path on this platform unless given).
    Status Copy(
        const std::string& kind,
        const std::string& list,
        std::string collection = {},
        const Adjust& adjust = nullptr,
        const After& after = nullptr,
        const std::function<void(const bj::object&)>& before = nullptr
    ) {
        Tally tally(summary_, kind, options_.progress);
        if (collection.empty()) {
            collection = list.substr(0, list.find('?'));
        }
        auto st = source_.ForEach(
            list,
            [&](std::int64_t n) { tally.Total(n); },
            [&](bj::object& item) -> Status {
                if (before) before(item);
                CopyOne(tally, item, collection, adjust, after);
                tally.Step();
                return {};
            }
        );
        tally.Done();
        return st;
    }
    void CopyOne(
        Tally& tally, bj::object& item, const std::string& collection, const Adjust& adjust, const After& after
    ) {
        std::string url = Text(item, "url");
        std::string uuid = LastSegment(url);
        if (!IsUuid(uuid)) {
            Failed(tally, url, Error::BadRequest("invalid", "het object heeft geen url met een UUID"));
            return;
        }
        bj::object source = item;
        if (auto there = Existing(collection + "/" + uuid)) {
            tally.count().existing++;
            if (after) after(source, *there);
            return;
        }
        bj::value body(std::move(item));
        Rewrite(body);
        if (adjust && !adjust(body.as_object())) return;
        auto made = Create(tally, url, collection, body.as_object());
        if (made && after) after(source, *made);
    }

    // --- the parts ------------------------------------------------------------------------------------------------
    Status Catalogi();
    Status Documenten();
    Status Document(Tally& tally, bj::object& item);
    Status Content(const std::string& uuid, const bj::object& source, const bj::object& created);
    Status Zaken();
    Status Besluiten();
    void Publish(const std::string& kind, const std::vector<std::string>& paths);
    //! Counts a follow-up write (PATCH, publish) of the object at `path` as done or failed.
    void Counted(Tally& tally, const std::string& path, const Result<http::Response>& answer) {
        if (!answer) {
            Failed(tally, from_ + path.substr(1), answer.error());
        } else {
            tally.count().created++;
        }
    }
    //! Sets `field` of each object (path, source value) that was left out when it was created.
    void Patch(
        const std::string& kind, const std::string& field, std::vector<std::pair<std::string, bj::value>>& todo
    ) {
        Tally tally(summary_, kind, options_.progress);
        tally.Total(static_cast<std::int64_t>(todo.size()));
        for (auto& [path, value] : todo) {
            bj::value v = value;
            Rewrite(v);
            if (auto here = Existing(path); here && here->if_contains(field) && here->at(field) == v) {
                tally.count().existing++;  // an earlier run set it
                continue;
            }
            bj::object patch;
            patch[field] = std::move(v);
            Counted(tally, path, local_.Call(Method::kPatch, path, json::Serialize(patch)));
        }
        tally.Done();
    }

    Source& source_;
    Local& local_;
    const Options& options_;
    Summary& summary_;
    std::string from_;
    //! Publishable types the source has published, in the order they are published here.
    std::vector<std::string> publish_iot_, publish_bt_, publish_zt_;
    //! Zaken whose relevanteAndereZaken wait until every zaak is there.
    std::vector<std::pair<std::string, bj::value>> relevant_;
    //! Zaken whose archive fields are set after their statussen (closing a zaak derives them).
    std::vector<std::pair<std::string, bj::object>> archive_;
    std::set<std::string> zaak_paths_;
    std::set<std::string> deelzaken_;  // source URLs
};

Status Importer::Catalogi() {
    // A type the source has published is created as a concept, gets its sub-resources, and is published
    // once all are there (a published zaaktype takes no new statustypen).
    auto remember = [](std::vector<std::string>& into) {
        return [&into](const bj::object& source, const bj::object& local) {
            const auto* was = source.if_contains("concept");
            const auto* here = local.if_contains("concept");
            bool published = was && was->is_bool() && !was->as_bool();
            bool concept_here = here && here->is_bool() && here->as_bool();
            if (published && concept_here) into.push_back(LastSegment(Text(source, "url")));
        };
    };
    std::string root(kCatalogi);
    if (auto st = Copy("catalogussen", root + "/catalogussen"); !st) return st;
    if (auto st = Copy(
            "informatieobjecttypen",
            root + "/informatieobjecttypen?status=alles",
            root + "/informatieobjecttypen",
            nullptr,
            remember(publish_iot_)
        );
        !st)
        return st;
    if (auto st = Copy(
            "besluittypen", root + "/besluittypen?status=alles", root + "/besluittypen", nullptr, remember(publish_bt_)
        );
        !st)
        return st;
    // Zaaktypen in order of their versions (a new version refers to the validity of the one before).
    // Deelzaaktypen may be zaaktypen that come later (or the zaaktype itself): set once all are there.
    std::vector<std::pair<std::string, bj::value>> deelzaaktypen;
    auto later = [](bj::object& b) {
        if (b.contains("deelzaaktypen")) b["deelzaaktypen"] = bj::array();
        return true;
    };
    auto before = [&](const bj::object& item) {
        const auto* deel = item.if_contains("deelzaaktypen");
        if (deel && deel->is_array() && !deel->as_array().empty()) {
            deelzaaktypen.emplace_back(LocalPath(Text(item, "url")), *deel);
        }
    };
    if (auto st = Copy(
            "zaaktypen", root + "/zaaktypen?status=alles", root + "/zaaktypen", later, remember(publish_zt_), before
        );
        !st)
        return st;
    if (!deelzaaktypen.empty()) Patch("zaaktypen deelzaaktypen", "deelzaaktypen", deelzaaktypen);
    for (std::string kind :
         {"statustypen",
          "roltypen",
          "eigenschappen",
          "zaakobjecttypen",
          "resultaattypen",
          "zaaktype-informatieobjecttypen"}) {
        if (auto st = Copy(kind, root + "/" + kind + "?status=alles", root + "/" + kind); !st) return st;
    }
    Publish("informatieobjecttypen", publish_iot_);
    Publish("besluittypen", publish_bt_);
    Publish("zaaktypen", publish_zt_);
    return {};
}

void Importer::Publish(const std::string& kind, const std::vector<std::string>& uuids) {
    Tally tally(summary_, kind + " published", options_.progress);
    tally.Total(static_cast<std::int64_t>(uuids.size()));
    for (const auto& uuid : uuids) {
        std::string path = std::string(kCatalogi) + "/" + kind + "/" + uuid;
        Counted(tally, path, local_.Call(Method::kPost, path + "/publish"));
        tally.Step();
    }
    tally.Done();
}

Status Importer::Content(const std::string& uuid, const bj::object& source, const bj::object& created) {
    // The source's content goes to a temporary file (streamed), then into this platform's parts one at a time:
    // memory holds one part, never the document.
    std::string lock = Text(created, "lock");
    const auto* parts = created.if_contains("bestandsdelen");
    if (!parts || !parts->is_array() || parts->as_array().empty()) return {};
    std::filesystem::path dir = std::filesystem::path(options_.data_dir) / "import-tmp";
    std::filesystem::create_directories(dir);
    std::filesystem::path file = dir / (uuid + ".part");
    struct Remove {
        std::filesystem::path p;
        ~Remove() {
            std::error_code ec;
            std::filesystem::remove(p, ec);
        }
    } remove{file};
    std::string inhoud = Text(source, "inhoud");
    auto size = source_.Download(inhoud, file.string());
    if (!size) return Fail(size.error());
    summary_.content_bytes += *size;
    const auto* expected = source.if_contains("bestandsomvang");
    if (expected && expected->is_int64() && static_cast<std::uint64_t>(expected->as_int64()) != *size) {
        return Fail(Error::Field(
            "inhoud",
            "file-size",
            fmt::format("de bron leverde {} bytes, bestandsomvang zegt {}", *size, expected->as_int64())
        ));
    }
    std::vector<bj::object> ordered;
    for (const auto& p : parts->as_array()) {
        if (p.is_object()) ordered.push_back(p.as_object());
    }
    std::sort(ordered.begin(), ordered.end(), [](const bj::object& a, const bj::object& b) {
        return a.at("volgnummer").to_number<std::int64_t>() < b.at("volgnummer").to_number<std::int64_t>();
    });
    std::ifstream in(file, std::ios::binary);
    const std::string boundary = "thorbecke-import-" + NewUuid();
    for (const auto& part : ordered) {
        auto omvang = static_cast<std::size_t>(part.at("omvang").to_number<std::int64_t>());
        std::string data(omvang, '\0');
        in.read(data.data(), static_cast<std::streamsize>(omvang));
        if (static_cast<std::size_t>(in.gcount()) != omvang) return Fail(Error::Internal("inhoud korter dan verwacht"));
        std::string body = fmt::format(
            "--{0}\r\nContent-Disposition: form-data; name=\"lock\"\r\n\r\n{1}\r\n--{0}\r\nContent-Disposition: "
            "form-data; name=\"inhoud\"; filename=\"deel\"\r\nContent-Type: application/octet-stream\r\n\r\n",
            boundary,
            lock
        );
        body += data;
        data.clear();
        data.shrink_to_fit();
        body += fmt::format("\r\n--{}--\r\n", boundary);
        std::string path = std::string(Text(part, "url"));
        path = path.substr(kLocalBase.size());
        auto put = local_.Call(Method::kPut, path, std::move(body), "multipart/form-data; boundary=" + boundary);
        if (!put) return Fail(put.error());
    }
    std::string unlock = fmt::format("{}/enkelvoudiginformatieobjecten/{}/unlock", kDocumenten, uuid);
    auto done = local_.Call(Method::kPost, unlock, fmt::format("{{\"lock\":{}}}", json::Quote(lock)));
    if (!done) return Fail(done.error());
    return {};
}

Status Importer::Document(Tally& tally, bj::object& item) {
    std::string url = Text(item, "url");
    std::string uuid = LastSegment(url);
    std::string path = fmt::format("{}/enkelvoudiginformatieobjecten/{}", kDocumenten, uuid);
    const auto* omvang = item.if_contains("bestandsomvang");
    std::int64_t size = omvang && omvang->is_int64() ? omvang->as_int64() : -1;
    bool has_content = size > 0 && !Text(item, "inhoud").empty();
    if (auto there = Existing(path)) {
        // Complete: the same size and no upload left open. Otherwise an earlier run stopped halfway through
        // the content: the document (no relations yet, those come later) is made anew.
        const auto* here = there->if_contains("bestandsomvang");
        const auto* locked = there->if_contains("locked");
        bool complete = (!locked || !locked->is_bool() || !locked->as_bool()) &&
                        (!has_content || (here && here->is_int64() && here->as_int64() == size));
        if (complete) {
            tally.count().existing++;
            return {};
        }
        auto removed = local_.Call(Method::kDelete, path);
        if (!removed) {
            Failed(tally, url, removed.error());
            return {};
        }
    }
    bj::object source = item;
    bj::value body(std::move(item));
    Rewrite(body);
    auto& b = body.as_object();
    for (auto key : {"inhoud", "bestandsdelen", "lock", "locked", "versie", "beginRegistratie"}) b.erase(key);
    // drc: the indicatie becomes true when its gebruiksrechten are imported, never directly.
    if (const auto* g = b.if_contains("indicatieGebruiksrecht"); g && g->is_bool() && g->as_bool()) {
        b.erase("indicatieGebruiksrecht");
    }
    if (has_content) {
        b["inhoud"] = nullptr;
        b["bestandsomvang"] = size;
    }
    auto made = Create(tally, url, std::string(kDocumenten) + "/enkelvoudiginformatieobjecten", b);
    if (!made || !has_content) return {};
    if (auto st = Content(uuid, source, *made); !st) {
        if (st.error().code == "unreachable" || st.error().code == "credentials") return st;
        tally.count().created--;
        Failed(tally, url, st.error());
        // Leave no half document behind: the next run imports it again.
        (void)local_.Call(Method::kDelete, path);
    }
    return {};
}

Status Importer::Documenten() {
    std::string root(kDocumenten);
    {
        Tally tally(summary_, "enkelvoudiginformatieobjecten", options_.progress);
        auto st = source_.ForEach(
            root + "/enkelvoudiginformatieobjecten",
            [&](std::int64_t n) { tally.Total(n); },
            [&](bj::object& item) -> Status {
                auto one = Document(tally, item);
                tally.Step();
                return one;
            }
        );
        tally.Done();
        if (!st) return st;
    }
    if (auto st = Copy("gebruiksrechten", root + "/gebruiksrechten"); !st) return st;
    if (auto st = Copy("verzendingen", root + "/verzendingen"); !st) return st;
    return {};
}

Status Importer::Zaken() {
    std::string root(kZaken);
    // Hoofdzaken before their deelzaken; relevanteAndereZaken once all zaken are there; the archive fields
    // after the statussen that close a zaak.
    Tally zaken(summary_, "zaken", options_.progress);
    for (bool deelzaken : {false, true}) {
        auto st = source_.ForEach(
            root + "/zaken",
            [&](std::int64_t n) {
                if (!deelzaken) zaken.Total(n);
            },
            [&](bj::object& item) -> Status {
                bool is_deel = !Text(item, "hoofdzaak").empty();
                zaak_paths_.insert(LocalPath(Text(item, "url")));
                if (is_deel) deelzaken_.insert(Text(item, "url"));
                if (is_deel != deelzaken) return {};
                bj::object archive;
                for (auto key : {"archiefnominatie", "archiefactiedatum", "archiefstatus"}) {
                    if (const auto* v = item.if_contains(key)) archive[key] = *v;
                }
                std::string path = LocalPath(Text(item, "url"));
                // Also for a zaak an interrupted run created: it may have stopped before the PATCH.
                const auto* relevant = item.if_contains("relevanteAndereZaken");
                if (relevant && relevant->is_array() && !relevant->as_array().empty()) {
                    relevant_.emplace_back(path, *relevant);
                }
                auto adjust = [&](bj::object& b) {
                    if (b.contains("relevanteAndereZaken")) b["relevanteAndereZaken"] = bj::array();
                    // Archived later: archiefstatus other than nog_te_archiveren needs documents and closure.
                    b.erase("archiefstatus");
                    return true;
                };
                CopyOne(zaken, item, root + "/zaken", adjust, nullptr);
                archive_.emplace_back(path, std::move(archive));
                zaken.Step();
                return {};
            }
        );
        if (!st) return st;
    }
    zaken.Done();
    if (!relevant_.empty()) Patch("zaken relevanteAndereZaken", "relevanteAndereZaken", relevant_);
    for (std::string kind :
         {"zaakobjecten",
          "rollen",
          "klantcontacten",
          "zaakcontactmomenten",
          "zaakverzoeken",
          "zaakinformatieobjecten",
          "resultaten"}) {
        if (auto st = Copy(kind, root + "/" + kind); !st) return st;
    }
    {
        // zaakeigenschappen live under their zaak.
        Tally tally(summary_, "zaakeigenschappen", options_.progress);
        std::int64_t total = 0;
        for (const auto& path : zaak_paths_) {
            auto st = source_.ForEach(
                path + "/zaakeigenschappen",
                [&](std::int64_t n) { total += std::max<std::int64_t>(n, 0); },
                [&](bj::object& item) -> Status {
                    tally.Total(total);
                    CopyOne(tally, item, path + "/zaakeigenschappen", nullptr, nullptr);
                    tally.Step();
                    return {};
                }
            );
            if (!st) return st;
        }
        tally.Total(total);
        tally.Done();
    }
    {
        // Statussen per zaak in the order they were set: the last one may close it.
        std::vector<bj::object> statussen;
        Tally tally(summary_, "statussen", options_.progress);
        auto st = source_.ForEach(
            root + "/statussen",
            [&](std::int64_t n) { tally.Total(n); },
            [&](bj::object& item) -> Status {
                statussen.push_back(std::move(item));
                return {};
            }
        );
        if (!st) return st;
        // Deelzaken first: a hoofdzaak closes only when its deelzaken are closed.
        auto key = [this](const bj::object& o) {
            std::string zaak = Text(o, "zaak");
            return std::tuple(deelzaken_.count(zaak) == 0, zaak, Text(o, "datumStatusGezet"));
        };
        std::stable_sort(statussen.begin(), statussen.end(), [&key](const bj::object& a, const bj::object& b) {
            return key(a) < key(b);
        });
        for (auto& s : statussen) {
            CopyOne(tally, s, root + "/statussen", nullptr, nullptr);
            tally.Step();
        }
        tally.Done();
    }
    {
        Tally tally(summary_, "zaken archiefgegevens", options_.progress);
        tally.Total(static_cast<std::int64_t>(archive_.size()));
        for (auto& [path, archive] : archive_) {
            auto here = Existing(path);
            if (!here) continue;
            bj::object patch;
            for (const auto& kv : archive) {
                const auto* now = here->if_contains(kv.key());
                if (!now || *now != kv.value()) patch[kv.key()] = kv.value();
            }
            if (patch.empty()) continue;
            Counted(tally, path, local_.Call(Method::kPatch, path, json::Serialize(patch)));
        }
        tally.Done();
    }
    return {};
}

Status Importer::Besluiten() {
    std::string root(kBesluiten);
    if (auto st = Copy("besluiten", root + "/besluiten"); !st) return st;
    if (auto st = Copy("besluitinformatieobjecten", root + "/besluitinformatieobjecten"); !st) return st;
    return {};
}

Status Importer::Run() {
    if (auto st = Catalogi(); !st) return st;
    if (auto st = Documenten(); !st) return st;
    if (auto st = Zaken(); !st) return st;
    if (auto st = Besluiten(); !st) return st;
    // Objectinformatieobjecten mirror the zaak- and besluitinformatieobjecten of this platform (made with
    // them, under new UUIDs); only links to objects elsewhere are copied as they are.
    std::string root(kDocumenten);
    auto adjust = [this](bj::object& b) {
        std::string object = Text(b, "object");
        return !object.starts_with(std::string(kLocalBase) + "/");
    };
    Tally tally(summary_, "objectinformatieobjecten", options_.progress);
    auto st = source_.ForEach(
        root + "/objectinformatieobjecten",
        [&](std::int64_t n) { tally.Total(n); },
        [&](bj::object& item) -> Status {
            bj::value probe = item;
            Rewrite(probe);
            if (!adjust(probe.as_object())) {
                tally.count().existing++;  // mirrored here by its zaak- or besluitinformatieobject
                return {};
            }
            CopyOne(tally, item, root + "/objectinformatieobjecten", nullptr, nullptr);
            tally.Step();
            return {};
        }
    );
    tally.Done();
    return st;
}

}  // namespace

Result<Summary> Run(storage::Database& db, const Options& options) {
    auto start = Clock::now();
    Source source(options.source);
    // Fail early, with one clear message, when the source cannot be reached or refuses the credentials.
    auto probe = source.GetJson(std::string(kCatalogi) + "/catalogussen");
    if (!probe) return Fail(probe.error());
    auto local = Local::Open(db, options.data_dir, options.part_bytes, options.document_max_bytes);
    if (!local) return Fail(local.error());
    Summary summary;
    Importer importer(source, **local, options, summary);
    auto st = importer.Run();
    if (!st) return Fail(st.error());
    summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return summary;
}

std::string SummaryJson(const Summary& summary) {
    bj::object out;
    bj::object kinds;
    std::int64_t created = 0, existing = 0, failed = 0;
    for (const auto& k : summary.kinds) {
        bj::object o;
        o["total"] = k.total;
        o["created"] = k.created;
        o["existing"] = k.existing;
        o["failed"] = k.failed;
        kinds[k.kind] = std::move(o);
        created += k.created;
        existing += k.existing;
        failed += k.failed;
    }
    bj::array failures;
    for (const auto& f : summary.failures) {
        bj::object o;
        o["kind"] = f.kind;
        o["url"] = f.source_url;
        o["status"] = f.status;
        o["detail"] = f.detail;
        bj::array params;
        for (const auto& p : f.invalid_params) {
            params.push_back(bj::object{{"name", p.name}, {"code", p.code}, {"reason", p.reason}});
        }
        o["invalidParams"] = std::move(params);
        failures.push_back(std::move(o));
    }
    out["ok"] = failed == 0;
    out["created"] = created;
    out["existing"] = existing;
    out["failed"] = failed;
    out["contentBytes"] = summary.content_bytes;
    out["seconds"] = summary.seconds;
    out["kinds"] = std::move(kinds);
    out["failures"] = std::move(failures);
    return json::Serialize(out);
}

}  // namespace thorbecke::importer
