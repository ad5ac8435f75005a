// Document content: where the bytes go and how they come back.
//
// - Inline content (`inhoud` as base64 in a JSON body, up to document_inline_max_bytes of body) is decoded in
//   pieces straight into a new blob on the blocking pool, before the metadata transaction; the version row
//   keeps only the blob key and size. A failed write forgets the blob again.
// - Large content comes in parts (bestandsdelen): a create or update with `inhoud` null and `bestandsomvang`
//   > 0 locks the document and gets ceil(size / document_part_bytes) parts. Each PUT /bestandsdelen/{uuid}
//   (multipart/form-data: `inhoud` file + `lock`) stores one part as its own blob. When the last part has
//   arrived the part blobs are streamed in order into one new blob (a buffer at a time, never the whole file
//   in memory), the current version gets its key, and the parts and their blobs are removed.
// - GET …/download streams the blob's file (Response::file_path) of the asked version.
// Blobs are content-addressed, so versions with equal content share one; a blob is removed only when no
// version or part refers to it any more (ForgetBlobs, after the commit) and no request of this process holds it
// for a transaction still running (Hold/Release). Nodes that share one file store can still race there.
#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>
#include <boost/json.hpp>

#include "core/blocking.h"
#include "core/http/multipart.h"
#include "core/json/json.h"
#include "core/json/oas.h"
#include "core/time.h"
#include "core/uuid.h"
#include "documenten/internal.h"

namespace thorbecke::documenten {

using namespace detail;

namespace {

constexpr std::size_t kDecodeChunk = 4 << 20;  // base64 characters per piece (a multiple of 4)
constexpr std::size_t kCopyBuffer = 1 << 20;

//! -1 for characters outside the standard base64 alphabet.
constexpr std::array<int, 256> MakeDecodeTable() {
    std::array<int, 256> t{};
    for (auto& v : t) v = -1;
    constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (std::size_t i = 0; i < kAlphabet.size(); ++i)
        t[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int>(i);
    return t;
}
constexpr std::array<int, 256> kDecode = MakeDecodeTable();

Error Base64Error(std::string code, std::string reason) {
    return Error::Validation({InvalidParam{"inhoud", std::move(code), std::move(reason)}});
}

//! Decodes `text` (whole quads; padding only in the last) into `writer`, a piece at a time.
Result<storage::BlobInfo> DecodeInto(std::string_view text, storage::BlobWriter& writer) {
    if (text.size() % 4 != 0) {
        return Fail(Base64Error("incorrect-base64-padding", "De base64-inhoud heeft een onjuiste opvulling."));
    }
    std::string out;
    out.reserve(kDecodeChunk / 4 * 3);
    for (std::size_t start = 0; start < text.size(); start += kDecodeChunk) {
        std::string_view piece = text.substr(start, kDecodeChunk);
        bool last_piece = start + kDecodeChunk >= text.size();
        out.clear();
        for (std::size_t i = 0; i < piece.size(); i += 4) {
            bool last_quad = last_piece && i + 4 == piece.size();
            int pad = 0;
            std::array<int, 4> v{};
            for (std::size_t j = 0; j < 4; ++j) {
                char c = piece[i + j];
                if (c == '=' && last_quad && j >= 2) {
                    ++pad;
                    v[j] = 0;
                    continue;
                }
                if (pad > 0) return Fail(Base64Error("invalid-base64", "De inhoud is geen geldige base64."));
                v[j] = kDecode[static_cast<unsigned char>(c)];
                if (v[j] < 0) return Fail(Base64Error("invalid-base64", "De inhoud is geen geldige base64."));
            }
            std::uint32_t bits = (static_cast<std::uint32_t>(v[0]) << 18) | (static_cast<std::uint32_t>(v[1]) << 12) |
                                 (static_cast<std::uint32_t>(v[2]) << 6) | static_cast<std::uint32_t>(v[3]);
            out.push_back(static_cast<char>((bits >> 16) & 0xff));
            if (pad < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
            if (pad < 1) out.push_back(static_cast<char>(bits & 0xff));
        }
        auto written = writer.Write(out);
        if (!written) return Fail(written.error());
    }
    return writer.Commit();
}

//! Streams the blobs `keys` in order into one new blob.
Result<storage::BlobInfo> Concatenate(storage::BlobStore& blobs, const std::vector<std::string>& keys) {
    auto writer = blobs.Create();
    if (!writer) return Fail(writer.error());
    std::vector<char> buffer(kCopyBuffer);
    for (const auto& key : keys) {
        auto reader = blobs.Open(key);
        if (!reader) return Fail(reader.error());
        for (;;) {
            auto n = (*reader)->Read(buffer.data(), buffer.size());
            if (!n) return Fail(n.error());
            if (*n == 0) break;
            auto w = (*writer)->Write(std::string_view(buffer.data(), *n));
            if (!w) return Fail(w.error());
        }
    }
    return (*writer)->Commit();
}

std::string Quoted(std::string_view filename) {
    std::string out;
    for (char c : filename) {
        if (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) continue;
        out += c;
    }
    return out;
}

//! The Content-Type of a download: the document's formaat when it is a well-formed media type (it comes from
//! a client and goes into a header: nothing else may pass), unless the client asks for the OAS's
//! application/octet-stream and does not accept the formaat.
std::string DownloadType(std::string_view formaat, std::string_view accept) {
    constexpr std::string_view kOctets = "application/octet-stream";
    auto token = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) ||
               std::string_view("!#$&^_.+-").find(c) != std::string_view::npos;
    };
    std::size_t slash = formaat.find('/');
    bool valid = slash != std::string_view::npos && slash > 0 && slash + 1 < formaat.size() && formaat.size() <= 255;
    for (std::size_t i = 0; valid && i < formaat.size(); ++i) valid = i == slash || token(formaat[i]);
    if (!valid) return std::string(kOctets);
    bool takes_any = accept.empty() || accept.find("*/*") != std::string_view::npos ||
                     accept.find(formaat) != std::string_view::npos ||
                     accept.find(std::string(formaat.substr(0, slash)) + "/*") != std::string_view::npos;
    if (!takes_any && accept.find(kOctets) != std::string_view::npos) return std::string(kOctets);
    return std::string(formaat);
}

}  // namespace

asio::awaitable<Result<std::optional<storage::BlobInfo>>> Service::StoreInline(const bj::value* inhoud) {
    if (!inhoud || inhoud->is_null()) co_return std::optional<storage::BlobInfo>();
    if (!inhoud->is_string()) co_return Fail(Base64Error("invalid", "Verwachtte base64-tekst."));
    std::string_view text = inhoud->as_string();
    if (text.empty()) co_return std::optional<storage::BlobInfo>();
    if (text.size() / 4 * 3 > limits_.document_max_bytes) {
        co_return Fail(Base64Error(
            "max_size", fmt::format("Een document mag niet groter zijn dan {} bytes.", limits_.document_max_bytes)
        ));
    }
    storage::BlobStore* blobs = &blobs_;
    auto decode = [blobs, text]() -> Result<storage::BlobInfo> {
        auto writer = blobs->Create();
        if (!writer) return Fail(writer.error());
        return DecodeInto(text, **writer);
    };
    auto stored = co_await Blocking(decode);
    if (!stored) co_return Fail(stored.error());
    if (auto held = Hold(stored->key); !held) co_return Fail(held.error());  // the caller releases it
    co_return std::optional<storage::BlobInfo>(*stored);
}

asio::awaitable<Status> Service::CreateParts(storage::Session& s, std::string document, std::int64_t size) {
    auto part = static_cast<std::int64_t>(std::max<std::uint64_t>(1, limits_.part_bytes));
    std::int64_t left = size;
    for (std::int64_t n = 1; left > 0; ++n) {
        PartRow row{NewUuid(), document, n, std::min(part, left), std::nullopt};
        auto ins = co_await store_.InsertPart(s, row);
        if (!ins) co_return ins;
        left -= row.omvang;
    }
    co_return Status{};
}

asio::awaitable<void> Service::ForgetBlob(std::string key) {
    std::vector<std::string> keys(1, std::move(key));
    co_await ForgetBlobs(std::move(keys));
}

asio::awaitable<void> Service::ForgetBlobs(std::vector<std::string> keys) {
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (const auto& key : keys) {
        storage::AutocommitSession session(store_.db());
        auto used = co_await store_.BlobInUse(session, key);
        if (!used || *used) continue;
        // A request that wrote the same content after the check holds it by now (see Hold).
        std::lock_guard guard(holds_mutex_);
        if (!holds_.contains(key)) (void)blobs_.Remove(key);
    }
}

Status Service::Hold(const std::string& key) {
    std::lock_guard guard(holds_mutex_);
    if (!blobs_.Exists(key))
        return Fail(Error::Unavailable("De inhoud werd tegelijk verwijderd; probeer het opnieuw."));
    holds_.insert(key);
    return {};
}

void Service::Release(const std::string& key) {
    std::lock_guard guard(holds_mutex_);
    if (auto it = holds_.find(key); it != holds_.end()) holds_.erase(it);
}

std::string Service::PartsJson(const std::vector<PartRow>& parts, const std::string& lock, const std::string& base)
    const {
    bj::array out;
    for (const auto& p : parts) {
        bj::object o;
        o["url"] = fmt::format("{}{}{}", base, kPartsPath, p.uuid);
        o["volgnummer"] = p.volgnummer;
        o["omvang"] = p.omvang;
        o["voltooid"] = p.blob_key.has_value();
        o["lock"] = lock;
        out.push_back(std::move(o));
    }
    return json::Serialize(out);
}

asio::awaitable<Result<http::Response>> Service::Download(const Operation& op, http::Request& req) {
    std::string uuid = Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    auto which = WhichVersion(req, "/enkelvoudiginformatieobjecten/{uuid}/download");
    if (!which) co_return Fail(which.error());
    std::int64_t versie = which->versie;
    std::string registratie_op = which->registratie_op;
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    std::optional<VersionRow> version;
    auto st = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto row = co_await store_.GetDocument(s, uuid, false);
        if (!row) co_return Fail(row.error());
        if (!*row) co_return Fail(Error::NotFound());
        if (!MayAccess(principal, op.scopes, **row)) co_return Fail(Error::Forbidden());
        auto v = co_await store_.GetVersion(s, uuid, versie, registratie_op);
        if (!v) co_return Fail(v.error());
        if (!*v) co_return Fail(Error::NotFound());
        version = std::move(**v);
        co_return Status{};
    });
    if (!st) co_return Fail(st.error());
    if (!version->blob_key) co_return http::Response::NoContent();  // no content (yet), as Open Zaak answers
    auto path = blobs_.LocalPath(*version->blob_key);
    if (!path) co_return Fail(Error::Internal("document content not available as a file"));
    auto doc = json::Parse(version->doc);
    std::string formaat = doc && doc->is_object() ? json::TextOf(doc->as_object(), "formaat") : std::string();
    std::string filename = doc && doc->is_object() ? json::TextOf(doc->as_object(), "bestandsnaam") : std::string();
    http::Response resp;
    resp.status = 200;
    resp.content_type = DownloadType(formaat, req.Header("accept"));
    resp.file_path = *path;
    resp.SetHeader(
        "Content-Disposition",
        filename.empty() ? std::string("attachment") : fmt::format("attachment; filename=\"{}\"", Quoted(filename))
    );
    co_return resp;
}

asio::awaitable<Result<http::Response>> Service::PutPart(const Operation& op, http::Request& req) {
    std::string uuid = Lower(req.PathParam("uuid"));
    if (!IsUuid(uuid)) co_return Fail(Error::NotFound());
    auto form = http::ParseMultipart(req.Header("content-type"), req.body);
    if (!form) co_return Fail(form.error());
    const http::FormPart* inhoud = nullptr;
    std::string lock;
    bool has_lock = false;
    for (const auto& part : *form) {
        if (part.name == "inhoud") inhoud = &part;
        if (part.name == "lock") {
            lock = std::string(part.data);
            has_lock = true;
        }
    }
    std::vector<InvalidParam> missing;
    if (!has_lock || lock.empty()) missing.push_back({"lock", "required", "Dit veld is vereist."});
    if (!inhoud) missing.push_back({"inhoud", "required", "Dit veld is vereist."});
    if (!missing.empty()) co_return Fail(Error::Validation(std::move(missing)));
    const auth::Principal* principal = req.principal ? &*req.principal : nullptr;
    // Check before storing anything: the part exists, the caller may write, the lock and the size are right.
    auto check = [&](storage::Session& s) -> asio::awaitable<Result<PartRow>> {
        auto part = co_await store_.GetPart(s, uuid, false);
        if (!part) co_return Fail(part.error());
        if (!*part) co_return Fail(Error::NotFound());
        // The document row, locked: parts of one document complete one at a time, so one of them sees all done.
        auto row = co_await store_.GetDocument(s, (*part)->document, true);
        if (!row) co_return Fail(row.error());
        if (!*row) co_return Fail(Error::NotFound());
        if (!MayAccess(principal, op.scopes, **row)) co_return Fail(Error::Forbidden());
        if (lock != (*row)->lock) {
            co_return Fail(Rule("nonFieldErrors", "incorrect-lock-id", "Het lock-id is niet correct."));
        }
        if (static_cast<std::int64_t>(inhoud->data.size()) != (*part)->omvang) {
            co_return Fail(Rule(
                "inhoud",
                "file-size",
                fmt::format(
                    "Het aangeleverde bestand heeft een afwijkende bestandsgrootte (volgens het `omvang`-veld). "
                    "Verwachting: {}b, ontvangen: {}b",
                    (*part)->omvang,
                    inhoud->data.size()
                )
            ));
        }
        co_return **part;
    };
    std::optional<PartRow> part;
    auto checked = co_await store_.db().Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto p = co_await check(s);
        if (!p) co_return Fail(p.error());
        part = std::move(*p);
        co_return Status{};
    });
    if (!checked) co_return Fail(checked.error());
    storage::BlobStore* blobs = &blobs_;
    std::string_view data = inhoud->data;
    auto write = [blobs, data]() -> Result<storage::BlobInfo> {
        auto writer = blobs->Create();
        if (!writer) return Fail(writer.error());
        for (std::size_t at = 0; at < data.size(); at += kCopyBuffer) {
            auto w = (*writer)->Write(data.substr(at, kCopyBuffer));
            if (!w) return Fail(w.error());
        }
        return (*writer)->Commit();
    };
    auto stored = co_await Blocking(write);
    if (!stored) co_return Fail(stored.error());
    if (auto held = Hold(stored->key); !held) co_return Fail(held.error());
    std::string document = part->document;
    std::vector<PartRow> parts;
    auto st = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto p = co_await check(s);  // again, under the row lock: the upload may have ended meanwhile
        if (!p) co_return Fail(p.error());
        auto set = co_await store_.SetPartBlob(s, uuid, stored->key);
        if (!set) co_return set;
        auto all = co_await store_.PartsOf(s, document);
        if (!all) co_return Fail(all.error());
        parts = std::move(*all);
        co_return Status{};
    });
    Release(stored->key);
    if (!st) {
        co_await ForgetBlob(stored->key);
        co_return Fail(st.error());
    }
    std::vector<PartRow> shown(1, *part);
    shown.front().blob_key = stored->key;
    std::string body = PartsJson(shown, lock, req.base_url);
    body = body.substr(1, body.size() - 2);  // the one object
    bool complete = std::all_of(parts.begin(), parts.end(), [](const PartRow& p) { return p.blob_key.has_value(); });
    if (!complete || parts.empty()) co_return JsonResponse(200, std::move(body));

    // The last part: assemble the document's content, off the event loop and outside any transaction.
    std::vector<std::string> keys;
    for (const auto& p : parts) keys.push_back(*p.blob_key);
    auto concatenate = [blobs, keys] { return Concatenate(*blobs, keys); };
    auto whole = co_await Blocking(concatenate);
    if (!whole) co_return Fail(whole.error());
    if (auto held = Hold(whole->key); !held) co_return Fail(held.error());
    std::vector<std::string> dropped;
    auto done = co_await store_.db().Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
        dropped.clear();
        auto now = co_await store_.PartsOf(s, document);
        if (!now) co_return Fail(now.error());
        bool same = now->size() == parts.size() &&
                    std::equal(now->begin(), now->end(), parts.begin(), [](const PartRow& a, const PartRow& b) {
                        return a.uuid == b.uuid && a.blob_key == b.blob_key;
                    });
        if (!same) co_return Status{};  // another request assembled it, or a new version started meanwhile
        auto version = co_await store_.GetVersion(s, document, 0, "");
        if (!version) co_return Fail(version.error());
        if (!*version) co_return Fail(Error::NotFound());
        auto doc = json::Parse((*version)->doc);
        if (!doc || !doc->is_object()) co_return Fail(Error::Internal("stored document unreadable"));
        doc->as_object()["bestandsomvang"] = static_cast<std::int64_t>(whole->size);
        auto set = co_await store_.SetVersionContent(
            s, document, (*version)->versie, json::Serialize(*doc), whole->key, static_cast<std::int64_t>(whole->size)
        );
        if (!set) co_return set;
        auto gone = co_await store_.DeleteParts(s, document);
        if (!gone) co_return Fail(gone.error());
        dropped = std::move(*gone);
        co_return Status{};
    });
    Release(whole->key);
    if (!done) {
        co_await ForgetBlob(whole->key);
        co_return Fail(done.error());
    }
    dropped.push_back(whole->key);  // kept: the version refers to it; removed only if the assembly lost a race
    co_await ForgetBlobs(dropped);
    co_return JsonResponse(200, std::move(body));
}

}  // namespace thorbecke::documenten
